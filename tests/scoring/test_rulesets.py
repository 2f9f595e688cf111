"""Rule-set files: loading, validation messages that name the key, version selection."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from scoring import RuleSetError, load_rulesets, parse_ruleset, ruleset_for
from scoring.rules import DEFAULT_RULES_DIR, SCHEMA

DEFAULT = (DEFAULT_RULES_DIR / "2026-01-01.toml").read_text(encoding="utf-8")


def test_default_rule_set_reproduces_spec_section_4():
    rs = ruleset_for(dt.date(2026, 6, 1))
    assert rs.version == "2026.1" and rs.effective_from == dt.date(2026, 1, 1)
    assert rs.base == 100 and rs.bonus_cap == 20
    assert dict(rs.severity_points) == {"minor": 5, "general": 10, "serious": 30}
    assert dict(rs.severity_months) == {"minor": 3, "general": 12, "serious": 36}
    assert rs["deduction.rectification_on_time"]["points"] == 2
    assert rs["deduction.refused_to_comply"]["points"] == 15
    assert rs["deduction.annual_report"]["points"] == 10
    assert rs["deduction.dispute_lost_partly"]["points"] == 3
    assert rs["deduction.dispute_lost_fully"]["points"] == 5
    assert rs["window.listed"]["max_months"] == 60
    assert [rs[f"bonus.{k}"]["points"] for k in
            ("honour_national", "honour_provincial", "honour_municipal", "harmony_model",
             "clean_record")] == [10, 6, 3, 4, 5]
    assert rs["bonus.honour_validity"]["months"] == 60
    assert (rs["grade.a_plus"]["min_score"], rs["grade.a_plus"]["clean_months"]) == (110, 24)
    assert (rs["grade.a"]["min_score"], rs["grade.a"]["clean_months"]) == (103, 12)
    assert rs["grade.b"]["min_score"] == 80 and rs["grade.c"]["min_score"] == 60
    assert (rs["cap.penalty_count"]["count"], rs["cap.penalty_count"]["months"]) == (3, 12)
    assert (rs["quota"]["a_plus_max"], rs["quota"]["a_and_above_max"]) == (0.10, 0.20)
    assert rs["new_agency"]["months"] == 12 and rs["new_agency"]["supervised_as"] == "B"


def test_every_rule_has_a_label_and_a_source_note():
    rs = ruleset_for(dt.date(2026, 6, 1))
    described = rs.describe()
    assert [d["key"] for d in described] == list(SCHEMA)
    assert all(d["label"].strip() and d["source"].strip() for d in described)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("points = 10\nwindow_months = 12", "points = \"ten\"\nwindow_months = 12"),
         "[deduction.general] points 应为整数"),
        (lambda t: t.replace("[deduction.minor]", "[deduction.minr]"), "未知规则 [deduction.minr]"),
        (lambda t: t.replace("max_months = 60", "max_months = 60\nmin_months = 1"),
         "[window.listed] 未知字段 min_months"),
        (lambda t: t.replace('version = "2026.1"\n', ""), "缺少 version"),
        (lambda t: t.replace("a_plus_max = 0.10", "a_plus_max = 1.5"), "[quota] a_plus_max"),
        (lambda t: t.replace("min_score = 103", "min_score = 70"), "[grade.*] min_score"),
        (lambda t: t.replace(', "D" = 1.00', ''), "[supervision] ratios 缺少 'D'"),
        (lambda t: t.replace('source = "SPEC.md §4.3；地方扣分标准（责令改正 −2）"\n', ""),
         "[deduction.rectification_on_time] 缺少 source"),
        (lambda t: t.replace("due_day = 31", "due_day = 31\nfoo = 2"),
         "[deduction.annual_report] 未知字段 foo"),
        (lambda t: t.replace("[bonus.cap]\n", "[bonus.cap]\n").replace(
            "points = 20", "points = -20"), "[bonus.cap] points 不能为负数"),
        (lambda t: t + "\n[extra]\nx = 1\n", "未知规则 [extra]"),
        (lambda t: t.replace("months = 12\nsupervised_as", "months = 12\nsupervised_as = \"X\"\n#"),
         "[new_agency] supervised_as"),
    ],
)
def test_validation_names_the_bad_key(edit, message):
    with pytest.raises(RuleSetError) as exc:
        parse_ruleset(edit(DEFAULT), "bad.toml")
    assert message in str(exc.value)
    assert "bad.toml" in str(exc.value)


def test_broken_toml_is_reported_with_the_file():
    with pytest.raises(RuleSetError, match="规则集 x.toml 格式错误"):
        parse_ruleset("version = ", "x.toml")


def _with_later_version(tmp_path: Path) -> Path:
    shutil.copy(DEFAULT_RULES_DIR / "2026-01-01.toml", tmp_path / "2026-01-01.toml")
    later = DEFAULT.replace('version = "2026.1"', 'version = "2027.1"').replace(
        "effective_from = 2026-01-01", "effective_from = 2027-01-01"
    ).replace("points = 10\nwindow_months = 12", "points = 20\nwindow_months = 24")
    (tmp_path / "2027-01-01.toml").write_text(later, encoding="utf-8")
    return tmp_path


def test_version_in_effect_on_the_as_of_date_is_used(tmp_path):
    rulesets = load_rulesets(_with_later_version(tmp_path))
    assert rulesets.for_date(dt.date(2026, 12, 31)).version == "2026.1"
    assert rulesets.for_date(dt.date(2027, 1, 1)).version == "2027.1"
    assert rulesets.for_date(dt.date(2020, 1, 1)).version == "2026.1"  # earliest, flagged
    assert rulesets.latest.version == "2027.1"


def test_file_name_must_be_the_effective_date(tmp_path):
    (tmp_path / "2026-02-01.toml").write_text(DEFAULT, encoding="utf-8")
    with pytest.raises(RuleSetError, match="文件名应为生效日期 2026-01-01.toml"):
        load_rulesets(tmp_path)


def test_duplicate_version_is_refused(tmp_path):
    shutil.copy(DEFAULT_RULES_DIR / "2026-01-01.toml", tmp_path / "2026-01-01.toml")
    (tmp_path / "2027-01-01.toml").write_text(
        DEFAULT.replace("effective_from = 2026-01-01", "effective_from = 2027-01-01"),
        encoding="utf-8")
    with pytest.raises(RuleSetError, match="版本号 2026.1 重复"):
        load_rulesets(tmp_path)


def test_as_of_before_first_version_says_so():
    from .helpers import RULESETS, agency, grade

    result = grade(agency(), dt.date(2025, 6, 1), RULESETS.for_date(dt.date(2025, 6, 1)))
    assert any(ln.kind == "info" and ln.rule == "ruleset" for ln in result.lines)
