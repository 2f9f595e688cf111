"""The credit engine: one agency's file + an as-of date + a rule set -> score, grade and a
Chinese explanation (SPEC.md §4). Pure functions over frozen values; no I/O.

Order of the rules (SPEC.md §4): deductions and bonuses give the score (§4.3), the score
gives a grade (§4.4), vetoes force D and caps limit to C (§4.1–4.2), new agencies are
"未评" unless a veto or cap applies (§4.6), and between annual rounds the live grade may
not rise above the round's grade unless a record was repaired or revoked (§4.5).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import NamedTuple

from .inputs import AgencyInput
from .rules import RuleSet

GRADE_RANK = {"D": 0, "C": 1, "B": 2, "NEW": 2, "A": 3, "A+": 4}
GRADE_LABELS = {
    "A+": "A+（优秀）",
    "A": "A（良好）",
    "B": "B（合格）",
    "C": "C（较差）",
    "D": "D（差）",
    "NEW": "未评（新设机构）",
}
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}
DECIDED_BY = ("veto", "cap", "threshold", "quota", "new")

_ONE_DAY = dt.timedelta(days=1)
_MONTHS_CACHE: dict[tuple[dt.date, int], dt.date] = {}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day
    (2025-08-31 + 6 months = 2026-02-28). Memoised: the engine asks for the same
    (decision date, window) pairs over and over in a full regrade."""
    key = (day, months)
    hit = _MONTHS_CACHE.get(key)
    if hit is not None:
        return hit
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if month == 12:
        last = 31
    else:
        last = (dt.date(year, month + 1, 1) - _ONE_DAY).day
    result = dt.date(year, month, min(day.day, last))
    if len(_MONTHS_CACHE) > 500_000:
        _MONTHS_CACHE.clear()
    _MONTHS_CACHE[key] = result
    return result


class Line(NamedTuple):
    """One explanation line. A named tuple (immutable) because a full regrade builds
    millions of them."""

    kind: str  # deduction | bonus | veto | cap | threshold | quota | new | info
    rule: str
    text: str
    points: int = 0
    until: dt.date | None = None  # last day the line counts
    record_id: int | None = None
    honour_id: int | None = None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rule": self.rule,
            "text": self.text,
            "points": self.points,
            "until": self.until.isoformat() if self.until else None,
            "record_id": self.record_id,
            "honour_id": self.honour_id,
        }


_THRESHOLD_CACHE: dict[tuple[dt.date, int], dt.date] = {}


def window_threshold(as_of: dt.date, months: int) -> dt.date:
    """The latest day ``t`` with ``add_months(t, months) <= as_of``: a record decided on
    ``d`` is within a ``months`` window on ``as_of`` exactly when ``d > t``. Computed once
    per (as-of date, window), so the inner loop compares dates only."""
    key = (as_of, months)
    hit = _THRESHOLD_CACHE.get(key)
    if hit is not None:
        return hit
    t = add_months(as_of, -months)
    while add_months(t + _ONE_DAY, months) <= as_of:
        t += _ONE_DAY
    while add_months(t, months) > as_of:
        t -= _ONE_DAY
    if len(_THRESHOLD_CACHE) > 100_000:
        _THRESHOLD_CACHE.clear()
    _THRESHOLD_CACHE[key] = t
    return t


@dataclass(frozen=True, slots=True)
class NextChange:
    on: dt.date  # the last day of the current state; the change applies from the next day
    text: str
    grade: str
    score: int

    def to_dict(self) -> dict:
        return {"on": self.on.isoformat(), "text": self.text}


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    agency_id: int
    uscc: str
    as_of: dt.date
    ruleset_version: str
    score: int
    grade: str  # A+ | A | B | C | D | NEW
    decided_by: str  # veto | cap | threshold | quota | new
    lines: tuple[Line, ...]
    summary: str
    next_change: NextChange | None = None
    last_penalty_on: dt.date | None = None

    @property
    def supervised_as(self) -> str:
        return "B" if self.grade == "NEW" else self.grade

    def signature(self) -> tuple:
        """What makes two assessments the same (the texts and as-of date aside)."""
        return (
            self.ruleset_version,
            self.score,
            self.grade,
            self.decided_by,
            tuple((ln.kind, ln.rule, ln.points, ln.until, ln.record_id, ln.honour_id)
                  for ln in self.lines),
        )

    def to_dict(self) -> dict:
        """The stored explanation JSON (rendered by the public pages and the API)."""
        return {
            "ruleset_version": self.ruleset_version,
            "as_of": self.as_of.isoformat(),
            "score": self.score,
            "grade": self.grade,
            "summary": self.summary,
            "decided_by": self.decided_by,
            "lines": [ln.to_dict() for ln in self.lines],
            "next_change": self.next_change.to_dict() if self.next_change else None,
        }


def _record_label(r) -> str:
    title = r.title or r.violation_code
    number = f"（{r.decision_number}）" if r.decision_number else ""
    return f"{r.decided_on.isoformat()} {title}{number}"


def _summary(score: int, grade: str, decided_by: str, ruleset: RuleSet) -> str:
    text = f"信用等级 {GRADE_LABELS[grade]}，得分 {score} 分。"
    if decided_by == "veto":
        return text + "因存在一票否决情形评为 D。"
    if decided_by == "cap":
        return text + "因存在封顶情形，等级不高于 C。"
    if decided_by == "quota":
        return text + "受年度评价等级比例限制。"
    if decided_by == "new":
        months = ruleset["new_agency"]["months"]
        supervised = ruleset["new_agency"]["supervised_as"]
        return text + f"成立或首次取得许可不满 {months} 个月，暂不评级，按 {supervised} 级监管。"
    return text + "等级由得分区间决定。"


_PER_DAY: dict[tuple[dt.date, int], tuple] = {}


def _thresholds(as_of: dt.date, rs: RuleSet) -> tuple:
    """All window thresholds of ``rs`` on ``as_of``, computed once per (day, rule set).
    The cached entry keeps the rule set itself, so an ``id`` is never reused wrongly."""
    key = (as_of, id(rs))
    hit = _PER_DAY.get(key)
    if hit is not None and hit[0] is rs:
        return hit[1]
    r = rs.rules
    t_count = window_threshold(as_of, r["cap.penalty_count"]["months"])
    t_ap = window_threshold(as_of, r["grade.a_plus"]["clean_months"])
    t_a = window_threshold(as_of, r["grade.a"]["clean_months"])
    t_clean = window_threshold(as_of, r["bonus.clean_record"]["months"])
    t_sev = {sev: window_threshold(as_of, m) for sev, m in rs.severity_months.items()}
    value = (t_count, t_ap, t_a, t_clean, t_sev,
             min(t_count, t_ap, t_a, t_clean, *t_sev.values()))
    if len(_PER_DAY) > 50_000:
        _PER_DAY.clear()
    _PER_DAY[key] = (rs, value)
    return value


def _assess(a: AgencyInput, as_of: dt.date, rs: RuleSet, texts: bool = True):
    """The core pass. Returns (score, grade, decided_by, lines, last_penalty_on).
    ``texts=False`` (look-ahead runs) skips formatting the per-record texts."""
    rules = rs.rules
    deductions: list[Line] = []
    bonuses: list[Line] = []
    vetoes: list[Line] = []
    caps: list[Line] = []
    info: list[Line] = []
    total = rs.base

    excluded = rs.excluded_penalty_kinds
    count_rule = rules["cap.penalty_count"]
    count_months = count_rule["months"]
    ap_months = rules["grade.a_plus"]["clean_months"]
    a_months = rules["grade.a"]["clean_months"]
    clean_months = rules["bonus.clean_record"]["months"]
    sev_months = rs.severity_months
    listed_max = rules["window.listed"]["max_months"]
    t_count, t_ap, t_a, t_clean, t_sev, t_oldest = _thresholds(as_of, rs)

    # Black-list periods: the veto while listed, and the extended window of the basis record.
    listed_until: dict[int, dt.date] = {}
    for lst in a.listings:
        if lst.kind != "black" or lst.start > as_of:
            continue
        end = lst.end or dt.date.max
        if as_of < end:
            vetoes.append(Line(
                "veto", "veto.black_list",
                f"列入严重违法失信名单（{lst.start.isoformat()} 起），期间评为 D",
                until=None if lst.end is None else lst.end - _ONE_DAY,
                record_id=lst.basis_record_id,
            ))
        if lst.basis_record_id is not None:
            prev = listed_until.get(lst.basis_record_id)
            if prev is None or end > prev:
                listed_until[lst.basis_record_id] = end

    penalties_recent: list[dt.date] = []
    last_penalty: dt.date | None = None
    penalty_in_ap = penalty_in_a = any_recent = False
    for r in a.records:
        status = r.status
        d = r.decided_on
        if status == "draft" or d > as_of:
            continue
        stop = None
        if status != "confirmed":  # revoked / overturned: counted until that date
            stop = r.status_changed_on
            if stop is None or stop <= as_of:
                continue
        if r.repaired_on is not None:
            if r.repaired_on <= as_of:
                continue
            stop = r.repaired_on if stop is None or r.repaired_on < stop else stop
        is_penalty = r.penalty_kind not in excluded
        if is_penalty and (last_penalty is None or d > last_penalty):
            last_penalty = d
        if d <= t_oldest and r.id not in listed_until:
            continue  # past every window
        if is_penalty:
            if d > t_count:
                penalties_recent.append(d)
            if d > t_ap:
                penalty_in_ap = True
            if d > t_a:
                penalty_in_a = True
        if d > t_clean:
            any_recent = True

        sev = r.severity
        in_force = d > t_sev[sev]
        on_list = False
        if r.id in listed_until:
            # 河南省社会信用条例 art.19: counts while listed, at most 60 months.
            end = add_months(d, sev_months[sev])
            ext = min(listed_until[r.id], add_months(d, listed_max))
            if ext > end:
                end, on_list = ext, True
            in_force = as_of < end
        elif in_force:
            end = add_months(d, sev_months[sev])
        if not in_force:
            continue
        if stop is not None and stop < end:
            end = stop
        until = end - _ONE_DAY
        label = _record_label(r) if texts else ""

        pk = r.penalty_kind
        if (pk == "rectification_order" and r.corrected_on is not None
                and r.rectify_by is not None and r.corrected_on <= r.rectify_by
                and r.corrected_on <= as_of):
            key = "deduction.rectification_on_time"
            what = "责令改正，已按期整改"
        elif pk == "dispute_lost_partly" or pk == "dispute_lost_fully":
            key = "deduction." + pk
            what = rules[key].label
        else:
            key = "deduction." + sev
            what = f"{SEVERITY_LABELS.get(sev, sev)}失信记录"
        points = rules[key]["points"]
        total -= points
        extra = "（列入名单期间持续计分）" if on_list else ""
        deductions.append(Line(
            "deduction", key,
            texts and f"{label}：{what}，扣 {points} 分，计至 {until.isoformat()}{extra}" or "",
            -points, until, r.id,
        ))
        if r.refused_to_comply:
            p2 = rules["deduction.refused_to_comply"]["points"]
            total -= p2
            deductions.append(Line(
                "deduction", "deduction.refused_to_comply",
                f"{label}：拒不改正或拒不履行处罚决定，另扣 {p2} 分，计至 {until.isoformat()}",
                -p2, until, r.id,
            ))
            caps.append(Line("cap", "cap.refused",
                             f"{label}：拒不改正或拒不履行，等级不高于 C（至 {until.isoformat()}）",
                             until=until, record_id=r.id))
        if r.veto:
            vetoes.append(Line("veto", "veto.record",
                               texts and f"{label}：属一票否决情形，评为 D（至 {until.isoformat()}）" or "",
                               until=until, record_id=r.id))
        if r.c_cap:
            caps.append(Line("cap", "cap.violation_type",
                             texts and f"{label}：属封顶情形，等级不高于 C（至 {until.isoformat()}）" or "",
                             until=until, record_id=r.id))
        if sev == "serious":
            caps.append(Line("cap", "cap.serious_in_force",
                             texts and f"{label}：严重失信记录有效期内，等级不高于 C（至 {until.isoformat()}）"
                             or "",
                             until=until, record_id=r.id))

    if len(penalties_recent) >= count_rule["count"] > 0:
        # The cap lasts until the count-th most recent penalty leaves the look-back.
        penalties_recent.sort(reverse=True)
        until = add_months(penalties_recent[count_rule["count"] - 1], count_months) - _ONE_DAY
        caps.append(Line("cap", "cap.penalty_count",
                         f"近 {count_months} 个月内受到 {len(penalties_recent)} 次处罚"
                         f"（达到 {count_rule['count']} 次），等级不高于 C（至 {until.isoformat()}）",
                         until=until))

    # Annual report for the last year whose deadline has passed (条例 art.36; 19号令 art.19).
    started = a.started_on
    ar = rules["deduction.annual_report"]
    due_m, due_d = ar["due_month"], ar["due_day"]
    due_year = as_of.year - 1 if as_of > dt.date(as_of.year, due_m, due_d) else as_of.year - 2
    deadline = dt.date(due_year + 1, due_m, due_d)
    if started <= dt.date(due_year, 12, 31):
        report = None
        for rep in a.annual_reports:
            if rep.year == due_year:
                report = rep
                break
        until = dt.date(due_year + 2, due_m, due_d)
        if report is None or report.submitted_on is None or report.submitted_on > as_of:
            total -= ar["points"]
            deductions.append(Line(
                "deduction", "deduction.annual_report",
                f"{due_year} 年度报告未报送（应于 {deadline.isoformat()} 前报送），扣 {ar['points']} 分",
                -ar["points"], until))
            caps.append(Line("cap", "cap.annual_report_missing",
                             f"{due_year} 年度报告未报送，等级不高于 C"))
        elif not report.on_time or report.submitted_on > deadline:
            total -= ar["points"]
            deductions.append(Line(
                "deduction", "deduction.annual_report",
                f"{due_year} 年度报告逾期报送（{report.submitted_on.isoformat()} 报送），"
                f"扣 {ar['points']} 分，计至 {until.isoformat()}",
                -ar["points"], until))

    # Bonuses (SPEC.md §4.3): honours for 5 years or until expired/revoked; clean record.
    bonus_total = 0
    validity = rules["bonus.honour_validity"]["months"]
    for h in a.honours:
        if h.granted_on > as_of:
            continue
        end = add_months(h.granted_on, validity)
        if h.valid_until is not None and h.valid_until + _ONE_DAY < end:
            end = h.valid_until + _ONE_DAY
        if h.revoked_on is not None and h.revoked_on < end:
            end = h.revoked_on
        if as_of >= end:
            continue
        key = "bonus.harmony_model" if h.kind == "harmony_model" else f"bonus.honour_{h.level}"
        rule = rules.get(key)
        if rule is None:
            continue
        points = rule["points"]
        bonus_total += points
        until = end - _ONE_DAY
        bonuses.append(Line(
            "bonus", key,
            f"{h.granted_on.isoformat()} {h.title or rule.label}：加 {points} 分，计至 {until.isoformat()}",
            points, until, honour_id=h.id))
    if not any_recent:
        points = rules["bonus.clean_record"]["points"]
        bonus_total += points
        bonuses.append(Line("bonus", "bonus.clean_record",
                            f"近 {clean_months} 个月无已确认的失信记录，加 {points} 分", points))
    cap = rs.bonus_cap
    if bonus_total > cap:
        bonuses.append(Line("bonus", "bonus.cap",
                            f"加分合计 {bonus_total} 分，超过上限 {cap} 分，按 {cap} 分计",
                            cap - bonus_total))
        bonus_total = cap
    score = total + bonus_total

    # Grade from the score (§4.4).
    ap, ga = rules["grade.a_plus"], rules["grade.a"]
    b_min, c_min = rules["grade.b"]["min_score"], rules["grade.c"]["min_score"]
    last = f"（最近一次 {last_penalty.isoformat()}）" if last_penalty else ""
    if score >= ap["min_score"] and not penalty_in_ap:
        grade, why = "A+", f"得分 {score} ≥ {ap['min_score']} 且近 {ap_months} 个月无处罚"
    elif score >= ga["min_score"] and not penalty_in_a:
        grade, why = "A", f"得分 {score} ≥ {ga['min_score']} 且近 {a_months} 个月无处罚"
        if score >= ap["min_score"]:
            why += f"；近 {ap_months} 个月内有处罚{last}，不能评为 A+"
    elif score >= b_min:
        grade, why = "B", f"得分 {score} 在 B 级区间（≥ {b_min}）"
        if score >= ga["min_score"]:
            why += f"；近 {a_months} 个月内有处罚{last}，不能评为 A 及以上"
    elif score >= c_min:
        grade, why = "C", f"得分 {score} 在 C 级区间（{c_min}–{b_min - 1}）"
    else:
        grade, why = "D", f"得分 {score} 低于 {c_min}"
    threshold = Line("threshold", "grade." + {"A+": "a_plus", "A": "a", "B": "b"}.get(grade, "c"),
                     f"{why}，按分数评为 {grade}")
    decided_by = "threshold"
    tail: list[Line] = []
    if vetoes:
        grade, decided_by = "D", "veto"
    elif caps and GRADE_RANK[grade] > GRADE_RANK["C"]:
        grade, decided_by = "C", "cap"

    new_months = rules["new_agency"]["months"]
    if not vetoes and not caps and as_of < add_months(started, new_months):
        grade, decided_by = "NEW", "new"
        tail.append(Line("new", "new_agency",
                         f"{started.isoformat()} 成立或首次取得许可，不满 {new_months} 个月，"
                         f"暂不评级（未评），按 {rules['new_agency']['supervised_as']} 级监管",
                         until=add_months(started, new_months) - _ONE_DAY))

    ceiling = a.ceiling
    if ceiling is not None and grade != "NEW" and ceiling.grade in GRADE_RANK \
            and GRADE_RANK[grade] > GRADE_RANK[ceiling.grade]:
        lifted = any(
            (r.repaired_on is not None and ceiling.since < r.repaired_on <= as_of)
            or (r.status in ("revoked", "overturned") and r.status_changed_on is not None
                and ceiling.since < r.status_changed_on <= as_of)
            for r in a.records
        )
        if lifted:
            info.append(Line("info", "quota",
                             f"{ceiling.year} 年度评价后有记录被信用修复或撤销，等级按现行规则重新确定"))
        else:
            grade, decided_by = ceiling.grade, "quota"
            tail.append(Line("quota", "quota",
                             f"{ceiling.year} 年度信用评价结果为 {ceiling.grade}：评价周期内等级只降不升"
                             f"（信用修复或记录撤销后除外），当前等级为 {ceiling.grade}"))
    if rs.effective_from > as_of:
        info.append(Line("info", "ruleset",
                         f"评价基准日早于规则集 {rs.version} 的生效日期 {rs.effective_from.isoformat()}，"
                         f"按该版本计算"))

    lines = (*deductions, *bonuses, *vetoes, *caps, threshold, *tail, *info)
    return score, grade, decided_by, lines, last_penalty


class _Constants(NamedTuple):
    """A rule set's numbers, flattened once so the look-ahead reads attributes, not
    nested mappings (a full regrade evaluates a few hundred thousand dates)."""

    rs: RuleSet
    base: int
    excluded: frozenset
    count_n: int
    count_months: int
    ap_months: int
    a_months: int
    clean_months: int
    listed_max: int
    sev_months: dict
    points: dict  # deduction rule key -> points
    refused_points: int
    ar_points: int
    due_m: int
    due_d: int
    validity: int
    honour_points: dict  # bonus rule key -> points
    clean_points: int
    bonus_cap: int
    ap_min: int
    a_min: int
    b_min: int
    c_min: int
    new_months: int
    window_months: tuple  # distinct look-back windows of the cap/grade/bonus rules


_CONSTANTS: dict[int, _Constants] = {}


def _constants(rs: RuleSet) -> _Constants:
    hit = _CONSTANTS.get(id(rs))
    if hit is not None and hit.rs is rs:
        return hit
    r = rs.rules
    points = {key: rule["points"] for key, rule in r.items()
              if key.startswith("deduction.") and "points" in rule.params}
    honour_points = {key: rule["points"] for key, rule in r.items()
                     if key.startswith("bonus.") and "points" in rule.params}
    windows = {r["cap.penalty_count"]["months"], r["grade.a_plus"]["clean_months"],
               r["grade.a"]["clean_months"], r["bonus.clean_record"]["months"]}
    value = _Constants(
        rs, rs.base, rs.excluded_penalty_kinds, r["cap.penalty_count"]["count"],
        r["cap.penalty_count"]["months"], r["grade.a_plus"]["clean_months"],
        r["grade.a"]["clean_months"], r["bonus.clean_record"]["months"],
        r["window.listed"]["max_months"], dict(rs.severity_months), points,
        r["deduction.refused_to_comply"]["points"], r["deduction.annual_report"]["points"],
        r["deduction.annual_report"]["due_month"], r["deduction.annual_report"]["due_day"],
        r["bonus.honour_validity"]["months"], honour_points, r["bonus.clean_record"]["points"],
        rs.bonus_cap, r["grade.a_plus"]["min_score"], r["grade.a"]["min_score"],
        r["grade.b"]["min_score"], r["grade.c"]["min_score"], r["new_agency"]["months"],
        tuple(sorted(windows)),
    )
    if len(_CONSTANTS) > 1_000:
        _CONSTANTS.clear()
    _CONSTANTS[id(rs)] = value
    return value


def _score_grade(a: AgencyInput, as_of: dt.date, rs: RuleSet, k: _Constants,
                 keys: list | None = None) -> tuple[int, str]:
    """Score and grade only: the same rules as ``_assess`` without building lines or
    texts, for the look-ahead. With ``keys`` (a list), appends the (kind, rule, record,
    honour) key of every line ``_assess`` would give a deduction/bonus/veto/cap/new line,
    as ``_change_text`` compares them. tests/scoring/test_lookahead.py checks it against
    the full pass on generated files."""
    t_count, t_ap, t_a, t_clean, t_sev, t_oldest = _thresholds(as_of, rs)
    veto = cap = False
    listed_until: dict[int, dt.date] = {}
    for lst in a.listings:
        if lst.kind != "black" or lst.start > as_of:
            continue
        end = lst.end or dt.date.max
        if as_of < end:
            veto = True
            if keys is not None:
                keys.append(("veto", "veto.black_list", lst.basis_record_id, None))
        if lst.basis_record_id is not None:
            prev = listed_until.get(lst.basis_record_id)
            if prev is None or end > prev:
                listed_until[lst.basis_record_id] = end

    total = k.base
    excluded = k.excluded
    points = k.points
    n_recent = 0
    penalty_in_ap = penalty_in_a = any_recent = False
    for r in a.records:
        status = r.status
        d = r.decided_on
        if status == "draft" or d > as_of:
            continue
        if status != "confirmed":
            stop = r.status_changed_on
            if stop is None or stop <= as_of:
                continue
        if r.repaired_on is not None and r.repaired_on <= as_of:
            continue
        listed = r.id in listed_until if listed_until else False
        if d <= t_oldest and not listed:
            continue
        if r.penalty_kind not in excluded:
            if d > t_count:
                n_recent += 1
            if d > t_ap:
                penalty_in_ap = True
            if d > t_a:
                penalty_in_a = True
        if d > t_clean:
            any_recent = True
        sev = r.severity
        if listed:
            end = add_months(d, k.sev_months[sev])
            ext = min(listed_until[r.id], add_months(d, k.listed_max))
            if ext > end:
                end = ext
            if not as_of < end:
                continue
        elif not d > t_sev[sev]:
            continue
        pk = r.penalty_kind
        if (pk == "rectification_order" and r.corrected_on is not None
                and r.rectify_by is not None and r.corrected_on <= r.rectify_by
                and r.corrected_on <= as_of):
            key = "deduction.rectification_on_time"
        elif pk == "dispute_lost_partly" or pk == "dispute_lost_fully":
            key = "deduction." + pk
        else:
            key = "deduction." + sev
        total -= points[key]
        if keys is not None:
            keys.append(("deduction", key, r.id, None))
        if r.refused_to_comply:
            total -= k.refused_points
            cap = True
            if keys is not None:
                keys.append(("deduction", "deduction.refused_to_comply", r.id, None))
                keys.append(("cap", "cap.refused", r.id, None))
        if r.veto:
            veto = True
            if keys is not None:
                keys.append(("veto", "veto.record", r.id, None))
        if r.c_cap:
            cap = True
            if keys is not None:
                keys.append(("cap", "cap.violation_type", r.id, None))
        if sev == "serious":
            cap = True
            if keys is not None:
                keys.append(("cap", "cap.serious_in_force", r.id, None))

    if n_recent >= k.count_n > 0:
        cap = True
        if keys is not None:
            keys.append(("cap", "cap.penalty_count", None, None))

    started = a.started_on
    due_m, due_d = k.due_m, k.due_d
    due_year = as_of.year - 1 if as_of > dt.date(as_of.year, due_m, due_d) else as_of.year - 2
    if started <= dt.date(due_year, 12, 31):
        report = None
        for rep in a.annual_reports:
            if rep.year == due_year:
                report = rep
                break
        if report is None or report.submitted_on is None or report.submitted_on > as_of:
            total -= k.ar_points
            cap = True
            if keys is not None:
                keys.append(("deduction", "deduction.annual_report", None, None))
                keys.append(("cap", "cap.annual_report_missing", None, None))
        elif not report.on_time or report.submitted_on > dt.date(due_year + 1, due_m, due_d):
            total -= k.ar_points
            if keys is not None:
                keys.append(("deduction", "deduction.annual_report", None, None))

    bonus_total = 0
    honour_points = k.honour_points
    for h in a.honours:
        if h.granted_on > as_of:
            continue
        end = add_months(h.granted_on, k.validity)
        if h.valid_until is not None and h.valid_until + _ONE_DAY < end:
            end = h.valid_until + _ONE_DAY
        if h.revoked_on is not None and h.revoked_on < end:
            end = h.revoked_on
        if as_of >= end:
            continue
        key = "bonus.harmony_model" if h.kind == "harmony_model" else f"bonus.honour_{h.level}"
        p = honour_points.get(key)
        if p is None:
            continue
        bonus_total += p
        if keys is not None:
            keys.append(("bonus", key, None, h.id))
    if not any_recent:
        bonus_total += k.clean_points
        if keys is not None:
            keys.append(("bonus", "bonus.clean_record", None, None))
    if bonus_total > k.bonus_cap:
        bonus_total = k.bonus_cap
    score = total + bonus_total

    if score >= k.ap_min and not penalty_in_ap:
        grade = "A+"
    elif score >= k.a_min and not penalty_in_a:
        grade = "A"
    elif score >= k.b_min:
        grade = "B"
    elif score >= k.c_min:
        grade = "C"
    else:
        grade = "D"
    if veto:
        grade = "D"
    elif cap and GRADE_RANK[grade] > GRADE_RANK["C"]:
        grade = "C"
    if not veto and not cap and as_of < add_months(started, k.new_months):
        grade = "NEW"
        if keys is not None:
            keys.append(("new", "new_agency", None, None))

    ceiling = a.ceiling
    if ceiling is not None and grade != "NEW" and ceiling.grade in GRADE_RANK \
            and GRADE_RANK[grade] > GRADE_RANK[ceiling.grade]:
        lifted = any(
            (r.repaired_on is not None and ceiling.since < r.repaired_on <= as_of)
            or (r.status in ("revoked", "overturned") and r.status_changed_on is not None
                and ceiling.since < r.status_changed_on <= as_of)
            for r in a.records
        )
        if not lifted:
            grade = ceiling.grade
    return score, grade


_CANDIDATE_CONSTANTS: dict[tuple[dt.date, int], tuple] = {}


def _candidate_constants(as_of: dt.date, rs: RuleSet, k: _Constants) -> tuple:
    """Per (as-of date, rule set): the look-back windows with their thresholds, the
    severity windows with theirs, and the fixed dates (annual-report deadlines)."""
    key = (as_of, id(rs))
    hit = _CANDIDATE_CONSTANTS.get(key)
    if hit is not None and hit[0] is rs:
        return hit[1]
    windows = tuple((m, window_threshold(as_of, m)) for m in k.window_months)
    sev = {s: (m, window_threshold(as_of, m)) for s, m in k.sev_months.items()}
    nxt = dt.date(as_of.year, k.due_m, k.due_d)
    if nxt <= as_of:
        nxt = dt.date(as_of.year + 1, k.due_m, k.due_d)
    # each later deadline may open or close an annual-report line
    fixed = tuple(dt.date(nxt.year + years, nxt.month, nxt.day) + _ONE_DAY for years in range(3))
    value = (windows, sev, fixed)
    if len(_CANDIDATE_CONSTANTS) > 50_000:
        _CANDIDATE_CONSTANTS.clear()
    _CANDIDATE_CONSTANTS[key] = (rs, value)
    return value


def _candidate_dates(a: AgencyInput, as_of: dt.date, rs: RuleSet) -> list[dt.date]:
    """Dates after ``as_of`` on which something in the file starts or stops counting."""
    k = _constants(rs)
    windows, sev_windows, fixed = _candidate_constants(as_of, rs, k)
    listed_max = k.listed_max
    out: set[dt.date] = set(fixed)
    add = out.add
    listed = {lst.basis_record_id for lst in a.listings} if a.listings else ()
    for r in a.records:
        if r.status == "draft":
            continue
        d = r.decided_on
        if d > as_of:
            add(d)
        for m, t in windows:
            if d > t:
                add(add_months(d, m))
        m, t = sev_windows[r.severity]
        if d > t:
            add(add_months(d, m))
        if r.id in listed:
            add(add_months(d, listed_max))
        if r.repaired_on is not None and r.repaired_on > as_of:
            add(r.repaired_on)
        if r.status_changed_on is not None and r.status_changed_on > as_of:
            add(r.status_changed_on)
    validity = k.validity
    for h in a.honours:
        add(h.granted_on)
        add(add_months(h.granted_on, validity))
        if h.valid_until is not None:
            add(h.valid_until + _ONE_DAY)
        if h.revoked_on is not None:
            add(h.revoked_on)
    for lst in a.listings:
        add(lst.start)
        if lst.end is not None:
            add(lst.end)
    add(add_months(a.started_on, k.new_months))
    return sorted(d for d in out if d > as_of)


_REMOVED = {
    "deduction": "扣分到期", "bonus": "加分到期", "veto": "一票否决情形消除",
    "cap": "封顶情形消除", "new": "成立满期，开始评级",
}
_ADDED = {"deduction": "新增扣分", "bonus": "获得加分", "veto": "触发一票否决", "cap": "触发封顶 C"}
_DIFF_KINDS = frozenset(("deduction", "bonus", "veto", "cap", "new"))


def _line_keys(lines) -> set:
    return {(ln.kind, ln.rule, ln.record_id, ln.honour_id)
            for ln in lines if ln.kind in _DIFF_KINDS and ln.rule != "bonus.cap"}


def _change_text(on: dt.date, before: tuple, after: tuple, grade: str, score: int,
                 new_grade: str, new_score: int, clean_months: int = 12) -> str:
    return _change_text_keys(on, _line_keys(before), _line_keys(after), grade, score,
                             new_grade, new_score, clean_months)


def _change_text_keys(on: dt.date, b: set, a: set, grade: str, score: int,
                      new_grade: str, new_score: int, clean_months: int = 12) -> str:
    """The next-change sentence from the (kind, rule, record, honour) keys of the lines
    before and after the change."""
    phrases: list[str] = []
    order = {"deduction": 0, "bonus": 1, "veto": 2, "cap": 3, "new": 4}

    def ordered(items):
        return sorted(items, key=lambda k: (order[k[0]], k[1], k[2] or 0, k[3] or 0))

    for kind, _rule, _r, _h in ordered(b - a):
        phrase = _REMOVED[kind]
        if phrase not in phrases:
            phrases.append(phrase)
    for kind, rule, _r, _h in ordered(a - b):
        if rule == "deduction.annual_report":
            phrase = "年度报告届时未报送将扣分"
        elif rule == "cap.annual_report_missing":
            phrase = "并封顶 C"
        elif rule == "bonus.clean_record":
            phrase = f"满 {clean_months} 个月无失信记录加分"
        else:
            phrase = _ADDED.get(kind, "分数变化")
        if phrase not in phrases:
            phrases.append(phrase)
    if not phrases:
        phrases.append("分数变化")
    if grade == "NEW" and new_grade != "NEW":
        outcome = f"预计评为 {new_grade}"
    elif new_grade == "NEW":
        outcome = "预计恢复为未评"
    elif GRADE_RANK[new_grade] > GRADE_RANK[grade]:
        outcome = f"预计升为 {new_grade}"
    elif GRADE_RANK[new_grade] < GRADE_RANK[grade]:
        outcome = f"预计降为 {new_grade}"
    else:
        outcome = f"等级仍为 {grade}，得分预计变为 {new_score} 分"
    return f"{on.isoformat()} 后{'、'.join(phrases)}，{outcome}"


def evaluate(agency: AgencyInput, as_of: dt.date, ruleset: RuleSet, *,
             predict: bool = True, max_lookahead: int = 24) -> AssessmentResult:
    """Grade one agency as of ``as_of`` under ``ruleset``.

    ``predict`` adds the next scheduled change (the first later date on which the score
    or grade would change if nothing new is recorded), found by re-running the rules on
    the dates where a window opens or closes.
    """
    score, grade, decided_by, lines, last_penalty = _assess(agency, as_of, ruleset)
    next_change = None
    if predict:
        # Only score and grade decide whether a candidate date is the next change, so the
        # candidates are tried with the lean pass (no lines, no texts); the explanation
        # keys are collected once, for the date found.
        k = _constants(ruleset)
        for i, day in enumerate(_candidate_dates(agency, as_of, ruleset)):
            if i >= max_lookahead:
                break
            s2, g2 = _score_grade(agency, day, ruleset, k)
            if s2 != score or g2 != grade:
                on = day - _ONE_DAY
                after: list = []
                _score_grade(agency, day, ruleset, k, after)
                next_change = NextChange(
                    on, _change_text_keys(on, _line_keys(lines), set(after), grade, score,
                                          g2, s2, k.clean_months), g2, s2)
                break
    return AssessmentResult(
        agency_id=agency.id,
        uscc=agency.uscc,
        as_of=as_of,
        ruleset_version=ruleset.version,
        score=score,
        grade=grade,
        decided_by=decided_by,
        lines=lines,
        summary=_summary(score, grade, decided_by, ruleset),
        next_change=next_change,
        last_penalty_on=last_penalty,
    )


def evaluate_many(agencies, as_of: dt.date, ruleset: RuleSet, *, predict: bool = True):
    """Grade a cohort in one pass (a generator, so callers can stream and report progress)."""
    for agency in agencies:
        yield evaluate(agency, as_of, ruleset, predict=predict)


def _quota_key(r: AssessmentResult) -> tuple:
    """Order in which agencies over a quota drop one grade (Henan 2026 art.5 as SPEC.md
    §4.5 specifies it; the rule set's [quota] label says the same):

    1. lowest score first;
    2. among equal scores, the agency whose last penalty is earlier drops first;
    3. an agency never penalised drops after every penalised one with the same score —
       "never penalised" is not read as "penalised infinitely long ago": the tie-break
       only orders agencies that have a last penalty, and a file without one keeps its
       place (as the A/A+ conditions, which reward a penalty-free record);
    4. then by USCC, smallest first.

    "Penalty" is what the rule set counts as one everywhere else (``last_penalty_on``):
    a confirmed record, neither repaired nor revoked by the as-of date, whose penalty
    kind is not in [penalty] exclude_penalty_kinds, whatever its age."""
    last = r.last_penalty_on
    return (r.score, last is None, last or dt.date.min, r.uscc)


def apply_quotas(results: list[AssessmentResult], ruleset: RuleSet) -> list[AssessmentResult]:
    """The cohort step of an evaluation round (河南省劳务派遣单位信用等级评价办法 art.5):
    A+ at most ``a_plus_max`` and A+ with A at most ``a_and_above_max`` of the graded
    agencies ("未评" agencies are not graded). Agencies over a quota drop one grade."""
    quota = ruleset["quota"]
    out = list(results)
    graded = [i for i, r in enumerate(out) if r.grade != "NEW"]
    n = len(graded)
    max_ap = math.floor(n * quota["a_plus_max"] + 1e-9)
    max_top = math.floor(n * quota["a_and_above_max"] + 1e-9)

    def demote(i: int, new_grade: str, text: str) -> None:
        r = out[i]
        line = Line("quota", "quota", text)
        out[i] = replace(
            r, grade=new_grade, decided_by="quota", lines=(*r.lines, line),
            summary=_summary(r.score, new_grade, "quota", ruleset), next_change=None,
        )

    aplus = sorted((i for i in graded if out[i].grade == "A+"), key=lambda i: _quota_key(out[i]))
    over = len(aplus) - max_ap
    for i in aplus[:max(over, 0)]:
        demote(i, "A", f"年度评价等级比例：A+ 不超过参评机构 {n} 家的 "
                       f"{quota['a_plus_max']:.0%}（{max_ap} 家），按得分排序超出限额，由 A+ 降为 A")
    top = [i for i in graded if out[i].grade in ("A+", "A")]
    over = len(top) - max_top
    if over > 0:
        a_only = sorted((i for i in top if out[i].grade == "A"), key=lambda i: _quota_key(out[i]))
        for i in a_only[:over]:
            demote(i, "B", f"年度评价等级比例：A 及以上不超过参评机构 {n} 家的 "
                           f"{quota['a_and_above_max']:.0%}（{max_top} 家），按得分排序超出限额，由 A 降为 B")
    return out
