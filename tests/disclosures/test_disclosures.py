"""Quarterly major-case disclosure (人社部令第29号): draft, approve, publish, archive."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import ChangeKind, DisclosureState, RecordStatus
from credit_service.core.errors import Conflict, PermissionDenied, StaleWrite, ValidationFailed
from credit_service.disclosures import services
from credit_service.feed.models import ChangeEvent
from tests.publication.helpers import has_cjk_font, pdf_compact, qr_codes

PUBLISHED_FIELDS = {"agency_name", "uscc", "address", "legal_rep_name", "major_case_kind",
                    "main_facts", "handling"}


def test_quarter_bounds_and_labels(app):
    assert services.quarter_bounds("2026Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert services.quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert services.period_label("2026Q1") == "2026年第一季度"
    with pytest.raises(ValidationFailed):
        services.draft_disclosure("2026Q5")


def test_draft_is_idempotent_and_takes_only_major_cases_of_the_quarter(
        db, major_case, create_record, dummy_agency):
    _agency, record = major_case
    create_record(dummy_agency, decided_on=dt.date(2026, 8, 1))  # not a major case
    create_record(dummy_agency, decided_on=dt.date(2026, 10, 2),  # next quarter
                  major_case_kind=record.major_case_kind)
    first = services.draft_disclosure("2026Q3")
    second = services.draft_disclosure("2026Q3")
    assert first.id == second.id and [e.record_id for e in second.entries] == [record.id]
    entry = second.entries[0]
    assert entry.legal_rep_name == "钱七" and "克扣" in entry.main_facts
    assert record.decision_number in entry.handling
    # A record revoked before approval leaves the draft.
    record.status = RecordStatus.REVOKED
    db.session.flush()
    assert services.draft_disclosure("2026Q3").entries == []


def test_approve_needs_another_reviewer_and_current_version(
        db, major_case, reviewer, second_reviewer, clerk):
    draft = services.draft_disclosure("2026Q3", actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.approve_disclosure(draft, clerk, draft.version)
    with pytest.raises(PermissionDenied):
        services.approve_disclosure(draft, reviewer, draft.version)  # four eyes
    with pytest.raises(StaleWrite):
        services.approve_disclosure(draft, second_reviewer, draft.version + 5)
    with pytest.raises(Conflict):
        services.publish_disclosure(draft, second_reviewer)
    services.approve_disclosure(draft, second_reviewer, draft.version)
    assert draft.state == DisclosureState.APPROVED


def test_publish_makes_page_pdf_and_feed_entry(client, db, major_case, reviewer,
                                               second_reviewer):
    agency, _record = major_case
    draft = services.draft_disclosure("2026Q3")
    services.approve_disclosure(draft, reviewer, draft.version)
    services.publish_disclosure(draft, second_reviewer, draft.version, on=dt.date(2026, 10, 9))
    assert draft.state == DisclosureState.PUBLISHED
    event = db.session.query(ChangeEvent).filter_by(subject="disclosure:2026Q3").one()
    assert event.kind == ChangeKind.DISCLOSURE_PUBLISHED
    assert "2026Q3" in client.get("/disclosures").get_data(as_text=True)
    page = client.get("/disclosures/2026Q3").get_data(as_text=True)
    for value in (agency.name, agency.uscc, agency.address, "钱七", "克扣"):
        assert value in page
    for secret in ("13711112222", "410881199003034567", reviewer.display_name):
        assert secret not in page
    pdf = client.get("/disclosures/2026Q3.pdf")
    assert pdf.status_code == 200
    text = pdf_compact(pdf.data)
    assert agency.name in text and agency.uscc in text
    assert pdf.headers["X-Verification-Code"] in text
    assert has_cjk_font(pdf.data)
    assert qr_codes(pdf.data) == [f"http://localhost/verify/{pdf.headers['X-Verification-Code']}"]
    assert "13711112222" not in text


def test_unpublished_periods_are_not_public(client, db, major_case):
    services.draft_disclosure("2026Q3")
    assert client.get("/disclosures/2026Q3").status_code == 404
    assert client.get("/disclosures/2026Q3.pdf").status_code == 404
    assert client.get("/disclosures/1999Q1").status_code == 404


def test_ad_hoc_period(db, major_case):
    ad_hoc = services.draft_disclosure("2026-ad-01", starts_on=dt.date(2026, 8, 1),
                                       ends_on=dt.date(2026, 8, 31))
    assert len(ad_hoc.entries) == 1
    with pytest.raises(ValidationFailed):
        services.draft_disclosure("2026-ad-02")  # no dates


def test_staff_workflow_pages(client, db, login, major_case, clerk, reviewer, second_reviewer):
    login(clerk)
    assert client.get("/staff/disclosures/").status_code == 200
    response = client.post("/staff/disclosures/", data={"period": "2026Q3"})
    assert response.status_code == 302
    page = client.get("/staff/disclosures/2026Q3").get_data(as_text=True)
    assert "济源市欠薪劳务派遣有限公司" in page and "审核通过" not in page
    assert client.post("/staff/disclosures/2026Q3/approve").status_code == 403
    login(reviewer)
    disclosure = services.get_disclosure("2026Q3")
    client.post("/staff/disclosures/2026Q3/approve", data={"version": disclosure.version})
    assert disclosure.state == DisclosureState.APPROVED
    login(second_reviewer)
    client.post("/staff/disclosures/2026Q3/publish", data={"version": disclosure.version})
    assert disclosure.state == DisclosureState.PUBLISHED


def test_reviewer_can_take_an_entry_out(db, major_case, reviewer):
    draft = services.draft_disclosure("2026Q3")
    services.remove_entry(draft, draft.entries[0].id, reviewer, draft.version)
    assert draft.entries == []
    assert services.draft_disclosure("2026Q3").entries == []  # stays out on refresh


def test_published_fields_are_exactly_29_ling(db, major_case):
    from credit_service.disclosures.documents import entry_rows

    draft = services.draft_disclosure("2026Q3")
    assert set(entry_rows(draft)[0]) == PUBLISHED_FIELDS


def test_the_disclosure_pdf_is_stale_when_its_printed_dates_change(db, major_case, reviewer,
                                                                   second_reviewer):
    from credit_service.disclosures.documents import disclosure_fingerprint

    draft = services.draft_disclosure("2026Q3")
    services.approve_disclosure(draft, reviewer, draft.version)
    services.publish_disclosure(draft, second_reviewer, draft.version, on=dt.date(2026, 10, 9))
    before = disclosure_fingerprint("2026Q3")
    assert before == disclosure_fingerprint("2026Q3")  # stable while nothing changes
    draft.published_on = dt.date(2026, 10, 10)  # printed under the bureau's name
    assert disclosure_fingerprint("2026Q3") != before
