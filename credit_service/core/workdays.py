"""Working-day arithmetic on the official Chinese holiday calendar.

Deadlines in the list procedures are counted in working days (工作日), e.g.
人社部令第45号 art.6: objections within 5 working days of service. The
``chinesecalendar`` package carries the State Council's yearly holiday notices,
adjusted working days (调休) included. For a year it does not know we fall back
to Monday–Friday and say so (``calendar_known`` / :func:`deadline_note`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=4096)
def _is_workday(day: dt.date) -> tuple[bool, bool]:
    """Return (is_workday, from_official_calendar)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def is_workday(day: dt.date) -> bool:
    return _is_workday(day)[0]


def calendar_known(year: int) -> bool:
    return _is_workday(dt.date(year, 6, 1))[1]


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    official_calendar: bool

    @property
    def note(self) -> str:
        if self.official_calendar:
            return ""
        return "（该年度法定节假日安排尚未收录，按周一至周五计算工作日）"


def working_days_after(start: dt.date, n: int) -> dt.date:
    """The date that is ``n`` working days after ``start`` (``start`` itself not counted)."""
    return working_deadline(start, n).date


def working_deadline(start: dt.date, n: int) -> Deadline:
    if n < 0:
        raise ValueError("n must be non-negative")
    day = start
    official = True
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        workday, known = _is_workday(day)
        official = official and known
        if workday:
            counted += 1
    return Deadline(day, official)


def deadline_note(start: dt.date, n: int) -> str:
    return working_deadline(start, n).note
