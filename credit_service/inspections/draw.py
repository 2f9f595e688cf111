"""The 双随机一公开 draw as a pure, re-runnable function.

No database, no Flask, no clock: the result depends only on

* ``seed``         — the published random seed (any string),
* ``agencies``     — the eligible agencies (USCC, grade), in any order (sorted here by USCC),
* ``ratios``       — sample ratio per grade code (SPEC.md §4.8: A+ 3 %, A 5 %, B 15 %,
                     C 40 %, D 100 %). An ungraded ("NEW") agency takes ``ratios["NEW"]``;
                     the caller fills it from the rule set's ``[new_agency] supervised_as``
                     grade (or passes ``new_supervised_as``) — nothing is assumed here,
* ``inspectors``   — the inspector pool (numbers; the service passes per-plan
                     pseudonymous numbers 1..n, never names),
* ``conflicts``    — for each USCC, the inspector ids who may not inspect it (they entered a
                     violation record against it in the last 365 days).

Randomness is HMAC-SHA256 ranking, which anyone can recompute with any language:

1. **Random objects (抽取检查对象).** Within each grade, every agency gets the key
   ``HMAC-SHA256(key=seed, msg="agency|" + USCC)`` (hex); agencies are sorted by
   (key, USCC) and the first ``n`` are drawn, where
   ``n = ceil(ratio × count)`` computed in exact decimal arithmetic (ratio written as a decimal
   string, e.g. 0.15 × 7 = 1.05 → 2). Rounding up means a non-empty grade with a non-zero
   ratio always yields at least one target; ratio 1 (grade D) covers the whole grade.
2. **Random inspectors (随机选派检查人员).** Targets are processed in USCC order. For each
   target, every inspector not in conflict gets the key
   ``HMAC-SHA256(key=seed, msg="inspector|" + USCC + "|" + str(user_id))``; the inspectors are
   sorted by (assignments so far, key, user_id) and the first two are paired with the target.
   Sorting by the running load first spreads the work evenly; the key decides among equals.

Grades are processed in the fixed order A+, A, B, C, D, NEW (others after, alphabetically).
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

INSPECTORS_PER_TARGET = 2
GRADE_ORDER = ("A+", "A", "B", "C", "D", "NEW")
# SPEC.md §4.6: a new agency is not graded; the rule set says which grade it is supervised as.
UNGRADED = "NEW"


class DrawError(ValueError):
    """The inputs do not allow a draw (e.g. too few inspectors free of conflicts)."""


@dataclass(frozen=True, order=True)
class Candidate:
    uscc: str
    grade: str


@dataclass(frozen=True)
class DrawnTarget:
    uscc: str
    grade: str
    rank_key: str
    inspector_ids: tuple[int, ...]


@dataclass(frozen=True)
class GradeSample:
    grade: str
    eligible: int
    ratio: str
    sample_size: int


@dataclass(frozen=True)
class DrawResult:
    seed: str
    targets: tuple[DrawnTarget, ...]  # in USCC order
    samples: tuple[GradeSample, ...]  # per grade, in GRADE_ORDER


def rank_key(seed: str, *parts: object) -> str:
    message = "|".join(str(p) for p in parts).encode("utf-8")
    return hmac.new(seed.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sample_size(ratio: Decimal | float | str, count: int) -> int:
    """ceil(ratio × count) in exact decimal arithmetic, bounded by ``count``."""
    r = Decimal(str(ratio))
    if r < 0 or r > 1:
        raise DrawError(f"抽查比例须在 0 至 1 之间：{ratio}")
    return min(count, math.ceil(r * count))


def _grade_sort_key(grade: str) -> tuple[int, str]:
    return (GRADE_ORDER.index(grade), grade) if grade in GRADE_ORDER else (len(GRADE_ORDER), grade)


def ratio_for(grade: str, ratios: Mapping[str, object],
              new_supervised_as: str | None = None) -> Decimal:
    """The ratio for ``grade``; "NEW" falls back to the ratio of ``new_supervised_as``
    (the rule set's ``[new_agency] supervised_as``) only when that is given."""
    if grade in ratios:
        return Decimal(str(ratios[grade]))
    if grade == UNGRADED and new_supervised_as and new_supervised_as in ratios:
        return Decimal(str(ratios[new_supervised_as]))
    raise DrawError(f"规则未给出等级 {grade} 的抽查比例")


def draw(
    seed: str,
    agencies: Iterable[tuple[str, str | None]],
    ratios: Mapping[str, object],
    inspectors: Iterable[int],
    conflicts: Mapping[str, Iterable[int]] | None = None,
    new_supervised_as: str | None = None,
) -> DrawResult:
    if not seed:
        raise DrawError("随机种子不能为空")
    candidates = sorted({Candidate(uscc, grade or UNGRADED) for uscc, grade in agencies})
    if len({c.uscc for c in candidates}) != len(candidates):
        raise DrawError("同一机构出现了两个等级")
    pool = sorted(set(int(i) for i in inspectors))
    blocked = {uscc: {int(i) for i in ids} for uscc, ids in (conflicts or {}).items()}

    by_grade: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_grade.setdefault(c.grade, []).append(c)

    samples: list[GradeSample] = []
    drawn: list[tuple[Candidate, str]] = []
    for grade in sorted(by_grade, key=_grade_sort_key):
        members = by_grade[grade]
        ratio = ratio_for(grade, ratios, new_supervised_as)
        n = sample_size(ratio, len(members))
        ranked = sorted(((rank_key(seed, "agency", c.uscc), c) for c in members),
                        key=lambda kc: (kc[0], kc[1].uscc))
        drawn.extend((c, key) for key, c in ranked[:n])
        samples.append(GradeSample(grade, len(members), str(ratio), n))

    load = dict.fromkeys(pool, 0)
    targets: list[DrawnTarget] = []
    for c, key in sorted(drawn, key=lambda ck: ck[0].uscc):
        free = [i for i in pool if i not in blocked.get(c.uscc, set())]
        if len(free) < INSPECTORS_PER_TARGET:
            raise DrawError(
                f"机构 {c.uscc} 可选派的无利害关系检查人员不足 {INSPECTORS_PER_TARGET} 名"
            )
        free.sort(key=lambda i: (load[i], rank_key(seed, "inspector", c.uscc, i), i))
        chosen = tuple(sorted(free[:INSPECTORS_PER_TARGET]))
        for i in chosen:
            load[i] += 1
        targets.append(DrawnTarget(c.uscc, c.grade, key, chosen))
    return DrawResult(seed=seed, targets=tuple(targets), samples=tuple(samples))
