"""Rule sets: TOML files in ``config/rules/``, validated at load, selected by as-of date.

A rule set is data (SPEC.md §4): changing a rule means adding a file with a later
``effective_from``. ``RuleSets.for_date`` picks the version in effect on the as-of
date, so a later version never changes an earlier assessment.
"""

from __future__ import annotations

import bisect
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

GRADES = ("A+", "A", "B", "C", "D")

#: rule key -> {parameter: type}. Every rule table also needs ``label`` and ``source``.
SCHEMA: dict[str, dict[str, type | tuple]] = {
    "score": {"base": int},
    "penalty": {"exclude_penalty_kinds": list},
    "veto.record": {},
    "veto.black_list": {},
    "cap.penalty_count": {"count": int, "months": int},
    "cap.refused": {},
    "cap.annual_report_missing": {},
    "cap.violation_type": {},
    "cap.serious_in_force": {},
    "deduction.rectification_on_time": {"points": int},
    "deduction.minor": {"points": int, "window_months": int},
    "deduction.general": {"points": int, "window_months": int},
    "deduction.serious": {"points": int, "window_months": int},
    "deduction.refused_to_comply": {"points": int},
    "deduction.annual_report": {"points": int, "due_month": int, "due_day": int},
    "deduction.dispute_lost_partly": {"points": int},
    "deduction.dispute_lost_fully": {"points": int},
    "window.listed": {"max_months": int},
    "bonus.cap": {"points": int},
    "bonus.honour_national": {"points": int},
    "bonus.honour_provincial": {"points": int},
    "bonus.honour_municipal": {"points": int},
    "bonus.harmony_model": {"points": int},
    "bonus.clean_record": {"points": int, "months": int},
    "bonus.honour_validity": {"months": int},
    "grade.a_plus": {"min_score": int, "clean_months": int},
    "grade.a": {"min_score": int, "clean_months": int},
    "grade.b": {"min_score": int},
    "grade.c": {"min_score": int},
    "quota": {"a_plus_max": (float, int), "a_and_above_max": (float, int)},
    "new_agency": {"months": int, "supervised_as": str},
    "supervision": {"ratios": dict},
}
_TOP_LEVEL = {"version": str, "effective_from": dt.date, "title": str, "note": str}
_TYPE_NAMES = {int: "整数", str: "字符串", list: "数组", dict: "表", dt.date: "日期", float: "小数"}


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    label: str
    source: str
    params: MappingProxyType

    def __getitem__(self, name: str):
        return self.params[name]


@dataclass(frozen=True)
class RuleSet:
    version: str
    effective_from: dt.date
    title: str
    note: str
    rules: MappingProxyType  # key -> Rule, in file order
    source_file: str = ""
    # Flattened numbers the engine reads in its inner loop (filled in __post_init__).
    base: int = field(init=False)
    bonus_cap: int = field(init=False)
    excluded_penalty_kinds: frozenset = field(init=False)
    severity_points: MappingProxyType = field(init=False)
    severity_months: MappingProxyType = field(init=False)
    supervision: MappingProxyType = field(init=False)

    def __post_init__(self) -> None:
        r = self.rules
        set_ = object.__setattr__
        set_(self, "base", r["score"]["base"])
        set_(self, "bonus_cap", r["bonus.cap"]["points"])
        set_(self, "excluded_penalty_kinds", frozenset(r["penalty"]["exclude_penalty_kinds"]))
        set_(self, "severity_points", MappingProxyType(
            {s: r[f"deduction.{s}"]["points"] for s in ("minor", "general", "serious")}))
        set_(self, "severity_months", MappingProxyType(
            {s: r[f"deduction.{s}"]["window_months"] for s in ("minor", "general", "serious")}))
        ratios = dict(r["supervision"]["ratios"])
        ratios["NEW"] = ratios[r["new_agency"]["supervised_as"]]
        set_(self, "supervision", MappingProxyType(ratios))

    def __getitem__(self, key: str) -> Rule:
        return self.rules[key]

    def describe(self) -> list[dict]:
        """Rules in file order for the public "about the rules" page."""
        return [
            {"key": rule.key, "label": rule.label, "source": rule.source, **dict(rule.params)}
            for rule in self.rules.values()
        ]


def _flatten(data: dict, prefix: str = "") -> dict[str, dict]:
    """TOML nested tables ``[deduction.minor]`` -> {"deduction.minor": {...}}."""
    out: dict[str, dict] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if not isinstance(value, dict):
            continue
        leaf = not any(isinstance(v, dict) for v in value.values())
        if key in SCHEMA or "label" in value or "source" in value or leaf:
            out[key] = value
        else:
            out.update(_flatten(value, key + "."))
    return out


def _check_type(value, expected) -> bool:
    types = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool):
        return bool in types
    if dt.date in types:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return isinstance(value, types)


def parse_ruleset(text: str, source: str = "<rules>") -> RuleSet:
    def fail(msg: str) -> None:
        raise RuleSetError(f"规则集 {source}：{msg}")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"规则集 {source} 格式错误：{exc}") from exc

    for key, typ in _TOP_LEVEL.items():
        if key not in data:
            fail(f"缺少 {key}")
        if not _check_type(data[key], typ):
            fail(f"{key} 应为{_TYPE_NAMES[typ]}")
    unknown_top = [
        k for k, v in data.items() if not isinstance(v, dict) and k not in _TOP_LEVEL
    ]
    if unknown_top:
        fail(f"未知字段 {unknown_top[0]}")
    if not data["version"].strip():
        fail("version 不能为空")

    tables = _flatten(data)
    for key in tables:
        if key not in SCHEMA:
            fail(f"未知规则 [{key}]")
    rules: dict[str, Rule] = {}
    for key, params in SCHEMA.items():
        if key not in tables:
            fail(f"缺少规则 [{key}]")
        table = tables[key]
        for text_key in ("label", "source"):
            if not isinstance(table.get(text_key), str) or not table[text_key].strip():
                fail(f"[{key}] 缺少 {text_key}（非空字符串）")
        extra = set(table) - set(params) - {"label", "source"}
        if extra:
            fail(f"[{key}] 未知字段 {sorted(extra)[0]}")
        values = {}
        for name, typ in params.items():
            if name not in table:
                fail(f"[{key}] 缺少 {name}")
            value = table[name]
            if not _check_type(value, typ):
                main = typ[0] if isinstance(typ, tuple) else typ
                fail(f"[{key}] {name} 应为{_TYPE_NAMES[main]}")
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                fail(f"[{key}] {name} 不能为负数")
            values[name] = value
        rules[key] = Rule(key, table["label"], table["source"], MappingProxyType(values))

    _check_semantics(rules, fail)
    return RuleSet(
        version=data["version"],
        effective_from=data["effective_from"],
        title=data["title"],
        note=data["note"],
        rules=MappingProxyType(rules),
        source_file=source,
    )


def _check_semantics(rules: dict[str, Rule], fail) -> None:
    for key in ("deduction.minor", "deduction.general", "deduction.serious"):
        if rules[key]["window_months"] < 1:
            fail(f"[{key}] window_months 至少为 1")
    kinds = rules["penalty"]["exclude_penalty_kinds"]
    if not all(isinstance(k, str) for k in kinds):
        fail("[penalty] exclude_penalty_kinds 只能包含字符串")
    ap, a, b, c = (rules[k]["min_score"] for k in ("grade.a_plus", "grade.a", "grade.b", "grade.c"))
    if not ap >= a > b > c:
        fail("[grade.*] min_score 必须满足 a_plus ≥ a > b > c")
    for name in ("a_plus_max", "a_and_above_max"):
        value = rules["quota"][name]
        if not 0 <= value <= 1:
            fail(f"[quota] {name} 应在 0 到 1 之间")
    if rules["quota"]["a_plus_max"] > rules["quota"]["a_and_above_max"]:
        fail("[quota] a_plus_max 不能大于 a_and_above_max")
    due = rules["deduction.annual_report"]
    try:
        dt.date(2001, due["due_month"], due["due_day"])
    except ValueError:
        fail("[deduction.annual_report] due_month/due_day 不是有效日期")
    if rules["new_agency"]["supervised_as"] not in GRADES:
        fail("[new_agency] supervised_as 应为 A+/A/B/C/D 之一")
    ratios = rules["supervision"]["ratios"]
    for grade in GRADES:
        if grade not in ratios:
            fail(f"[supervision] ratios 缺少 {grade!r}")
    for grade, value in ratios.items():
        if grade not in GRADES:
            fail(f"[supervision] ratios 未知等级 {grade!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            fail(f"[supervision] ratios.{grade} 应为 0 到 1 之间的小数")


def load_ruleset(path: str | Path) -> RuleSet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleSetError(f"无法读取规则集 {path}：{exc}") from exc
    ruleset = parse_ruleset(text, path.name)
    if path.stem != ruleset.effective_from.isoformat():
        raise RuleSetError(
            f"规则集 {path.name}：文件名应为生效日期 {ruleset.effective_from.isoformat()}.toml"
        )
    return ruleset


class RuleSets:
    """All versions, ordered by effective date."""

    def __init__(self, rulesets: list[RuleSet]):
        if not rulesets:
            raise RuleSetError("没有任何规则集")
        ordered = sorted(rulesets, key=lambda r: r.effective_from)
        seen_versions: set[str] = set()
        for prev, cur in zip(ordered, ordered[1:], strict=False):
            if prev.effective_from == cur.effective_from:
                raise RuleSetError(
                    f"规则集 {prev.source_file} 与 {cur.source_file} 的生效日期相同"
                )
        for r in ordered:
            if r.version in seen_versions:
                raise RuleSetError(f"规则集 {r.source_file}：版本号 {r.version} 重复")
            seen_versions.add(r.version)
        self.versions: tuple[RuleSet, ...] = tuple(ordered)
        self._dates = [r.effective_from for r in ordered]

    def for_date(self, as_of: dt.date) -> RuleSet:
        """The version in effect on ``as_of``. Before the first version takes effect the
        first version is used (there was no published rule set then; see the explanation
        line the engine adds)."""
        i = bisect.bisect_right(self._dates, as_of) - 1
        return self.versions[max(i, 0)]

    def by_version(self, version: str) -> RuleSet:
        for r in self.versions:
            if r.version == version:
                return r
        raise KeyError(version)

    @property
    def latest(self) -> RuleSet:
        return self.versions[-1]

    def __iter__(self):
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)


DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "config" / "rules"


def load_rulesets(directory: str | Path = DEFAULT_RULES_DIR) -> RuleSets:
    directory = Path(directory)
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise RuleSetError(f"规则集目录 {directory} 中没有 .toml 文件")
    return RuleSets([load_ruleset(f) for f in files])


_default: RuleSets | None = None


def ruleset_for(as_of: dt.date, rulesets: RuleSets | None = None) -> RuleSet:
    """The rule set in effect on ``as_of`` (default directory unless ``rulesets`` given)."""
    global _default
    if rulesets is None:
        if _default is None:
            _default = load_rulesets()
        rulesets = _default
    return rulesets.for_date(as_of)
