"""Scheduled jobs: expiry on the exact day, reminders, disclosure drafting, idempotency."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
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
    # the job's writes are audited like anyone's: one removal row, by the job, no person
    from credit_service.audit.models import AuditEvent

    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "listings", AuditEvent.object_id == str(published_black.id),
        AuditEvent.action.like("%remove%"))).all()
    assert [(r.actor_label, r.actor_id) for r in rows] == [("job:expire", None)]
    assert rows[0].after["state"] == "removed" and rows[0].before["state"] == "published"


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


@pytest.fixture
def filed_agency(create_agency, file_annual_reports):
    """An agency with every annual report up to 2025 filed on time."""
    return file_annual_reports(create_agency(established_on=D(2015, 3, 1)), range(2015, 2026))


def _live(agency):
    from credit_service.grading.services import current_assessment

    live = current_assessment(agency)
    return live.as_of, live.grade.value, live.score


def test_expired_deduction_raises_the_live_grade_on_its_day(db, filed_agency, create_record):
    from credit_service.core.enums import Severity
    from credit_service.grading.models import Assessment
    from credit_service.jobs import services

    # A general record decided 2026-02-10 counts until 2027-02-09 (12 months).
    create_record(filed_agency, severity=Severity.GENERAL, decided_on=D(2026, 2, 10),
                  occurred_on=D(2026, 1, 5))
    assert services.run_expire(D(2027, 2, 9))["regraded"] >= 1
    assert _live(filed_agency) == (D(2027, 2, 9), "B", 90)
    services.run_expire(D(2027, 2, 10))
    db.session.expire_all()
    # Deduction gone and 12 months without a record: +5, and A (no penalty in 12 months).
    assert _live(filed_agency) == (D(2027, 2, 10), "A", 105)
    assert (filed_agency.current_grade.value, filed_agency.current_score) == ("A", 105)
    rows = _count(db, Assessment, Assessment.agency_id == filed_agency.id)
    assert services.run_expire(D(2027, 2, 10)) is None  # once per day
    assert services.run_expire(D(2027, 2, 11))["regraded"] == 0  # nothing changed
    assert _count(db, Assessment, Assessment.agency_id == filed_agency.id) == rows


def test_annual_report_deadline_reaches_the_live_grade(db, filed_agency):
    from credit_service.jobs import services

    services.run_expire(D(2027, 3, 31))
    assert _live(filed_agency) == (D(2027, 3, 31), "A", 105)
    services.run_expire(D(2027, 4, 1))  # the 2026 report was due by 31 March (19号令 art.19)
    db.session.expire_all()
    assert _live(filed_agency) == (D(2027, 4, 1), "C", 95)


def test_missed_days_are_covered_by_the_next_run(db, filed_agency, create_honour):
    from credit_service.core.enums import HonourLevel
    from credit_service.jobs import services

    create_honour(filed_agency, level=HonourLevel.NATIONAL, granted_on=D(2021, 6, 1))
    services.run_expire(D(2026, 5, 30))  # the honour counts until 2026-05-31
    assert _live(filed_agency) == (D(2026, 5, 30), "A+", 115)
    services.run_expire(D(2026, 6, 3))  # 31 May – 2 June missed
    db.session.expire_all()
    assert _live(filed_agency) == (D(2026, 6, 3), "A", 105)


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


def test_reminders_are_dismissed_once_their_step_is_taken(db, dummy_agency, veto_record,
                                                          propose_black, step, clerk, reviewer):
    from credit_service.jobs.models import Reminder
    from credit_service.jobs.services import run_reminders

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    run_reminders(D(2026, 2, 16))
    reminder = db.session.scalar(select(Reminder))
    assert run_reminders(D(2026, 2, 17))["dismissed"] == 0  # still waiting for the decision
    step(listing, "decide", reviewer, D(2026, 3, 2))
    assert run_reminders(D(2026, 3, 3))["dismissed"] == 1
    assert reminder.dismissed


def test_a_person_dismisses_a_reminder_from_the_dashboard(db, login, clerk, dummy_agency,
                                                          veto_record, propose_black, step):
    from credit_service.audit.models import AuditEvent
    from credit_service.jobs.models import Reminder
    from credit_service.jobs.services import write_reminders

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    write_reminders(D(2026, 2, 16))
    db.session.commit()
    reminder = db.session.scalar(select(Reminder))
    client = login(clerk)
    assert reminder.message in client.get("/staff/").get_data(as_text=True)
    response = client.post(f"/staff/reminders/{reminder.id}/dismiss")
    assert response.status_code == 302 and reminder.dismissed
    page = client.get("/staff/").get_data(as_text=True)
    assert "已将该提醒标记为已处理" in page and reminder.message not in page
    assert _count(db, AuditEvent, AuditEvent.action == "reminder.dismiss",
                  AuditEvent.actor_id == clerk.id) == 1
    assert client.post(f"/staff/reminders/{reminder.id}/dismiss").status_code == 409
    assert client.post("/staff/reminders/987654/dismiss").status_code == 404


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

    scheduler = build_scheduler(app, scheduler_cls=BackgroundScheduler)
    assert {job.id for job in scheduler.get_jobs()} == {"expire", "remind", "publish", "disclose"}
    assert not scheduler.running


def test_the_web_app_never_loads_a_scheduler(tmp_path):
    """A web worker (create_app + requests) imports no APScheduler scheduler at all; only
    ``flask credit scheduler`` builds one."""
    import subprocess

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from config import TestingConfig\n"
        "from credit_service import create_app\n"
        f"config = TestingConfig(Path({str(tmp_path)!r}))\n"
        f"config.SQLALCHEMY_DATABASE_URI = 'sqlite:///{tmp_path}/web.sqlite3'\n"
        "app = create_app(config)\n"
        "from flask_migrate import upgrade\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "client = app.test_client()\n"
        "for url in ('/', '/agencies?q=x', '/lists/black', '/rules', '/api/v1/agencies'):\n"
        "    assert client.get(url).status_code == 200, url\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('apscheduler.schedulers'))\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_publish_job_works_only_after_a_write(db, published_black, clerk):
    from credit_service.agencies.services import update_agency
    from credit_service.documents.models import Document
    from credit_service.jobs.models import JobRun
    from credit_service.jobs.services import run_publish

    agency = published_black.agency
    at = lambda minute: dt.datetime(2026, 11, 26, 8, minute, tzinfo=dt.UTC)  # noqa: E731
    first = run_publish(at(1), force=True)
    assert first["regenerated"] >= 1
    report = db.session.scalar(select(Document).where(
        Document.kind == "credit_report.pdf", Document.key == agency.uscc,
        Document.current.is_(True)))
    assert report is not None  # a listed agency's report is made in advance
    # the pass's own publications were writes: one more pass, which finds nothing ...
    assert run_publish(at(2))["regenerated"] == 0
    # ... and from then on, with nothing written, a run is one small query and claims nothing
    assert run_publish(at(3)) is None
    assert _count(db, JobRun, JobRun.job == "publish") == 2
    # an address change (no change-feed entry) makes the report stale: the next run renews it
    update_agency(agency, {"address": "济源市新址路9号"}, clerk, agency.version)
    again = run_publish(at(4))
    assert again is not None and again["regenerated"] >= 1
    renewed = db.session.scalar(select(Document).where(
        Document.kind == "credit_report.pdf", Document.key == agency.uscc,
        Document.current.is_(True)))
    assert renewed.id != report.id and renewed.summary["address"] == "济源市新址路9号"


def test_cli_publish_shows_progress(runner, published_black):
    result = runner.invoke(args=["credit", "publish"])
    assert result.exit_code == 0, result.output
    assert "[1] 已生成" in result.output and published_black.agency.uscc in result.output
    again = runner.invoke(args=["credit", "publish"])
    assert again.exit_code == 0 and "已生成" not in again.output.replace("文件生成", "")
