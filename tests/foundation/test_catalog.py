"""The violation catalog: every row of domain.md §1 present, and a malformed file stops
the app with a message naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import CATALOG_PATH
from credit_service.core.catalog import CatalogError, load_catalog, parse_catalog
from credit_service.core.enums import MajorCaseKind, Severity

GOOD_ENTRY = """\
[[violation]]
code = "false_job_info"
name = "发布虚假招聘信息"
prohibited_by = "《人力资源市场暂行条例》第二十四条"
penalty_basis = "《人力资源市场暂行条例》第四十三条"
default_severity = "general"
veto = false
c_cap = false
blacklist_candidate = false
major_case_kind = ""
"""

# domain.md §1: catalog code -> the Chinese name as the plan words it.
DOMAIN_ROWS = {
    "unlicensed_agency": "未经许可擅自从事职业中介活动",
    "unfiled_service": "备案",
    "unlicensed_dispatch": "未经许可经营劳务派遣业务",
    "dispatch_irregular": "10%",
    "fake_outsourcing": "假外包真派遣",
    "false_job_info": "发布虚假招聘信息",
    "discriminatory_job_info": "歧视性内容",
    "rebate_price_manipulation": "返费",
    "deposit_from_workers": "押金",
    "annual_report_missing": "年度报告",
    "obstructing_inspection": "阻挠",
    "wage_arrears": "劳动报酬",
}


def test_every_domain_row_is_in_the_catalog():
    catalog = load_catalog(CATALOG_PATH)
    for code, words in DOMAIN_ROWS.items():
        assert code in catalog, code
        assert words in catalog[code].name, (code, catalog[code].name)
        assert catalog[code].prohibited_by and catalog[code].penalty_basis


def test_catalog_flags_follow_the_spec():
    catalog = load_catalog(CATALOG_PATH)
    # SPEC §4.1 veto classes and §4.2 C-cap classes.
    for code in ("unlicensed_agency", "unlicensed_dispatch", "discriminatory_job_info",
                 "obstructing_inspection", "licence_fraud", "criminal_liability", "child_labour",
                 "forced_labour", "mass_incident"):
        assert catalog[code].veto, code
    for code in ("dispatch_irregular", "fake_outsourcing", "refusing_rectification"):
        assert catalog[code].c_cap, code
    assert catalog["wage_arrears"].major_case_kind is MajorCaseKind.WAGE_ARREARS
    assert catalog["wage_arrears"].blacklist_candidate
    assert {v.default_severity for v in catalog.values()} == set(Severity)


def test_good_entry_parses():
    catalog = parse_catalog(GOOD_ENTRY)
    assert catalog["false_job_info"].default_severity is Severity.GENERAL


def _error(text: str) -> str:
    with pytest.raises(CatalogError) as info:
        parse_catalog(text, "violations.toml")
    return str(info.value)


def test_syntax_error_names_the_line():
    broken = GOOD_ENTRY.replace('veto = false', 'veto = = false')
    message = _error(broken)
    assert "格式错误" in message and "line 7" in message


def test_unknown_field_names_its_line():
    message = _error(GOOD_ENTRY + 'colour = "red"\n')
    assert "第11行" in message and "colour" in message


def test_bad_severity_names_its_line():
    message = _error(GOOD_ENTRY.replace('"general"', '"terrible"'))
    assert "第6行" in message
    assert "terrible" in message


def test_duplicate_code_names_the_second_entry():
    message = _error(GOOD_ENTRY + "\n" + GOOD_ENTRY)
    assert "重复" in message and "第13行" in message


def test_missing_field_and_wrong_type_are_rejected():
    assert "缺少字段" in _error(GOOD_ENTRY.replace('c_cap = false\n', ''))
    assert "布尔值" in _error(GOOD_ENTRY.replace('veto = false', 'veto = "no"'))
    assert "29号令" in _error(GOOD_ENTRY.replace('major_case_kind = ""', 'major_case_kind = "x"'))


def test_a_broken_catalog_stops_the_app(tmp_path):
    from config import TestingConfig
    from credit_service import create_app

    path = tmp_path / "violations.toml"
    path.write_text(GOOD_ENTRY.replace('"general"', '"terrible"'), encoding="utf-8")
    config = TestingConfig(tmp_path)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    config.CATALOG_PATH = str(path)
    with pytest.raises(CatalogError, match="第.行"):
        create_app(config)


def test_a_broken_rule_set_stops_the_app(tmp_path):
    from config import TestingConfig
    from credit_service import create_app
    from scoring.rules import RuleSetError

    rules = tmp_path / "rules"
    rules.mkdir()
    good = (Path(__file__).resolve().parents[2] / "config/rules/2026-01-01.toml").read_text(
        encoding="utf-8")
    (rules / "2026-01-01.toml").write_text(good.replace("base = 100", "bass = 100"),
                                           encoding="utf-8")
    config = TestingConfig(tmp_path)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    config.RULES_DIR = str(rules)
    with pytest.raises(RuleSetError, match="bass|base"):
        create_app(config)
