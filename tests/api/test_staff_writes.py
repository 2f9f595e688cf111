"""Staff writes on agencies, records and honours through the API: validation, optimistic
locking (If-Match or version → 409 with the current version), four eyes, and audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from credit_service.core.web import today_local
from tests.api.conftest import assert_error
from tests.fixtures.agencies import make_uscc

NEW_AGENCY = {
    "name": "济源市接口测试人力资源有限公司", "kinds": ["job_agency", "dispatch"],
    "legal_rep_name": "赵六", "address": "河南省济源市黄河路8号", "district": "北海街道",
    "registered_capital": "3000000.00", "established_on": "2019-07-01",
    "contact_phone": "13700000000", "legal_rep_id_number": "410881199001011234",
}


def _audit(db, action):
    from credit_service.audit.models import AuditEvent

    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def created(api, clerk, bearer):
    response = api.post("/agencies", json={"uscc": make_uscc(777001), **NEW_AGENCY},
                        headers=bearer(clerk))
    assert response.status_code == 201, response.get_json()
    return response


def test_create_agency_returns_the_staff_view_and_is_audited(created, db, clerk):
    body = created.get_json()
    assert created.headers["ETag"] == '"v1"'
    assert body["version"] == 1 and body["kinds"] == ["job_agency", "dispatch"]
    assert body["contact_phone"] == "13700000000"  # staff see private fields
    [event] = _audit(db, "agency.create")
    assert event.actor_id == clerk.id and event.actor_label == "api"


def test_duplicate_uscc_is_409(api, created, clerk, bearer):
    again = api.post("/agencies", json={"uscc": created.get_json()["uscc"], **NEW_AGENCY},
                     headers=bearer(clerk))
    assert_error(again, 409, "uscc")


def test_rename_with_if_match_keeps_the_former_name_and_stale_write_is_409(
    api, created, clerk, reviewer, bearer
):
    uscc = created.get_json()["uscc"]
    renamed = api.patch(f"/agencies/{uscc}", json={"name": "济源市新名称人力资源有限公司"},
                        headers=bearer(clerk, **{"If-Match": created.headers["ETag"]}))
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.headers["ETag"] == '"v2"'
    assert renamed.get_json()["former_names"][0]["name"] == NEW_AGENCY["name"]

    # Another editor still holding version 1 loses nothing silently: 409 + current version.
    stale = api.patch(f"/agencies/{uscc}", json={"district": "天坛街道", "version": 1},
                      headers=bearer(reviewer))
    body = assert_error(stale, 409)
    assert body["current_version"] == 2
    assert_error(api.patch(f"/agencies/{uscc}", json={"district": "天坛街道"},
                           headers=bearer(reviewer, **{"If-Match": "v1"})), 409)
    assert_error(api.patch(f"/agencies/{uscc}", json={"district": "x"},
                           headers=bearer(reviewer, **{"If-Match": "banana"})), 422, "If-Match")

    public = api.get(f"/agencies/{uscc}").get_json()
    assert public["name"] == "济源市新名称人力资源有限公司"
    assert public["former_names"][0]["name"] == NEW_AGENCY["name"]
    assert "13700000000" not in str(public)


def test_uscc_cannot_be_patched(api, created, clerk, bearer):
    uscc = created.get_json()["uscc"]
    assert_error(api.patch(f"/agencies/{uscc}", json={"uscc": uscc}, headers=bearer(clerk)),
                 422, "uscc")


RECORD = {
    "violation_code": "false_job_info", "facts": "发布与实际岗位不符的招聘信息",
    "decision_number": "济人社监罚〔2026〕88号", "authority": "济源示范区人力资源和社会保障局",
    "penalty_kind": "fine", "fine_amount": "5000", "source": "complaint",
    "internal_notes": "举报人要求保密",
}


def _record_body(**overrides):
    recent = today_local() - dt.timedelta(days=20)
    return {**RECORD, "occurred_on": (recent - dt.timedelta(days=10)).isoformat(),
            "decided_on": recent.isoformat(), **overrides}


def test_record_entry_and_four_eyes_confirmation(api, db, dummy_agency, clerk, reviewer,
                                                 second_reviewer, bearer):
    entered = api.post(f"/agencies/{dummy_agency.uscc}/records", json=_record_body(),
                       headers=bearer(reviewer))
    assert entered.status_code == 201, entered.get_json()
    record = entered.get_json()
    assert record["status"] == "draft" and record["internal_notes"] == "举报人要求保密"
    assert record["violation_name"] and record["legal_basis"]
    confirm = f"/records/{record['id']}/confirm"

    assert_error(api.post(confirm, json={}, headers=bearer(clerk)), 403)  # no REVIEW
    four_eyes = assert_error(api.post(confirm, json={}, headers=bearer(reviewer)), 403)
    assert "四眼" in four_eyes["message"]
    assert_error(api.post(confirm, json={"version": 7}, headers=bearer(second_reviewer)), 409)
    confirmed = api.post(confirm, json={"version": record["version"]},
                         headers=bearer(second_reviewer))
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["status"] == "confirmed"
    assert_error(api.post(confirm, json={}, headers=bearer(second_reviewer)), 409)  # not a draft

    public = api.get(f"/agencies/{dummy_agency.uscc}").get_json()
    assert [r["decision_number"] for r in public["records"]] == [RECORD["decision_number"]]
    assert "举报人要求保密" not in str(public)
    assert len(_audit(db, "record.confirm")) == 1


def test_record_validation_and_duplicates(api, dummy_agency, clerk, bearer):
    path = f"/agencies/{dummy_agency.uscc}/records"
    headers = bearer(clerk)
    assert_error(api.post(path, json=_record_body(violation_code="no_such_code"),
                          headers=headers), 422, "violation_code")
    assert_error(api.post(path, json=_record_body(penalty_kind="flogging"), headers=headers),
                 422, "penalty_kind")
    assert_error(api.post(path, json=_record_body(fine_amount="-1"), headers=headers),
                 422, "fine_amount")
    assert api.post(path, json=_record_body(), headers=headers).status_code == 201
    assert_error(api.post(path, json=_record_body(), headers=headers), 409)


def test_honour_entry(api, dummy_agency, clerk, bearer):
    response = api.post(f"/agencies/{dummy_agency.uscc}/honours", json={
        "kind": "award", "level": "provincial", "title": "河南省人力资源服务业先进单位",
        "issuer": "河南省人力资源和社会保障厅", "document_number": "豫人社〔2026〕9号",
        "granted_on": "2026-05-01"}, headers=bearer(clerk))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["agency_uscc"] == dummy_agency.uscc
    assert_error(api.post(f"/agencies/{dummy_agency.uscc}/honours", json={"kind": "medal"},
                          headers=bearer(clerk)), 422, "kind", "title")


def test_get_etag_works_as_if_match_and_a_stale_one_is_409(api, created, clerk, reviewer,
                                                           bearer, create_record, db):
    """The integrator's path: GET the profile, PATCH with its ETag as If-Match."""
    uscc = created.get_json()["uscc"]
    etag = api.get(f"/agencies/{uscc}").headers["ETag"]
    patched = api.patch(f"/agencies/{uscc}", json={"district": "天坛街道"},
                        headers=bearer(clerk, **{"If-Match": etag}))
    assert patched.status_code == 200, patched.get_json()
    assert patched.headers["ETag"] == '"v2"'

    # the copy read before that edit is stale now: 409 with the current version, no write
    stale = assert_error(api.patch(f"/agencies/{uscc}", json={"district": "北海街道"},
                                   headers=bearer(reviewer, **{"If-Match": etag})), 409)
    assert stale["current_version"] == 2
    assert api.get(f"/agencies/{uscc}").get_json()["district"] == "天坛街道"

    # a fresh GET's ETag is accepted again — and its weak form too
    etag = api.get(f"/agencies/{uscc}").headers["ETag"]
    assert api.patch(f"/agencies/{uscc}", json={"district": "北海街道"},
                     headers=bearer(reviewer, **{"If-Match": f"W/{etag}"})).status_code == 200
    # any change to the public profile (here a new record) makes the GET ETag stale
    etag = api.get(f"/agencies/{uscc}").headers["ETag"]
    from credit_service.agencies.models import Agency

    create_record(db.session.scalar(select(Agency).where(Agency.uscc == uscc)))
    stale = assert_error(api.patch(f"/agencies/{uscc}", json={"district": "天坛街道"},
                                   headers=bearer(reviewer, **{"If-Match": etag})), 409)
    assert stale["current_version"] == 3
