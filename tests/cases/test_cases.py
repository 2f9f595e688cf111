"""Objections and credit-repair applications: submission, deadlines, decisions and effects."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import (
    CaseKind,
    CaseState,
    CaseSubject,
    ListingState,
    RecordStatus,
    Severity,
)
from credit_service.core.errors import Conflict, PermissionDenied, StaleWrite, ValidationFailed

D = dt.date


def _data(agency, **overrides):
    data = {
        "kind": "objection", "subject": "record", "uscc": agency.uscc,
        "applicant_name": "李四", "applicant_contact": "13900000000",
        "statement": "该处罚所认定的事实与实际情况不符，请予核实。",
        "submitted_on": D(2026, 2, 13),
    }
    data.update(overrides)
    return data


def test_submit_numbers_token_and_deadline(db, dummy_agency, create_record):
    from credit_service.cases.services import get_case, submit_case, token_matches

    record = create_record(dummy_agency)
    case, token = submit_case(_data(dummy_agency, record_id=record.id))
    assert case.number == "JY2026-000001"
    assert case.token_hash != token and len(case.token_hash) == 64
    assert token_matches(case, token) and not token_matches(case, token + "x")
    # 河南省社会信用条例 art.43: 3 working days; 2026-02-13 + 3 crosses the Spring Festival.
    assert case.deadline == D(2026, 2, 25)
    second, _ = submit_case(_data(dummy_agency, subject="grade"))
    assert second.number == "JY2026-000002"
    assert get_case("jy2026-000002") is second


def test_deadlines_per_kind(dummy_agency, create_record, published_black):
    from credit_service.cases.services import submit_case

    record = create_record(dummy_agency, decided_on=D(2026, 2, 10))
    repair, _ = submit_case(_data(dummy_agency, kind="repair", record_id=record.id,
                                  corrected_on=D(2026, 2, 11), commitment=True))
    assert repair.deadline == D(2026, 2, 27)  # 5 working days
    early, _ = submit_case(_data(dummy_agency, kind="repair", subject="early_removal",
                                 submitted_on=D(2026, 9, 30), corrected_on=D(2026, 3, 31),
                                 commitment="on"))
    assert early.listing_id == published_black.id
    assert early.deadline == D(2026, 10, 27)  # 45号令 art.13: 15 working days


def test_submit_validation(db, dummy_agency):
    from credit_service.cases.services import submit_case

    db.session.commit()  # a failed service call rolls back to the last commit

    with pytest.raises(ValidationFailed) as exc:
        submit_case({"kind": "repair", "subject": "grade", "uscc": "91419001XXXXXXXXXX",
                     "statement": "短"})
    assert {"subject", "uscc", "applicant_name", "applicant_contact", "statement"} <= set(
        exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        submit_case(_data(dummy_agency, kind="repair", record_id=999999))
    assert {"record_id", "corrected_on", "commitment"} <= set(exc.value.errors)


def test_duplicate_open_case_conflicts(dummy_agency):
    from credit_service.cases.services import submit_case

    submit_case(_data(dummy_agency, subject="grade"))
    with pytest.raises(Conflict):
        submit_case(_data(dummy_agency, subject="grade"))


def test_objection_accepted_revokes_record(db, dummy_agency, create_record, reviewer):
    from credit_service.cases.services import decide_case, submit_case

    record = create_record(dummy_agency)
    case, _ = submit_case(_data(dummy_agency, record_id=record.id))
    decide_case(case, reviewer, accepted=True, reasons="经核实，该处罚认定主体有误", on=D(2026, 2, 24))
    assert case.state == CaseState.ACCEPTED and case.decided_by_id == reviewer.id
    assert record.status == RecordStatus.REVOKED
    with pytest.raises(Conflict):  # decided once
        decide_case(case, reviewer, accepted=False, reasons="x", on=D(2026, 2, 25))


def test_rejection_changes_nothing_but_the_case(db, dummy_agency, create_record, reviewer):
    from credit_service.audit.services import snapshot
    from credit_service.cases.services import decide_case, submit_case

    record = create_record(dummy_agency)
    case, _ = submit_case(_data(dummy_agency, record_id=record.id))
    before = snapshot(record)
    decide_case(case, reviewer, accepted=False, reasons="异议理由不成立", on=D(2026, 2, 24))
    assert case.state == CaseState.REJECTED and case.decision_reasons == "异议理由不成立"
    db.session.refresh(record)
    assert snapshot(record) == before


def test_decision_needs_review_reasons_and_fresh_version(dummy_agency, clerk, reviewer):
    from credit_service.cases.services import decide_case, submit_case

    case, _ = submit_case(_data(dummy_agency, subject="grade"))
    with pytest.raises(PermissionDenied):
        decide_case(case, clerk, accepted=True, reasons="x", on=D(2026, 2, 24))
    with pytest.raises(ValidationFailed):
        decide_case(case, reviewer, accepted=True, reasons=" ", on=D(2026, 2, 24))
    with pytest.raises(StaleWrite):
        decide_case(case, reviewer, accepted=True, reasons="x", on=D(2026, 2, 24),
                    expected_version=case.version + 1)
    assert case.state == CaseState.SUBMITTED
    decide_case(case, reviewer, accepted=True, reasons="重新评价", on=D(2026, 2, 24),
                expected_version=case.version)
    assert case.state == CaseState.ACCEPTED


def test_record_repair_accepted_after_minimum_period(db, dummy_agency, create_record, reviewer):
    from credit_service.cases.services import decide_case, submit_case

    record = create_record(dummy_agency, severity=Severity.GENERAL, decided_on=D(2026, 2, 10))
    case, _ = submit_case(_data(dummy_agency, kind="repair", record_id=record.id,
                                corrected_on=D(2026, 2, 12), commitment=True,
                                submitted_on=D(2026, 3, 2)))
    # 36号令: a general record is published at least 3 months (until 2026-05-10).
    with pytest.raises(ValidationFailed) as exc:
        decide_case(case, reviewer, accepted=True, reasons="已整改", on=D(2026, 5, 9))
    assert "date" in exc.value.errors
    assert record.repaired_on is None and case.state == CaseState.SUBMITTED
    decide_case(case, reviewer, accepted=True, reasons="已整改并承诺", on=D(2026, 5, 11))
    assert record.repaired_on == D(2026, 5, 11)


def test_listing_objection_moves_procedure_and_acceptance_withdraws(
    dummy_agency, veto_record, propose_black, step, clerk, reviewer
):
    from credit_service.cases.services import decide_case, submit_case

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    case, _ = submit_case(_data(dummy_agency, subject="listing", listing_id=listing.id,
                                submitted_on=D(2026, 2, 26)))
    assert listing.state == ListingState.OBJECTION
    assert case.deadline == D(2026, 3, 4)  # 45号令 art.6: 5 working days (28 Feb 调休)
    decide_case(case, reviewer, accepted=True, reasons="处罚主体认定错误", on=D(2026, 3, 4))
    assert listing.state == ListingState.WITHDRAWN


def test_listing_objection_rejected_then_decision(dummy_agency, veto_record, propose_black, step,
                                                  clerk, reviewer):
    from credit_service.cases.services import decide_case, submit_case

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    case, _ = submit_case(_data(dummy_agency, subject="listing", listing_id=listing.id,
                                submitted_on=D(2026, 2, 26)))
    decide_case(case, reviewer, accepted=False, reasons="异议不成立", on=D(2026, 3, 4))
    assert listing.state == ListingState.OBJECTION
    step(listing, "decide", reviewer, D(2026, 3, 5), reasons="异议不成立（见案件决定）")
    assert listing.state == ListingState.DECIDED


def test_objection_to_published_listing_accepted_revokes(dummy_agency, published_black, reviewer):
    from credit_service.cases.services import decide_case, submit_case

    case, _ = submit_case(_data(dummy_agency, subject="listing", listing_id=published_black.id,
                                submitted_on=D(2026, 4, 1)))
    decide_case(case, reviewer, accepted=True, reasons="列入依据的处罚决定已被撤销",
                on=D(2026, 4, 3))
    assert published_black.state == ListingState.REVOKED


def test_early_removal_case(dummy_agency, published_black, reviewer, create_record):
    from credit_service.cases.services import decide_case, submit_case

    case, _ = submit_case(_data(dummy_agency, kind="repair", subject="early_removal",
                                listing_id=published_black.id, corrected_on=D(2026, 3, 31),
                                commitment=True, submitted_on=D(2026, 9, 1)))
    with pytest.raises(ValidationFailed):  # 5 months 29 days: not yet
        decide_case(case, reviewer, accepted=True, reasons="符合条件", on=D(2026, 9, 29))
    assert published_black.state == ListingState.PUBLISHED
    decide_case(case, reviewer, accepted=True, reasons="符合提前移出条件", on=D(2026, 9, 30))
    assert published_black.state == ListingState.REMOVED
    assert published_black.corrected_on == D(2026, 3, 31)


def test_early_removal_case_rejected_leaves_listing(dummy_agency, published_black, reviewer):
    from credit_service.cases.services import decide_case, submit_case

    case, _ = submit_case(_data(dummy_agency, kind="repair", subject="early_removal",
                                corrected_on=D(2026, 3, 31), commitment=True,
                                submitted_on=D(2026, 9, 1)))
    decide_case(case, reviewer, accepted=False, reasons="列入期间再次违法", on=D(2026, 9, 30))
    assert published_black.state == ListingState.PUBLISHED


def test_case_number_sequence_per_year(db, dummy_agency, create_agency):
    from credit_service.cases.models import Case
    from credit_service.cases.services import submit_case

    a, _ = submit_case(_data(dummy_agency, subject="grade", submitted_on=D(2026, 12, 31)))
    b, _ = submit_case(_data(create_agency(), kind="objection", subject="grade",
                             submitted_on=D(2027, 1, 4), statement="另一项对信用等级的异议申请内容"))
    assert (a.number, b.number) == ("JY2026-000001", "JY2027-000001")
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2
    assert CaseKind.OBJECTION == a.kind and a.subject == CaseSubject.GRADE
