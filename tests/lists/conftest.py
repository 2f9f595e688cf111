"""Fixtures for the list procedures: a listable agency with a veto-class record, and
helpers that walk a listing through its steps with explicit dates."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest

from credit_service.core.enums import ListKind, PenaltyKind, Severity

D = dt.date
PROPOSED_ON = D(2026, 2, 10)
NOMINATED_ON = D(2026, 9, 21)
DESIGNATED_ON = D(2026, 10, 14)


@pytest.fixture(autouse=True)
def _documents_off_the_write_path(_app, monkeypatch):
    # The state-machine tests do not render PDFs; tests/lists/test_documents.py turns it on.
    # (``_app``, not ``app``: committed_app tests must not hold the rolled-back connection.)
    monkeypatch.setitem(_app.config, "LIST_DOCUMENTS_ON_WRITE", False)


@contextlib.contextmanager
def acting_on(day):
    """The local calendar day the services see (``today_local``, which they read lazily)
    during one call: a person acting on that day. People may not date a step after today.
    (A plain helper, not a fixture: tests/jobs and tests/cases import the step fixtures.)"""
    import credit_service.core.web as web

    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    current = web.today_local
    web.today_local = lambda: day
    try:
        yield
    finally:
        web.today_local = current


@pytest.fixture
def clock(monkeypatch):
    """``clock.set(day)``: the services' today for the rest of the test."""
    import credit_service.core.web as web

    class Clock:
        def set(self, day):
            monkeypatch.setattr(web, "today_local", lambda: day)

    return Clock()


@pytest.fixture
def veto_record(create_record, dummy_agency):
    return create_record(
        dummy_agency, violation_code="unlicensed_agency", severity=Severity.SERIOUS,
        facts="未取得人力资源服务许可证从事职业中介活动",
        occurred_on=D(2026, 1, 5), decided_on=D(2026, 2, 2), penalty_kind=PenaltyKind.FINE,
    )


@pytest.fixture
def propose_black(clerk):
    from credit_service.lists.services import propose_listing

    def _propose(agency, record=None, on=PROPOSED_ON, actor=None):
        data = {"proposed_on": on, "reason": "未取得许可证从事职业中介活动",
                "legal_basis": "《人力资源市场暂行条例》第十八条、第四十二条"}
        if record is not None:
            data["basis_record_id"] = record.id
        with acting_on(on):
            return propose_listing(agency, ListKind.BLACK, data, actor or clerk)

    return _propose


@pytest.fixture
def step():
    """One step taken on the day it is dated (the clock reads ``on`` during the call)."""
    from credit_service.lists.services import apply_listing_event

    def _step(listing, action, actor, on, **kwargs):
        kwargs.setdefault("document_number", f"济人社{action}〔2026〕{listing.id}号")
        with acting_on(on):
            return apply_listing_event(listing, action, actor, on=on, **kwargs)

    return _step


@pytest.fixture
def published_black(dummy_agency, veto_record, propose_black, step, clerk, reviewer):
    """Notified 2026-02-13 (objection window crosses the Spring Festival), decided
    2026-03-02, published 2026-03-03."""
    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    step(listing, "decide", reviewer, D(2026, 3, 2))
    step(listing, "publish", reviewer, D(2026, 3, 3))
    return listing


@pytest.fixture
def red_agency(create_agency, file_annual_reports):
    from credit_service.core.enums import Grade

    agency = create_agency(established_on=D(2018, 5, 1), current_grade=Grade.A, current_score=105)
    return file_annual_reports(agency, (2024, 2025))


@pytest.fixture
def nominate_red(clerk):
    from credit_service.lists.services import propose_listing

    def _nominate(agency, on=NOMINATED_ON, actor=None):
        with acting_on(on):
            return propose_listing(agency, ListKind.RED, {"proposed_on": on}, actor or clerk)

    return _nominate


@pytest.fixture
def as_user(app):
    """A test client signed in as ``user`` (Flask-Login session)."""

    def _as(user):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return _as
