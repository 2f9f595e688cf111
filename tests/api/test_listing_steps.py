"""POST /listings/<id>/events beyond notify/decide/publish: objection, revocation, withdrawal,
removal at term end, and the red list's own procedure (nominate → publicise → designate →
publish → revoke/expire), through the real lists service."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import Grade
from tests.api.conftest import assert_error

D = dt.date


@pytest.fixture
def black(api, dummy_agency, veto_record, clerk, bearer):
    """A proposed black-list entry: ``(listing json, events path)``."""
    response = api.post("/listings", json={
        "uscc": dummy_agency.uscc, "list_kind": "black", "basis_record_id": veto_record.id,
        "reason": "未取得许可证从事职业中介活动", "proposed_on": "2026-02-10"},
        headers=bearer(clerk))
    assert response.status_code == 201, response.get_json()
    listing = response.get_json()
    return listing, f"/listings/{listing['id']}/events"


def _ok(response, state):
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == state, body
    return body


def _publish_black(api, events, clerk_h, reviewer_h):
    _ok(api.post(events, json={"action": "notify", "date": "2026-02-13",
                               "document_number": "济人社告〔2026〕5号"}, headers=clerk_h),
        "notified")
    _ok(api.post(events, json={"action": "decide", "date": "2026-03-02",
                               "document_number": "济人社列〔2026〕5号"}, headers=reviewer_h),
        "decided")
    return _ok(api.post(events, json={"action": "publish", "date": "2026-03-03"},
                        headers=reviewer_h), "published")


def test_objection_then_decision_with_reasons(api, black, clerk, reviewer, bearer):
    _, events = black
    clerk_h, reviewer_h = bearer(clerk), bearer(reviewer)
    _ok(api.post(events, json={"action": "notify", "date": "2026-02-13",
                               "document_number": "济人社告〔2026〕6号"}, headers=clerk_h),
        "notified")
    # an objection after the window (5 working days from service) is too late
    assert_error(api.post(events, json={"action": "object", "date": "2026-03-02"},
                          headers=clerk_h), 409)
    objected = _ok(api.post(events, json={"action": "object", "date": "2026-02-16",
                                          "reasons": "机构称已于 2026-01-20 取得许可证"},
                            headers=clerk_h), "objection")
    decide = {"action": "decide", "date": "2026-03-02", "document_number": "济人社列〔2026〕6号"}
    # deciding against an objection needs the reasons it was found unfounded
    assert_error(api.post(events, json=decide, headers=reviewer_h), 422, "reasons")
    decided = _ok(api.post(events, json={**decide, "version": objected["version"],
                                         "reasons": "经核实，许可证取得于违法行为之后"},
                           headers=reviewer_h), "decided")
    assert [e["action"] for e in decided["events"]] == ["propose", "notify", "object", "decide"]


def test_revoke_a_published_entry(api, black, clerk, reviewer, bearer, dummy_agency):
    _, events = black
    clerk_h, reviewer_h = bearer(clerk), bearer(reviewer)
    _publish_black(api, events, clerk_h, reviewer_h)
    assert [e["uscc"] for e in api.get("/lists/black").get_json()] == [dummy_agency.uscc]

    revoke = {"action": "revoke", "date": "2026-04-01", "reasons": "原处罚决定经行政复议撤销"}
    assert_error(api.post(events, json=revoke, headers=clerk_h), 403)  # a reviewer's step
    assert_error(api.post(events, json={**revoke, "reasons": ""}, headers=reviewer_h), 422,
                 "reasons")
    assert_error(api.post(events, json={**revoke, "date": "2026-03-01"}, headers=reviewer_h),
                 422, "date")  # before the previous step
    _ok(api.post(events, json=revoke, headers=reviewer_h), "revoked")
    assert api.get("/lists/black").get_json() == []
    # a revoked entry is final
    assert_error(api.post(events, json={"action": "remove", "date": "2026-04-02"},
                          headers=reviewer_h), 409)


def test_withdraw_a_proposal_and_propose_again(api, black, clerk, bearer, dummy_agency,
                                               veto_record):
    _, events = black
    headers = bearer(clerk)
    assert_error(api.post(events, json={"action": "withdraw", "date": "2026-02-11"},
                          headers=headers), 422, "reasons")
    _ok(api.post(events, json={"action": "withdraw", "date": "2026-02-11",
                               "reasons": "事实尚需补充调查"}, headers=headers), "withdrawn")
    assert_error(api.post(events, json={"action": "notify", "date": "2026-02-13",
                                        "document_number": "济人社告〔2026〕7号"},
                          headers=headers), 409)
    # nothing pending any more: a new proposal is allowed
    again = api.post("/listings", json={
        "uscc": dummy_agency.uscc, "list_kind": "black", "basis_record_id": veto_record.id,
        "reason": "未取得许可证从事职业中介活动", "proposed_on": "2026-02-12"}, headers=headers)
    assert again.status_code == 201, again.get_json()


def test_remove_at_the_end_of_the_term(api, black, clerk, reviewer, bearer, monkeypatch):
    import credit_service.core.web as web

    _, events = black
    clerk_h = bearer(clerk)
    published = _publish_black(api, events, clerk_h, bearer(reviewer))
    expires_on = D.fromisoformat(published["expires_on"])
    assert expires_on == D(2029, 3, 2)  # 3 years from the decision (45号令第十一条)
    # staff cannot date a step after today: the day the term ends has to have come
    monkeypatch.setattr(web, "today_local", lambda: expires_on)
    removed = _ok(api.post(events, json={"action": "remove", "date": expires_on.isoformat()},
                           headers=clerk_h), "removed")
    assert removed["events"][-1]["action"] == "remove"
    assert api.get("/lists/black").get_json() == []


@pytest.fixture
def red_agency(create_agency, file_annual_reports):
    """Eligible for the red list: grade A, operating since 2018, both annual reports filed,
    no penalties."""
    agency = create_agency(name="济源市示范人力资源服务有限公司", established_on=D(2018, 5, 1),
                           current_grade=Grade.A, current_score=105)
    return file_annual_reports(agency, (2024, 2025))


def _nominate(api, headers, agency):
    return api.post("/listings", json={"uscc": agency.uscc, "list_kind": "red",
                                       "reason": "连续两年信用等级为A", "proposed_on": "2026-09-21"},
                    headers=headers)


def test_red_list_procedure_with_the_api_step_names(api, red_agency, clerk, reviewer,
                                                   bearer):
    clerk_h, reviewer_h = bearer(clerk), bearer(reviewer)
    nominated = _nominate(api, clerk_h, red_agency)
    assert nominated.status_code == 201, nominated.get_json()
    assert nominated.get_json()["state"] == "nominated"
    events = f"/listings/{nominated.get_json()['id']}/events"

    publicised = _ok(api.post(events, json={"action": "notify", "date": "2026-09-21"},
                              headers=clerk_h), "publicity")
    assert publicised["events"][-1]["action"] == "publicise"
    designate = {"action": "decide", "date": "2026-10-14", "document_number": "济人社认〔2026〕1号"}
    # during the publicity period: too early; by the nominating clerk: not a reviewer
    assert_error(api.post(events, json={**designate, "date": "2026-09-25"}, headers=reviewer_h),
                 409)
    assert_error(api.post(events, json=designate, headers=clerk_h), 403)
    designated = _ok(api.post(events, json=designate, headers=reviewer_h), "designated")
    assert designated["events"][-1]["action"] == "designate"
    _ok(api.post(events, json={"action": "publish", "date": "2026-10-15"}, headers=reviewer_h),
        "published")
    assert [e["uscc"] for e in api.get("/lists/red").get_json()] == [red_agency.uscc]

    # removal (= expiry) before the term ends is refused; revocation needs number and reasons
    assert_error(api.post(events, json={"action": "remove", "date": "2026-11-01"},
                          headers=reviewer_h), 409)
    assert_error(api.post(events, json={"action": "revoke", "date": "2026-11-02"},
                          headers=reviewer_h), 422, "document_number", "reasons")
    _ok(api.post(events, json={"action": "revoke", "date": "2026-11-02",
                               "document_number": "济人社撤〔2026〕1号",
                               "reasons": "发现认定前存在违法行为"}, headers=reviewer_h),
        "revoked")
    assert red_agency.uscc not in [e["uscc"] for e in api.get("/lists/red").get_json()]


def test_red_nomination_withdrawn_and_ineligible_agency_refused(api, red_agency, dummy_agency,
                                                                clerk, bearer):
    headers = bearer(clerk)
    listing = _nominate(api, headers, red_agency).get_json()
    events = f"/listings/{listing['id']}/events"
    _ok(api.post(events, json={"action": "notify", "date": "2026-09-21"}, headers=headers),
        "publicity")
    _ok(api.post(events, json={"action": "withdraw", "date": "2026-09-22",
                               "reasons": "公示期间收到实名举报，待核实"}, headers=headers),
        "withdrawn")
    # an agency that does not meet the conditions: 422 listing what is unmet
    body = assert_error(_nominate(api, headers, dummy_agency), 422, "agency")
    assert body["errors"]["agency"]
