"""Two runs of the same job at the same moment (two threads, two connections, real
commits) produce one result: the (job, period) claim lets exactly one through."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import types
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import ListingState, ListKind, PenaltyKind, RecordSource, Severity

D = dt.date


def _setup_published_black_listing(app):
    from credit_service.agencies.models import Agency
    from credit_service.extensions import db
    from credit_service.lists.services import apply_listing_event, propose_listing
    from credit_service.records.models import Record
    from tests.fixtures.agencies import make_uscc

    agency = Agency(uscc=make_uscc(990001), name="并发测试人力资源有限公司", legal_rep_name="王五",
                    address="济源市", established_on=D(2015, 1, 1), is_dispatch=True)
    db.session.add(agency)
    db.session.flush()
    record = Record(agency_id=agency.id, violation_code="unlicensed_dispatch",
                    severity=Severity.SERIOUS, facts="未经许可经营劳务派遣",
                    occurred_on=D(2026, 1, 5), decided_on=D(2026, 2, 2),
                    decision_number="济人社监罚〔2026〕900号", authority="济源示范区人社局",
                    penalty_kind=PenaltyKind.FINE, fine_amount=Decimal("50000"),
                    source=RecordSource.INSPECTION, status="confirmed")
    db.session.add(record)
    db.session.commit()
    listing = propose_listing(agency, ListKind.BLACK,
                              {"basis_record_id": record.id, "proposed_on": D(2026, 2, 10)}, None)
    for action, on in (("notify", D(2026, 2, 13)), ("decide", D(2026, 3, 2)),
                       ("publish", D(2026, 3, 3))):
        apply_listing_event(listing, action, None, on=on, document_number=f"文号-{action}")
    return listing.id


def _run_twice_concurrently(app, fn):
    from credit_service.extensions import db

    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(fn())
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return results


@pytest.fixture
def clean_config(committed_app):
    return committed_app


def test_two_concurrent_expiry_runs_remove_once(clean_config):
    from credit_service.extensions import db
    from credit_service.jobs.models import JobRun
    from credit_service.jobs.services import run_expire
    from credit_service.lists.models import Listing, ListingEvent

    app = clean_config
    listing_id = _setup_published_black_listing(app)
    db.session.remove()
    results = _run_twice_concurrently(app, lambda: run_expire(D(2029, 3, 2)))
    assert sorted(r is None for r in results) == [False, True]
    assert [r for r in results if r][0]["black_removed"] == 1
    listing = db.session.get(Listing, listing_id)
    assert listing.state == ListingState.REMOVED
    removes = db.session.scalar(select(func.count()).select_from(ListingEvent).where(
        ListingEvent.listing_id == listing_id, ListingEvent.action == "remove"))
    assert removes == 1
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 1


def test_two_concurrent_reminder_runs_write_once(clean_config):
    from credit_service.extensions import db
    from credit_service.jobs.models import JobRun, Reminder
    from credit_service.jobs.services import run_reminders

    app = clean_config
    _setup_published_black_listing(app)
    db.session.remove()
    results = _run_twice_concurrently(app, lambda: run_reminders(D(2029, 2, 20)))
    assert sorted(r is None for r in results) == [False, True]
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 1
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 1


def test_two_concurrent_disclosure_runs_draft_once(clean_config, monkeypatch):
    from credit_service.extensions import db
    from credit_service.jobs.models import JobRun
    from credit_service.jobs.services import run_disclose

    calls = []
    fake = types.ModuleType("credit_service.disclosures.services")
    fake.draft_disclosure = lambda period, actor=None: calls.append(period)
    monkeypatch.setitem(sys.modules, "credit_service.disclosures.services", fake)
    results = _run_twice_concurrently(clean_config, lambda: run_disclose("2026Q3"))
    assert sorted(r is None for r in results) == [False, True]
    assert calls == ["2026Q3"]
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 1


def test_two_concurrent_publish_runs_claim_once(clean_config):
    from credit_service.extensions import db
    from credit_service.jobs.models import JobRun
    from credit_service.jobs.services import run_publish

    now = dt.datetime(2026, 11, 26, 8, 15, tzinfo=dt.UTC)
    results = _run_twice_concurrently(clean_config, lambda: run_publish(now, force=True))
    assert sorted(r is None for r in results) == [False, True]
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 1
