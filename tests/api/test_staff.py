"""Staff endpoints: bearer auth (never the session cookie), roles, four eyes, state machine,
optimistic locking — through the real services."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import ListingState
from credit_service.core.web import today_local
from tests.api.conftest import assert_error

D = dt.date


def _propose(api, headers, agency, record):
    return api.post("/listings", json={
        "uscc": agency.uscc, "list_kind": "black", "basis_record_id": record.id,
        "reason": "未取得许可证从事职业中介活动", "legal_basis": "《人力资源市场暂行条例》第四十二条",
        "proposed_on": "2026-02-10"}, headers=headers)


def test_without_token_is_401_before_the_body_is_read(api):
    response = api.post("/listings", json={"nonsense": True})
    body = assert_error(response, 401)
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert "令牌" in body["message"]


@pytest.mark.parametrize("header", ["Bearer cs_not-a-real-token", "Basic dXNlcjpwYXNz",
                                    "Bearer", "cs_token-without-scheme"])
def test_bad_tokens_are_401(api, header):
    assert_error(api.post("/listings", json={}, headers={"Authorization": header}), 401)


def test_revoked_token_and_disabled_account_are_401(api, db, clerk, create_user, token_for):
    from credit_service.auth.models import ApiToken
    from credit_service.auth.services import revoke_token
    from credit_service.core.enums import Role

    token = token_for(clerk)
    revoke_token(db.session.query(ApiToken).filter_by(user_id=clerk.id).one(), clerk)
    assert_error(api.post("/listings", json={}, headers={"Authorization": f"Bearer {token}"}), 401)

    someone = create_user(Role.REVIEWER)
    token = token_for(someone)
    someone.active = False
    db.session.flush()
    assert_error(api.post("/listings", json={}, headers={"Authorization": f"Bearer {token}"}), 401)


def test_staff_session_cookie_does_not_authenticate_the_api(client, api, clerk):
    # The API is CSRF-exempt, so a signed-in browser session must not be able to write.
    with client.session_transaction() as session:
        session["_user_id"] = str(clerk.id)
        session["_fresh"] = True
    assert_error(api.post("/listings", json={}), 401)


def test_black_list_procedure_with_a_token(api, dummy_agency, veto_record, clerk, reviewer,
                                           second_reviewer, bearer):
    clerk_h, reviewer_h = bearer(clerk), bearer(reviewer)
    created = _propose(api, clerk_h, dummy_agency, veto_record)
    assert created.status_code == 201, created.get_json()
    listing = created.get_json()
    assert listing["state"] == "proposed" and listing["version"] == 1
    events = f"/listings/{listing['id']}/events"

    # a second proposal for the same agency is a conflict
    assert_error(_propose(api, clerk_h, dummy_agency, veto_record), 409)
    # publish before the decision: illegal transition
    assert_error(api.post(events, json={"action": "publish", "date": "2026-02-12"},
                          headers=reviewer_h), 409)
    # unknown action: 422 listing the choices
    assert_error(api.post(events, json={"action": "teleport"}, headers=reviewer_h), 422, "action")

    notified = api.post(events, json={"action": "notify", "date": "2026-02-13",
                                      "document_number": "济人社告〔2026〕1号"}, headers=clerk_h)
    assert notified.status_code == 200, notified.get_json()
    notified = notified.get_json()
    assert notified["state"] == "notified" and notified["objection_deadline"] == "2026-02-27"

    # a clerk cannot decide (403); deciding inside the objection window is a conflict (409)
    decide = {"action": "decide", "date": "2026-03-02", "document_number": "济人社列〔2026〕1号"}
    assert_error(api.post(events, json=decide, headers=clerk_h), 403)
    assert_error(api.post(events, json={**decide, "date": "2026-02-20"}, headers=reviewer_h), 409)
    # stale version → 409 with the current version
    stale = assert_error(api.post(events, json={**decide, "version": 1}, headers=reviewer_h), 409)
    assert stale["current_version"] == notified["version"]

    decided = api.post(events, json={**decide, "version": notified["version"]},
                       headers=reviewer_h)
    assert decided.status_code == 200, decided.get_json()
    published = api.post(events, json={"action": "publish", "date": "2026-03-03"},
                         headers=bearer(second_reviewer)).get_json()
    assert published["state"] == ListingState.PUBLISHED.value
    assert [e["action"] for e in published["events"]] == ["propose", "notify", "decide", "publish"]

    black = api.get("/lists/black").get_json()
    assert [entry["uscc"] for entry in black] == [dummy_agency.uscc]


def test_four_eyes_the_proposer_cannot_decide(api, dummy_agency, veto_record, reviewer, bearer):
    headers = bearer(reviewer)
    listing = _propose(api, headers, dummy_agency, veto_record).get_json()
    events = f"/listings/{listing['id']}/events"
    api.post(events, json={"action": "notify", "date": "2026-02-13",
                           "document_number": "济人社告〔2026〕2号"}, headers=headers)
    body = assert_error(api.post(events, json={"action": "decide", "date": "2026-03-02",
                                               "document_number": "济人社列〔2026〕2号"},
                                 headers=headers), 403)
    assert "四眼" in body["message"]


def test_listing_for_unknown_agency_is_404_and_missing_listing_is_404(api, clerk, bearer):
    response = api.post("/listings", json={"uscc": "91419001MA4000000C", "list_kind": "black",
                                           "reason": "x"}, headers=bearer(clerk))
    assert_error(response, 404)
    assert_error(api.post("/listings/999999/events", json={"action": "notify"},
                          headers=bearer(clerk)), 404)


def test_public_case_submission_and_staff_decision(api, dummy_agency, veto_record, clerk,
                                                   reviewer, bearer):
    submitted = api.post("/cases", json={
        "kind": "objection", "subject": "record", "uscc": dummy_agency.uscc,
        "record_id": veto_record.id, "applicant_name": "李四", "applicant_contact": "13900000000",
        "statement": "该处罚决定已被行政复议撤销，请求撤销该失信记录。"})
    assert submitted.status_code == 201, submitted.get_json()
    receipt = submitted.get_json()
    assert receipt["token"] and receipt["state"] == "submitted"
    assert "13900000000" not in submitted.get_data(as_text=True)
    decision = f"/cases/{receipt['number']}/decision"

    assert_error(api.post(decision, json={"accepted": False, "reasons": "不予支持"},
                          headers=bearer(clerk)), 403)
    assert_error(api.post(decision, json={"accepted": "maybe"}, headers=bearer(reviewer)), 422,
                 "accepted", "reasons")
    decided = api.post(decision, json={"accepted": False, "reasons": "复议决定未撤销原处罚",
                                       "date": today_local().isoformat()},
                       headers=bearer(reviewer))
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["state"] == "rejected"
    assert_error(api.post(decision, json={"accepted": True, "reasons": "再次决定"},
                          headers=bearer(reviewer)), 409)
    assert_error(api.post("/cases/XX2026-999999/decision", json={"accepted": True,
                          "reasons": "无此案件"}, headers=bearer(reviewer)), 404)


def test_case_submission_errors_are_field_level(api, dummy_agency):
    body = assert_error(api.post("/cases", json={
        "kind": "repair", "subject": "record", "uscc": dummy_agency.uscc,
        "applicant_name": "李四", "applicant_contact": "x", "statement": "请求信用修复，已整改完毕。"}),
        422)
    assert "record_id" in body["errors"] or "corrected_on" in body["errors"]
