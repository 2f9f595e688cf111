"""Black list (严重违法失信名单) procedure under 人社部令第45号, with explicit dates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import (
    ChangeKind,
    Grade,
    ListingState,
    ListKind,
    PenaltyKind,
    RecordStatus,
    Severity,
)
from credit_service.core.errors import Conflict, PermissionDenied, StaleWrite, ValidationFailed

D = dt.date
S = ListingState


def _events(listing):
    return [(e.action, e.from_state, e.to_state, e.on) for e in listing.events]


def test_full_lifecycle_spring_festival_and_expiry_on_the_exact_day(
    db, dummy_agency, veto_record, propose_black, step, clerk, reviewer
):
    from credit_service.audit.models import AuditEvent
    from credit_service.feed.models import ChangeEvent

    listing = propose_black(dummy_agency, veto_record)
    assert listing.state == S.PROPOSED and listing.proposed_by_id == clerk.id

    # Served Friday 2026-02-13: 14 Feb (调休 Saturday) and 24–27 Feb count; 15–23 Feb are
    # the Spring Festival holiday — the window closes on 2026-02-27 (45号令 art.6).
    step(listing, "notify", clerk, D(2026, 2, 13), document_number="济人社告〔2026〕1号")
    assert listing.state == S.NOTIFIED
    assert listing.objection_deadline == D(2026, 2, 27)

    with pytest.raises(Conflict):  # cannot decide while the objection window is open
        step(listing, "decide", reviewer, D(2026, 2, 27))
    step(listing, "decide", reviewer, D(2026, 3, 2), document_number="济人社决〔2026〕1号")
    assert listing.state == S.DECIDED
    assert listing.decided_by_id == reviewer.id
    assert listing.decision_number == "济人社决〔2026〕1号"
    assert listing.expires_on == D(2029, 3, 2)  # 3 years from the decision (art.11)
    assert dummy_agency.current_grade == Grade.D  # regraded: a black listing is a veto

    step(listing, "publish", reviewer, D(2026, 3, 3))
    assert listing.state == S.PUBLISHED and listing.published_on == D(2026, 3, 3)

    with pytest.raises(Conflict):  # the system removes on the expiry day, not before
        step(listing, "remove", None, D(2029, 3, 1))
    assert listing.state == S.PUBLISHED
    step(listing, "remove", None, D(2029, 3, 2), document_number=None)
    assert listing.state == S.REMOVED and listing.ended_on == D(2029, 3, 2)

    assert [e[0] for e in _events(listing)] == ["propose", "notify", "decide", "publish", "remove"]
    notify = listing.events[1]
    assert notify.actor_id == clerk.id and notify.document_number == "济人社告〔2026〕1号"
    kinds = db.session.scalars(
        select(ChangeEvent.kind).where(ChangeEvent.subject == f"listing:{listing.id}")
        .order_by(ChangeEvent.id)).all()
    assert kinds == [ChangeKind.LISTED, ChangeKind.REMOVED]
    audited = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "listings",
                                        AuditEvent.object_id == str(listing.id))).all()
    assert audited == ["listing.propose", "listing.notify", "listing.decide", "listing.publish",
                       "listing.remove"]


def test_objection_then_decision_with_reasons(dummy_agency, veto_record, propose_black, step,
                                              clerk, reviewer):
    from credit_service.lists.services import verification_deadline

    listing = propose_black(dummy_agency, veto_record, on=D(2026, 9, 25))
    # National Day: served 2026-09-30, window 8, 9, 10 (调休 Saturday), 12, 13 October.
    step(listing, "notify", clerk, D(2026, 9, 30))
    assert listing.objection_deadline == D(2026, 10, 13)
    step(listing, "object", None, D(2026, 10, 13), document_number=None, reasons="已补缴")
    assert listing.state == S.OBJECTION
    # 5 working days from the objection (art.6): 14, 15, 16, 19, 20 October
    assert verification_deadline(listing) == D(2026, 10, 20)
    with pytest.raises(ValidationFailed) as exc:
        step(listing, "decide", reviewer, D(2026, 10, 15))
    assert "reasons" in exc.value.errors
    step(listing, "decide", reviewer, D(2026, 10, 15), reasons="异议所称已补缴与事实不符")
    assert listing.state == S.DECIDED


def test_objection_after_the_window_is_refused(dummy_agency, veto_record, propose_black, step,
                                               clerk):
    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    with pytest.raises(Conflict):
        step(listing, "object", None, D(2026, 3, 2))
    assert listing.state == S.NOTIFIED


ILLEGAL = {
    S.PROPOSED: ["object", "decide", "publish", "remove", "revoke", "not_list", "early_remove",
                 "reverse_removal", "designate", "expire", "nonsense"],
    S.NOTIFIED: ["notify", "publish", "remove", "revoke", "reverse_removal", "early_remove"],
    S.DECIDED: ["notify", "object", "decide", "withdraw", "not_list", "reverse_removal"],
    S.PUBLISHED: ["notify", "object", "decide", "publish", "withdraw", "not_list",
                  "reverse_removal"],
}


@pytest.mark.parametrize("state,action", [(s, a) for s, acts in ILLEGAL.items() for a in acts])
def test_illegal_transitions_conflict_and_change_nothing(
    db, dummy_agency, veto_record, propose_black, step, clerk, reviewer, state, action
):
    from credit_service.audit.models import AuditEvent
    from credit_service.audit.services import snapshot

    listing = propose_black(dummy_agency, veto_record)
    path = {S.PROPOSED: [], S.NOTIFIED: ["notify"], S.DECIDED: ["notify", "decide"],
            S.PUBLISHED: ["notify", "decide", "publish"]}[state]
    dates = {"notify": D(2026, 2, 13), "decide": D(2026, 3, 2), "publish": D(2026, 3, 3)}
    for previous in path:
        step(listing, previous, reviewer if previous != "notify" else clerk, dates[previous])
    assert listing.state == state
    before = snapshot(listing)
    events = len(listing.events)
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(Conflict):
        step(listing, action, reviewer, D(2026, 4, 1), reasons="测试")
    db.session.refresh(listing)
    assert snapshot(listing) == before
    assert len(listing.events) == events
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_terminal_states_accept_nothing(dummy_agency, veto_record, propose_black, step, clerk,
                                        reviewer):
    listing = propose_black(dummy_agency, veto_record)
    step(listing, "withdraw", clerk, D(2026, 2, 11), reasons="事实有误")
    assert listing.state == S.WITHDRAWN
    for action in ("notify", "decide", "publish", "remove", "revoke", "withdraw", "object"):
        with pytest.raises(Conflict):
            step(listing, action, reviewer, D(2026, 3, 1), reasons="x")


def test_four_eyes_and_review_capability(dummy_agency, veto_record, propose_black, step,
                                         reviewer, second_reviewer, clerk, create_user):
    listing = propose_black(dummy_agency, veto_record, actor=reviewer)
    step(listing, "notify", reviewer, D(2026, 2, 13))
    with pytest.raises(PermissionDenied):  # the proposer cannot decide
        step(listing, "decide", reviewer, D(2026, 3, 2))
    with pytest.raises(PermissionDenied):  # a clerk cannot decide at all
        step(listing, "decide", clerk, D(2026, 3, 2))
    assert listing.state == S.NOTIFIED
    step(listing, "decide", second_reviewer, D(2026, 3, 2))
    assert listing.decided_by_id == second_reviewer.id


def test_stale_version(dummy_agency, veto_record, propose_black, step, clerk):
    listing = propose_black(dummy_agency, veto_record)
    with pytest.raises(StaleWrite):
        step(listing, "notify", clerk, D(2026, 2, 13), expected_version=listing.version + 1)
    assert listing.state == S.PROPOSED
    step(listing, "notify", clerk, D(2026, 2, 13), expected_version=listing.version)


def test_dates_cannot_go_backwards_and_number_is_required(dummy_agency, veto_record,
                                                          propose_black, step, clerk):
    listing = propose_black(dummy_agency, veto_record, on=D(2026, 2, 10))
    with pytest.raises(ValidationFailed):
        step(listing, "notify", clerk, D(2026, 2, 9))
    with pytest.raises(ValidationFailed) as exc:
        step(listing, "notify", clerk, D(2026, 2, 13), document_number="")
    assert "document_number" in exc.value.errors


def test_no_second_open_black_listing(dummy_agency, veto_record, propose_black):
    propose_black(dummy_agency, veto_record)
    with pytest.raises(Conflict):
        propose_black(dummy_agency, veto_record)


def test_not_listed_needs_correction_and_commitment(dummy_agency, veto_record, propose_black, step,
                                                    clerk, reviewer):
    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    with pytest.raises(ValidationFailed) as exc:
        step(listing, "not_list", reviewer, D(2026, 2, 26), reasons="已整改")
    assert set(exc.value.errors) == {"corrected_on", "commitment_received_on"}
    step(listing, "not_list", reviewer, D(2026, 2, 26), reasons="已整改并作出信用承诺",
         corrected_on=D(2026, 2, 20), commitment_received_on=D(2026, 2, 25))
    assert listing.state == S.NOT_LISTED  # 45号令 art.7


# ----------------------------------------------------------------- early removal (art.12–14)


def test_early_removal_five_months_29_days_is_not_enough(published_black, step, reviewer):
    # Corrected 2026-03-31; six calendar months later is 2026-09-30.
    with pytest.raises(ValidationFailed) as exc:
        step(published_black, "early_remove", reviewer, D(2026, 9, 29),
             corrected_on=D(2026, 3, 31), commitment_received_on=D(2026, 4, 2))
    assert "corrected_on" in exc.value.errors
    assert published_black.state == S.PUBLISHED
    step(published_black, "early_remove", reviewer, D(2026, 9, 30),
         corrected_on=D(2026, 3, 31), commitment_received_on=D(2026, 4, 2))
    assert published_black.state == S.REMOVED
    assert published_black.end_reason == "信用修复，提前移出"


def test_early_removal_month_end_clamps(published_black, step, reviewer):
    # Corrected 2026-08-31: 6 months is 2027-02-28, not "2027-03-03".
    with pytest.raises(ValidationFailed):
        step(published_black, "early_remove", reviewer, D(2027, 2, 27),
             corrected_on=D(2026, 8, 31), commitment_received_on=D(2026, 9, 1))
    step(published_black, "early_remove", reviewer, D(2027, 2, 28),
         corrected_on=D(2026, 8, 31), commitment_received_on=D(2026, 9, 1))
    assert published_black.state == S.REMOVED


def test_early_removal_needs_commitment(published_black, step, reviewer):
    with pytest.raises(ValidationFailed) as exc:
        step(published_black, "early_remove", reviewer, D(2026, 12, 1), corrected_on=D(2026, 4, 1))
    assert list(exc.value.errors) == ["commitment_received_on"]


def test_early_removal_barred_after_reoffence(published_black, step, reviewer, create_record,
                                              dummy_agency):
    create_record(dummy_agency, occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 20),
                  severity=Severity.MINOR, penalty_kind=PenaltyKind.WARNING)
    with pytest.raises(ValidationFailed) as exc:
        step(published_black, "early_remove", reviewer, D(2026, 12, 1),
             corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 4, 2))
    assert "reoffence" in exc.value.errors
    assert published_black.state == S.PUBLISHED


def test_offence_before_listing_does_not_bar(published_black, step, reviewer, create_record,
                                             dummy_agency):
    create_record(dummy_agency, occurred_on=D(2025, 6, 1), decided_on=D(2025, 7, 1))
    step(published_black, "early_remove", reviewer, D(2026, 12, 1),
         corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 4, 2))
    assert published_black.state == S.REMOVED


def test_remove_before_expiry_is_treated_as_early_removal(published_black, step, reviewer):
    step(published_black, "remove", reviewer, D(2026, 12, 1),
         corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 4, 2))
    assert published_black.events[-1].action == "early_remove"


def test_fraud_reversal_restores_and_restarts_the_term(db, published_black, step, reviewer,
                                                      second_reviewer):
    from credit_service.feed.models import ChangeEvent

    step(published_black, "early_remove", reviewer, D(2026, 12, 1),
         corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 4, 2))
    step(published_black, "reverse_removal", second_reviewer, D(2027, 1, 15),
         reasons="提前移出申请所附整改材料系伪造")
    assert published_black.state == S.PUBLISHED
    assert published_black.expires_on == D(2030, 1, 15)  # 45号令 art.15: term restarts
    assert published_black.ended_on is None
    kinds = db.session.scalars(select(ChangeEvent.kind).where(
        ChangeEvent.subject == f"listing:{published_black.id}").order_by(ChangeEvent.id)).all()
    assert kinds == [ChangeKind.LISTED, ChangeKind.REMOVED, ChangeKind.LISTED]


def test_reversal_only_after_early_removal(published_black, step, reviewer):
    step(published_black, "remove", None, D(2029, 3, 2))
    with pytest.raises(Conflict):
        step(published_black, "reverse_removal", reviewer, D(2029, 4, 1), reasons="x")


# ----------------------------------------------------------------- revocation (art.16)


def test_revoking_the_underlying_decision_revokes_the_listing(db, published_black, veto_record,
                                                              reviewer):
    from credit_service.core.signals import record_revoked

    veto_record.status = RecordStatus.OVERTURNED
    veto_record.status_changed_on = D(2026, 6, 1)
    record_revoked.send(veto_record, actor=reviewer, overturned=True)
    assert published_black.state == S.REVOKED
    assert published_black.ended_on == D(2026, 6, 1)
    assert "撤销" in published_black.end_reason
    assert published_black.events[-1].action == "revoke"


def test_revoking_the_record_withdraws_an_open_procedure(dummy_agency, veto_record, propose_black,
                                                         step, clerk):
    from credit_service.core.signals import record_revoked

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    veto_record.status = RecordStatus.REVOKED
    veto_record.status_changed_on = D(2026, 2, 20)
    record_revoked.send(veto_record, actor=None, overturned=False)
    assert listing.state == S.WITHDRAWN


def test_manual_revoke_needs_reasons_and_review(published_black, step, clerk, reviewer):
    with pytest.raises(PermissionDenied):
        step(published_black, "revoke", clerk, D(2026, 5, 1), reasons="处罚决定被复议撤销")
    with pytest.raises(ValidationFailed):
        step(published_black, "revoke", reviewer, D(2026, 5, 1))
    step(published_black, "revoke", reviewer, D(2026, 5, 1), reasons="处罚决定被复议撤销")
    assert published_black.state == S.REVOKED


# ----------------------------------------------------------------- candidates


def test_candidates(db, create_agency, create_record):
    from credit_service.lists.services import blacklist_candidates

    veto = create_agency(name="否决机构")
    create_record(veto, violation_code="child_labour", severity=Severity.SERIOUS,
                  decided_on=D(2026, 5, 1), occurred_on=D(2026, 4, 1))
    three = create_agency(name="三次处罚机构")
    for month in (1, 4, 8):
        create_record(three, decided_on=D(2026, month, 10), occurred_on=D(2026, month, 1))
    refused = create_agency(name="拒不履行机构")
    create_record(refused, refused_to_comply=True, decided_on=D(2026, 6, 1),
                  occurred_on=D(2026, 5, 1))
    clean = create_agency(name="两次处罚机构")
    for month in (1, 4):
        create_record(clean, decided_on=D(2026, month, 10), occurred_on=D(2026, month, 1))
    draft = create_agency(name="草稿否决机构")
    create_record(draft, violation_code="child_labour", status=RecordStatus.DRAFT,
                  decided_on=D(2026, 5, 1), occurred_on=D(2026, 4, 1))
    old = create_agency(name="三次但已超12个月")
    for month in (1, 4, 8):
        create_record(old, decided_on=D(2025, month, 10), occurred_on=D(2025, month, 1))

    found = {c.agency.name: c for c in blacklist_candidates(as_of=D(2026, 9, 1))}
    assert set(found) == {"否决机构", "三次处罚机构", "拒不履行机构"}
    assert "一票否决" in found["否决机构"].reasons[0]
    assert "3次" in found["三次处罚机构"].reasons[0]
    assert "拒不履行" in found["拒不履行机构"].reasons[0]
    # never listed automatically
    from credit_service.lists.models import Listing

    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


def test_candidate_with_open_procedure_is_left_out(dummy_agency, veto_record, propose_black):
    from credit_service.lists.services import blacklist_candidates

    assert [c.agency for c in blacklist_candidates(D(2026, 3, 1))] == [dummy_agency]
    propose_black(dummy_agency, veto_record)
    assert blacklist_candidates(D(2026, 3, 1)) == []


def test_proposal_validation(dummy_agency, clerk):
    from credit_service.lists.services import propose_listing

    with pytest.raises(ValidationFailed) as exc:
        propose_listing(dummy_agency, ListKind.BLACK, {"proposed_on": "2026-02-10"}, clerk)
    assert {"reason", "legal_basis"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed):
        propose_listing(dummy_agency, "purple", {}, clerk)


def test_no_decision_once_the_basis_record_is_gone(dummy_agency, veto_record, propose_black,
                                                    step, clerk, reviewer):
    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    veto_record.status = RecordStatus.REVOKED  # without the signal, e.g. a data fix
    with pytest.raises(Conflict):
        step(listing, "decide", reviewer, D(2026, 3, 2))
    assert listing.state == S.NOTIFIED


def test_document_number_length(dummy_agency, veto_record, propose_black, step, clerk):
    listing = propose_black(dummy_agency, veto_record)
    with pytest.raises(ValidationFailed) as exc:
        step(listing, "notify", clerk, D(2026, 2, 13), document_number="号" * 101)
    assert "document_number" in exc.value.errors


def test_records_service_revocation_revokes_listing(published_black, veto_record, reviewer):
    from credit_service.records.services import revoke_record

    revoke_record(veto_record, reviewer, "行政复议决定撤销原处罚决定", on=D(2026, 7, 1),
                  overturned=True)
    assert published_black.state == S.REVOKED and published_black.ended_on == D(2026, 7, 1)
