"""Builders for engine inputs: a clean, established agency unless told otherwise."""

from __future__ import annotations

import datetime as dt
import itertools

from scoring import (
    AgencyInput,
    AnnualReportInput,
    HonourInput,
    RecordInput,
    evaluate,
    load_rulesets,
)

AS_OF = dt.date(2026, 11, 26)
RULESETS = load_rulesets()
RULES = RULESETS.for_date(AS_OF)
_ids = itertools.count(1)


def reports(first: int = 2015, last: int = 2026) -> tuple[AnnualReportInput, ...]:
    return tuple(
        AnnualReportInput(y, dt.date(y + 1, 3, 1), True) for y in range(first, last + 1)
    )


def record(decided_on: dt.date = dt.date(2026, 6, 1), severity: str = "general", **kw) -> RecordInput:
    values = {
        "id": next(_ids),
        "violation_code": "false_job_info",
        "severity": severity,
        "decided_on": decided_on,
        "title": "发布虚假招聘信息",
        "decision_number": f"济人社监罚〔2026〕{next(_ids)}号",
    }
    values.update(kw)
    return RecordInput(**values)


def honour(granted_on: dt.date = dt.date(2025, 6, 1), level: str = "national",
           kind: str = "red_list", **kw) -> HonourInput:
    return HonourInput(id=next(_ids), kind=kind, level=level, granted_on=granted_on,
                       title=kw.pop("title", "诚信服务示范机构"), **kw)


def agency(records=(), honours=(), **kw) -> AgencyInput:
    values = {
        "id": kw.pop("id", next(_ids)),
        "uscc": kw.pop("uscc", f"91419001{next(_ids):010d}"),
        "established_on": dt.date(2015, 3, 1),
        "records": tuple(records),
        "honours": tuple(honours),
        "annual_reports": reports(),
    }
    values.update(kw)
    return AgencyInput(**values)


def grade(a: AgencyInput, as_of: dt.date = AS_OF, rules=RULES, **kw):
    return evaluate(a, as_of, rules, **kw)


def rules_fired(result) -> list[str]:
    return [line.rule for line in result.lines]


def points_sum(result) -> int:
    return sum(ln.points for ln in result.lines if ln.kind in ("deduction", "bonus"))
