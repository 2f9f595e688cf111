"""Every (state × action) pair the TRANSITIONS table does not allow, for both lists, is
answered with Conflict (409) and changes nothing: the listing, its events, the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import ListingState, ListKind
from credit_service.core.errors import Conflict
from credit_service.lists.services import TRANSITIONS

D = dt.date
S = ListingState
FIRST = {ListKind.BLACK: S.PROPOSED, ListKind.RED: S.NOMINATED}
STEP_ON = D(2026, 6, 1)  # after the listing's last event, before today


def _states(kind: ListKind) -> list[ListingState]:
    states = {FIRST[kind]} | {t.target for t in TRANSITIONS[kind].values()}
    return sorted(states, key=lambda s: list(ListingState).index(s))


ILLEGAL = [
    (kind, state, action)
    for kind in ListKind
    for state in _states(kind)
    for action, transition in TRANSITIONS[kind].items()
    if state not in transition.sources
]


def test_the_generated_pairs_cover_both_lists():
    # e.g. black: 9 states × 10 actions, minus the 15 allowed pairs
    allowed = {kind: sum(len(t.sources) for t in TRANSITIONS[kind].values()) for kind in ListKind}
    for kind in ListKind:
        n = len(_states(kind)) * len(TRANSITIONS[kind]) - allowed[kind]
        assert sum(1 for k, _, _ in ILLEGAL if k == kind) == n > 0
    assert set(_states(ListKind.BLACK)) | set(_states(ListKind.RED)) == set(ListingState)


@pytest.fixture
def listing_in(db, dummy_agency, clerk):
    """A listing put straight into ``state`` (its one event ends there), committed so a
    failed service call rolls back to it."""
    from credit_service.lists.models import Listing, ListingEvent

    def _make(kind: ListKind, state: ListingState) -> Listing:
        decided = state not in (S.PROPOSED, S.NOTIFIED, S.OBJECTION, S.NOMINATED, S.PUBLICITY,
                                S.NOT_LISTED, S.WITHDRAWN)
        listing = Listing(
            agency_id=dummy_agency.id, list_kind=kind, state=state, reason="事由",
            legal_basis="依据", authority="测试局", proposed_on=D(2026, 2, 10),
            proposed_by_id=clerk.id, notified_on=D(2026, 2, 13),
            objection_deadline=D(2026, 2, 27), publicity_ends_on=D(2026, 2, 27),
            decided_on=D(2026, 3, 2) if decided else None,
            expires_on=D(2029, 3, 2) if decided else None,
            decision_number="文号" if decided else None,
        )
        listing.events.append(ListingEvent(action="propose", from_state=None, to_state=state,
                                           on=D(2026, 3, 2), actor_id=clerk.id))
        db.session.add(listing)
        db.session.commit()
        return listing

    return _make


def _counts(db, listing):
    from credit_service.audit.models import AuditEvent
    from credit_service.lists.models import ListingEvent

    events = db.session.scalar(select(func.count()).select_from(ListingEvent).where(
        ListingEvent.listing_id == listing.id))
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return events, audits


@pytest.mark.parametrize(("kind", "state", "action"), ILLEGAL,
                         ids=[f"{k.value}-{s.value}-{a}" for k, s, a in ILLEGAL])
def test_illegal_transition_conflicts_and_changes_nothing(db, listing_in, second_reviewer, kind,
                                                          state, action):
    from credit_service.audit.services import snapshot
    from credit_service.lists.services import apply_listing_event

    listing = listing_in(kind, state)
    before, counts = snapshot(listing), _counts(db, listing)
    with pytest.raises(Conflict) as exc:
        apply_listing_event(listing, action, second_reviewer, on=STEP_ON, document_number="号",
                            reasons="理由", corrected_on=D(2026, 3, 1),
                            commitment_received_on=D(2026, 3, 1))
    assert exc.value.status == 409
    db.session.expire_all()
    assert snapshot(listing) == before
    assert listing.state == state
    assert _counts(db, listing) == counts


def test_reversal_of_an_expiry_conflicts_and_changes_nothing(db, listing_in, second_reviewer):
    # reverse_removal is allowed from "removed" only after an early removal (45号令 art.15)
    from credit_service.audit.services import snapshot
    from credit_service.lists.services import apply_listing_event

    listing = listing_in(ListKind.BLACK, S.REMOVED)
    before, counts = snapshot(listing), _counts(db, listing)
    with pytest.raises(Conflict):
        apply_listing_event(listing, "reverse_removal", second_reviewer, on=STEP_ON,
                            document_number="号", reasons="理由")
    db.session.expire_all()
    assert snapshot(listing) == before and _counts(db, listing) == counts


HTTP_SUBSET = [
    (ListKind.BLACK, S.PROPOSED, "decide"),
    (ListKind.BLACK, S.PROPOSED, "publish"),
    (ListKind.BLACK, S.PUBLISHED, "notify"),
    (ListKind.BLACK, S.REMOVED, "revoke"),
    (ListKind.BLACK, S.WITHDRAWN, "remove"),
    (ListKind.BLACK, S.NOT_LISTED, "early_remove"),
    (ListKind.RED, S.NOMINATED, "designate"),
    (ListKind.RED, S.EXPIRED, "revoke"),
    (ListKind.RED, S.REVOKED, "publish"),
    (ListKind.RED, S.WITHDRAWN, "publicise"),
]


@pytest.mark.parametrize(("kind", "state", "action"), HTTP_SUBSET,
                         ids=[f"{k.value}-{s.value}-{a}" for k, s, a in HTTP_SUBSET])
def test_illegal_transition_through_the_staff_route_is_409(db, listing_in, as_user,
                                                           second_reviewer, kind, state, action):
    from credit_service.audit.services import snapshot

    listing = listing_in(kind, state)
    before, counts = snapshot(listing), _counts(db, listing)
    response = as_user(second_reviewer).post(f"/staff/lists/{listing.id}/events", data={
        "action": action, "date": STEP_ON.isoformat(), "document_number": "号",
        "reasons": "理由", "confirmed": "1", "version": str(listing.version)})
    assert response.status_code == 409
    assert "不能执行" in response.get_data(as_text=True)
    db.session.expire_all()
    assert snapshot(listing) == before and _counts(db, listing) == counts
