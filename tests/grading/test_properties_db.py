"""The engine's properties, through the service and the database (SQLite and PostgreSQL):
files are written with the model factories and graded with ``regrade_agency``."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit_service.core.enums import HonourKind, HonourLevel, PenaltyKind, Severity
from credit_service.grading import services
from scoring import GRADE_RANK

from .conftest import AS_OF

DB_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                       suppress_health_check=[HealthCheck.function_scoped_fixture,
                                              HealthCheck.too_slow])
record_specs = st.tuples(
    st.sampled_from(list(Severity)),
    st.integers(0, 1500),  # days before AS_OF
    st.sampled_from([PenaltyKind.FINE, PenaltyKind.WARNING, PenaltyKind.DISPUTE_LOST_FULLY]),
    st.sampled_from(["false_job_info", "fake_outsourcing", "unlicensed_agency", "wage_arrears"]),
)
honour_specs = st.tuples(st.sampled_from(list(HonourKind)), st.sampled_from(list(HonourLevel)),
                         st.integers(0, 2500))


def _file(graded_agency, create_record, create_honour, records, honours):
    agency = graded_agency()
    for severity, days, kind, code in records:
        decided = AS_OF - dt.timedelta(days=days)
        create_record(agency, severity=severity, penalty_kind=kind, violation_code=code,
                      decided_on=decided, occurred_on=decided - dt.timedelta(days=10))
    for kind, level, days in honours:
        create_honour(agency, kind=kind, level=level, granted_on=AS_OF - dt.timedelta(days=days))
    return agency


def _state(agency):
    current = services.current_assessment(agency)
    return current.score, GRADE_RANK[current.grade.value]


@DB_SETTINGS
@given(st.lists(record_specs, max_size=4), st.lists(honour_specs, max_size=2), record_specs)
def test_a_confirmed_violation_never_raises_the_stored_grade(
        db, graded_agency, create_record, create_honour, records, honours, extra):
    agency = _file(graded_agency, create_record, create_honour, records, honours)
    services.regrade_agency(agency, as_of=AS_OF)
    score, rank = _state(agency)
    severity, days, kind, code = extra
    decided = AS_OF - dt.timedelta(days=days)
    create_record(agency, severity=severity, penalty_kind=kind, violation_code=code,
                  decided_on=decided, occurred_on=decided - dt.timedelta(days=10))
    services.regrade_agency(agency, as_of=AS_OF)
    new_score, new_rank = _state(agency)
    assert new_score <= score and new_rank <= rank


@DB_SETTINGS
@given(st.lists(record_specs, max_size=4), st.lists(honour_specs, max_size=2), honour_specs)
def test_an_honour_never_lowers_the_stored_grade(
        db, graded_agency, create_record, create_honour, records, honours, extra):
    agency = _file(graded_agency, create_record, create_honour, records, honours)
    services.regrade_agency(agency, as_of=AS_OF)
    score, rank = _state(agency)
    kind, level, days = extra
    create_honour(agency, kind=kind, level=level, granted_on=AS_OF - dt.timedelta(days=days))
    services.regrade_agency(agency, as_of=AS_OF)
    new_score, new_rank = _state(agency)
    assert new_score >= score and new_rank >= rank


@DB_SETTINGS
@given(st.lists(record_specs, max_size=5), st.lists(honour_specs, max_size=2),
       st.sampled_from(list(Severity)), st.integers(1, 400))
def test_a_record_past_its_window_changes_nothing_stored(
        db, graded_agency, create_record, create_honour, records, honours, severity, extra_days):
    agency = _file(graded_agency, create_record, create_honour, records, honours)
    services.regrade_agency(agency, as_of=AS_OF)
    before = services.current_assessment(agency).explanation
    decided = dt.date(2023, 11, 26) - dt.timedelta(days=extra_days)  # > 36 months ago
    create_record(agency, severity=severity, decided_on=decided,
                  occurred_on=decided - dt.timedelta(days=10))
    assert services.regrade_agency(agency, as_of=AS_OF) is None
    assert services.current_assessment(agency).explanation == before


@DB_SETTINGS
@given(st.lists(record_specs, max_size=5), st.lists(honour_specs, max_size=3))
def test_bulk_and_single_regrade_agree_and_are_deterministic(
        db, graded_agency, create_record, create_honour, records, honours):
    agency = _file(graded_agency, create_record, create_honour, records, honours)
    twin = _file(graded_agency, create_record, create_honour, records, honours)
    first = services.regrade_agency(agency, as_of=AS_OF)
    assert services.regrade_agency(agency, as_of=AS_OF) is None
    assert services.preview(agency, AS_OF).to_dict()["lines"] == first.explanation["lines"]
    # The set-based regrade agrees with the single one: nothing to write for ``agency``,
    # and its twin (the same file, graded only in bulk) gets the same result.
    summary = services.regrade_all(as_of=AS_OF)
    assert summary["changed"] >= 1 and summary["unchanged"] >= 1
    db.session.expire_all()
    assert services.current_assessment(agency).id == first.id
    bulk = services.current_assessment(twin)
    assert (bulk.as_of, bulk.score, bulk.grade) == (AS_OF, first.score, first.grade)
    def _lines(assessment):  # the twin's records and honours have other ids and numbers
        return [(ln["kind"], ln["rule"], ln["points"], ln["until"])
                for ln in assessment.explanation["lines"]]

    assert _lines(bulk) == _lines(first)
    assert bulk.explanation["next_change"] == first.explanation["next_change"]
    assert (twin.current_score, twin.current_grade) == (first.score, first.grade)
    assert services.regrade_agency(twin, as_of=AS_OF) is None
    data = first.explanation
    assert sum(ln["points"] for ln in data["lines"] if ln["kind"] in ("deduction", "bonus")) \
        == data["score"] - 100
