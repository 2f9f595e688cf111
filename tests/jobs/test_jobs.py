"""Scheduled jobs: expiry on the exact day, reminders, disclosure drafting, idempotency."""

from __future__ import annotations

import datetime as dt
import sys
import types

from sqlalchemy import func, select

from credit_service.core.enums import ListingState

D = dt.date


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_expire_removes_black_listing_on_the_exact_day_once(db, published_black):
    from credit_service.jobs.models import JobRun
    from credit_service.jobs.services import run_expire

    assert run_expire(D(2029, 3, 1))["black_removed"] == 0
    assert published_black.state == ListingState.PUBLISHED
    result = run_expire(D(2029, 3, 2))
    assert result["black_removed"] == 1
    assert published_black.state == ListingState.REMOVED
    assert published_black.ended_on == D(2029, 3, 2)
    assert run_expire(D(2029, 3, 2)) is None  # claimed already: nothing happens
    assert [e.action for e in published_black.events].count("remove") == 1
    assert _count(db, JobRun, JobRun.job == "expire") == 2


def test_expire_red_after_three_years(red_agency, nominate_red, step, clerk, reviewer):
    from credit_service.jobs.services import run_expire

    listing = nominate_red(red_agency)
    step(listing, "publicise", clerk, D(2026, 9, 30))
    step(listing, "designate", reviewer, D(2026, 10, 14))
    step(listing, "publish", reviewer, D(2026, 10, 15))
    run_expire(D(2029, 10, 13))
    assert listing.state == ListingState.PUBLISHED
    assert run_expire(D(2029, 10, 14))["red_expired"] == 1
    assert listing.state == ListingState.EXPIRED


def test_window_ends_trigger_regrade(db, monkeypatch, dummy_agency, create_record, create_honour):
    from credit_service.core.enums import Severity
    from credit_service.jobs import services

    regraded = []
    monkeypatch.setattr("credit_service.lists.services.regrade",
                        lambda agency, as_of=None, actor=None: regraded.append((agency.id, as_of)))
    # a general record decided 2026-02-10 stops counting on 2027-02-10
    create_record(dummy_agency, severity=Severity.GENERAL, decided_on=D(2026, 2, 10))
    services.run_expire(D(2027, 2, 9))
    assert regraded == []
    services.run_expire(D(2027, 2, 10))
    assert regraded == [(dummy_agency.id, D(2027, 2, 10))]


def test_catch_up_covers_the_days_missed(db, monkeypatch, dummy_agency, create_honour):
    from credit_service.jobs import services

    regraded = []
    monkeypatch.setattr("credit_service.lists.services.regrade",
                        lambda agency, as_of=None, actor=None: regraded.append(agency.id))
    create_honour(dummy_agency, granted_on=D(2021, 6, 1))  # counts until 2026-06-01
    services.run_expire(D(2026, 5, 30))
    services.run_expire(D(2026, 6, 3))  # 31 May – 2 June missed: still regraded
    assert regraded == [dummy_agency.id]


def test_reminders_once_per_deadline(db, dummy_agency, veto_record, propose_black, step, clerk):
    from credit_service.jobs.models import Reminder
    from credit_service.jobs.services import due_reminders, run_reminders

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    assert run_reminders(D(2026, 2, 16))["created"] == 1
    assert run_reminders(D(2026, 2, 16)) is None
    assert run_reminders(D(2026, 2, 17))["created"] == 0  # same deadline, no duplicate
    reminders = due_reminders(D(2026, 2, 24))
    assert [(r.subject, r.due_on) for r in reminders] == [(f"listing:{listing.id}", D(2026, 2, 27))]
    assert _count(db, Reminder) == 1


def test_previous_quarter():
    from credit_service.jobs.services import previous_quarter

    assert previous_quarter(D(2026, 10, 1)) == "2026Q3"
    assert previous_quarter(D(2026, 12, 31)) == "2026Q3"
    assert previous_quarter(D(2027, 1, 1)) == "2026Q4"
    assert previous_quarter(D(2026, 4, 1)) == "2026Q1"


def test_disclose_drafts_once_per_quarter(db, monkeypatch):
    from credit_service.jobs.services import run_disclose

    calls = []
    fake = types.ModuleType("credit_service.disclosures.services")
    fake.draft_disclosure = lambda period, actor=None: calls.append(period)
    monkeypatch.setitem(sys.modules, "credit_service.disclosures.services", fake)
    assert run_disclose(on=D(2026, 10, 1)) == {"period": "2026Q3", "disclosure_id": None}
    assert run_disclose("2026Q3") is None
    assert calls == ["2026Q3"]


def test_cli_expire_twice(runner, published_black):
    first = runner.invoke(args=["credit", "expire", "--date", "2029-03-02"])
    assert first.exit_code == 0, first.output
    assert "'black_removed': 1" in first.output
    second = runner.invoke(args=["credit", "expire", "--date", "2029-03-02"])
    assert "已执行过" in second.output
    assert published_black.state == ListingState.REMOVED


def test_cli_disclose_rejects_bad_period(runner):
    result = runner.invoke(args=["credit", "disclose", "--period", "2026-3"])
    assert result.exit_code != 0 and "2026Q3" in result.output


def test_scheduler_only_in_its_command(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from credit_service.jobs.scheduler import build_scheduler

    assert app.config["SCHEDULER_ENABLED"] is False
    scheduler = build_scheduler(app, scheduler_cls=BackgroundScheduler)
    assert {job.id for job in scheduler.get_jobs()} == {"expire", "remind", "publish", "disclose"}
    assert not scheduler.running
