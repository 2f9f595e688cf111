"""The optimised engine (lean look-ahead, precomputed rule-set constants) gives exactly
what the engine gave before it was optimised (tests/scoring/reference_engine.py, which
re-runs the full rule pass on every candidate date): score, grade, lines, texts, the next
scheduled change and its wording, on generated files."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import AgencyInput, Ceiling, ListingInput, evaluate
from scoring import engine as fast

from . import reference_engine as ref
from .helpers import RULES
from .test_properties import _fields, agencies, as_ofs, dates

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def files(draw):
    """The property-test files, plus several listings (one may be open-ended, and not
    every one has a basis record), a between-rounds ceiling and a first licence date."""
    a = draw(agencies())
    fields = _fields(a)
    if a.records and draw(st.booleans()):
        extra = []
        for _ in range(draw(st.integers(1, 3))):
            start = draw(dates)
            end = draw(st.none() | st.dates(start, start + dt.timedelta(days=2200)))
            basis = draw(st.none() | st.sampled_from([r.id for r in a.records]))
            extra.append(ListingInput(draw(st.sampled_from(["black", "black", "red"])),
                                      start, end, basis))
        fields["listings"] = (*a.listings, *extra)
    if draw(st.booleans()):
        since = draw(st.dates(dt.date(2023, 12, 31), dt.date(2027, 12, 31)))
        fields["ceiling"] = Ceiling(draw(st.sampled_from(["A+", "A", "B", "C", "D"])),
                                    since.year, since)
    if draw(st.booleans()):
        fields["first_licence_on"] = draw(st.dates(dt.date(2010, 1, 1), dt.date(2028, 1, 1)))
    return AgencyInput(**fields)


def _same(new, old) -> None:
    assert new.to_dict() == old.to_dict()
    assert new.signature() == old.signature()
    assert new.lines == old.lines
    assert new.summary == old.summary
    assert new.last_penalty_on == old.last_penalty_on
    if old.next_change is None:
        assert new.next_change is None
    else:
        assert (new.next_change.on, new.next_change.text, new.next_change.grade,
                new.next_change.score) == (old.next_change.on, old.next_change.text,
                                           old.next_change.grade, old.next_change.score)


@SETTINGS
@given(files(), as_ofs)
def test_optimised_engine_matches_the_reference(agency, as_of):
    _same(evaluate(agency, as_of, RULES), ref.evaluate(agency, as_of, RULES))


@SETTINGS
@given(files(), as_ofs, st.integers(1, 40))
def test_a_short_lookahead_limit_matches_the_reference(agency, as_of, limit):
    _same(evaluate(agency, as_of, RULES, max_lookahead=limit),
          ref.evaluate(agency, as_of, RULES, max_lookahead=limit))


@SETTINGS
@given(files(), as_ofs)
def test_candidate_dates_match_the_reference(agency, as_of):
    assert fast._candidate_dates(agency, as_of, RULES) == \
        ref._candidate_dates(agency, as_of, RULES)


@SETTINGS
@given(files(), st.dates(dt.date(2016, 1, 1), dt.date(2033, 12, 31)))
def test_lean_pass_gives_the_full_pass_score_grade_and_line_keys(agency, day):
    score, grade, _by, lines, _last = ref._assess(agency, day, RULES, texts=False)
    keys: list = []
    assert fast._score_grade(agency, day, RULES, fast._constants(RULES), keys) == (score, grade)
    assert fast._score_grade(agency, day, RULES, fast._constants(RULES)) == (score, grade)
    assert set(keys) == fast._line_keys(lines)


def test_the_reference_really_is_the_old_engine():
    # Guards against the reference silently becoming the optimised code.
    assert ref.evaluate is not evaluate
    assert not hasattr(ref, "_score_grade")
