"""Working days on the official calendar (chinesecalendar), including 调休, and the
Monday–Friday fallback for a year the library does not know."""

from __future__ import annotations

import datetime as dt

from credit_service.core.workdays import (
    calendar_known,
    deadline_note,
    is_workday,
    working_days_after,
    working_deadline,
)

D = dt.date


def test_national_day_2026_is_skipped():
    # 2026: 10月1日至7日放假; 10-08 is the first working day after 09-30.
    assert working_days_after(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert not any(is_workday(D(2026, 10, day)) for day in range(1, 8))


def test_adjusted_saturday_after_national_day_counts():
    # 2026-10-10 is a Saturday worked in exchange (调休): 30 Sep + 3 working days.
    assert D(2026, 10, 10).weekday() == 5 and is_workday(D(2026, 10, 10))
    assert working_days_after(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert working_days_after(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_adjusted_sunday_before_national_day_counts():
    # 2026-09-20 is a Sunday worked in exchange; 2026-09-25 is the Mid-Autumn holiday.
    assert D(2026, 9, 20).weekday() == 6 and is_workday(D(2026, 9, 20))
    assert working_days_after(D(2026, 9, 19), 1) == D(2026, 9, 20)
    assert not is_workday(D(2026, 9, 25))


def test_objection_window_across_the_holiday():
    # 45号令 art.6: 5 working days from service on 29 Sep 2026:
    # 30 Sep, 8 Oct, 9 Oct, 10 Oct (Saturday, 调休), 12 Oct.
    deadline = working_deadline(D(2026, 9, 29), 5)
    assert deadline.date == D(2026, 10, 12)
    assert deadline.official_calendar and deadline.note == ""


def test_zero_days_is_the_start_day():
    assert working_days_after(D(2026, 10, 3), 0) == D(2026, 10, 3)


def test_unknown_year_falls_back_to_monday_to_friday_and_says_so():
    assert not calendar_known(2031) and calendar_known(2026)
    deadline = working_deadline(D(2031, 1, 1), 5)  # a Wednesday
    assert deadline.date == D(2031, 1, 8)
    assert not deadline.official_calendar
    assert "周一至周五" in deadline.note
    assert deadline_note(D(2031, 1, 1), 5) == deadline.note
