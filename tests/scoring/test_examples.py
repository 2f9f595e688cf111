"""Worked examples from the issue, and the annual-round quotas."""

from __future__ import annotations

import datetime as dt

from scoring import apply_quotas

from .helpers import AS_OF, RULES, agency, grade, honour, points_sum, record

D = dt.date


def test_three_general_penalties_in_a_year_give_c():
    # 人社部规〔2016〕1号: found 3 or more times -> C, whatever the score says.
    recs = [record(D(2026, m, 10), "general") for m in (2, 5, 9)]
    result = grade(agency(recs, honours=[honour(), honour(level="provincial")]))
    assert result.score == 100 - 30 + 16
    assert result.grade == "C" and result.decided_by == "cap"
    assert "3 次处罚" in next(ln.text for ln in result.lines if ln.rule == "cap.penalty_count")


def test_unlicensed_operation_gives_d():
    r = record(D(2026, 4, 1), "serious", violation_code="unlicensed_agency", veto=True,
               title="未经许可擅自从事职业中介活动")
    result = grade(agency([r], honours=[honour()]))
    assert result.grade == "D" and result.decided_by == "veto"
    veto = next(ln for ln in result.lines if ln.kind == "veto")
    assert veto.record_id == r.id and "未经许可擅自从事职业中介活动" in veto.text
    assert veto.until == D(2029, 3, 31)
    assert result.summary.endswith("因存在一票否决情形评为 D。")


def _cohort(n_honoured: int, n_plain: int):
    honoured = [agency(honours=[honour()], uscc=f"91419001HONOUR{i:04d}") for i in range(n_honoured)]
    plain = [agency(uscc=f"91419001PLAIN0{i:04d}") for i in range(n_plain)]
    return [grade(a) for a in honoured + plain]


def test_national_honour_and_clean_record_reach_a_plus_only_within_the_quota():
    results = _cohort(3, 17)  # 20 graded agencies: at most 2 A+, at most 4 A+ and A
    assert [r.grade for r in results[:3]] == ["A+"] * 3
    final = apply_quotas(results, RULES)
    grades = [r.grade for r in final]
    assert grades.count("A+") == 2
    assert grades.count("A+") + grades.count("A") == 4
    assert grades.count("B") == 16
    demoted = [r for r in final if r.decided_by == "quota"]
    assert all(ln.kind == "quota" for r in demoted for ln in r.lines[-1:])
    # Ties broken by USCC: the smallest code among equal scores drops first.
    dropped_aplus = [r for r in final[:3] if r.grade == "A"]
    assert len(dropped_aplus) == 1 and dropped_aplus[0].uscc == min(r.uscc for r in final[:3])


def test_quota_drops_lowest_score_first_then_earlier_last_penalty():
    high = grade(agency(honours=[honour(), honour(kind="harmony_model")]))  # 119
    low = grade(agency(honours=[honour()]))  # 115
    old_penalty = grade(agency([record(D(2023, 1, 1), "minor")], honours=[honour()]))
    new_penalty = grade(agency([record(D(2024, 6, 1), "minor")], honours=[honour()]))
    assert old_penalty.grade == new_penalty.grade == "A+" and old_penalty.score == 115
    others = [grade(agency()) for _ in range(6)]  # 105 -> A
    final = apply_quotas([high, low, old_penalty, new_penalty, *others], RULES)
    # 10 graded: 1 A+ allowed, 2 A+ and A. The three 115s drop from A+ to A; then the six
    # 105s and two of the 115s drop from A to B: the penalised ones (earlier last penalty
    # first); the never-penalised 115 keeps A.
    assert [r.grade for r in final] == ["A+", "A", "B", "B", *["B"] * 6]
    assert [r.decided_by for r in final[:4]] == ["threshold", "quota", "quota", "quota"]


def test_quota_tie_break_earlier_last_penalty_drops_first_even_against_the_uscc():
    # Same score (115, A+), penalties outside the 24-month A+ window on different dates;
    # the USCC order alone would drop ``later`` (smaller code), the last penalty drops
    # ``earlier`` instead.
    earlier = grade(agency([record(D(2023, 1, 1), "minor")], honours=[honour()],
                           uscc="91419001ZZZZZZZZZZ"))
    later = grade(agency([record(D(2024, 6, 1), "minor")], honours=[honour()],
                         uscc="91419001AAAAAAAAAA"))
    assert (earlier.score, earlier.grade) == (later.score, later.grade) == (115, "A+")
    plain = [grade(agency(honours=[honour(kind="harmony_model")])) for _ in range(8)]  # 109 A
    final = apply_quotas([earlier, later, *plain], RULES)  # 10 graded: 1 A+, 2 A+ and A
    assert (final[0].grade, final[0].decided_by) == ("A", "quota")
    assert (final[1].grade, final[1].decided_by) == ("A+", "threshold")
    assert [r.grade for r in final[2:]] == ["B"] * 8


def test_quota_tie_break_never_penalised_drops_after_the_penalised():
    penalised = grade(agency([record(D(2024, 6, 1), "minor")], honours=[honour()],
                             uscc="91419001ZZZZZZZZZZ"))
    clean = grade(agency(honours=[honour()], uscc="91419001AAAAAAAAAA"))
    assert penalised.score == clean.score == 115 and clean.last_penalty_on is None
    plain = [grade(agency()) for _ in range(8)]
    final = apply_quotas([penalised, clean, *plain], RULES)
    assert [final[0].grade, final[1].grade] == ["A", "A+"]


def test_quotas_ignore_new_agencies():
    new = [grade(agency(established_on=D(2026, 6, 1), annual_reports=())) for _ in range(5)]
    results = _cohort(1, 9) + new
    final = apply_quotas(results, RULES)
    assert [r.grade for r in final].count("A+") == 1
    assert all(r.grade == "NEW" for r in final[-5:])


def test_explanation_lines_add_up_to_the_score():
    recs = [record(D(2026, 6, 1), "general", refused_to_comply=True), record(D(2026, 10, 1), "minor")]
    hs = [honour(), honour(level="provincial"), honour(kind="harmony_model")]
    result = grade(agency(recs, honours=hs))
    assert points_sum(result) == result.score - 100
    assert AS_OF == result.as_of
