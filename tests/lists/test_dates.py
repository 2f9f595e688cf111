"""No person may date a list step after today: otherwise a clerk could record the expiry of
the 3-year term (45号令 art.11) in advance and end a listing early, skipping the early-removal
conditions (art.12–14) and the reviewer. Only the scheduler acts on the dates the rules set."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import ListingState
from credit_service.core.errors import Conflict, PermissionDenied, ValidationFailed

D = dt.date
S = ListingState
TODAY = D(2026, 12, 1)
EXPIRY = D(2029, 3, 2)  # published_black: decided 2026-03-02


def _audit_rows(db, listing):
    from credit_service.audit.models import AuditEvent

    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "listings", AuditEvent.object_id == str(listing.id)))


@pytest.fixture
def today(clock):
    clock.set(TODAY)
    return TODAY


@pytest.mark.parametrize("who", ["clerk", "reviewer"])
def test_removal_dated_on_the_future_expiry_is_refused(request, db, today, published_black, who):
    from credit_service.lists.services import apply_listing_event

    actor = request.getfixturevalue(who)
    events, audits = len(published_black.events), _audit_rows(db, published_black)
    with pytest.raises(ValidationFailed) as exc:
        apply_listing_event(published_black, "remove", actor, on=EXPIRY, document_number="x")
    assert exc.value.status == 422
    assert "不得晚于今天（2026-12-01）" in exc.value.errors["date"][0]
    assert published_black.state == S.PUBLISHED and published_black.ended_on is None
    assert len(published_black.events) == events and _audit_rows(db, published_black) == audits


def test_every_step_of_a_person_refuses_tomorrow(db, today, dummy_agency, veto_record, clerk,
                                                 reviewer, red_agency):
    from credit_service.core.enums import ListKind
    from credit_service.lists.services import apply_listing_event, propose_listing

    db.session.commit()  # a failed service call rolls back to the last commit
    tomorrow = today + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        propose_listing(dummy_agency, ListKind.BLACK,
                        {"basis_record_id": veto_record.id, "proposed_on": tomorrow}, clerk)
    assert "proposed_on" in exc.value.errors
    listing = propose_listing(dummy_agency, ListKind.BLACK,
                              {"basis_record_id": veto_record.id, "proposed_on": today}, clerk)
    with pytest.raises(ValidationFailed) as exc:
        apply_listing_event(listing, "notify", clerk, on=tomorrow, document_number="告1")
    assert "date" in exc.value.errors and listing.state == S.PROPOSED
    apply_listing_event(listing, "notify", clerk, on=today, document_number="告1")
    assert listing.state == S.NOTIFIED

    red = propose_listing(red_agency, ListKind.RED, {"proposed_on": today}, clerk)
    with pytest.raises(ValidationFailed):
        apply_listing_event(red, "publicise", clerk, on=tomorrow)
    assert red.state == S.NOMINATED


def test_red_expiry_dated_in_advance_is_refused(clock, red_agency, nominate_red, step, clerk,
                                                reviewer):
    from credit_service.lists.services import apply_listing_event

    listing = nominate_red(red_agency)
    step(listing, "publicise", clerk, D(2026, 9, 30))
    step(listing, "designate", reviewer, D(2026, 10, 14))
    step(listing, "publish", reviewer, D(2026, 10, 15))
    clock.set(TODAY)
    with pytest.raises(ValidationFailed) as exc:
        apply_listing_event(listing, "expire", clerk, on=listing.expires_on)
    assert "date" in exc.value.errors
    with pytest.raises(Conflict):  # today: the term has not ended
        apply_listing_event(listing, "expire", clerk, on=TODAY)
    assert listing.state == S.PUBLISHED


def test_removal_by_a_person_before_expiry_is_a_reviewed_early_removal(db, today, published_black,
                                                                       clerk, reviewer):
    from credit_service.lists.services import apply_listing_event

    with pytest.raises(PermissionDenied):  # a clerk cannot decide an early removal
        apply_listing_event(published_black, "remove", clerk, on=today)
    with pytest.raises(ValidationFailed) as exc:  # conditions of 45号令 art.12
        apply_listing_event(published_black, "remove", reviewer, on=today, document_number="移1")
    assert {"corrected_on", "commitment_received_on"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:  # a commitment dated after the decision
        apply_listing_event(published_black, "remove", reviewer, on=today, document_number="移1",
                            corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 12, 2))
    assert list(exc.value.errors) == ["commitment_received_on"]
    assert published_black.state == S.PUBLISHED
    apply_listing_event(published_black, "remove", reviewer, on=today, document_number="移1",
                        corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 4, 2))
    assert published_black.state == S.REMOVED
    assert published_black.events[-1].action == "early_remove"
    assert published_black.events[-1].actor_id == reviewer.id


def test_the_system_removes_on_the_exact_day_and_never_before(clock, published_black):
    from credit_service.lists.services import _system_step

    clock.set(EXPIRY - dt.timedelta(days=1))
    with pytest.raises(Conflict):
        _system_step(published_black, "remove", on=EXPIRY - dt.timedelta(days=1))
    clock.set(EXPIRY)
    _system_step(published_black, "remove", on=EXPIRY)
    assert published_black.state == S.REMOVED and published_black.ended_on == EXPIRY
    assert published_black.events[-1].action == "remove"


def test_staff_route_refuses_a_removal_dated_on_the_future_expiry(db, today, as_user, clerk,
                                                                  published_black):
    c = as_user(clerk)
    events = len(published_black.events)
    response = c.post(f"/staff/lists/{published_black.id}/events", data={
        "action": "remove", "date": EXPIRY.isoformat(), "confirmed": "1",
        "version": str(published_black.version)})
    assert response.status_code == 422
    assert "不得晚于今天（2026-12-01）" in response.get_data(as_text=True)
    db.session.refresh(published_black)
    assert published_black.state == S.PUBLISHED and len(published_black.events) == events


def test_staff_route_early_removal_needs_a_reviewer(db, today, as_user, clerk, published_black):
    response = as_user(clerk).post(f"/staff/lists/{published_black.id}/events", data={
        "action": "remove", "date": TODAY.isoformat(), "confirmed": "1",
        "corrected_on": "2026-04-01", "commitment_received_on": "2026-04-02"})
    assert response.status_code == 403
    db.session.refresh(published_black)
    assert published_black.state == S.PUBLISHED


def test_api_refuses_a_removal_dated_on_the_future_expiry(db, today, client, clerk,
                                                          published_black):
    from credit_service.auth.services import issue_token

    headers = {"Authorization": f"Bearer {issue_token(clerk, 'API 测试', clerk)}"}
    response = client.post(f"/api/v1/listings/{published_black.id}/events", headers=headers,
                           json={"action": "remove", "date": EXPIRY.isoformat()})
    assert response.status_code == 422, response.get_json()
    db.session.refresh(published_black)
    assert published_black.state == S.PUBLISHED
