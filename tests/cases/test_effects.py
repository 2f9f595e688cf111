"""Case decisions change the agency's stored grade and score to the exact values the rule
set gives (config/rules/2026-01-01.toml), nothing on rejection; the public tracker shows
the outcome once decided.

The agency: established 2018, annual reports for 2024 and 2025 filed on time, no other
records or honours. Score = 100 − deductions + bonuses; the clean-record bonus (+5) needs
12 months without a confirmed record; A needs ≥ 103 and 12 months without a penalty, A+
≥ 110 and 24 months; B is 80–102.
"""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import CaseState, Grade, HonourLevel, RecordStatus, Severity

D = dt.date


@pytest.fixture
def agency(create_agency, file_annual_reports):
    return file_annual_reports(create_agency(established_on=D(2018, 5, 1)), (2024, 2025))


def _graded(agency, on):
    from credit_service.grading.services import regrade_agency

    regrade_agency(agency, as_of=on)
    return agency.current_grade, agency.current_score


def _submit(agency, on, **data):
    from credit_service.cases.services import submit_case

    values = {"uscc": agency.uscc, "applicant_name": "李四", "applicant_contact": "13900000000",
              "statement": "申请事实和理由：请依法予以处理。", "submitted_on": on}
    values.update(data)
    return submit_case(values)[0]


@pytest.fixture
def general_record(agency, create_record):
    # A general record (−10) decided 2026-02-10: in force for 12 months.
    return create_record(agency, severity=Severity.GENERAL, decided_on=D(2026, 2, 10),
                         occurred_on=D(2026, 1, 20))


@pytest.mark.parametrize("accepted", [True, False])
def test_record_repair_decision(db, clock, agency, general_record, reviewer, client, accepted):
    from credit_service.cases.services import decide_case

    clock.set(D(2026, 5, 11))
    assert _graded(agency, D(2026, 5, 11)) == (Grade.B, 90)  # 100 − 10
    case = _submit(agency, D(2026, 3, 2), kind="repair", subject="record",
                   record_id=general_record.id, corrected_on=D(2026, 2, 12), commitment=True)
    decide_case(case, reviewer, accepted=accepted, reasons="已整改并承诺", on=D(2026, 5, 11))
    db.session.refresh(agency)
    if accepted:
        # Repaired (信用修复): the record no longer counts — no deduction, not a penalty
        # ("处罚" = confirmed, not revoked, not repaired), the clean bonus back: 105, A.
        assert general_record.repaired_on == D(2026, 5, 11)
        assert (agency.current_grade, agency.current_score) == (Grade.A, 105)
    else:
        assert general_record.repaired_on is None
        assert (agency.current_grade, agency.current_score) == (Grade.B, 90)
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    outcome = "已支持" if accepted else "不予支持"
    assert f"{outcome}（2026-05-11）" in page


@pytest.mark.parametrize("accepted", [True, False])
def test_record_objection_decision(db, clock, agency, general_record, reviewer, client, accepted):
    from credit_service.cases.services import decide_case

    clock.set(D(2026, 2, 24))
    assert _graded(agency, D(2026, 2, 24)) == (Grade.B, 90)
    case = _submit(agency, D(2026, 2, 13), kind="objection", subject="record",
                   record_id=general_record.id)
    decide_case(case, reviewer, accepted=accepted, reasons="经核实，认定主体有误", on=D(2026, 2, 24))
    db.session.refresh(agency)
    if accepted:
        # Revoked: no record left — 100 + 5 (clean 12 months) = 105, A.
        assert general_record.status == RecordStatus.REVOKED
        assert (agency.current_grade, agency.current_score) == (Grade.A, 105)
    else:
        assert general_record.status == RecordStatus.CONFIRMED
        assert (agency.current_grade, agency.current_score) == (Grade.B, 90)
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert case.state == (CaseState.ACCEPTED if accepted else CaseState.REJECTED)
    assert f"{case.state.label}（2026-02-24）" in page


@pytest.mark.parametrize("accepted", [True, False])
def test_grade_objection_decision(db, clock, agency, create_honour, reviewer, client, accepted):
    """The stored grade predates a provincial honour (+6) entered without a regrade; an
    accepted objection regrades: 100 + 5 + 6 = 111 with no penalty in 24 months, A+."""
    from credit_service.cases.services import decide_case

    clock.set(D(2026, 3, 20))
    assert _graded(agency, D(2026, 3, 9)) == (Grade.A, 105)
    create_honour(agency, level=HonourLevel.PROVINCIAL, granted_on=D(2026, 3, 10))
    case = _submit(agency, D(2026, 3, 16), kind="objection", subject="grade")
    assert (agency.current_grade, agency.current_score) == (Grade.A, 105)
    decide_case(case, reviewer, accepted=accepted, reasons="荣誉未计入，重新评价", on=D(2026, 3, 20))
    db.session.refresh(agency)
    expected = (Grade.A_PLUS, 111) if accepted else (Grade.A, 105)
    assert (agency.current_grade, agency.current_score) == expected
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f"{case.state.label}（2026-03-20）" in page
