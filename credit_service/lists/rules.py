"""Procedure constants and calendar arithmetic for the red and black lists.

Pure functions over dates, so the periods can be tested without a database. The
numbers come from 人社部令第45号 (black list, SPEC.md §5.1) and the local defaults
of SPEC.md §5.2 (red list); see domain.md §2 and §5.
"""

from __future__ import annotations

import calendar
import datetime as dt

from credit_service.core.enums import ListingState, ListKind, PenaltyKind, Severity
from credit_service.core.workdays import working_days_after

# 45号令 art.6: objection within 5 working days of service; verified within 5 working days.
OBJECTION_WORKING_DAYS = 5
VERIFICATION_WORKING_DAYS = 5
# 45号令 art.13: an early-removal application is decided within 15 working days.
EARLY_REMOVAL_DECISION_WORKING_DAYS = 15
# 45号令 art.11: listed for 3 years from the decision.
BLACK_TERM_YEARS = 3
# 45号令 art.12: at least 6 months since the correction before early removal.
EARLY_REMOVAL_MONTHS_AFTER_CORRECTION = 6
# SPEC.md §5.2 (local default): 5 working days of publicity, valid 3 years.
RED_PUBLICITY_WORKING_DAYS = 5
RED_TERM_YEARS = 3
RED_MIN_OPERATING_YEARS = 2
RED_CLEAN_MONTHS = 24
# SPEC.md §5.1: 3+ confirmed penalties in 12 months make a black-list candidate.
CANDIDATE_PENALTY_COUNT = 3
CANDIDATE_PENALTY_MONTHS = 12
# Dispatch units report the previous year by 31 March (19号令); the same date is used
# for all agencies until the local deadline is configured (domain.md §7).
ANNUAL_REPORT_DUE = (3, 31)

# In-force windows from the decision date (SPEC.md §4.3).
SEVERITY_WINDOW_MONTHS = {Severity.MINOR: 3, Severity.GENERAL: 12, Severity.SERIOUS: 36}

# Administrative penalties (行政处罚法 art.9) and criminal referral; a rectification
# order or a lost labour dispute is not a penalty.
PENALTY_KINDS = frozenset({
    PenaltyKind.WARNING,
    PenaltyKind.CRITICISM,
    PenaltyKind.FINE,
    PenaltyKind.CONFISCATION,
    PenaltyKind.LICENCE_SUSPENDED,
    PenaltyKind.LICENCE_REVOKED,
    PenaltyKind.CLOSURE,
    PenaltyKind.CRIMINAL,
})

BLACK_PENDING = frozenset({ListingState.PROPOSED, ListingState.NOTIFIED, ListingState.OBJECTION})
BLACK_IN_EFFECT = frozenset({ListingState.DECIDED, ListingState.PUBLISHED})
RED_PENDING = frozenset({ListingState.NOMINATED, ListingState.PUBLICITY})
RED_IN_EFFECT = frozenset({ListingState.DESIGNATED, ListingState.PUBLISHED})
OPEN_STATES = {
    ListKind.BLACK: BLACK_PENDING | BLACK_IN_EFFECT,
    ListKind.RED: RED_PENDING | RED_IN_EFFECT,
}


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the day is clamped to the month end (31 Aug + 6 months = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def objection_deadline(served_on: dt.date) -> dt.date:
    return working_days_after(served_on, OBJECTION_WORKING_DAYS)


def verification_deadline(objected_on: dt.date) -> dt.date:
    return working_days_after(objected_on, VERIFICATION_WORKING_DAYS)


def black_term_end(decided_on: dt.date) -> dt.date:
    return add_years(decided_on, BLACK_TERM_YEARS)


def red_term_end(designated_on: dt.date) -> dt.date:
    return add_years(designated_on, RED_TERM_YEARS)


def red_publicity_end(starts_on: dt.date) -> dt.date:
    return working_days_after(starts_on, RED_PUBLICITY_WORKING_DAYS)


def early_removal_possible_from(corrected_on: dt.date) -> dt.date:
    """45号令 art.12: the first day on which 6 full calendar months have passed."""
    return add_months(corrected_on, EARLY_REMOVAL_MONTHS_AFTER_CORRECTION)


def record_window_end(decided_on: dt.date, severity: Severity) -> dt.date:
    return add_months(decided_on, SEVERITY_WINDOW_MONTHS[Severity(severity)])
