"""What needs me: the queries behind the staff dashboard.

Each section is a plain list (at most ``LIMIT`` rows) plus the total, so the page stays
fast with 100,000 agencies. Sections that depend on other features (list procedures,
black-list candidates) degrade to "not available" when that feature is not installed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, select

from credit_service.agencies.models import Agency, AnnualReport, Licence
from credit_service.auth.permissions import Capability, can
from credit_service.cases.models import Case
from credit_service.core.enums import (
    AgencyStatus,
    CaseState,
    LicenceStatus,
    ListingState,
    ListKind,
    RecordStatus,
)
from credit_service.core.web import today_local
from credit_service.extensions import db
from credit_service.jobs.models import Reminder
from credit_service.lists.models import Listing
from credit_service.records.models import Record

LIMIT = 10
LICENCE_WARNING_DAYS = 60
CASE_WARNING_DAYS = 10
# domain.md §7: the annual report for year Y is due by 31 March of Y+1.
ANNUAL_REPORT_DUE = (3, 31)

WAITING_STATES = (
    ListingState.PROPOSED, ListingState.NOTIFIED, ListingState.OBJECTION, ListingState.DECIDED,
    ListingState.NOMINATED, ListingState.PUBLICITY, ListingState.DESIGNATED,
)


@dataclass
class Section:
    items: list = field(default_factory=list)
    total: int = 0
    available: bool = True


@dataclass
class Board:
    today: dt.date
    drafts_to_confirm: Section
    my_drafts: Section
    listings: Section
    cases: Section
    candidates: Section
    revocations: Section
    reminders: Section
    licences: Section
    annual_reports: Section
    report_year: int
    campaign_phases: Section = field(default_factory=Section)
    # The current (or most recent) campaign with all its phases and their status.
    campaign: object | None = None


def _section(query, limit: int = LIMIT) -> Section:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(limit))) if total else []
    return Section(items, total or 0)


def overdue_report_year(today: dt.date) -> int:
    """The latest year whose annual report is already due."""
    return today.year - 1 if (today.month, today.day) > ANNUAL_REPORT_DUE else today.year - 2


def build(user) -> Board:
    today = today_local()
    reviewer = can(user, Capability.REVIEW)
    drafts = select(Record).where(Record.status == RecordStatus.DRAFT)
    to_confirm = (
        _section(drafts.where((Record.entered_by_id.is_(None)) | (Record.entered_by_id != user.id))
                 .order_by(Record.created_at, Record.id))
        if reviewer else Section(available=False)
    )
    mine = _section(drafts.where(Record.entered_by_id == user.id).order_by(Record.created_at))

    step_due = func.coalesce(Listing.objection_deadline, Listing.publicity_ends_on, Listing.proposed_on)
    listings = _section(select(Listing).where(Listing.state.in_(WAITING_STATES))
                        .order_by(step_due, Listing.id))

    cases = _section(select(Case).where(
        Case.state.in_([CaseState.SUBMITTED, CaseState.REVIEWING]),
        Case.deadline <= today + dt.timedelta(days=CASE_WARNING_DAYS),
    ).order_by(Case.deadline, Case.id))

    candidates, revocations = _lists_sections(today)

    reminders = _section(select(Reminder).where(Reminder.dismissed.is_(False))
                         .order_by(Reminder.due_on, Reminder.id))

    licences = _section(select(Licence).join(Agency).where(
        Licence.status == LicenceStatus.VALID,
        Licence.valid_until.is_not(None),
        Licence.valid_until <= today + dt.timedelta(days=LICENCE_WARNING_DAYS),
        Agency.status == AgencyStatus.OPERATING,
    ).order_by(Licence.valid_until, Licence.id))

    year = overdue_report_year(today)
    missing = _section(select(Agency).where(
        Agency.status == AgencyStatus.OPERATING,
        Agency.established_on <= dt.date(year, 12, 31),
        ~exists().where(and_(AnnualReport.agency_id == Agency.id, AnnualReport.year == year,
                             AnnualReport.submitted_on.is_not(None))),
    ).order_by(Agency.name, Agency.id))

    campaign, phases = _campaign_section(today)
    return Board(today, to_confirm, mine, listings, cases, candidates, revocations, reminders,
                 licences, missing, year, phases, campaign)


def _campaign_section(today: dt.date):
    """The current or most recent campaign with every phase, its status (past / current /
    upcoming) and deadline — e.g. the 2021 plan's 15 June interim and 13 October final
    reports — from the inspections feature; the Section counts phases not yet past."""
    from credit_service.inspections.services import current_campaign_status

    status = current_campaign_status(today)
    if status is None:
        return None, Section()
    open_phases = [p for p in status.phases if p.status != "past"]
    return status, Section(list(status.phases), len(open_phases))


def _lists_sections(today: dt.date) -> tuple[Section, Section]:
    """Black-list candidates and red-list revocation proposals (the lists feature owns
    those rules)."""
    from credit_service.lists import services as lists

    found = lists.blacklist_candidates(today)
    candidates = Section(found[:LIMIT], len(found))
    open_red = db.session.scalars(select(Listing).where(
        Listing.list_kind == ListKind.RED,
        Listing.state.in_([ListingState.NOMINATED, ListingState.PUBLICITY,
                           ListingState.DESIGNATED, ListingState.PUBLISHED]),
    ).order_by(Listing.id)).all()
    proposals = [(listing, event) for listing in open_red
                 if (event := lists.pending_revocation(listing)) is not None]
    return candidates, Section(proposals[:LIMIT], len(proposals))
