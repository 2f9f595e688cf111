"""Fixtures for the grading service tests: agencies with a filed annual report history."""

from __future__ import annotations

import datetime as dt

import pytest

AS_OF = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today_is_as_of(monkeypatch):
    """The services' "today" (``today_local``, read lazily) is AS_OF: a regrade dated in
    the past also regrades as of today, and the expected values must not depend on the
    day the tests run."""
    import credit_service.core.web as web

    monkeypatch.setattr(web, "today_local", lambda: AS_OF)


@pytest.fixture
def graded_agency(db, create_agency):
    """An established agency with every annual report filed on time (so only what a test
    adds moves its grade)."""
    from credit_service.agencies.models import AnnualReport

    def _create(**overrides):
        agency = create_agency(**overrides)
        first = max(agency.established_on.year, 2015)
        for year in range(first, 2026):
            db.session.add(AnnualReport(agency_id=agency.id, year=year,
                                        submitted_on=dt.date(year + 1, 3, 1),
                                        publicised=True, on_time=True))
        db.session.flush()
        return agency

    return _create
