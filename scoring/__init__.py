"""The credit engine (SPEC.md §4): pure Python, no Flask, no database.

Rules in (``config/rules/*.toml``), one agency's file as frozen values in, score, grade
and a Chinese explanation out::

    from scoring import load_rulesets, evaluate, AgencyInput
    rulesets = load_rulesets("config/rules")
    result = evaluate(agency_input, as_of, rulesets.for_date(as_of))
"""

from .engine import (
    DECIDED_BY,
    GRADE_LABELS,
    GRADE_RANK,
    AssessmentResult,
    Line,
    NextChange,
    add_months,
    apply_quotas,
    evaluate,
    evaluate_many,
)
from .inputs import (
    AgencyInput,
    AnnualReportInput,
    Ceiling,
    HonourInput,
    LicenceInput,
    ListingInput,
    RecordInput,
)
from .rules import (
    DEFAULT_RULES_DIR,
    GRADES,
    Rule,
    RuleSet,
    RuleSetError,
    RuleSets,
    load_ruleset,
    load_rulesets,
    parse_ruleset,
    ruleset_for,
)

__all__ = [
    "DECIDED_BY", "DEFAULT_RULES_DIR", "GRADES", "GRADE_LABELS", "GRADE_RANK",
    "AgencyInput", "AnnualReportInput", "AssessmentResult", "Ceiling", "HonourInput",
    "LicenceInput", "Line", "ListingInput", "NextChange", "RecordInput", "Rule", "RuleSet",
    "RuleSetError", "RuleSets", "add_months", "apply_quotas", "evaluate", "evaluate_many",
    "load_ruleset", "load_rulesets", "parse_ruleset", "ruleset_for",
]
