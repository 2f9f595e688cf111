"""Scheduled jobs: listing expiry and the daily regrade, deadline reminders,
document regeneration and the quarterly major-case disclosure draft.

Every job claims a unique ``JobRun(job, period)`` row in the same transaction as its work
(Notify's ``jobs_dao`` pattern): a second run for the same period — by hand, or by a second
scheduler at the same moment — hits the unique constraint and does nothing. On PostgreSQL
the second INSERT waits for the first transaction and then fails; on SQLite the claim is the
transaction's first write, so it waits on the database lock (busy_timeout) the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from credit_service.audit.context import acting_as
from credit_service.cases.models import Case
from credit_service.core.db import as_utc, transactional, utcnow
from credit_service.core.enums import CaseState, ListingState, ListKind
from credit_service.core.errors import Conflict, NotFound
from credit_service.extensions import db
from credit_service.jobs.models import JobRun, Reminder
from credit_service.lists import rules
from credit_service.lists.models import Listing

log = logging.getLogger(__name__)

EXPIRY_WARNING_DAYS = 30


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


def claim(job: str, period: str) -> JobRun | None:
    """Insert the run row inside a savepoint; None if this (job, period) already ran."""
    run = JobRun(job=job, period=period)
    try:
        with db.session.begin_nested():
            db.session.add(run)
            db.session.flush()
    except IntegrityError:
        return None
    return run


def run_once(job: str, period: str, work: Callable[[], dict]) -> dict | None:
    """Run ``work`` at most once per (job, period); returns its result, or None when the
    period was already claimed by another run."""

    @transactional
    def _run():
        run = claim(job, period)
        if run is None:
            log.info("job %s %s already done; skipping", job, period)
            return None
        result = work() or {}
        run.finished_at = utcnow()
        run.result = result
        return result

    with acting_as(f"job:{job}"):
        return _run()


# --------------------------------------------------------------------------- expiry


def expire_due(on: dt.date) -> dict:
    """The daily expiry work (without the claim): black listings whose 3-year term ends
    are removed that same day (45号令 art.11, 17); red designations end after 3 years;
    then every agency is regraded as of ``on``.

    The regrade is the set-based ``regrade_all``: it writes only the agencies whose
    result changed, so every scheduled change — a deduction or honour expiring, the
    annual-report deadline, a new agency reaching 12 months, the clean-record bonus, the
    end of the 3-penalty cap — reaches the live grade on its day, with the dates taken
    from the rule set in effect rather than repeated here. Missed days need no catch-up:
    a regrade as of ``on`` covers them."""
    from credit_service.grading.services import regrade_all
    from credit_service.lists.services import _system_step, last_event

    removed = expired = 0
    due = db.session.scalars(select(Listing).where(
        Listing.state.in_(list(rules.BLACK_IN_EFFECT | rules.RED_IN_EFFECT)),
        Listing.expires_on <= on,
    ).order_by(Listing.id).with_for_update()).all()
    for listing in due:
        step_on = max(listing.expires_on, last_event(listing).on)
        if listing.list_kind == ListKind.BLACK:
            _system_step(listing, "remove", on=step_on)
            removed += 1
        else:
            _system_step(listing, "expire", on=step_on)
            expired += 1
    summary = regrade_all(as_of=on)
    return {"date": on.isoformat(), "black_removed": removed, "red_expired": expired,
            "regraded": summary["changed"], "grade_changed": summary["grade_changed"]}


def run_expire(on: dt.date | None = None) -> dict | None:
    on = on or _today()
    return run_once("expire", on.isoformat(), lambda: expire_due(on))


# --------------------------------------------------------------------------- reminders


def _remind(subject: str, due_on: dt.date, message: str) -> bool:
    exists = db.session.scalar(select(Reminder.id).where(Reminder.subject == subject,
                                                         Reminder.due_on == due_on))
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Reminder(subject=subject, due_on=due_on, message=message[:300]))
            db.session.flush()
    except IntegrityError:
        return False
    return True


def write_reminders(on: dt.date) -> dict:
    """Deadline reminders for the staff dashboard: objection windows, verification,
    publicity, expiries within 30 days, and open cases."""
    from credit_service.lists.services import verification_deadline

    created = 0
    listings = db.session.scalars(select(Listing).where(
        Listing.state.in_([ListingState.NOTIFIED, ListingState.OBJECTION, ListingState.PUBLICITY,
                           *rules.BLACK_IN_EFFECT, *rules.RED_IN_EFFECT])).order_by(Listing.id)).all()
    horizon = on + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    for listing in listings:
        name = listing.agency.name
        subject = f"listing:{listing.id}"
        if listing.state == ListingState.NOTIFIED and listing.objection_deadline >= on:
            created += _remind(subject, listing.objection_deadline,
                               f"{name}：异议期届满（告知书送达后5个工作日），届满后可作出列入决定")
        elif listing.state == ListingState.OBJECTION:
            due = verification_deadline(listing)
            if due is not None:
                created += _remind(subject, due, f"{name}：异议须在此日前核实完毕（45号令第六条）")
        elif listing.state == ListingState.PUBLICITY and listing.publicity_ends_on >= on:
            created += _remind(subject, listing.publicity_ends_on,
                               f"{name}：诚信服务示范机构公示期届满，可作出认定决定")
        elif listing.expires_on is not None and on <= listing.expires_on <= horizon:
            created += _remind(subject, listing.expires_on,
                               f"{name}：{listing.list_kind.label}有效期届满，当日自动移出")
    for case in db.session.scalars(select(Case).where(
            Case.state.in_([CaseState.SUBMITTED, CaseState.REVIEWING])).order_by(Case.id)):
        created += _remind(f"case:{case.number}", case.deadline,
                           f"{case.number}（{case.kind.label}·{case.subject.label}）办理期限")
    return {"date": on.isoformat(), "created": created, "dismissed": dismiss_settled_reminders()}


def dismiss_settled_reminders() -> int:
    """Dismiss reminders whose subject has moved on since they were written: a case no
    longer open, a listing changed since (its step was taken) — so the dashboard does not
    pile up. Reminders of unknown subjects are left alone."""
    dismissed = 0
    for reminder in db.session.scalars(select(Reminder).where(Reminder.dismissed.is_(False))):
        kind, _, ident = reminder.subject.partition(":")
        settled = False
        if kind == "case":
            case = db.session.scalar(select(Case).where(Case.number == ident))
            settled = case is None or case.state not in (CaseState.SUBMITTED, CaseState.REVIEWING)
        elif kind == "listing" and ident.isdigit():
            listing = db.session.get(Listing, int(ident))
            settled = listing is None or as_utc(listing.updated_at) > as_utc(reminder.created_at)
        if settled:
            reminder.dismissed = True
            dismissed += 1
    db.session.flush()
    return dismissed


def get_reminder(reminder_id: int) -> Reminder:
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound("未找到该提醒")
    return reminder


@transactional
def dismiss_reminder(reminder: Reminder, actor) -> Reminder:
    """A person marks a reminder done (the dashboard no longer shows it); audited."""
    from credit_service.audit.services import record_audit

    if reminder.dismissed:
        raise Conflict("该提醒已处理")
    reminder.dismissed = True
    record_audit("reminder.dismiss", reminder, actor=actor,
                 after={"subject": reminder.subject, "due_on": reminder.due_on.isoformat()})
    return reminder


def run_reminders(on: dt.date | None = None) -> dict | None:
    on = on or _today()
    return run_once("remind", on.isoformat(), lambda: write_reminders(on))


def due_reminders(on: dt.date | None = None, *, days: int = 7) -> list[Reminder]:
    """Open reminders due up to ``days`` ahead (overdue ones included) for the dashboard."""
    on = on or _today()
    return list(db.session.scalars(select(Reminder).where(
        Reminder.dismissed.is_(False), Reminder.due_on <= on + dt.timedelta(days=days),
    ).order_by(Reminder.due_on, Reminder.id)))


# --------------------------------------------------------------------------- documents


def regenerate_documents(progress: Callable[[str, str], None] | None = None, *,
                         full: bool = False) -> dict:
    """Issue missing list documents, then regenerate every document whose data changed
    (fingerprints: an unchanged document is never rendered again). Unless ``full``, the
    fingerprint pass is skipped when nothing was written since this process's last one."""
    from credit_service.documents.services import regenerate_if_changed
    from credit_service.lists.documents import issue_missing

    result = {"list_documents": issue_missing()}
    result["regenerated"] = regenerate_if_changed(progress, force=full) or 0
    return result


def run_publish(now: dt.datetime | None = None, *, force: bool = False,
                progress: Callable[[str, str], None] | None = None) -> dict | None:
    """The every-minute document job. Without ``force`` it returns None at once when
    nothing was written since this process's last pass (one small query), so it can run
    every minute and catch writes the change feed does not announce (an address, a licence).
    Otherwise it claims the minute (committed at once: two schedulers never both work),
    then regenerates; the documents feature commits each document on its own so one
    failure does not lose the others. ``flask credit publish`` passes ``force``."""
    from credit_service.documents.services import written_since_last_pass

    if not force and not written_since_last_pass():
        return None
    now = now or dt.datetime.now(dt.UTC)
    period = now.strftime("%Y-%m-%dT%H:%M")
    if run_once("publish", period, lambda: {"claimed": True}) is None:
        return None
    with acting_as("job:publish"):
        result = regenerate_documents(progress, full=force)
    _record_result("publish", period, result)
    return result


@transactional
def _record_result(job: str, period: str, result: dict) -> None:
    run = db.session.scalar(select(JobRun).where(JobRun.job == job, JobRun.period == period))
    if run is not None:
        run.result = result
        run.finished_at = utcnow()


# --------------------------------------------------------------------------- disclosure


def previous_quarter(on: dt.date) -> str:
    quarter = (on.month - 1) // 3  # 0-based index of the current quarter
    if quarter == 0:
        return f"{on.year - 1}Q4"
    return f"{on.year}Q{quarter}"


def run_disclose(period: str | None = None, *, on: dt.date | None = None) -> dict | None:
    """Draft the major-case disclosure (人社部令第29号: quarterly for a city-level bureau)
    for ``period`` or for the quarter that ended before ``on``."""
    period = period or previous_quarter(on or _today())
    try:
        from credit_service.disclosures.services import draft_disclosure
    except ImportError:
        log.warning("disclosures feature not installed; %s not drafted", period)
        return None

    def work():
        try:
            disclosure = draft_disclosure(period, actor=None)
        except Conflict as exc:  # drafted by hand already
            return {"period": period, "skipped": exc.message}
        return {"period": period, "disclosure_id": getattr(disclosure, "id", None)}

    return run_once("disclose", period, work)
