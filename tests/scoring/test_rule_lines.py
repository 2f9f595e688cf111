"""One test per rule line of the default rule set (SPEC.md §4)."""

from __future__ import annotations

import datetime as dt

from scoring import Ceiling, ListingInput

from .helpers import AS_OF, agency, grade, honour, points_sum, record, reports, rules_fired

D = dt.date


def test_clean_established_agency_scores_base_plus_clean_bonus():
    result = grade(agency())
    assert result.score == 105
    assert rules_fired(result) == ["bonus.clean_record", "grade.a"]
    assert result.grade == "A"


# ---- §4.3 deductions -------------------------------------------------------------------

def test_minor_record_deducts_5_for_3_months():
    r = record(D(2026, 9, 1), "minor")
    inside = grade(agency([r]))
    assert inside.score == 95 and "deduction.minor" in rules_fired(inside)
    line = next(ln for ln in inside.lines if ln.rule == "deduction.minor")
    assert line.until == D(2026, 11, 30) and line.points == -5 and line.record_id == r.id
    assert grade(agency([r]), D(2026, 12, 1)).score == 100  # out of window; no clean bonus yet


def test_general_record_deducts_10_for_12_months():
    r = record(D(2026, 2, 10), "general")
    result = grade(agency([r]))
    line = next(ln for ln in result.lines if ln.rule == "deduction.general")
    assert line.points == -10 and line.until == D(2027, 2, 9)
    assert result.score == 90
    later = grade(agency([r]), D(2027, 2, 10))
    assert "deduction.general" not in rules_fired(later)


def test_serious_record_deducts_30_for_36_months_and_caps_at_c():
    r = record(D(2024, 1, 15), "serious")
    result = grade(agency([r]))
    line = next(ln for ln in result.lines if ln.rule == "deduction.serious")
    assert line.points == -30 and line.until == D(2027, 1, 14)
    assert result.score == 75 and result.grade == "C"
    assert "cap.serious_in_force" in rules_fired(result)


def test_rectification_order_complied_on_time_deducts_2():
    r = record(D(2026, 8, 1), "general", penalty_kind="rectification_order",
               rectify_by=D(2026, 8, 31), corrected_on=D(2026, 8, 20))
    result = grade(agency([r]))
    assert "deduction.rectification_on_time" in rules_fired(result)
    assert result.score == 98


def test_rectification_order_complied_late_deducts_by_severity():
    r = record(D(2026, 8, 1), "general", penalty_kind="rectification_order",
               rectify_by=D(2026, 8, 31), corrected_on=D(2026, 9, 20))
    result = grade(agency([r]))
    assert "deduction.rectification_on_time" not in rules_fired(result)
    assert result.score == 90


def test_refusing_to_comply_deducts_15_extra_and_caps_at_c():
    r = record(D(2026, 6, 1), "general", refused_to_comply=True)
    result = grade(agency([r]))
    assert result.score == 100 - 10 - 15
    assert "deduction.refused_to_comply" in rules_fired(result)
    assert "cap.refused" in rules_fired(result)
    assert result.grade == "C"


def test_labour_dispute_lost_partly_deducts_3():
    r = record(D(2026, 6, 1), "minor", violation_code="labour_dispute_lost",
               penalty_kind="dispute_lost_partly")
    result = grade(agency([r]), D(2026, 7, 1))
    assert "deduction.dispute_lost_partly" in rules_fired(result)
    assert result.score == 97


def test_labour_dispute_lost_fully_deducts_5():
    r = record(D(2026, 6, 1), "minor", violation_code="labour_dispute_lost",
               penalty_kind="dispute_lost_fully")
    result = grade(agency([r]), D(2026, 7, 1))
    assert "deduction.dispute_lost_fully" in rules_fired(result)
    assert result.score == 95


def test_dispute_lost_is_not_a_penalty_for_the_grade_conditions():
    # A lost labour dispute is not an administrative penalty: it does not block A.
    r = record(D(2026, 6, 1), "minor", penalty_kind="dispute_lost_partly")
    result = grade(agency([r], honours=[honour(level="municipal")]), D(2026, 7, 1))
    assert result.last_penalty_on is None
    assert result.score == 100 - 3 + 3 and result.grade == "B"  # 100: not ≥ 103, no clean bonus
    result = grade(agency([r], honours=[honour(level="provincial")]), D(2026, 7, 1))
    assert result.score == 103 and result.grade == "A"


def test_annual_report_late_deducts_10():
    late = tuple(r for r in reports() if r.year != 2025) + (
        reports(2025, 2025)[0].__class__(2025, D(2026, 4, 20), False),)
    result = grade(agency(annual_reports=late))
    assert "deduction.annual_report" in rules_fired(result)
    assert "cap.annual_report_missing" not in rules_fired(result)
    assert result.score == 95


def test_annual_report_missing_deducts_10_and_caps_at_c():
    missing = tuple(r for r in reports() if r.year != 2025)
    result = grade(agency(annual_reports=missing, honours=[honour()]))
    assert "deduction.annual_report" in rules_fired(result)
    assert "cap.annual_report_missing" in rules_fired(result)
    assert result.grade == "C" and result.decided_by == "cap"
    # Before the 31 March deadline the 2025 report is not due yet (2024 is).
    assert "cap.annual_report_missing" not in rules_fired(
        grade(agency(annual_reports=missing), D(2026, 3, 31)))


def test_repaired_record_stops_counting_on_the_repair_date():
    r = record(D(2026, 2, 10), "general", repaired_on=D(2026, 9, 1))
    assert grade(agency([r]), D(2026, 8, 31)).score == 90
    after = grade(agency([r]), D(2026, 9, 1))
    assert "deduction.general" not in rules_fired(after)
    assert after.score == 105


def test_revoked_record_stops_counting_on_the_revocation_date():
    r = record(D(2026, 2, 10), "general", status="revoked", status_changed_on=D(2026, 9, 1))
    assert grade(agency([r]), D(2026, 8, 31)).score == 90
    assert grade(agency([r]), D(2026, 9, 1)).score == 105


def test_draft_record_never_counts():
    r = record(D(2026, 2, 10), "serious", status="draft", veto=True)
    assert grade(agency([r])).score == 105


def test_listed_record_counts_while_listed_at_most_60_months():
    r = record(D(2022, 1, 10), "serious")
    listing = ListingInput("black", D(2022, 2, 1), D(2025, 2, 1), basis_record_id=r.id)
    # Normal window ended 2025-01-09; the listing keeps it counting to 2025-01-31.
    result = grade(agency([r], listings=(listing,)), D(2025, 1, 20))
    line = next(ln for ln in result.lines if ln.rule == "deduction.serious")
    assert line.until == D(2025, 1, 31)
    long = ListingInput("black", D(2022, 2, 1), D(2030, 1, 1), basis_record_id=r.id)
    result = grade(agency([r], listings=(long,)), AS_OF)
    line = next(ln for ln in result.lines if ln.rule == "deduction.serious")
    assert line.until == D(2027, 1, 9)  # 60 months from the decision (河南信用条例 art.19)


# ---- §4.1 veto ---------------------------------------------------------------------------

def test_veto_record_forces_d_while_in_force():
    r = record(D(2026, 3, 1), "serious", violation_code="unlicensed_agency", veto=True)
    result = grade(agency([r], honours=[honour()]))
    assert result.grade == "D" and result.decided_by == "veto"
    assert "veto.record" in rules_fired(result)
    assert grade(agency([r]), D(2029, 3, 1)).grade != "D"


def test_black_list_forces_d_while_listed():
    listing = ListingInput("black", D(2026, 1, 1), D(2027, 1, 1))
    result = grade(agency(listings=(listing,)))
    assert result.grade == "D" and "veto.black_list" in rules_fired(result)
    assert grade(agency(listings=(listing,)), D(2027, 1, 1)).grade == "A"


# ---- §4.2 caps ---------------------------------------------------------------------------

def test_three_penalties_in_12_months_cap_at_c():
    recs = [record(D(2026, m, 1), "minor") for m in (2, 6, 9)]
    result = grade(agency(recs, honours=[honour(), honour(level="provincial")]))
    assert "cap.penalty_count" in rules_fired(result)
    assert result.grade == "C"
    cap = next(ln for ln in result.lines if ln.rule == "cap.penalty_count")
    assert cap.until == D(2027, 1, 31)


def test_two_penalties_in_12_months_do_not_cap():
    recs = [record(D(2026, m, 1), "minor") for m in (6, 9)]
    assert "cap.penalty_count" not in rules_fired(grade(agency(recs)))


def test_rectification_orders_are_not_penalties_for_the_count_cap():
    # 责令改正 is an administrative order, not an administrative penalty (行政处罚法
    # art.28 separates them; [penalty] exclude_penalty_kinds): three complied with on
    # time in a year deduct 2 each but do not make the 3-penalty C cap.
    recs = [record(D(2026, m, 1), "general", penalty_kind="rectification_order",
                   rectify_by=D(2026, m, 28), corrected_on=D(2026, m, 20)) for m in (3, 6, 9)]
    result = grade(agency(recs))
    assert "cap.penalty_count" not in rules_fired(result)
    assert (result.score, result.grade, result.decided_by) == (94, "B", "threshold")
    assert result.last_penalty_on is None


def test_a_rectification_order_does_not_bar_a_or_a_plus():
    r = record(D(2026, 9, 1), "general", penalty_kind="rectification_order",
               rectify_by=D(2026, 9, 30), corrected_on=D(2026, 9, 20))
    result = grade(agency([r], honours=[honour()]))
    assert (result.score, result.grade) == (108, "A")  # 100 − 2 + 10: no penalty in 12 months
    result = grade(agency([r], honours=[honour(), honour(kind="harmony_model")]))
    assert (result.score, result.grade) == (112, "A+")


def test_c_cap_violation_type_caps_while_in_force():
    r = record(D(2026, 1, 5), "general", violation_code="fake_outsourcing", c_cap=True)
    result = grade(agency([r], honours=[honour(), honour(level="provincial")]))
    assert result.score == 100 - 10 + 16 and result.grade == "C"
    assert "cap.violation_type" in rules_fired(result) and result.decided_by == "cap"


# ---- §4.3 bonuses ------------------------------------------------------------------------

def test_national_honour_adds_10():
    assert grade(agency(honours=[honour(level="national")])).score == 115


def test_provincial_honour_adds_6():
    assert grade(agency(honours=[honour(level="provincial")])).score == 111


def test_municipal_honour_adds_3():
    assert grade(agency(honours=[honour(level="municipal")])).score == 108


def test_award_counts_like_a_red_list_designation():
    assert grade(agency(honours=[honour(kind="award", level="provincial")])).score == 111


def test_harmony_model_adds_4():
    assert grade(agency(honours=[honour(kind="harmony_model", level="municipal")])).score == 109


def test_clean_record_bonus_needs_12_months_without_record():
    r = record(D(2025, 11, 27), "minor")
    assert "bonus.clean_record" not in rules_fired(grade(agency([r])))
    assert "bonus.clean_record" in rules_fired(grade(agency([r]), D(2026, 11, 27)))


def test_bonuses_are_capped_at_20_and_lines_still_add_up():
    hs = [honour(level="national"), honour(level="national"), honour(level="provincial")]
    result = grade(agency(honours=hs))
    assert result.score == 120
    assert "bonus.cap" in rules_fired(result)
    assert points_sum(result) == result.score - 100


def test_honour_counts_5_years_from_grant():
    h = honour(D(2021, 12, 1))
    assert grade(agency(honours=[h])).score == 115
    assert grade(agency(honours=[h]), D(2026, 12, 1)).score == 105


def test_honour_stops_at_valid_until_or_revocation():
    h = honour(D(2025, 1, 1), valid_until=D(2026, 6, 30))
    assert grade(agency(honours=[h])).score == 105
    h = honour(D(2025, 1, 1), revoked_on=D(2026, 5, 1))
    assert grade(agency(honours=[h])).score == 105
    assert grade(agency(honours=[h]), D(2026, 4, 30)).score == 115


# ---- §4.4 grades --------------------------------------------------------------------------

def test_a_plus_needs_110_and_no_penalty_in_24_months():
    assert grade(agency(honours=[honour()])).grade == "A+"  # 115
    r = record(D(2025, 1, 1), "minor")  # 22 months ago: out of every deduction window
    result = grade(agency([r], honours=[honour()]))
    assert result.score == 115 and result.grade == "A"
    assert "不能评为 A+" in next(ln.text for ln in result.lines if ln.kind == "threshold")


def test_a_needs_103_and_no_penalty_in_12_months():
    assert grade(agency()).grade == "A"  # 105
    r = record(D(2026, 2, 1), "minor")  # 3-month window over; still within 12 months
    result = grade(agency([r], honours=[honour()]))
    assert result.score == 110 and result.grade == "B"


def test_b_from_80_to_102():
    assert grade(agency([record(D(2026, 6, 1), "general")])).grade == "B"  # 90
    recs = [record(D(2026, 6, 1), "general"), record(D(2026, 7, 1), "general")]
    assert grade(agency(recs)).score == 80 and grade(agency(recs)).grade == "B"


def test_c_from_60_to_79_and_d_below_60():
    recs = [record(D(2026, 6, 1), "general", refused_to_comply=True),
            record(D(2026, 7, 1), "general")]
    assert grade(agency(recs)).score == 65 and grade(agency(recs)).grade == "C"
    recs = [record(D(2026, 6, 1), "general", refused_to_comply=True),
            record(D(2026, 7, 1), "general", refused_to_comply=True)]
    result = grade(agency(recs))
    assert result.score == 50 and result.grade == "D" and result.decided_by == "threshold"


# ---- §4.5 round ceiling between rounds ------------------------------------------------------

def test_live_grade_does_not_rise_above_the_last_round_between_rounds():
    r = record(D(2025, 6, 1), "general")
    ceiling = Ceiling("B", 2025, D(2025, 12, 31))
    result = grade(agency([r], honours=[honour()], ceiling=ceiling))
    assert result.grade == "B" and result.decided_by == "quota"


def test_ceiling_lifted_after_a_repair_since_the_round():
    r = record(D(2025, 6, 1), "general", repaired_on=D(2026, 3, 1))
    ceiling = Ceiling("B", 2025, D(2025, 12, 31))
    result = grade(agency([r], honours=[honour()], ceiling=ceiling))
    assert result.grade in ("A", "A+")


# ---- §4.6 new agencies ---------------------------------------------------------------------

def test_agency_younger_than_12_months_is_new_supervised_as_b():
    result = grade(agency(established_on=D(2026, 3, 1), annual_reports=()))
    assert result.grade == "NEW" and result.decided_by == "new"
    assert result.supervised_as == "B"
    assert grade(agency(established_on=D(2025, 11, 26), annual_reports=())).grade != "NEW"


def test_first_licence_later_than_establishment_starts_the_12_months():
    from scoring import LicenceInput

    a = agency(established_on=D(2010, 1, 1), licences=(LicenceInput("dispatch", D(2026, 5, 1)),))
    assert grade(a).grade == "NEW"


def test_new_agency_with_a_veto_is_graded_d():
    r = record(D(2026, 6, 1), "serious", violation_code="unlicensed_agency", veto=True)
    assert grade(agency([r], established_on=D(2026, 3, 1), annual_reports=())).grade == "D"


# ---- §4.7 explanation -----------------------------------------------------------------------

def test_next_change_names_the_date_a_deduction_expires():
    r2 = record(D(2025, 10, 1), "general", refused_to_comply=True)
    result = grade(agency([r2]), D(2026, 1, 1))
    assert result.grade == "C"
    assert result.next_change.on == D(2026, 9, 30)
    assert result.next_change.text == (
        "2026-09-30 后扣分到期、封顶情形消除、满 12 个月无失信记录加分，预计升为 A")
    assert result.next_change.grade == "A" and result.next_change.score == 105
    line = next(ln for ln in result.lines if ln.rule == "deduction.general")
    assert line.until == result.next_change.on


def test_explanation_json_shape():
    result = grade(agency([record(D(2026, 6, 1))], honours=[honour()]))
    data = result.to_dict()
    assert set(data) == {"ruleset_version", "as_of", "score", "grade", "summary",
                         "decided_by", "lines", "next_change"}
    assert data["ruleset_version"] == "2026.1" and data["as_of"] == "2026-11-26"
    for line in data["lines"]:
        assert set(line) == {"kind", "rule", "text", "points", "until", "record_id", "honour_id"}
        assert line["kind"] in ("deduction", "bonus", "veto", "cap", "threshold", "quota",
                                "new", "info")
        assert line["text"]
    assert sum(ln["points"] for ln in data["lines"]
               if ln["kind"] in ("deduction", "bonus")) == data["score"] - 100
    assert set(data["next_change"]) == {"on", "text"}


# ---- §4.8 supervision ratios ------------------------------------------------------------------

def test_supervision_ratios():
    from .helpers import RULES

    assert dict(RULES.supervision) == {"A+": 0.03, "A": 0.05, "B": 0.15, "C": 0.40,
                                       "D": 1.0, "NEW": 0.15}
