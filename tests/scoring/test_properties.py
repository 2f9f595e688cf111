"""Properties of the engine that must hold for every file (SPEC.md §4, last paragraph)."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import (
    GRADE_RANK,
    AgencyInput,
    AnnualReportInput,
    HonourInput,
    ListingInput,
    RecordInput,
    RuleSets,
    add_months,
    apply_quotas,
    evaluate,
    parse_ruleset,
)
from scoring.rules import DEFAULT_RULES_DIR

from .helpers import RULES, RULESETS

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
dates = st.dates(dt.date(2018, 1, 1), dt.date(2028, 12, 31))
as_ofs = st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31))
ids = st.integers(1, 10**9)
SEVERITIES = st.sampled_from(["minor", "general", "serious"])
PENALTIES = st.sampled_from(["fine", "warning", "rectification_order", "dispute_lost_partly",
                             "dispute_lost_fully", "confiscation", "licence_revoked"])


@st.composite
def records(draw, confirmed_only: bool = False):
    decided = draw(dates)
    status = "confirmed" if confirmed_only else draw(
        st.sampled_from(["confirmed", "confirmed", "confirmed", "revoked", "overturned", "draft"]))
    rectify_by = draw(st.none() | st.just(decided + dt.timedelta(days=30)))
    return RecordInput(
        id=draw(ids),
        violation_code="x",
        severity=draw(SEVERITIES),
        decided_on=decided,
        status=status,
        penalty_kind=draw(PENALTIES),
        veto=draw(st.booleans()) and draw(st.booleans()),
        c_cap=draw(st.booleans()) and draw(st.booleans()),
        rectify_by=rectify_by,
        corrected_on=draw(st.none() | st.dates(decided, decided + dt.timedelta(days=60))),
        refused_to_comply=draw(st.booleans()) and draw(st.booleans()),
        repaired_on=None if confirmed_only else draw(
            st.none() | st.dates(decided, decided + dt.timedelta(days=1500))),
        status_changed_on=draw(st.dates(decided, decided + dt.timedelta(days=900)))
        if status in ("revoked", "overturned") and draw(st.booleans()) else None,
    )


@st.composite
def honours(draw):
    granted = draw(dates)
    return HonourInput(
        id=draw(ids),
        kind=draw(st.sampled_from(["red_list", "award", "harmony_model"])),
        level=draw(st.sampled_from(["national", "provincial", "municipal"])),
        granted_on=granted,
        valid_until=draw(st.none() | st.dates(granted, granted + dt.timedelta(days=3000))),
        revoked_on=draw(st.none() | st.dates(granted, granted + dt.timedelta(days=3000))),
    )


@st.composite
def agencies(draw):
    recs = draw(st.lists(records(), max_size=6))
    listings = ()
    if recs and draw(st.booleans()):
        start = draw(dates)
        end = draw(st.none() | st.dates(start, start + dt.timedelta(days=2000)))
        listings = (ListingInput("black", start, end, draw(st.sampled_from([r.id for r in recs]))),)
    years = draw(st.sets(st.integers(2016, 2028), max_size=12))
    reports = tuple(
        AnnualReportInput(y, dt.date(y + 1, 3, 1) + dt.timedelta(days=draw(st.integers(0, 60))),
                          draw(st.booleans()))
        for y in sorted(years)
    )
    return AgencyInput(
        id=draw(ids),
        uscc=draw(st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=18, max_size=18)),
        established_on=draw(st.dates(dt.date(2010, 1, 1), dt.date(2028, 1, 1))),
        records=tuple(recs),
        honours=tuple(draw(st.lists(honours(), max_size=4))),
        annual_reports=reports,
        listings=listings,
    )


def _rank(grade: str) -> int:
    return GRADE_RANK[grade]


@SETTINGS
@given(agencies(), records(confirmed_only=True), as_ofs)
def test_a_confirmed_violation_never_raises_score_or_grade(agency, extra, as_of):
    before = evaluate(agency, as_of, RULES)
    after = evaluate(
        AgencyInput(**{**_fields(agency), "records": (*agency.records, extra)}), as_of, RULES)
    assert after.score <= before.score
    assert _rank(after.grade) <= _rank(before.grade)


@SETTINGS
@given(agencies(), honours(), as_ofs)
def test_an_honour_never_lowers_score_or_grade(agency, extra, as_of):
    before = evaluate(agency, as_of, RULES)
    after = evaluate(
        AgencyInput(**{**_fields(agency), "honours": (*agency.honours, extra)}), as_of, RULES)
    assert after.score >= before.score
    assert _rank(after.grade) >= _rank(before.grade)


@SETTINGS
@given(agencies(), records(), as_ofs, st.integers(0, 400))
def test_a_record_past_its_window_has_no_effect(agency, extra, as_of, days_more):
    # "Past its window": past the longest look-back any rule gives a record (36 months
    # for serious records; the 24-month A+ condition) and not the basis of a listing.
    months = max(*RULES.severity_months.values(), RULES["grade.a_plus"]["clean_months"])
    decided = add_months(as_of, -months) - dt.timedelta(days=1 + days_more)
    unused_id = max((r.id for r in agency.records), default=0) + 1
    old = RecordInput(**{**_fields(extra), "id": unused_id, "decided_on": decided, "repaired_on": None,
                         "status_changed_on": None, "rectify_by": None, "corrected_on": None})
    before = evaluate(agency, as_of, RULES).to_dict()
    after = evaluate(
        AgencyInput(**{**_fields(agency), "records": (*agency.records, old)}), as_of, RULES)
    assert after.to_dict() == before


@SETTINGS
@given(agencies(), as_ofs)
def test_same_inputs_give_the_same_output(agency, as_of):
    first = evaluate(agency, as_of, RULES)
    copy = AgencyInput(**_fields(agency))
    second = evaluate(copy, as_of, RULES)
    assert first == second
    assert first.to_dict() == second.to_dict()


@SETTINGS
@given(agencies(), as_ofs)
def test_explanation_lines_add_up_to_the_score(agency, as_of):
    result = evaluate(agency, as_of, RULES)
    assert sum(ln.points for ln in result.lines if ln.kind in ("deduction", "bonus")) \
        == result.score - RULES.base
    assert sum(ln.points for ln in result.lines if ln.kind not in ("deduction", "bonus")) == 0
    assert result.decided_by in ("veto", "cap", "threshold", "quota", "new")
    if result.next_change is not None:
        assert result.next_change.on >= result.as_of
        assert (result.next_change.score, result.next_change.grade) != (result.score, result.grade)


def _later_rulesets() -> RuleSets:
    text = (DEFAULT_RULES_DIR / "2026-01-01.toml").read_text(encoding="utf-8")
    later = text.replace('version = "2026.1"', 'version = "2027.1"').replace(
        "effective_from = 2026-01-01", "effective_from = 2027-07-01"
    ).replace("points = 10\nwindow_months = 12", "points = 25\nwindow_months = 30").replace(
        "min_score = 110", "min_score = 118")
    return RuleSets([*RULESETS.versions, parse_ruleset(later, "2027-07-01.toml")])


LATER = _later_rulesets()


@SETTINGS
@given(agencies(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 6, 30)))
def test_a_later_rule_version_leaves_earlier_assessments_alone(agency, as_of):
    assert LATER.for_date(as_of).version == "2026.1"
    assert evaluate(agency, as_of, LATER.for_date(as_of)) == \
        evaluate(agency, as_of, RULESETS.for_date(as_of))


@SETTINGS
@given(st.lists(agencies(), min_size=1, max_size=30), as_ofs)
def test_quotas_hold_and_only_ever_lower_grades(cohort, as_of):
    results = [evaluate(a, as_of, RULES, predict=False) for a in cohort]
    final = apply_quotas(results, RULES)
    graded = [r for r in final if r.grade != "NEW"]
    n = len(graded)
    assert sum(r.grade == "A+" for r in graded) <= math.floor(n * 0.10 + 1e-9)
    assert sum(r.grade in ("A+", "A") for r in graded) <= math.floor(n * 0.20 + 1e-9)
    for before, after in zip(results, final, strict=True):
        assert _rank(after.grade) <= _rank(before.grade)
        assert after.score == before.score
        if after.grade != before.grade:
            assert after.decided_by == "quota"


def _fields(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}
