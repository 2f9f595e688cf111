"""Red list (诚信服务示范机构): eligibility, publicity, designation, expiry, revocation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from credit_service.core.enums import (
    ChangeKind,
    Grade,
    HonourKind,
    HonourLevel,
    ListingState,
    PenaltyKind,
    Severity,
)
from credit_service.core.errors import Conflict, PermissionDenied, ValidationFailed

D = dt.date
PROPOSED_ON = D(2026, 2, 10)
NOMINATED_ON = D(2026, 9, 21)
DESIGNATED_ON = D(2026, 10, 14)
S = ListingState


def _designate(listing, step, reviewer, on=DESIGNATED_ON):
    step(listing, "designate", reviewer, on, document_number="济人社信〔2026〕8号")


def test_full_lifecycle_with_national_day_publicity(db, red_agency, nominate_red, step, clerk,
                                                    reviewer):
    from credit_service.feed.models import ChangeEvent
    from credit_service.records.models import Honour

    listing = nominate_red(red_agency, on=D(2026, 9, 21))
    assert listing.state == S.NOMINATED
    # Publicity from 2026-09-30: 5 working days end 2026-10-13 across National Day.
    step(listing, "publicise", clerk, D(2026, 9, 30))
    assert listing.state == S.PUBLICITY and listing.publicity_ends_on == D(2026, 10, 13)
    with pytest.raises(Conflict):
        _designate(listing, step, reviewer, on=D(2026, 10, 13))
    _designate(listing, step, reviewer, on=D(2026, 10, 14))
    assert listing.state == S.DESIGNATED
    assert listing.expires_on == D(2029, 10, 14)
    honour = db.session.scalar(select(Honour).where(Honour.listing_id == listing.id))
    assert (honour.kind, honour.level) == (HonourKind.RED_LIST, HonourLevel.MUNICIPAL)
    assert honour.granted_on == D(2026, 10, 14) and honour.valid_until == D(2029, 10, 14)
    assert honour.document_number == "济人社信〔2026〕8号"

    step(listing, "publish", reviewer, D(2026, 10, 15))
    with pytest.raises(Conflict):
        step(listing, "expire", None, D(2029, 10, 13))
    step(listing, "expire", None, D(2029, 10, 14))
    assert listing.state == S.EXPIRED
    kinds = db.session.scalars(select(ChangeEvent.kind).where(
        ChangeEvent.subject == f"listing:{listing.id}").order_by(ChangeEvent.id)).all()
    assert kinds == [ChangeKind.LISTED, ChangeKind.REMOVED]


def test_api_names_work_for_the_red_list(red_agency, nominate_red, step, clerk, reviewer):
    listing = nominate_red(red_agency)
    step(listing, "notify", clerk, D(2026, 9, 30))
    assert listing.state == S.PUBLICITY
    step(listing, "decide", reviewer, D(2026, 10, 14))
    assert listing.state == S.DESIGNATED
    step(listing, "publish", reviewer, D(2026, 10, 15))
    step(listing, "remove", None, listing.expires_on)
    assert listing.state == S.EXPIRED


def test_nominator_cannot_designate(red_agency, nominate_red, step, reviewer, second_reviewer):
    listing = nominate_red(red_agency, actor=reviewer)
    step(listing, "publicise", reviewer, D(2026, 9, 30))
    with pytest.raises(PermissionDenied):
        _designate(listing, step, reviewer)
    _designate(listing, step, second_reviewer)
    assert listing.state == S.DESIGNATED


@pytest.mark.parametrize("state,action", [
    (S.NOMINATED, "designate"), (S.NOMINATED, "publish"), (S.NOMINATED, "expire"),
    (S.NOMINATED, "revoke"), (S.PUBLICITY, "publicise"), (S.PUBLICITY, "publish"),
    (S.PUBLICITY, "revoke"), (S.DESIGNATED, "withdraw"), (S.DESIGNATED, "designate"),
    (S.PUBLICITY, "object"), (S.NOMINATED, "early_remove"), (S.NOMINATED, "not_list"),
])
def test_red_illegal_transitions(red_agency, nominate_red, step, clerk, reviewer, state, action):
    from credit_service.audit.services import snapshot

    listing = nominate_red(red_agency)
    if state in (S.PUBLICITY, S.DESIGNATED):
        step(listing, "publicise", clerk, D(2026, 9, 30))
    if state == S.DESIGNATED:
        _designate(listing, step, reviewer)
    before = snapshot(listing)
    with pytest.raises(Conflict):
        step(listing, action, reviewer, D(2026, 11, 1), reasons="x")
    assert snapshot(listing) == before


def test_eligibility_reasons(db, create_agency, create_record, propose_black):
    from credit_service.agencies.models import AnnualReport
    from credit_service.lists.services import red_list_eligibility

    agency = create_agency(established_on=D(2025, 1, 10), current_grade=Grade.B)
    db.session.add(AnnualReport(agency_id=agency.id, year=2025, submitted_on=D(2026, 3, 1)))
    create_record(agency, penalty_kind=PenaltyKind.CRITICISM, severity=Severity.MINOR,
                  occurred_on=D(2025, 2, 1), decided_on=D(2025, 3, 1))
    db.session.flush()
    db.session.expire(agency, ["annual_reports"])
    unmet = red_list_eligibility(agency, as_of=D(2026, 9, 1))
    text = "\n".join(unmet)
    assert "A+ 或 A" in text and "B（合格）" in text
    assert "满2年" in text and "2027-01-10" in text
    assert "2024年度" in text and "2025年度" not in text
    assert "通报批评" in text
    assert len(unmet) == 4


def test_eligible_agency_and_black_list_blocks(red_agency, veto_record, propose_black):
    from credit_service.lists.services import red_list_eligibility

    assert red_list_eligibility(red_agency, as_of=D(2026, 9, 1)) == []
    propose_black(red_agency, None)
    assert red_list_eligibility(red_agency, as_of=D(2026, 9, 1)) == [
        "正在办理严重违法失信名单列入程序"]


def test_annual_report_years_before_the_deadline(red_agency):
    from credit_service.lists.services import red_list_eligibility

    # Before 31 March 2026 the 2025 report is not yet due: 2023 and 2024 are checked.
    unmet = red_list_eligibility(red_agency, as_of=D(2026, 3, 15))
    assert unmet == ["近2年年度报告未报送：2023年度"]


def test_ineligible_agency_cannot_be_nominated(create_agency, clerk):
    from credit_service.core.enums import ListKind
    from credit_service.lists.services import propose_listing

    agency = create_agency(current_grade=Grade.C)
    with pytest.raises(ValidationFailed) as exc:
        propose_listing(agency, ListKind.RED, {"proposed_on": D(2026, 9, 1)}, clerk)
    assert exc.value.errors["agency"]


def test_confirmed_violation_opens_revocation_proposal(db, red_agency, nominate_red, step, clerk,
                                                       reviewer, create_record):
    from credit_service.core.signals import record_confirmed
    from credit_service.jobs.models import Reminder
    from credit_service.lists.services import pending_revocation

    listing = nominate_red(red_agency)
    step(listing, "publicise", clerk, D(2026, 9, 30))
    _designate(listing, step, reviewer)
    step(listing, "publish", reviewer, D(2026, 10, 15))
    record = create_record(red_agency, occurred_on=D(2026, 11, 1), decided_on=D(2026, 11, 20))
    record_confirmed.send(record, actor=reviewer)
    proposal = pending_revocation(listing)
    assert proposal is not None and proposal.on == D(2026, 11, 20)
    assert listing.state == S.PUBLISHED  # a reviewer decides the revocation
    assert db.session.scalar(select(Reminder).where(Reminder.subject == f"listing:{listing.id}"))
    record_confirmed.send(record, actor=reviewer)  # idempotent: one open proposal
    assert [e.action for e in listing.events].count("propose_revocation") == 1

    step(listing, "revoke", reviewer, D(2026, 11, 23), reasons="有效期内发生违法失信行为")
    assert listing.state == S.REVOKED
    from credit_service.records.models import Honour

    honour = db.session.scalar(select(Honour).where(Honour.listing_id == listing.id))
    assert honour.revoked_on == D(2026, 11, 23)


def test_black_listing_revokes_red_immediately(db, red_agency, nominate_red, step, clerk,
                                               reviewer, second_reviewer, create_record,
                                               propose_black):
    from credit_service.records.models import Honour

    red = nominate_red(red_agency)
    step(red, "publicise", clerk, D(2026, 9, 30))
    _designate(red, step, reviewer)
    step(red, "publish", reviewer, D(2026, 10, 15))
    record = create_record(red_agency, violation_code="child_labour", severity=Severity.SERIOUS,
                           occurred_on=D(2026, 10, 20), decided_on=D(2026, 10, 26))
    black = propose_black(red_agency, record, on=D(2026, 10, 27))
    step(black, "notify", clerk, D(2026, 10, 28))
    assert red.state == S.PUBLISHED  # only the decision lists
    step(black, "decide", second_reviewer, D(2026, 11, 10))
    assert red.state == S.REVOKED and red.ended_on == D(2026, 11, 10)
    assert "严重违法失信名单" in red.end_reason
    honour = db.session.scalar(select(Honour).where(Honour.listing_id == red.id))
    assert honour.revoked_on == D(2026, 11, 10)


def test_black_decision_withdraws_a_pending_nomination(red_agency, nominate_red, step, clerk,
                                                       second_reviewer, create_record,
                                                       propose_black):
    red = nominate_red(red_agency, on=D(2026, 9, 21))
    record = create_record(red_agency, violation_code="child_labour", severity=Severity.SERIOUS,
                           occurred_on=D(2026, 9, 1), decided_on=D(2026, 9, 10))
    black = propose_black(red_agency, record, on=D(2026, 9, 22))
    step(black, "notify", clerk, D(2026, 9, 23))
    step(black, "decide", second_reviewer, D(2026, 10, 20))
    assert red.state == S.WITHDRAWN


def test_withdraw_during_publicity(red_agency, nominate_red, step, clerk):
    listing = nominate_red(red_agency)
    step(listing, "publicise", clerk, D(2026, 9, 30))
    step(listing, "withdraw", clerk, D(2026, 10, 9), reasons="公示期间收到异议，经核实成立")
    assert listing.state == S.WITHDRAWN


def test_real_records_services_drive_the_lists(db, red_agency, nominate_red, step, clerk,
                                               reviewer, second_reviewer, create_record):
    """The receivers are connected by the app: confirming a draft through the records
    service opens the revocation proposal; revoking it withdraws nothing else."""
    from credit_service.core.enums import RecordStatus
    from credit_service.lists.services import pending_revocation
    from credit_service.records.services import confirm_record

    listing = nominate_red(red_agency)
    step(listing, "publicise", clerk, D(2026, 9, 30))
    _designate(listing, step, reviewer)
    record = create_record(red_agency, status=RecordStatus.DRAFT, entered_by_id=clerk.id,
                           occurred_on=D(2026, 10, 20), decided_on=D(2026, 10, 26))
    confirm_record(record, second_reviewer)
    assert pending_revocation(listing) is not None
