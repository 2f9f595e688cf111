"""Supervision work of the 2021 plan: 双随机一公开 draws, campaigns, self-inspections,
enforcement actions and employer guidance.

The draw itself is :func:`credit_service.inspections.draw.draw` (pure); this module gathers
its inputs from the database, stores its output and audits every step.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from credit_service.agencies.models import Agency
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.models import User
from credit_service.core.db import transactional, utcnow
from credit_service.core.enums import (
    AgencyKind,
    AgencyStatus,
    Grade,
    InspectionOutcome,
    LabelledEnum,
    RecordSource,
)
from credit_service.core.errors import Conflict, NotFound, ValidationFailed
from credit_service.extensions import db
from credit_service.inspections import draw as draw_engine
from credit_service.inspections.models import (
    Campaign,
    CampaignPhase,
    EnforcementAction,
    InspectionPlan,
    InspectionTarget,
    PlanInspector,
    SelfInspection,
)

# SPEC.md §4.8 and §4.6, used only when the grading feature (the rule sets) is absent.
DEFAULT_SUPERVISION_RATIOS = {"A+": 0.03, "A": 0.05, "B": 0.15, "C": 0.40, "D": 1.0}
DEFAULT_NEW_SUPERVISED_AS = "B"
# An inspector who entered a violation record against an agency within this many days
# before the plan's start date may not inspect it (回避: impartiality of 双随机 checks).
CONFLICT_DAYS = 365
#: Identifies the layout of InspectionPlan.draw_snapshot (and of the public JSON file).
SNAPSHOT_FORMAT = "credit-service/inspection-draw/1"


class EnforcementKind(LabelledEnum):
    """Kinds of EnforcementAction, one per row of 附件2 they are counted in."""

    NATIONAL_CAMPAIGN = "national_campaign", "全国统一清理整顿人力资源市场秩序专项执法行动"
    KEY_PERIOD = "key_period", "重点地区重点时段劳务中介用工服务监察执法"
    EMPLOYER_GUIDANCE = "employer_guidance", "指导和督促企业依法规范用工"


def new_agency_supervised_as(as_of: dt.date | None = None) -> str:
    """The grade an ungraded (新设, "NEW") agency is supervised as: the rule set's
    ``[new_agency] supervised_as`` in force on ``as_of`` (SPEC.md §4.6)."""
    try:
        from credit_service.grading.services import active_ruleset
    except ImportError:
        return DEFAULT_NEW_SUPERVISED_AS
    return str(active_ruleset(as_of)["new_agency"]["supervised_as"])


def supervision_ratios(as_of: dt.date | None = None) -> dict[str, float]:
    """Sample ratio per grade code from the rule set in force on ``as_of`` (the one place
    to switch; falls back to SPEC.md §4.8 when the grading feature is absent). "NEW" gets
    the ratio of the grade the rule set supervises new agencies as."""
    try:
        from credit_service.grading.services import supervision_ratios as from_rules
    except ImportError:
        ratios = dict(DEFAULT_SUPERVISION_RATIOS)
    else:
        ratios = {str(k): float(v) for k, v in from_rules(as_of).items()}
    ratios["NEW"] = ratios[new_agency_supervised_as(as_of)]
    return ratios


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


# --------------------------------------------------------------------------- plans


def _validate_plan(name, starts_on, ends_on, scope_kinds, inspector_ids) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["请填写抽查计划名称"]
    if starts_on is None:
        errors["starts_on"] = ["请填写开始日期"]
    if ends_on is None:
        errors["ends_on"] = ["请填写结束日期"]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = ["结束日期不能早于开始日期"]
    bad_kinds = [k for k in scope_kinds if k not in AgencyKind.values()]
    if bad_kinds:
        errors["scope_kinds"] = [f"未知的机构类型：{'、'.join(bad_kinds)}"]
    if len(set(inspector_ids)) < draw_engine.INSPECTORS_PER_TARGET:
        errors["inspector_ids"] = ["检查人员名录至少需要 2 名工作人员（每个对象由 2 名人员检查）"]
    return errors


@transactional
def create_plan(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    inspector_ids: list[int],
    actor: User | None,
    scope_kinds: list[str] | None = None,
    scope_districts: list[str] | None = None,
    campaign: Campaign | None = None,
    seed: str | None = None,
    ratios: dict[str, float] | None = None,
) -> InspectionPlan:
    """Create a draw plan. Ratios are copied from the rule set now, so a later rule change
    does not alter a plan already announced. A seed given here is announced before the draw."""
    scope_kinds = sorted({str(k) for k in scope_kinds or []})
    scope_districts = sorted({d.strip() for d in scope_districts or [] if d.strip()})
    inspector_ids = sorted({int(i) for i in inspector_ids})
    errors = _validate_plan(name, starts_on, ends_on, scope_kinds, inspector_ids)
    users = db.session.scalars(select(User).where(User.id.in_(inspector_ids))).all()
    if len(users) != len(inspector_ids) or not all(u.active for u in users):
        errors.setdefault("inspector_ids", []).append("检查人员须为在职（启用）的工作人员账号")
    if seed is not None and not (1 <= len(seed.strip()) <= 64):
        errors["seed"] = ["随机种子长度须为 1–64 个字符"]
    if errors:
        raise ValidationFailed("抽查计划未通过校验", errors)
    plan = InspectionPlan(
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        scope_kinds=scope_kinds,
        scope_districts=scope_districts,
        ratios=dict(ratios or supervision_ratios(starts_on)),
        seed=seed.strip() if seed else None,
        campaign_id=campaign.id if campaign else None,
        created_by_id=getattr(actor, "id", None),
    )
    plan.inspectors = [PlanInspector(user_id=i) for i in inspector_ids]
    db.session.add(plan)
    db.session.flush()
    record_audit("inspection_plan.create", plan, actor=actor,
                 after=snapshot(plan) | {"inspector_ids": inspector_ids})
    return plan


def eligible_agencies(plan: InspectionPlan) -> list[Agency]:
    """Operating agencies in the plan's scope (kinds: any match; empty = all), by USCC."""
    query = select(Agency).where(Agency.status == AgencyStatus.OPERATING)
    if plan.scope_kinds:
        flags = {
            AgencyKind.JOB_AGENCY.value: Agency.is_job_agency,
            AgencyKind.DISPATCH.value: Agency.is_dispatch,
            AgencyKind.OTHER_HR.value: Agency.is_other_hr,
        }
        query = query.where(or_(*[flags[k].is_(True) for k in plan.scope_kinds]))
    if plan.scope_districts:
        query = query.where(Agency.district.in_(plan.scope_districts))
    return list(db.session.scalars(query.order_by(Agency.uscc)))


def conflict_window_start(plan: InspectionPlan) -> dt.date:
    """Records entered or decided on or after this day bar their inspector (回避): the
    CONFLICT_DAYS before the plan's start date, whatever day the draw is run."""
    return plan.starts_on - dt.timedelta(days=CONFLICT_DAYS)


def conflicts_for(agencies: list[Agency], inspector_ids: list[int], since: dt.date
                  ) -> dict[str, set[int]]:
    """USCC -> inspector ids who entered a record against the agency on or after ``since``
    (by the date the record was entered or decided, whichever is later; any status, so a
    revoked record still counts — the point is impartiality)."""
    from credit_service.records.models import Record

    if not agencies or not inspector_ids:
        return {}
    since_dt = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    by_id = {a.id: a.uscc for a in agencies}
    rows = db.session.execute(
        select(Record.agency_id, Record.entered_by_id).where(
            Record.agency_id.in_(list(by_id)),
            Record.entered_by_id.in_(inspector_ids),
            or_(Record.decided_on >= since, Record.created_at >= since_dt),
        )
    ).all()
    result: dict[str, set[int]] = {}
    for agency_id, user_id in rows:
        result.setdefault(by_id[agency_id], set()).add(user_id)
    return result


def _plan_ratios(plan: InspectionPlan, supervised_as: str) -> dict[str, str]:
    """The plan's ratios as exact decimal strings, "NEW" always present."""
    ratios = {str(g): str(draw_engine.ratio_for(str(g), plan.ratios)) for g in plan.ratios}
    if "NEW" not in ratios:
        ratios["NEW"] = str(draw_engine.ratio_for("NEW", plan.ratios, supervised_as))
    return ratios


def build_snapshot(plan: InspectionPlan, seed: str) -> tuple[list[Agency], dict]:
    """Everything the pure draw is given, as JSON, read from the database now.

    Inspectors appear as per-plan pseudonymous numbers 1..n (position in the pool sorted
    by account id), so the snapshot can be published without personal data and without
    linking the same person across plans; ``inspector_user_ids`` (stripped from the public
    copy) maps them back."""
    agencies = eligible_agencies(plan)
    user_ids = sorted(pi.user_id for pi in plan.inspectors)
    number = {uid: k for k, uid in enumerate(user_ids, start=1)}
    since = conflict_window_start(plan)
    supervised_as = new_agency_supervised_as(plan.starts_on)
    conflicts = conflicts_for(agencies, user_ids, since)
    snapshot = {
        "format": SNAPSHOT_FORMAT,
        "plan_id": plan.id,
        "seed": seed,
        "ratios": _plan_ratios(plan, supervised_as),
        "new_agency_supervised_as": supervised_as,
        "inspectors_per_target": draw_engine.INSPECTORS_PER_TARGET,
        "conflict_window": {"days": CONFLICT_DAYS, "since": since.isoformat(),
                            "plan_starts_on": plan.starts_on.isoformat()},
        "agencies": [[a.uscc, (a.current_grade or Grade.NEW).value] for a in agencies],
        "inspectors": [number[uid] for uid in user_ids],
        "conflicts": sorted([uscc, number[uid]] for uscc, ids in conflicts.items()
                            for uid in ids),
        "inspector_user_ids": user_ids,
    }
    return agencies, snapshot


def draw_from_snapshot(snapshot: dict) -> draw_engine.DrawResult:
    """Re-run the pure draw on a stored (or published) snapshot."""
    conflicts: dict[str, list[int]] = {}
    for uscc, number in snapshot["conflicts"]:
        conflicts.setdefault(uscc, []).append(number)
    return draw_engine.draw(
        snapshot["seed"],
        [tuple(a) for a in snapshot["agencies"]],
        snapshot["ratios"],
        snapshot["inspectors"],
        conflicts,
    )


def public_snapshot(plan: InspectionPlan) -> dict | None:
    """The snapshot without the private number → account mapping, plus the stored
    targets and pairings to compare a re-run against (the downloadable file)."""
    if not plan.draw_snapshot:
        return None
    data = {k: v for k, v in plan.draw_snapshot.items() if k != "inspector_user_ids"}
    pairings = public_pairings(plan)
    data["targets"] = [
        {"uscc": t.agency.uscc, "grade": t.grade.value, "inspectors": pairings[t.id]}
        for t in sorted(plan.targets, key=lambda t: t.agency.uscc)
    ]
    return data


def inspector_numbers(plan: InspectionPlan) -> dict[int, int]:
    """Account id -> the plan's pseudonymous inspector number (1..n)."""
    if plan.draw_snapshot and "inspector_user_ids" in plan.draw_snapshot:
        ids = plan.draw_snapshot["inspector_user_ids"]
    else:
        ids = sorted(pi.user_id for pi in plan.inspectors)
    return {int(uid): k for k, uid in enumerate(ids, start=1)}


def public_pairings(plan: InspectionPlan) -> dict[int, list[int]]:
    """Target id -> the pseudonymous numbers of its two inspectors (public page)."""
    numbers = inspector_numbers(plan)
    return {t.id: sorted(numbers.get(uid, 0) for uid in t.inspector_ids) for t in plan.targets}


@transactional
def run_draw(plan: InspectionPlan, actor: User | None, seed: str | None = None
             ) -> InspectionPlan:
    """Draw targets and inspectors once. The seed is the plan's announced seed, else the
    one given, else a fresh random one. The inputs (eligible agencies with their grades
    now, the pseudonymous inspector pool, the conflicts, the ratios) are stored on the plan
    with the seed and published with the result, so anyone can re-run :func:`draw.draw`
    on them and obtain the same targets and pairings, however the data change later."""
    # Lock the plan row so two simultaneous draws cannot both pass the check below.
    db.session.refresh(plan, with_for_update=True)
    if plan.drawn_at is not None:
        raise Conflict("该计划已完成抽取，不能重新抽取（保证抽取结果不可挑选）")
    if plan.seed and seed and seed != plan.seed:
        raise ValidationFailed("随机种子与计划公布的种子不一致",
                               {"seed": [f"本计划已公布随机种子 {plan.seed}"]})
    seed = (plan.seed or seed or secrets.token_hex(16)).strip()
    agencies, snap = build_snapshot(plan, seed)
    if not agencies:
        raise ValidationFailed("抽查范围内没有存续的机构", {"scope": ["请调整机构类型或区域范围"]})
    try:
        result = draw_from_snapshot(snap)
    except draw_engine.DrawError as exc:
        raise ValidationFailed(str(exc), {"inspector_ids": [str(exc)]}) from exc
    by_uscc = {a.uscc: a for a in agencies}
    user_ids = snap["inspector_user_ids"]
    before = snapshot(plan)
    plan.seed = seed
    plan.drawn_at = utcnow()
    plan.draw_snapshot = snap
    for t in result.targets:
        plan.targets.append(InspectionTarget(
            agency_id=by_uscc[t.uscc].id, grade=Grade(t.grade),
            inspector_ids=[user_ids[k - 1] for k in t.inspector_ids],
        ))
    db.session.flush()
    record_audit("inspection_plan.draw", plan, actor=actor, before=before, after=snapshot(plan) | {
        "targets": [t.uscc for t in result.targets],
        "samples": [s.__dict__ for s in result.samples],
    })
    return plan


def sample_preview(plan: InspectionPlan) -> list[draw_engine.GradeSample]:
    """Per grade: eligible agencies and how many the draw will take (before drawing)."""
    counts: dict[str, int] = {}
    for agency in eligible_agencies(plan):
        grade = (agency.current_grade or Grade.NEW).value
        counts[grade] = counts.get(grade, 0) + 1
    ratios = _plan_ratios(plan, new_agency_supervised_as(plan.starts_on))
    order = {g: i for i, g in enumerate(draw_engine.GRADE_ORDER)}
    return [
        draw_engine.GradeSample(g, n, str(draw_engine.ratio_for(g, ratios)),
                                draw_engine.sample_size(draw_engine.ratio_for(g, ratios), n))
        for g, n in sorted(counts.items(), key=lambda gn: (order.get(gn[0], 99), gn[0]))
    ]


@dataclass(frozen=True)
class ReplayReport:
    """A re-run of a stored draw compared with the targets and pairings stored."""

    result: draw_engine.DrawResult
    same_seed: bool
    same_targets: bool
    same_pairings: bool
    error: str | None = None

    @property
    def consistent(self) -> bool:
        return self.same_seed and self.same_targets and self.same_pairings


def replay_draw(plan: InspectionPlan) -> ReplayReport:
    """Re-run the pure draw on the inputs stored at draw time (not on today's data, which
    change with every regrade) and compare targets (USCC, grade) and pairings."""
    if plan.drawn_at is None or not plan.seed:
        raise Conflict("该计划尚未抽取")
    snap = plan.draw_snapshot
    if not snap:
        raise Conflict("该计划抽取时未保存抽取输入（早于抽取输入快照功能），无法复核")
    empty = draw_engine.DrawResult(seed=str(snap.get("seed")), targets=(), samples=())
    try:
        result = draw_from_snapshot(snap)
    except (draw_engine.DrawError, KeyError, TypeError, ValueError) as exc:
        return ReplayReport(empty, snap.get("seed") == plan.seed, False, False, str(exc))
    numbers = inspector_numbers(plan)
    stored = sorted((t.agency.uscc, t.grade.value,
                     tuple(sorted(numbers.get(uid, 0) for uid in t.inspector_ids)))
                    for t in plan.targets)
    again = sorted((t.uscc, t.grade, tuple(t.inspector_ids)) for t in result.targets)
    return ReplayReport(
        result=result,
        same_seed=snap.get("seed") == plan.seed,
        same_targets=[s[:2] for s in stored] == [a[:2] for a in again],
        same_pairings=stored == again,
    )


@transactional
def publish_plan(plan: InspectionPlan, actor: User | None,
                 on: dt.date | None = None) -> InspectionPlan:
    """公开: the plan, seed, targets and (as entered) results become public."""
    db.session.refresh(plan, with_for_update=True)
    if plan.drawn_at is None:
        raise Conflict("计划尚未抽取，不能公示")
    if plan.published_on is not None:
        raise Conflict("该计划已公示")
    before = snapshot(plan)
    plan.published_on = on or _today()
    record_audit("inspection_plan.publish", plan, actor=actor, before=before, after=snapshot(plan))
    return plan


def _open_record(agency: Agency, data: dict, actor: User | None):
    """Open a draft violation record through the records feature (validation, audit,
    regrade); a reviewer still confirms it (four eyes)."""
    from credit_service.records.services import record_violation

    return record_violation(agency, data, actor)


@transactional
def record_result(
    target: InspectionTarget,
    outcome: InspectionOutcome | str,
    summary: str,
    actor: User | None,
    findings: list[dict] | None = None,
    inspected_on: dt.date | None = None,
) -> InspectionTarget:
    """Enter the result of one check. Problems found → one draft record per finding
    (source 监察检查), opened through the records services and awaiting review."""
    outcome = InspectionOutcome(outcome)
    findings = list(findings or [])
    inspected_on = inspected_on or _today()
    errors: dict[str, list[str]] = {}
    db.session.refresh(target, with_for_update=True)
    if target.plan.drawn_at is None:
        raise Conflict("计划尚未抽取")
    if target.outcome != InspectionOutcome.PENDING:
        raise Conflict("该对象的检查结果已录入")
    if outcome == InspectionOutcome.PENDING:
        errors["outcome"] = ["请选择检查结果"]
    if outcome == InspectionOutcome.PROBLEMS_FOUND and not findings:
        errors["findings"] = ["发现问题时须至少录入一项违法行为"]
    if outcome == InspectionOutcome.NO_PROBLEM and findings:
        errors["findings"] = ["未发现问题时不应录入违法行为"]
    if not (summary or "").strip():
        errors["summary"] = ["请填写检查结果摘要（将公开，不得含个人信息）"]
    if inspected_on < target.plan.starts_on:
        errors["inspected_on"] = ["检查日期不能早于计划开始日期"]
    elif inspected_on > target.plan.ends_on:
        errors["inspected_on"] = [f"检查日期不能晚于计划结束日期（{target.plan.ends_on.isoformat()}）"]
    elif inspected_on > _today():
        errors["inspected_on"] = ["检查日期不能晚于今天"]
    if errors:
        raise ValidationFailed("检查结果未通过校验", errors)
    before = snapshot(target)
    record_ids = []
    for finding in findings:
        data = {"source": RecordSource.INSPECTION} | dict(finding)
        record = _open_record(target.agency, data, actor)
        record_ids.append(record.id)
    target.outcome = outcome
    target.result_summary = summary.strip()
    target.inspected_on = inspected_on
    target.record_ids = record_ids
    db.session.flush()
    record_audit("inspection_target.result", target, actor=actor, before=before,
                 after=snapshot(target))
    return target


def get_plan(plan_id: int) -> InspectionPlan:
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None:
        raise NotFound("未找到该抽查计划")
    return plan


def get_target(target_id: int) -> InspectionTarget:
    target = db.session.get(InspectionTarget, target_id)
    if target is None:
        raise NotFound("未找到该检查对象")
    return target


def published_plans() -> list[InspectionPlan]:
    return list(db.session.scalars(
        select(InspectionPlan).where(InspectionPlan.published_on.is_not(None))
        .order_by(InspectionPlan.published_on.desc(), InspectionPlan.id.desc())
    ))


def published_targets_for(query: str, limit: int = 100) -> list[InspectionTarget]:
    """Targets of published plans whose agency USCC or name contains ``query`` (public)."""
    text = (query or "").strip()
    if not text:
        return []
    pattern = f"%{text.replace('%', '').replace('_', '')}%"
    return list(db.session.scalars(
        select(InspectionTarget).join(InspectionPlan).join(Agency)
        .where(InspectionPlan.published_on.is_not(None),
               or_(Agency.uscc == text.upper(), Agency.name.like(pattern)))
        .order_by(InspectionPlan.published_on.desc(), Agency.uscc).limit(limit)
    ))


# ----------------------------------------------------------------------- campaigns

#: The 2021 济源示范区劳务中介专项整治行动 (seed plan §四 实施步骤).
JIYUAN_2021_PHASES = (
    # "(一)开展自查(4月中下旬)": 中旬 is the 11th–20th and 下旬 the 21st–end of the month
    # (上/中/下旬), so mid-to-late April is 11–30 April.
    ("开展自查", dt.date(2021, 4, 11), dt.date(2021, 4, 30)),
    ("集中整治", dt.date(2021, 4, 1), dt.date(2021, 5, 25)),  # "(二)集中整治(4月-5月25日)"
    ("阶段性评估（报送阶段性情况和量化统计表）", dt.date(2021, 6, 1), dt.date(2021, 6, 15)),
    ("总结评估（报送总结和量化统计表）", dt.date(2021, 10, 1), dt.date(2021, 10, 13)),
)
JIYUAN_2021_NAME = "济源示范区劳务中介专项整治行动"


@transactional
def create_campaign(*, name: str, year: int, phases, actor: User | None) -> Campaign:
    """A campaign with its phases; each phase's end date is its deadline."""
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = ["请填写专项行动名称"]
    if not (2000 <= int(year) <= 2100):
        errors["year"] = ["年度无效"]
    phases = [(str(n).strip(), s, e) for n, s, e in phases]
    if not phases:
        errors["phases"] = ["至少需要一个阶段"]
    for n, s, e in phases:
        if not n or s is None or e is None:
            errors.setdefault("phases", []).append("每个阶段须有名称、开始日期和截止日期")
        elif e < s:
            errors.setdefault("phases", []).append(f"阶段“{n}”的截止日期早于开始日期")
    if errors:
        raise ValidationFailed("专项行动未通过校验", errors)
    campaign = Campaign(name=name.strip(), year=int(year))
    campaign.phases = [CampaignPhase(name=n, starts_on=s, ends_on=e) for n, s, e in phases]
    db.session.add(campaign)
    db.session.flush()
    record_audit("campaign.create", campaign, actor=actor, after=snapshot(campaign) | {
        "phases": [[n, s.isoformat(), e.isoformat()] for n, s, e in phases]})
    return campaign


def create_jiyuan_2021_campaign(actor: User | None) -> Campaign:
    """The seed plan's campaign with its four phases (used by demo data and the staff page)."""
    return create_campaign(name=JIYUAN_2021_NAME, year=2021, phases=JIYUAN_2021_PHASES,
                           actor=actor)


@dataclass(frozen=True)
class PhaseDeadline:
    campaign_id: int
    campaign_name: str
    phase_name: str
    starts_on: dt.date
    ends_on: dt.date
    days_left: int
    in_progress: bool


def upcoming_phase_deadlines(today: dt.date, within_days: int | None = None
                             ) -> list[PhaseDeadline]:
    """Phases whose deadline is today or later (optionally within ``within_days``),
    earliest deadline first — for the staff dashboard."""
    query = select(CampaignPhase, Campaign).join(Campaign).where(CampaignPhase.ends_on >= today)
    if within_days is not None:
        query = query.where(CampaignPhase.ends_on <= today + dt.timedelta(days=within_days))
    rows = db.session.execute(
        query.order_by(CampaignPhase.ends_on, CampaignPhase.starts_on, CampaignPhase.id)
    ).all()
    return [
        PhaseDeadline(
            campaign_id=c.id, campaign_name=c.name, phase_name=p.name, starts_on=p.starts_on,
            ends_on=p.ends_on, days_left=(p.ends_on - today).days,
            in_progress=p.starts_on <= today,
        )
        for p, c in rows
    ]


@dataclass(frozen=True)
class PhaseStatus:
    name: str
    starts_on: dt.date
    ends_on: dt.date  # the deadline
    status: str  # "past" | "current" | "upcoming"
    days_left: int  # days to the deadline (negative once past)
    days_to_start: int

    @property
    def status_label(self) -> str:
        return {"past": "已结束", "current": "进行中", "upcoming": "未开始"}[self.status]


@dataclass(frozen=True)
class CampaignStatus:
    campaign_id: int
    name: str
    year: int
    phases: tuple[PhaseStatus, ...]  # in start order

    @property
    def finished(self) -> bool:
        return all(p.status == "past" for p in self.phases)


def _phase_status(phase: CampaignPhase, today: dt.date) -> PhaseStatus:
    if phase.ends_on < today:
        status = "past"
    elif phase.starts_on <= today:
        status = "current"
    else:
        status = "upcoming"
    return PhaseStatus(phase.name, phase.starts_on, phase.ends_on, status,
                       (phase.ends_on - today).days, (phase.starts_on - today).days)


def current_campaign_status(today: dt.date) -> CampaignStatus | None:
    """The campaign to show on the dashboard with every phase and its status: one running
    today (the latest started, if several), else the most recently started one, else the
    next to start. None when there is no campaign with phases."""
    spans = db.session.execute(
        select(Campaign.id, func.min(CampaignPhase.starts_on), func.max(CampaignPhase.ends_on))
        .join(CampaignPhase, CampaignPhase.campaign_id == Campaign.id)
        .group_by(Campaign.id)
    ).all()
    if not spans:
        return None
    running = [s for s in spans if s[1] <= today <= s[2]]
    started = [s for s in spans if s[1] <= today]
    if running:
        chosen = max(running, key=lambda s: (s[1], s[0]))
    elif started:
        chosen = max(started, key=lambda s: (s[2], s[1], s[0]))
    else:
        chosen = min(spans, key=lambda s: (s[1], s[0]))
    campaign = db.session.get(Campaign, chosen[0])
    phases = sorted(campaign.phases, key=lambda p: (p.starts_on, p.ends_on, p.id))
    return CampaignStatus(campaign.id, campaign.name, campaign.year,
                          tuple(_phase_status(p, today) for p in phases))


def get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("未找到该专项行动")
    return campaign


def all_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc(),
                                                             Campaign.id.desc())))


@transactional
def record_self_inspection(
    campaign: Campaign,
    agency: Agency,
    *,
    submitted_on: dt.date,
    rebate_found: bool,
    problems: str,
    rectified: bool,
    actor: User | None,
) -> SelfInspection:
    """Record (or correct) an agency's self-inspection return, incl. the 返费 self-check."""
    errors: dict[str, list[str]] = {}
    if submitted_on is None:
        errors["submitted_on"] = ["请填写提交日期"]
    if rebate_found and not (problems or "").strip():
        errors["problems"] = ["存在“返费”情况时请说明自查发现的问题"]
    if errors:
        raise ValidationFailed("自查情况未通过校验", errors)
    existing = db.session.scalars(select(SelfInspection).where(
        SelfInspection.campaign_id == campaign.id, SelfInspection.agency_id == agency.id)).first()
    before = snapshot(existing) if existing else None
    item = existing or SelfInspection(campaign_id=campaign.id, agency_id=agency.id)
    item.submitted_on = submitted_on
    item.rebate_found = bool(rebate_found)
    item.problems = (problems or "").strip()
    item.rectified = bool(rectified)
    db.session.add(item)
    db.session.flush()
    record_audit("self_inspection.update" if existing else "self_inspection.create", item,
                 actor=actor, before=before, after=snapshot(item))
    return item


def self_inspections(campaign: Campaign) -> list[tuple[SelfInspection, Agency]]:
    return list(db.session.execute(
        select(SelfInspection, Agency).join(Agency, Agency.id == SelfInspection.agency_id)
        .where(SelfInspection.campaign_id == campaign.id).order_by(Agency.uscc)
    ).all())


@transactional
def record_enforcement_action(
    *,
    kind: EnforcementKind | str,
    held_on: dt.date,
    description: str,
    actor: User | None,
    agencies_checked: int = 0,
    cases_found: int = 0,
) -> EnforcementAction:
    """An enforcement action or an employer-guidance entry counted in 附件2."""
    errors: dict[str, list[str]] = {}
    if kind not in EnforcementKind.values():
        errors["kind"] = ["请选择类型"]
    if held_on is None:
        errors["held_on"] = ["请填写日期"]
    if not (description or "").strip():
        errors["description"] = ["请填写情况说明"]
    for field, value in (("agencies_checked", agencies_checked), ("cases_found", cases_found)):
        if value is None or int(value) < 0:
            errors[field] = ["须为不小于 0 的整数"]
    if errors:
        raise ValidationFailed("执法/指导情况未通过校验", errors)
    action = EnforcementAction(kind=EnforcementKind(kind).value, held_on=held_on,
                               description=description.strip(),
                               agencies_checked=int(agencies_checked), cases_found=int(cases_found))
    db.session.add(action)
    db.session.flush()
    record_audit("enforcement_action.create", action, actor=actor, after=snapshot(action))
    return action


def enforcement_actions(date_from: dt.date | None = None, date_to: dt.date | None = None
                        ) -> list[EnforcementAction]:
    query = select(EnforcementAction)
    if date_from:
        query = query.where(EnforcementAction.held_on >= date_from)
    if date_to:
        query = query.where(EnforcementAction.held_on <= date_to)
    return list(db.session.scalars(query.order_by(EnforcementAction.held_on.desc(),
                                                  EnforcementAction.id.desc())))


def find_agency(text: str) -> Agency:
    """An agency by USCC or exact name (staff forms)."""
    text = (text or "").strip()
    agency = db.session.scalars(select(Agency).where(
        or_(Agency.uscc == text.upper(), Agency.name == text))).first()
    if agency is None:
        raise ValidationFailed("未找到该机构", {"agency": ["请输入机构的统一社会信用代码或全称"]})
    return agency
