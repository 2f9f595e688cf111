"""Public endpoints: search, profile, assessment history, lists, disclosures, changes, verify."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from credit_service.core.enums import (
    ChangeKind,
    DisclosureState,
    Grade,
    ListingState,
    ListKind,
    MajorCaseKind,
    RecordStatus,
)
from credit_service.core.web import today_local
from tests.api.conftest import assert_error

D = dt.date
PRIVATE_VALUES = ("13800138000", "410881198001011234", "内部备注：线人电话")


def _no_private_data(response):
    text = response.get_data(as_text=True)
    for value in PRIVATE_VALUES:
        assert value not in text
    for key in ("contact_phone", "legal_rep_id_number", "internal_notes", "applicant_contact",
                "entered_by_id", "confirmed_by_id", "proposed_by_id", "display_name"):
        assert f'"{key}"' not in text


@pytest.fixture
def graded_agency(db, create_agency, create_record, create_honour):
    from credit_service.grading.models import Assessment

    agency = create_agency(name="济源市诚信人力资源服务有限公司", current_grade=Grade.B,
                           current_score=90)
    # decided a month ago: inside its publication window whenever the test runs
    recent = today_local() - dt.timedelta(days=30)
    create_record(agency, internal_notes="内部备注：线人电话", occurred_on=recent,
                  decided_on=recent)
    create_record(agency, status=RecordStatus.DRAFT, facts="尚未确认的草稿记录")
    create_honour(agency)
    for as_of, score, grade in ((D(2024, 1, 1), 105, Grade.A), (D(2025, 3, 1), 100, Grade.B),
                                (D(2026, 2, 10), 90, Grade.B)):
        db.session.add(Assessment(agency_id=agency.id, as_of=as_of, ruleset_version="2026.1",
                                  score=score, grade=grade,
                                  explanation={"lines": [], "decisive": "score"}))
    db.session.flush()
    return agency


def test_profile_shows_public_file_and_no_personal_data(api, graded_agency):
    response = api.get(f"/agencies/{graded_agency.uscc}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["uscc"] == graded_agency.uscc
    assert body["grade"] == "B" and body["grade_label"].startswith("B")
    assert body["assessment"]["as_of"] == "2026-02-10"
    assert [r["status"] for r in body["records"]] == ["confirmed"]
    assert body["records"][0]["legal_basis"].startswith("违反")
    assert body["honours"][0]["level"] == "provincial"
    assert body["links"]["report_pdf"] == f"/agencies/{graded_agency.uscc}/report.pdf"
    _no_private_data(response)


def test_profile_etag_gives_304(api, graded_agency):
    first = api.get(f"/agencies/{graded_agency.uscc}")
    etag = first.headers["ETag"]
    again = api.get(f"/agencies/{graded_agency.uscc}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_lower_case_uscc_is_accepted(api, graded_agency):
    assert api.get(f"/agencies/{graded_agency.uscc.lower()}").status_code == 200


def test_search_by_partial_chinese_name_with_pagination(api, create_agency):
    for n in range(25):
        create_agency(name=f"济源市翻页测试人力资源公司{n:02d}")
    create_agency(name="完全无关的劳务派遣公司")
    response = api.get("/agencies?q=翻页测试&per_page=10&page=3")
    assert response.status_code == 200
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 25 and meta["total_pages"] == 3 and meta["page"] == 3
    assert "next_page" not in meta and meta["previous_page"] == 2
    names = [hit["name"] for hit in response.get_json()]
    assert len(names) == 5 and all("翻页测试" in name for name in names)
    _no_private_data(response)


def test_search_filters_by_grade(api, create_agency):
    create_agency(name="等级筛选甲", current_grade=Grade.A)
    create_agency(name="等级筛选乙", current_grade=Grade.C)
    body = api.get("/agencies?q=等级筛选&grade=C").get_json()
    assert [hit["name"] for hit in body] == ["等级筛选乙"]


def test_grade_on_a_past_date(api, graded_agency):
    path = f"/agencies/{graded_agency.uscc}/assessments"
    on_date = api.get(f"{path}?as_of=2025-01-15").get_json()
    assert [(a["as_of"], a["grade"], a["score"]) for a in on_date] == [("2024-01-01", "A", 105)]
    assert api.get(f"{path}?as_of=2020-01-01").get_json() == []
    history = api.get(path).get_json()
    assert [a["as_of"] for a in history] == ["2026-02-10", "2025-03-01", "2024-01-01"]
    assert_error(api.get(f"{path}?as_of=2025-13-01"), 422, "as_of")


@pytest.fixture
def listed(db, create_agency):
    from credit_service.lists.models import Listing

    def _listed(list_kind, state, name, decided_on=None):
        decided_on = decided_on or D(2026, 3, 2)
        agency = create_agency(name=name)
        listing = Listing(agency_id=agency.id, list_kind=list_kind, state=state,
                          reason="未取得许可证从事职业中介活动", legal_basis="《人力资源市场暂行条例》",
                          authority="济源示范区人力资源和社会保障局", proposed_on=D(2026, 2, 1),
                          decided_on=decided_on, decision_number="济人社列〔2026〕1号",
                          expires_on=decided_on.replace(year=decided_on.year + 3))
        db.session.add(listing)
        db.session.flush()
        return listing

    return _listed


def test_black_list_pages_only_published_entries_with_public_fields(api, listed):
    for n in range(3):
        listed(ListKind.BLACK, ListingState.PUBLISHED, f"黑名单公开机构{n}", D(2026, 3, n + 1))
    listed(ListKind.BLACK, ListingState.PROPOSED, "仅拟列入的机构")
    listed(ListKind.RED, ListingState.PUBLISHED, "红名单机构")
    response = api.get("/lists/black?per_page=2")
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 3 and meta["next_page"] == 2
    entries = response.get_json()
    assert [e["name"] for e in entries] == ["黑名单公开机构2", "黑名单公开机构1"]
    assert entries[0]["listed_on"] == "2026-03-03"
    assert entries[0]["expires_on"] == "2029-03-03"
    assert entries[0]["earliest_early_removal_on"] == "2026-09-03"
    assert set(entries[0]) >= {"uscc", "address", "legal_rep_name", "reason", "legal_basis",
                               "authority", "decision_number"}
    _no_private_data(response)
    page2 = api.get("/lists/black?per_page=2&page=2").get_json()
    assert [e["name"] for e in page2] == ["黑名单公开机构0"]
    assert [e["name"] for e in api.get("/lists/red").get_json()] == ["红名单机构"]


def test_disclosures_only_published(api, db, create_agency, create_record):
    from credit_service.disclosures.models import Disclosure, DisclosureEntry

    agency = create_agency()
    record = create_record(agency, major_case_kind=MajorCaseKind.WAGE_ARREARS)
    published = Disclosure(period="2026Q1", starts_on=D(2026, 1, 1), ends_on=D(2026, 3, 31),
                           state=DisclosureState.PUBLISHED, published_on=D(2026, 4, 10))
    published.entries.append(DisclosureEntry(
        record_id=record.id, agency_name=agency.name, uscc=agency.uscc, address=agency.address,
        legal_rep_name=agency.legal_rep_name, major_case_kind=MajorCaseKind.WAGE_ARREARS,
        main_facts="拖欠劳动报酬", handling="责令支付并罚款"))
    db.session.add_all([published, Disclosure(period="2026Q2", starts_on=D(2026, 4, 1),
                                              ends_on=D(2026, 6, 30))])
    db.session.flush()
    assert [d["period"] for d in api.get("/disclosures").get_json()] == ["2026Q1"]
    detail = api.get("/disclosures/2026Q1").get_json()
    assert detail["entry_count"] == 1 and detail["entries"][0]["handling"] == "责令支付并罚款"
    assert_error(api.get("/disclosures/2026Q2"), 404)


def test_changes_since_and_after_id(api, db, dummy_agency):
    from credit_service.feed.services import record_change

    first = record_change(ChangeKind.LISTED, subject="listing:1", title="列入严重违法失信名单",
                          agency=dummy_agency)
    record_change(ChangeKind.REMOVED, subject="listing:1", title="移出严重违法失信名单",
                  agency=dummy_agency)
    db.session.flush()
    body = api.get(f"/changes?after_id={first.id}").get_json()
    assert [c["kind"] for c in body] == ["removed"]
    assert body[0]["uid"].endswith(f"change/{first.id + 1}")
    assert len(api.get("/changes?since=2000-01-01T00:00:00").get_json()) == 2
    assert_error(api.get("/changes?since=not-a-time"), 422, "since")


def test_verify_unknown_code_is_404(api):
    assert_error(api.get("/verify/NOPE1234"), 404)


def test_cached_profile_is_refreshed_by_a_write_and_changes_its_etag(api, db, graded_agency,
                                                                      create_honour, clerk):
    from credit_service.records.services import add_honour

    path = f"/agencies/{graded_agency.uscc}"
    first = api.get(path)
    again = api.get(path)
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    add_honour(graded_agency, {"kind": "award", "level": "municipal", "title": "济源市先进单位",
                               "issuer": "济源示范区管委会", "document_number": "济管〔2026〕3号",
                               "granted_on": "2026-06-01"}, clerk)
    after = api.get(path)
    assert after.headers["ETag"] != first.headers["ETag"]
    assert "济源市先进单位" in [h["title"] for h in after.get_json()["honours"]]
    assert api.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_cached_profile_equals_a_fresh_composition(app, api, graded_agency):
    from credit_service.api.cache import profiles

    path = f"/agencies/{graded_agency.uscc}"
    api.get(path)
    cached = api.get(path).get_json()
    profiles.clear()
    assert api.get(path).get_json() == cached


def test_red_list_includes_valid_provincial_designations(api, create_agency, create_honour):
    agency = create_agency(name="省级诚信示范机构")
    create_honour(agency)  # provincial red-list honour, no expiry
    entries = api.get("/lists/red?q=省级诚信").get_json()
    assert [(e["name"], e["level"], e["level_label"]) for e in entries] == [
        ("省级诚信示范机构", "provincial", "省级")]


def test_fresh_cached_profile_is_answered_in_front_of_flask(api, graded_agency, monkeypatch):
    from credit_service.api.cache import ProfileCache

    path = f"/agencies/{graded_agency.uscc}"
    first = api.get(path)

    def no_database(self, uscc):
        raise AssertionError("the fast path must not read the stamp again")

    monkeypatch.setattr(ProfileCache, "stamp", no_database)
    again = api.get(path)
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.mimetype == "application/json"
    not_modified = api.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""


@pytest.mark.parametrize("path", ["/agencies/{uscc}", "/lists/black", "/lists/red", "/disclosures", "/changes",
                                  "/changes?limit=5", "/agencies/{uscc}/assessments",
                                  "/agencies/{uscc}/assessments?as_of=2025-06-30"])
def test_list_etags_give_304(api, graded_agency, path):
    path = path.replace("{uscc}", graded_agency.uscc)
    first = api.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag  # repeated on the 304 (RFC 9110 §15.4.5)
    # another copy's tag does not match: the full body again
    other = api.get(path, headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.get_json() == first.get_json()
