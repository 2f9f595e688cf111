"""Regrade through the service after each kind of write, history, feed, rounds, CLI."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from credit_service.core.enums import ChangeKind, Grade, HonourLevel, RecordStatus, Severity
from credit_service.grading import services
from credit_service.grading.models import Assessment, EvaluationRound

from .conftest import AS_OF

D = dt.date


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_first_regrade_writes_an_assessment_and_denormalises(db, graded_agency):
    agency = graded_agency()
    version = agency.version
    assessment = services.regrade_agency(agency, as_of=AS_OF)
    assert assessment is not None and assessment.id
    assert (assessment.score, assessment.grade) == (105, Grade.A)
    assert (agency.current_score, agency.current_grade) == (105, Grade.A)
    assert agency.version == version  # derived data never bumps the optimistic lock
    data = assessment.explanation
    assert data["ruleset_version"] == "2026.1" and data["as_of"] == "2026-11-26"
    assert data["decided_by"] == "threshold"
    assert sum(ln["points"] for ln in data["lines"] if ln["kind"] in ("deduction", "bonus")) \
        == data["score"] - 100


def test_unchanged_file_writes_no_new_row(db, graded_agency):
    agency = graded_agency()
    services.regrade_agency(agency, as_of=AS_OF)
    assert services.regrade_agency(agency, as_of=AS_OF + dt.timedelta(days=3)) is None
    assert _count(db, Assessment, Assessment.agency_id == agency.id) == 1


def test_confirmed_record_lowers_the_grade_and_writes_the_feed(db, graded_agency, create_record):
    from credit_service.feed.models import ChangeEvent

    agency = graded_agency()
    services.regrade_agency(agency, as_of=AS_OF)
    record = create_record(agency, decided_on=D(2026, 10, 1), occurred_on=D(2026, 9, 1))
    after = services.regrade_agency(agency, as_of=AS_OF)
    assert (after.score, after.grade) == (90, Grade.B)
    line = next(ln for ln in after.explanation["lines"] if ln["rule"] == "deduction.general")
    assert line["record_id"] == record.id and line["until"] == "2027-09-30"
    event = db.session.scalar(select(ChangeEvent).where(ChangeEvent.agency_id == agency.id))
    assert event.kind == ChangeKind.GRADE_CHANGED
    assert event.uscc == agency.uscc and "A（良好）" in event.title and "B（合格）" in event.title
    assert "13800138000" not in event.title + event.detail  # public facts only


def test_draft_record_does_not_count(db, graded_agency, create_record):
    agency = graded_agency()
    create_record(agency, status=RecordStatus.DRAFT, decided_on=D(2026, 10, 1))
    assert services.regrade_agency(agency, as_of=AS_OF).score == 105


def test_revoked_record_raises_the_grade_again(db, graded_agency, create_record):
    agency = graded_agency()
    record = create_record(agency, decided_on=D(2026, 10, 1))
    assert services.regrade_agency(agency, as_of=AS_OF).grade == Grade.B
    record.status = RecordStatus.REVOKED
    record.status_changed_on = D(2026, 11, 20)
    result = services.regrade_agency(agency, as_of=AS_OF)
    assert result.grade == Grade.A and agency.current_grade == Grade.A


def test_repaired_record_stops_counting(db, graded_agency, create_record):
    agency = graded_agency()
    record = create_record(agency, severity=Severity.SERIOUS, decided_on=D(2025, 1, 10),
                           occurred_on=D(2024, 12, 1))
    assert services.regrade_agency(agency, as_of=AS_OF).grade == Grade.C
    record.repaired_on = D(2026, 11, 1)
    assert services.regrade_agency(agency, as_of=AS_OF).grade == Grade.A  # no longer counts at all


def test_veto_record_gives_d(db, graded_agency, create_record):
    agency = graded_agency()
    create_record(agency, violation_code="unlicensed_dispatch", severity=Severity.SERIOUS,
                  decided_on=D(2026, 5, 1), occurred_on=D(2026, 4, 1))
    result = services.regrade_agency(agency, as_of=AS_OF)
    assert result.grade == Grade.D and result.explanation["decided_by"] == "veto"
    veto = next(ln for ln in result.explanation["lines"] if ln["kind"] == "veto")
    assert "未经许可经营劳务派遣业务" in veto["text"]


def test_honour_raises_the_score(db, graded_agency, create_honour):
    agency = graded_agency()
    services.regrade_agency(agency, as_of=AS_OF)
    honour = create_honour(agency, level=HonourLevel.NATIONAL, granted_on=D(2025, 6, 1))
    result = services.regrade_agency(agency, as_of=AS_OF)
    assert (result.score, result.grade) == (115, Grade.A_PLUS)
    line = next(ln for ln in result.explanation["lines"] if ln["rule"] == "bonus.honour_national")
    assert line["honour_id"] == honour.id and line["until"] == "2030-05-31"


def test_recent_first_licence_makes_the_agency_new(db, graded_agency):
    from credit_service.agencies.models import Licence
    from credit_service.core.enums import LicenceKind

    agency = graded_agency(established_on=D(2026, 6, 1))
    db.session.add(Licence(agency_id=agency.id, kind=LicenceKind.HR_SERVICE, number="HR-1",
                           issuer="济源示范区人社局", issued_on=D(2026, 7, 1)))
    result = services.regrade_agency(agency, as_of=AS_OF)
    assert result.grade == Grade.NEW and result.explanation["decided_by"] == "new"
    # The next scheduled change: the 2026 annual report falls due on 31 March 2027.
    assert result.explanation["next_change"]["on"] == "2027-03-31"
    assert "年度报告" in result.explanation["next_change"]["text"]


def test_annual_report_filed_lifts_the_cap(db, create_agency):
    from credit_service.agencies.models import AnnualReport

    agency = create_agency()
    result = services.regrade_agency(agency, as_of=AS_OF)
    assert result.grade == Grade.C
    assert any(ln["rule"] == "cap.annual_report_missing" for ln in result.explanation["lines"])
    db.session.add(AnnualReport(agency_id=agency.id, year=2025, submitted_on=D(2026, 3, 20),
                                publicised=True, on_time=True))
    assert services.regrade_agency(agency, as_of=AS_OF).grade == Grade.A


def test_black_listing_gives_d_until_removed(db, graded_agency, create_record):
    from credit_service.core.enums import ListingState, ListKind
    from credit_service.lists.models import Listing

    agency = graded_agency()
    record = create_record(agency, decided_on=D(2026, 3, 1), occurred_on=D(2026, 2, 1))
    listing = Listing(agency_id=agency.id, list_kind=ListKind.BLACK, state=ListingState.PUBLISHED,
                      basis_record_id=record.id, reason="拖欠工资", proposed_on=D(2026, 3, 5),
                      decided_on=D(2026, 4, 1), expires_on=D(2029, 4, 1))
    db.session.add(listing)
    result = services.regrade_agency(agency, as_of=AS_OF)
    assert result.grade == Grade.D
    assert any(ln["rule"] == "veto.black_list" for ln in result.explanation["lines"])
    listing.state = ListingState.REMOVED
    listing.ended_on = D(2026, 11, 1)
    assert services.regrade_agency(agency, as_of=AS_OF).grade == Grade.B


def test_grade_on_date_is_a_query_over_history(db, graded_agency, create_record):
    agency = graded_agency()
    services.regrade_agency(agency, as_of=D(2026, 9, 1))
    create_record(agency, decided_on=D(2026, 10, 1), occurred_on=D(2026, 9, 20))
    services.regrade_agency(agency, as_of=D(2026, 10, 1))
    assert services.assessment_on(agency, D(2026, 9, 15)).grade == Grade.A
    assert services.assessment_on(agency, D(2026, 10, 2)).grade == Grade.B
    assert services.assessment_on(agency, D(2026, 8, 1)) is None
    assert [a.grade for a in services.assessment_history(agency)] == [Grade.B, Grade.A]
    assert services.current_assessment(agency).grade == Grade.B
    assert services.explanation_for(agency)["grade"] == "B"


def test_backdated_regrade_does_not_overwrite_the_current_grade(db, graded_agency, create_record):
    agency = graded_agency()
    create_record(agency, decided_on=D(2026, 10, 1), occurred_on=D(2026, 9, 20))
    services.regrade_agency(agency, as_of=AS_OF)
    services.regrade_agency(agency, as_of=D(2026, 9, 1))
    assert agency.current_grade == Grade.B
    assert services.assessment_on(agency, D(2026, 9, 2)).grade == Grade.A


def test_supervision_ratios(app):
    ratios = services.supervision_ratios(AS_OF)
    assert ratios == {"A+": 0.03, "A": 0.05, "B": 0.15, "C": 0.40, "D": 1.0, "NEW": 0.15}


def test_later_rule_version_leaves_earlier_assessments_alone(app, db, graded_agency, create_record):
    from scoring import RuleSets, parse_ruleset
    from scoring.rules import DEFAULT_RULES_DIR

    agency = graded_agency()
    create_record(agency, decided_on=D(2026, 10, 1), occurred_on=D(2026, 9, 20))
    first = services.regrade_agency(agency, as_of=AS_OF)
    stored = dict(first.explanation)
    text = (DEFAULT_RULES_DIR / "2026-01-01.toml").read_text(encoding="utf-8")
    later = parse_ruleset(
        text.replace('version = "2026.1"', 'version = "2027.1"')
        .replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
        .replace("points = 10\nwindow_months = 12", "points = 40\nwindow_months = 12"),
        "2027-01-01.toml")
    original = services.get_rulesets()
    app.extensions["credit_rulesets"] = RuleSets([*original.versions, later])
    try:
        assert services.regrade_agency(agency, as_of=AS_OF) is None  # same version, same result
        db.session.refresh(first)
        assert first.explanation == stored
        newer = services.regrade_agency(agency, as_of=D(2027, 1, 5))
        assert newer.ruleset_version == "2027.1" and newer.score == 60
        assert services.assessment_on(agency, AS_OF).explanation == stored
    finally:
        app.extensions["credit_rulesets"] = original


def test_regrade_all_is_set_based_and_idempotent(db, graded_agency, create_record, create_honour):
    a1, a2, a3 = graded_agency(), graded_agency(), graded_agency()
    create_record(a2, decided_on=D(2026, 10, 1), occurred_on=D(2026, 9, 20))
    # Old records: the bulk loader skips them (past every window); results must not differ.
    create_record(a1, decided_on=D(2019, 1, 10), occurred_on=D(2019, 1, 1))
    create_record(a2, severity=Severity.SERIOUS, decided_on=D(2020, 1, 10),
                  occurred_on=D(2020, 1, 1), repaired_on=D(2026, 1, 1))
    create_honour(a3, level=HonourLevel.NATIONAL)
    seen = []
    summary = services.regrade_all(as_of=AS_OF, progress=seen.append)
    assert summary["changed"] >= 3 and sum(seen) == summary["agencies"]
    db.session.expire_all()
    assert (a1.current_grade, a2.current_grade, a3.current_grade) == (Grade.A, Grade.B, Grade.A_PLUS)
    assert services.current_assessment(a2).explanation["lines"][0]["rule"] == "deduction.general"
    again = services.regrade_all(as_of=AS_OF)
    assert again["changed"] == 0 and again["unchanged"] == summary["agencies"]
    # Bulk and single-agency regrades agree: nothing to write afterwards.
    assert services.regrade_agency(a2, as_of=AS_OF) is None
    assert services.regrade_agency(a1, as_of=AS_OF) is None


def test_regrade_all_writes_feed_entries_for_grade_changes(db, graded_agency, create_record):
    from credit_service.feed.models import ChangeEvent

    agency = graded_agency()
    services.regrade_all(as_of=AS_OF)
    create_record(agency, decided_on=D(2026, 10, 1), occurred_on=D(2026, 9, 20))
    summary = services.regrade_all(as_of=AS_OF)
    assert summary["grade_changed"] == 1
    assert _count(db, ChangeEvent, ChangeEvent.agency_id == agency.id) == 1


def test_round_applies_quotas_and_caps_live_grades(db, graded_agency, create_honour):
    agencies = [graded_agency() for _ in range(10)]
    for agency in agencies[:3]:
        create_honour(agency, level=HonourLevel.NATIONAL, granted_on=D(2025, 6, 1))
    rnd = services.run_round(2025, regrade_live=False)
    assert rnd.published and rnd.as_of == D(2025, 12, 31)
    graded = rnd.summary["graded"]
    rows = list(db.session.scalars(select(Assessment).where(Assessment.round_id == rnd.id)))
    ours = [r for r in rows if r.agency_id in {a.id for a in agencies}]
    assert len(ours) == 10
    grades = [r.grade for r in rows]
    assert grades.count(Grade.A_PLUS) <= graded // 10
    assert grades.count(Grade.A_PLUS) + grades.count(Grade.A) <= graded // 5
    assert any(r.explanation["decided_by"] == "quota" for r in ours)
    # Live grades after the round respect the round's grade as a ceiling (SPEC.md §4.5).
    services.regrade_all(as_of=AS_OF)
    for agency in agencies:
        db.session.refresh(agency)
        round_grade = services.round_assessment(agency, 2025).grade
        order = ["D", "C", "B", "A", "A+"]
        assert order.index(agency.current_grade.value) <= order.index(round_grade.value)
    capped = [a for a in agencies if services.current_assessment(a).explanation["decided_by"] == "quota"]
    assert capped


def test_round_cannot_run_twice(db, graded_agency):
    import pytest

    from credit_service.core.errors import Conflict

    graded_agency()
    services.run_round(2025, regrade_live=False)
    with pytest.raises(Conflict):
        services.run_round(2025, regrade_live=False)
    assert _count(db, EvaluationRound, EvaluationRound.year == 2025) == 1


def test_cli_regrade_and_round(db, runner, graded_agency):
    graded_agency()
    result = runner.invoke(args=["credit", "regrade", "--as-of", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "评价基准日 2026-11-26" in result.output and "等级分布" in result.output
    result = runner.invoke(args=["credit", "round", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "2025 年度信用评价已发布" in result.output
    result = runner.invoke(args=["credit", "round", "--year", "2025"])
    assert result.exit_code != 0 and "已经发布" in result.output


def test_a_change_of_the_scheduled_next_change_alone_writes_a_row(db, graded_agency):
    from credit_service.agencies.models import AnnualReport

    agency = graded_agency(established_on=D(2026, 6, 1))
    first = services.regrade_agency(agency, as_of=AS_OF)
    assert first.explanation["next_change"]["on"] == "2027-03-31"  # 2026 report falls due
    db.session.add(AnnualReport(agency_id=agency.id, year=2026, submitted_on=D(2026, 11, 20),
                                publicised=True, on_time=True))
    second = services.regrade_agency(agency, as_of=AS_OF)
    assert second is not None and (second.score, second.grade) == (first.score, first.grade)
    assert second.explanation["next_change"]["on"] == "2027-05-31"  # 12 months since founding


def test_regrade_all_chunked_by_id_range_gives_the_same_results(db, graded_agency, create_record,
                                                                 monkeypatch):
    agencies = [graded_agency() for _ in range(5)]
    for i, agency in enumerate(agencies):
        create_record(agency, decided_on=D(2026, 1 + i, 5), occurred_on=D(2026, 1 + i, 1))
    one_pass = services.regrade_all(as_of=AS_OF)
    monkeypatch.setattr(services, "ONE_PASS", 1)  # force the range-chunked path
    chunked = services.regrade_all(as_of=AS_OF, chunk=2)
    assert chunked["changed"] == 0 and chunked["grades"] == one_pass["grades"]


def test_bulk_written_rows_read_back_like_orm_written_ones(db, graded_agency, create_record):
    """regrade_all writes through the driver (COPY / executemany): the rows must read back
    exactly like the ones regrade_agency writes through the ORM, and a listing's basis
    record older than the loader's cutoff must still count while listed."""
    from credit_service.core.enums import ListingState, ListKind
    from credit_service.lists.models import Listing

    bulk, single = graded_agency(), graded_agency()
    for agency in (bulk, single):
        record = create_record(agency, severity=Severity.SERIOUS, decided_on=D(2022, 9, 1),
                               occurred_on=D(2022, 8, 1))
        db.session.add(Listing(
            agency_id=agency.id, list_kind=ListKind.BLACK, state=ListingState.REMOVED,
            basis_record_id=record.id, reason="拖欠工资", proposed_on=D(2022, 9, 5),
            decided_on=D(2022, 10, 1), ended_on=D(2026, 12, 31), expires_on=D(2027, 10, 1)))
    db.session.flush()
    version = bulk.version
    orm_row = services.regrade_agency(single, as_of=AS_OF)
    summary = services.regrade_all(as_of=AS_OF)
    assert summary["unchanged"] >= 1  # single, graded above
    db.session.expire_all()
    bulk_row = services.current_assessment(bulk)
    assert services.regrade_agency(bulk, as_of=AS_OF) is None
    assert orm_row.as_of == bulk_row.as_of == AS_OF
    assert orm_row.grade == bulk_row.grade == Grade.D  # listed until 2026-12-31
    # The 2022 serious record (past its own 36-month window) counts while listed.
    assert any(ln["rule"] == "deduction.serious" for ln in bulk_row.explanation["lines"])
    assert (orm_row.score, orm_row.ruleset_version) == (bulk_row.score, bulk_row.ruleset_version)
    assert bulk_row.round_id is None and bulk_row.created_at is not None
    assert type(bulk_row.created_at) is type(orm_row.created_at)
    # Same file but different record ids and decision numbers.
    assert [{**ln, "record_id": None, "text": None} for ln in orm_row.explanation["lines"]] \
        == [{**ln, "record_id": None, "text": None} for ln in bulk_row.explanation["lines"]]
    assert bulk_row.explanation == {**services.preview(bulk, AS_OF).to_dict(),
                                    "fingerprint": bulk_row.explanation["fingerprint"]}
    assert (bulk.current_grade, bulk.current_score) == (bulk_row.grade, bulk_row.score)
    assert bulk.version == version  # derived data: no optimistic-lock bump


def test_backdated_event_also_brings_the_live_grade_up_to_date(db, graded_agency, create_record):
    """A black-list decision dated a month before the latest assessment: the history row
    for that date and the live grade (as of today) both become D."""
    from credit_service.core.enums import ListingState, ListKind
    from credit_service.lists.models import Listing

    agency = graded_agency()
    record = create_record(agency, decided_on=D(2026, 9, 1), occurred_on=D(2026, 8, 1))
    assert services.regrade_agency(agency).as_of == AS_OF  # today
    assert (agency.current_grade, agency.current_score) == (Grade.B, 90)
    db.session.add(Listing(agency_id=agency.id, list_kind=ListKind.BLACK,
                           state=ListingState.DECIDED, basis_record_id=record.id, reason="拖欠工资",
                           proposed_on=D(2026, 9, 5), decided_on=D(2026, 10, 26),
                           expires_on=D(2029, 10, 26)))
    backdated = services.regrade_agency(agency, as_of=D(2026, 10, 26))
    assert (backdated.as_of, backdated.grade) == (D(2026, 10, 26), Grade.D)
    live = services.current_assessment(agency)
    assert (live.as_of, live.grade, live.score) == (AS_OF, Grade.D, 90)
    db.session.expire(agency)
    assert (agency.current_grade, agency.current_score) == (Grade.D, 90)
    assert services.assessment_on(agency, D(2026, 11, 1)).grade == Grade.D


def test_load_rules_refuses_a_broken_rule_file_and_names_the_key(tmp_path):
    import pytest
    from flask import Flask

    from scoring import RuleSetError
    from scoring.rules import DEFAULT_RULES_DIR

    text = (DEFAULT_RULES_DIR / "2026-01-01.toml").read_text(encoding="utf-8")
    (tmp_path / "2026-01-01.toml").write_text(
        text.replace("points = 30\nwindow_months = 36", "points = \"30\"\nwindow_months = 36"),
        encoding="utf-8")
    app = Flask(__name__)
    app.config["RULES_DIR"] = str(tmp_path)
    with pytest.raises(RuleSetError, match="deduction.serious"):
        services.load_rules(app)
    assert "credit_rulesets" not in app.extensions
    (tmp_path / "2026-01-01.toml").write_text(text, encoding="utf-8")
    assert [rs.version for rs in services.load_rules(app)] == ["2026.1"]
    assert app.extensions["credit_rulesets"].for_date(AS_OF).version == "2026.1"
