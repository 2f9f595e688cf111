"""Steps the rules force (a red listing revoked by a black-list decision, a listing revoked
with its basis record, expiry) name the person whose step triggered them; reversing a
fraudulent early removal never leaves an agency on both lists or twice on the black list."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import ListingState, ListKind, RecordStatus, Severity
from credit_service.core.errors import Conflict

D = dt.date
S = ListingState


def _audit(db, listing, action):
    from credit_service.audit.models import AuditEvent

    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "listings", AuditEvent.object_id == str(listing.id),
        AuditEvent.action == action)).all()


def test_red_listing_revoked_by_a_black_decision_names_the_reviewer(
    db, red_agency, nominate_red, step, clerk, reviewer, second_reviewer, create_record,
    propose_black,
):
    red = nominate_red(red_agency)
    step(red, "publicise", clerk, D(2026, 9, 30))
    step(red, "designate", reviewer, D(2026, 10, 14))
    step(red, "publish", reviewer, D(2026, 10, 15))
    record = create_record(red_agency, violation_code="child_labour", severity=Severity.SERIOUS,
                           occurred_on=D(2026, 10, 20), decided_on=D(2026, 10, 26))
    black = propose_black(red_agency, record, on=D(2026, 10, 27))
    step(black, "notify", clerk, D(2026, 10, 28))
    step(black, "decide", second_reviewer, D(2026, 11, 10), document_number="济人社决〔2026〕7号")
    revoke = red.events[-1]
    assert (revoke.action, red.state) == ("revoke", S.REVOKED)
    assert revoke.actor_id == second_reviewer.id
    assert revoke.document_number == "济人社决〔2026〕7号"
    [row] = _audit(db, red, "listing.revoke")
    assert row.actor_id == second_reviewer.id


def test_revocation_with_the_basis_record_names_who_revoked_it(db, published_black, veto_record,
                                                               reviewer):
    from credit_service.core.signals import record_revoked

    veto_record.status = RecordStatus.OVERTURNED
    veto_record.status_changed_on = D(2026, 6, 1)
    record_revoked.send(veto_record, actor=reviewer, overturned=True)
    assert published_black.state == S.REVOKED
    assert published_black.events[-1].actor_id == reviewer.id
    assert _audit(db, published_black, "listing.revoke")[0].actor_id == reviewer.id


def test_the_schedulers_expiry_has_no_person(db, published_black):
    from credit_service.jobs.services import expire_due

    expire_due(D(2029, 3, 2))
    assert published_black.state == S.REMOVED
    assert published_black.events[-1].actor_id is None
    assert _audit(db, published_black, "listing.remove")[0].actor_id is None


# ----------------------------------------------------------------- reversal (art.15)


@pytest.fixture
def removed_early(published_black, step, reviewer):
    step(published_black, "early_remove", reviewer, D(2026, 9, 30),
         corrected_on=D(2026, 3, 31), commitment_received_on=D(2026, 4, 2))
    return published_black


def _red_listing(db, agency, state, clerk):
    """Put straight in place: the agency obtained a red listing after its early removal
    (the eligibility path would need years of clean history)."""
    from credit_service.lists.models import Listing, ListingEvent
    from credit_service.records.models import Honour

    listing = Listing(agency_id=agency.id, list_kind=ListKind.RED, state=state, reason="事由",
                      legal_basis="依据", authority="测试局", proposed_on=D(2026, 10, 8),
                      proposed_by_id=clerk.id)
    if state == S.PUBLISHED:
        listing.decided_on, listing.expires_on = D(2026, 10, 20), D(2029, 10, 20)
        listing.decision_number, listing.published_on = "济人社信〔2026〕3号", D(2026, 10, 21)
    listing.events.append(ListingEvent(action="nominate", from_state=None, to_state=state,
                                       on=D(2026, 10, 21), actor_id=clerk.id))
    db.session.add(listing)
    db.session.flush()
    if state == S.PUBLISHED:
        db.session.add(Honour(agency_id=agency.id, kind="red_list", level="municipal",
                              title="诚信服务示范机构", issuer="测试局",
                              document_number=listing.decision_number, granted_on=D(2026, 10, 20),
                              valid_until=D(2029, 10, 20), listing_id=listing.id,
                              entered_by_id=clerk.id))
    db.session.commit()
    return listing


@pytest.mark.parametrize(("red_state", "ended_as"), [(S.PUBLISHED, S.REVOKED),
                                                     (S.PUBLICITY, S.WITHDRAWN)])
def test_reversal_ends_an_open_red_listing(db, removed_early, step, clerk, second_reviewer,
                                           red_state, ended_as):
    from credit_service.records.models import Honour

    red = _red_listing(db, removed_early.agency, red_state, clerk)
    step(removed_early, "reverse_removal", second_reviewer, D(2026, 11, 16),
         document_number="济人社恢〔2026〕1号", reasons="提前移出申请所附整改材料系伪造")
    assert removed_early.state == S.PUBLISHED
    assert red.state == ended_as and red.ended_on == D(2026, 11, 16)
    assert "恢复列入严重违法失信名单" in red.end_reason
    assert red.events[-1].actor_id == second_reviewer.id
    honour = db.session.scalar(select(Honour).where(Honour.listing_id == red.id))
    if honour is not None:
        assert honour.revoked_on == D(2026, 11, 16)
    both = [listing for listing in (red, removed_early)
            if listing.state in (S.NOMINATED, S.PUBLICITY, S.DESIGNATED, S.PUBLISHED)]
    assert both == [removed_early]


def test_reversal_refused_while_a_newer_black_listing_is_open(db, removed_early, step, clerk,
                                                             second_reviewer, create_record,
                                                             propose_black, dummy_agency):
    from credit_service.audit.services import snapshot
    from credit_service.lists.models import ListingEvent

    record = create_record(dummy_agency, violation_code="unlicensed_agency",
                           severity=Severity.SERIOUS, occurred_on=D(2026, 10, 1),
                           decided_on=D(2026, 10, 20))
    newer = propose_black(dummy_agency, record, on=D(2026, 11, 2))
    db.session.commit()
    before = snapshot(removed_early)
    events = db.session.scalar(select(func.count()).select_from(ListingEvent))
    with pytest.raises(Conflict) as exc:
        step(removed_early, "reverse_removal", second_reviewer, D(2026, 11, 16),
             reasons="提前移出申请所附整改材料系伪造")
    assert f"#{newer.id}" in exc.value.message
    db.session.expire_all()
    assert snapshot(removed_early) == before and removed_early.state == S.REMOVED
    assert db.session.scalar(select(func.count()).select_from(ListingEvent)) == events
    assert newer.state == S.PROPOSED
