"""Red and black list procedures: candidates, eligibility, proposals and one transition
entry point that runs each list's state machine.

Black list (严重违法失信名单, SPEC.md §5.1, procedure of 人社部令第45号)::

    proposed → notified → [objection] → decided → published → removed
                 ↘ not_listed / withdrawn              ↘ revoked
    removed (early, obtained by fraud) → published again, term restarting (art.15)

Red list (诚信服务示范机构, SPEC.md §5.2)::

    nominated → publicity (5 working days) → designated → published → expired / revoked
        ↘ withdrawn

Every step writes a ListingEvent (actor, date, document number, reasons), an audit row,
change-feed entries when the public list changes, regrades the agency and issues the
legal document the step needs. Illegal transitions raise ``Conflict`` and change nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from credit_service.agencies.models import Agency
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.permissions import Capability, authorize, require_other_person
from credit_service.core.catalog import get_catalog
from credit_service.core.db import transactional
from credit_service.core.enums import (
    AgencyStatus,
    ChangeKind,
    Grade,
    HonourKind,
    HonourLevel,
    ListingState,
    ListKind,
    RecordStatus,
)
from credit_service.core.errors import Conflict, NotFound, StaleWrite, ValidationFailed
from credit_service.extensions import db
from credit_service.lists import rules
from credit_service.lists.models import Listing, ListingEvent
from credit_service.records.models import Honour, Record

S = ListingState


# --------------------------------------------------------------------------- helpers


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


def _as_date(value, field_name: str = "date", *, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise ValidationFailed("缺少日期", errors={field_name: ["请填写日期"]})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            "日期格式有误", errors={field_name: ["日期格式应为 YYYY-MM-DD"]}
        ) from None


def _not_in_future(day: dt.date, field_name: str = "date") -> None:
    """A person records what has happened: a step dated after today would let a clerk
    pre-date an expiry (ending the 3-year term of 45号令 art.11 early) or any other step.
    Only the scheduler and signal receivers (actor None) act on the dates the rules set."""
    today = _today()
    if day > today:
        raise ValidationFailed(
            "日期不能晚于今天",
            errors={field_name: [f"日期不得晚于今天（{today.isoformat()}），不能预先办理以后的步骤"]},
        )


def _bureau() -> str:
    return current_app.config.get("BUREAU_NAME") or "人力资源和社会保障局"


def regrade(agency: Agency, *, as_of: dt.date | None = None, actor=None) -> None:
    """Regrade through the grading feature when it is installed (imported lazily: grading
    depends on lists for the black-list veto, not the other way round)."""
    try:
        from credit_service.grading.services import regrade_agency
    except ImportError:  # grading not installed yet
        return
    regrade_agency(agency, as_of=as_of, actor=actor)


def live_grade(agency: Agency) -> Grade | None:
    try:
        from credit_service.grading.services import current_assessment
    except ImportError:
        return agency.current_grade
    assessment = current_assessment(agency)
    if assessment is None:
        return agency.current_grade
    return Grade(assessment.grade)


def open_listings(agency: Agency, list_kind: ListKind, states=None) -> list[Listing]:
    states = states or rules.OPEN_STATES[list_kind]
    return list(db.session.scalars(
        select(Listing).where(
            Listing.agency_id == agency.id,
            Listing.list_kind == list_kind,
            Listing.state.in_(list(states)),
        ).order_by(Listing.id)
    ))


def get_listing(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("未找到该名单条目")
    return listing


def is_black_listed(agency: Agency) -> bool:
    """On the black list in effect (decided or published): a grading veto (SPEC.md §4.1)."""
    return bool(open_listings(agency, ListKind.BLACK, rules.BLACK_IN_EFFECT))


def last_event(listing: Listing, *actions: str) -> ListingEvent | None:
    for event in reversed(listing.events):
        if not actions or event.action in actions:
            return event
    return None


def verification_deadline(listing: Listing) -> dt.date | None:
    """45号令 art.6: an objection is verified within 5 working days of its receipt."""
    if listing.state != S.OBJECTION:
        return None
    event = last_event(listing, "object")
    return rules.verification_deadline(event.on) if event else None


def earliest_early_removal_on(listing: Listing) -> dt.date | None:
    """Public field (SPEC.md §5.1): the first day an early removal could be decided —
    6 months after the correction, and never before the decision."""
    if listing.list_kind != ListKind.BLACK or listing.decided_on is None:
        return None
    start = listing.corrected_on or listing.decided_on
    return max(rules.early_removal_possible_from(start), listing.decided_on)


def pending_revocation(listing: Listing) -> ListingEvent | None:
    """A red listing's open revocation proposal (opened when a violation was confirmed)."""
    if listing.list_kind != ListKind.RED or listing.state not in rules.OPEN_STATES[ListKind.RED]:
        return None
    event = last_event(listing)
    return event if event is not None and event.action == "propose_revocation" else None


def _in_force(record: Record, as_of: dt.date) -> bool:
    if record.status != RecordStatus.CONFIRMED or record.decided_on > as_of:
        return False
    if record.repaired_on is not None and record.repaired_on <= as_of:
        return False
    return as_of < rules.record_window_end(record.decided_on, record.severity)


# --------------------------------------------------------------------------- candidates


@dataclass
class Candidate:
    agency: Agency
    reasons: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)

    @property
    def basis_record(self) -> Record | None:
        return self.records[0] if self.records else None


def blacklist_candidates(as_of: dt.date | None = None) -> list[Candidate]:
    """Agencies the rules flag for the black list (SPEC.md §5.1). Never lists anyone:
    a clerk proposes, a second person decides after notice and objection (45号令 art.6–8).

    Flags: a confirmed veto-class record in force; 3+ confirmed penalties in 12 months;
    refusing to carry out a penalty decision. Agencies with an open black-list
    procedure or listing are left out.
    """
    as_of = as_of or _today()
    catalog = get_catalog()
    oldest = rules.add_months(as_of, -max(rules.SEVERITY_WINDOW_MONTHS.values()))
    records = db.session.scalars(
        select(Record).where(
            Record.status == RecordStatus.CONFIRMED,
            Record.decided_on <= as_of,
            Record.decided_on > oldest,
        ).order_by(Record.agency_id, Record.decided_on.desc(), Record.id)
    ).all()
    excluded = set(db.session.scalars(
        select(Listing.agency_id).where(
            Listing.list_kind == ListKind.BLACK,
            Listing.state.in_(list(rules.OPEN_STATES[ListKind.BLACK])),
        )
    ))
    penalty_since = rules.add_months(as_of, -rules.CANDIDATE_PENALTY_MONTHS)
    by_agency: dict[int, list[Record]] = {}
    for record in records:
        if record.agency_id not in excluded:
            by_agency.setdefault(record.agency_id, []).append(record)

    candidates = []
    for agency_id, agency_records in by_agency.items():
        reasons: list[str] = []
        basis: list[Record] = []
        for record in agency_records:
            vtype = catalog.get(record.violation_code)
            if vtype is not None and vtype.veto and _in_force(record, as_of):
                reasons.append(f"一票否决类违法记录（{vtype.name}，{record.decision_number}）仍在有效期内")
                basis.append(record)
        penalties = [
            r for r in agency_records
            if r.penalty_kind in rules.PENALTY_KINDS and r.decided_on > penalty_since
            and (r.repaired_on is None or r.repaired_on > as_of)
        ]
        if len(penalties) >= rules.CANDIDATE_PENALTY_COUNT:
            reasons.append(f"近12个月内受到行政处罚{len(penalties)}次（3次及以上）")
            basis.extend(r for r in penalties if r not in basis)
        for record in agency_records:
            refused = record.refused_to_comply or record.violation_code == "refusing_rectification"
            if refused and _in_force(record, as_of):
                reasons.append(f"拒不履行行政处罚决定（{record.decision_number}）")
                if record not in basis:
                    basis.append(record)
        if reasons:
            candidates.append(Candidate(db.session.get(Agency, agency_id), reasons, basis))
    candidates.sort(key=lambda c: c.agency.uscc)
    return candidates


# --------------------------------------------------------------------------- red eligibility


def _annual_report_years(as_of: dt.date) -> list[int]:
    """The last two years whose report was due by ``as_of`` (due 31 March, domain.md §7)."""
    due_this_year = (as_of.month, as_of.day) > rules.ANNUAL_REPORT_DUE
    last = as_of.year - 1 if due_this_year else as_of.year - 2
    return [last - 1, last]


def red_list_eligibility(agency: Agency, as_of: dt.date | None = None) -> list[str]:
    """Unmet red-list conditions, each with its reason; empty means eligible.

    SPEC.md §5.2 defaults (呼和浩特 template, domain.md §5): live grade A+ or A;
    operating ≥ 2 years; annual reports filed for the last 2 years; no penalty, 通报
    or criminal record in 24 months; not on the black list.
    """
    as_of = as_of or _today()
    unmet: list[str] = []
    grade = live_grade(agency)
    if grade not in (Grade.A_PLUS, Grade.A):
        shown = grade.label if grade is not None else "尚未评价"
        unmet.append(f"信用等级须为 A+ 或 A，当前为{shown}")
    if agency.status != AgencyStatus.OPERATING:
        unmet.append("机构已注销")
    since = rules.add_years(as_of, -rules.RED_MIN_OPERATING_YEARS)
    if agency.established_on > since:
        unmet.append(
            f"经营须满2年：成立于{agency.established_on.isoformat()}，"
            f"{rules.add_years(agency.established_on, 2).isoformat()}起方满2年"
        )
    filed = {r.year for r in agency.annual_reports if r.submitted_on is not None}
    missing = [y for y in _annual_report_years(as_of) if y not in filed]
    if missing:
        unmet.append("近2年年度报告未报送：" + "、".join(f"{y}年度" for y in missing))
    clean_since = rules.add_months(as_of, -rules.RED_CLEAN_MONTHS)
    recent = db.session.scalars(
        select(Record).where(
            Record.agency_id == agency.id,
            Record.status == RecordStatus.CONFIRMED,
            Record.decided_on > clean_since,
            Record.decided_on <= as_of,
            Record.penalty_kind.in_(list(rules.PENALTY_KINDS)),
        ).order_by(Record.decided_on)
    ).all()
    recent = [r for r in recent if r.repaired_on is None or r.repaired_on > as_of]
    if recent:
        listed = "；".join(
            f"{r.decided_on.isoformat()} {r.penalty_kind.label}（{r.decision_number}）" for r in recent
        )
        unmet.append(f"近24个月内有行政处罚、通报批评或刑事处理记录：{listed}")
    black = open_listings(agency, ListKind.BLACK)
    if any(b.state in rules.BLACK_IN_EFFECT for b in black):
        unmet.append("已被列入严重违法失信名单")
    elif black:
        unmet.append("正在办理严重违法失信名单列入程序")
    return unmet


# --------------------------------------------------------------------------- proposals


@transactional
def propose_listing(agency: Agency, list_kind: ListKind | str, data: dict, actor) -> Listing:
    """Open a black-list proposal (拟列入) or a red-list nomination (推荐).

    ``data``: ``reason`` (public facts summary), ``legal_basis``, ``authority``,
    ``basis_record_id`` (black: the confirmed record the listing rests on),
    ``proposed_on`` (default today). Red nominations must pass the eligibility check.
    """
    if actor is not None:
        authorize(actor, Capability.ENTER)
    try:
        list_kind = ListKind(list_kind)
    except ValueError:
        raise ValidationFailed("名单类型有误", errors={"list_kind": ["应为 red 或 black"]}) from None
    data = dict(data or {})
    on = _as_date(data.get("proposed_on") or data.get("date") or _today(), "proposed_on")
    if actor is not None:
        _not_in_future(on, "proposed_on")
    errors: dict[str, list[str]] = {}

    if open_listings(agency, list_kind):
        what = "严重违法失信名单" if list_kind == ListKind.BLACK else "诚信服务示范机构名单"
        raise Conflict(f"该机构已有进行中或有效的{what}条目，不能重复提出")

    basis_record = None
    record_id = data.get("basis_record_id")
    if record_id not in (None, ""):
        try:
            basis_record = db.session.get(Record, int(record_id))
        except (TypeError, ValueError):
            basis_record = None
        if basis_record is None or basis_record.agency_id != agency.id:
            errors.setdefault("basis_record_id", []).append("所依据的失信记录不存在或不属于该机构")
        elif basis_record.status != RecordStatus.CONFIRMED:
            errors.setdefault("basis_record_id", []).append("所依据的失信记录尚未确认或已撤销")

    reason = str(data.get("reason") or "").strip()
    legal_basis = str(data.get("legal_basis") or "").strip()
    if list_kind == ListKind.BLACK:
        if basis_record is not None and not errors:
            vtype = get_catalog().get(basis_record.violation_code)
            reason = reason or basis_record.facts
            legal_basis = legal_basis or (vtype.legal_basis if vtype else "")
        if not reason:
            errors.setdefault("reason", []).append("请填写列入事由（违法事实摘要）")
        if not legal_basis:
            errors.setdefault("legal_basis", []).append("请填写列入依据")
    else:
        unmet = red_list_eligibility(agency, on)
        if unmet:
            errors["agency"] = unmet
        reason = reason or "经审查符合诚信服务示范机构认定条件"
        legal_basis = legal_basis or "本局诚信服务示范机构认定办法（认定条件见“评价规则”页）"
    authority = str(data.get("authority") or "").strip()
    if len(authority) > 100:
        errors["authority"] = ["决定机关名称不超过100个字符"]
    if errors:
        raise ValidationFailed("提出名单条目未通过校验", errors=errors)

    listing = Listing(
        agency_id=agency.id,
        agency=agency,
        list_kind=list_kind,
        state=S.PROPOSED if list_kind == ListKind.BLACK else S.NOMINATED,
        basis_record_id=basis_record.id if basis_record else None,
        reason=reason,
        legal_basis=legal_basis,
        authority=authority or _bureau(),
        proposed_on=on,
        proposed_by_id=getattr(actor, "id", None),
    )
    db.session.add(listing)
    db.session.flush()
    listing.events.append(ListingEvent(
        action="propose" if list_kind == ListKind.BLACK else "nominate",
        from_state=None, to_state=listing.state, on=on,
        document_number=data.get("document_number") or None,
        reasons=reason, actor_id=getattr(actor, "id", None),
    ))
    record_audit(f"listing.{listing.events[-1].action}", listing, actor=actor, after=snapshot(listing))
    return listing


# --------------------------------------------------------------------------- state machine


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: ListingState
    review: bool = False  # a decision: Capability.REVIEW (SPEC.md §5)
    four_eyes: bool = False  # not by the proposer / nominator
    needs_number: bool = False  # a document number is required
    needs_reasons: bool = False
    label: str = ""


TRANSITIONS: dict[ListKind, dict[str, Transition]] = {
    ListKind.BLACK: {
        "notify": Transition(frozenset({S.PROPOSED}), S.NOTIFIED, needs_number=True,
                             label="送达告知书"),
        "object": Transition(frozenset({S.NOTIFIED}), S.OBJECTION, label="登记异议"),
        "decide": Transition(frozenset({S.NOTIFIED, S.OBJECTION}), S.DECIDED, review=True,
                             four_eyes=True, needs_number=True, label="作出列入决定"),
        "publish": Transition(frozenset({S.DECIDED}), S.PUBLISHED, label="公布"),
        "remove": Transition(rules.BLACK_IN_EFFECT, S.REMOVED, label="移出名单"),
        "early_remove": Transition(rules.BLACK_IN_EFFECT, S.REMOVED, review=True,
                                   needs_number=True, label="提前移出（信用修复）"),
        "revoke": Transition(rules.BLACK_IN_EFFECT, S.REVOKED, review=True, needs_reasons=True,
                             label="撤销列入"),
        "withdraw": Transition(rules.BLACK_PENDING, S.WITHDRAWN, needs_reasons=True,
                               label="撤回拟列入"),
        "not_list": Transition(frozenset({S.NOTIFIED, S.OBJECTION}), S.NOT_LISTED, review=True,
                               needs_reasons=True, label="不予列入"),
        "reverse_removal": Transition(frozenset({S.REMOVED}), S.PUBLISHED, review=True,
                                      needs_number=True, needs_reasons=True,
                                      label="撤销提前移出、恢复列入"),
    },
    ListKind.RED: {
        "publicise": Transition(frozenset({S.NOMINATED}), S.PUBLICITY, label="开始公示"),
        "designate": Transition(frozenset({S.PUBLICITY}), S.DESIGNATED, review=True,
                                four_eyes=True, needs_number=True, label="作出认定决定"),
        "publish": Transition(frozenset({S.DESIGNATED}), S.PUBLISHED, label="公布"),
        "expire": Transition(rules.RED_IN_EFFECT, S.EXPIRED, label="期满"),
        "revoke": Transition(rules.RED_IN_EFFECT, S.REVOKED, review=True, needs_number=True,
                             needs_reasons=True, label="撤销认定"),
        "withdraw": Transition(rules.RED_PENDING, S.WITHDRAWN, needs_reasons=True,
                               label="撤回推荐"),
    },
}

# The API contract's names (SPEC.md §7) mapped onto the red list's own steps.
RED_ALIASES = {"notify": "publicise", "decide": "designate", "remove": "expire"}


def canonical_action(listing: Listing, action: str) -> str:
    if listing.list_kind == ListKind.RED:
        return RED_ALIASES.get(action, action)
    return action


def available_actions(listing: Listing) -> list[tuple[str, Transition]]:
    """Actions whose source state matches (for the staff UI); date rules still apply."""
    actions = []
    for name, transition in TRANSITIONS[listing.list_kind].items():
        if listing.state not in transition.sources:
            continue
        if name == "reverse_removal" and not _removed_early(listing):
            continue
        actions.append((name, transition))
    return actions


def _removed_early(listing: Listing) -> bool:
    event = last_event(listing, "remove", "early_remove")
    return event is not None and event.action == "early_remove"


def _reoffences(listing: Listing, on: dt.date) -> list[Record]:
    """45号令 art.14: confirmed violations committed while listed bar early removal."""
    return list(db.session.scalars(
        select(Record).where(
            Record.agency_id == listing.agency_id,
            Record.status == RecordStatus.CONFIRMED,
            Record.occurred_on >= listing.decided_on,
            Record.occurred_on <= on,
            Record.id != (listing.basis_record_id or 0),
        )
    ))


def early_removal_problems(listing: Listing, on: dt.date, *, corrected_on=None,
                           commitment_received_on=None) -> dict[str, list[str]]:
    """Unmet early-removal conditions (45号令 art.12–14), by field."""
    errors: dict[str, list[str]] = {}
    corrected_on = corrected_on or listing.corrected_on
    commitment = commitment_received_on or listing.commitment_received_on
    if corrected_on is None:
        errors["corrected_on"] = ["须已整改完毕（请填写整改完成日期）"]
    else:
        possible = rules.early_removal_possible_from(corrected_on)
        if on < possible:
            errors["corrected_on"] = [
                f"整改完成（{corrected_on.isoformat()}）后须满6个月，{possible.isoformat()}起方可提前移出"
            ]
    if commitment is None:
        errors["commitment_received_on"] = ["须提交书面信用承诺"]
    elif commitment > on:
        errors["commitment_received_on"] = ["书面信用承诺的收到日期不得晚于提前移出决定日期"]
    if listing.decided_on is not None:
        again = _reoffences(listing, on)
        if again:
            errors["reoffence"] = [
                "列入期间再次违法，不得提前移出：" + "；".join(
                    f"{r.occurred_on.isoformat()}（{r.decision_number}）" for r in again
                )
            ]
    return errors


def _check_dates(listing: Listing, action: str, on: dt.date) -> None:
    previous = last_event(listing)
    if previous is not None and on < previous.on:
        raise ValidationFailed(
            "日期早于上一步骤", errors={"date": [f"不得早于上一步骤日期 {previous.on.isoformat()}"]}
        )
    if action == "object" and on > listing.objection_deadline:
        raise Conflict(
            f"异议期已于 {listing.objection_deadline.isoformat()} 届满（45号令第六条：送达之日起5个工作日内）"
        )
    if action == "decide" and listing.state == S.NOTIFIED and on <= listing.objection_deadline:
        raise Conflict(
            f"异议期至 {listing.objection_deadline.isoformat()} 届满，届满前不得作出列入决定"
        )
    if action == "designate" and on <= listing.publicity_ends_on:
        raise Conflict(f"公示期至 {listing.publicity_ends_on.isoformat()} 届满，届满后方可认定")
    if action in ("remove", "expire") and (listing.expires_on is None or on < listing.expires_on):
        # A person's removal before the end of the term has become ``early_remove`` by now;
        # the system only ever removes on (or after) the expiry date.
        until = listing.expires_on.isoformat() if listing.expires_on else "（未设定）"
        raise Conflict(f"有效期至 {until}，尚未届满")


def _check_stale(listing: Listing, expected_version: int | None) -> None:
    if expected_version is None or expected_version == "":
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed("版本号有误", errors={"version": ["版本号应为整数"]}) from None
    if expected != listing.version:
        raise StaleWrite(listing, expected)


@transactional
def apply_listing_event(listing: Listing, action: str, actor, *, on, document_number=None,
                        reasons=None, expected_version=None, triggered_by=None,
                        **extra) -> ListingEvent:
    """The one entry point for every list step (staff UI, API, jobs, signal receivers).

    ``action`` — black: notify | object | decide | publish | remove | revoke | withdraw |
    not_list | early_remove | reverse_removal; red: publicise | designate | publish |
    expire | revoke | withdraw (and the API names notify/decide/remove for
    publicise/designate/expire). ``extra``: ``corrected_on``, ``commitment_received_on``
    (not_list / early_remove). ``actor=None`` is the system (scheduler, signals);
    ``triggered_by`` is the person whose own step forced a system step (the reviewer whose
    black-list decision revokes the red listing): recorded as the event's and the audit
    row's actor, while the step itself runs without capability checks.

    Raises Conflict (409) for an action the current state does not allow, StaleWrite
    when ``expected_version`` is not the listing's version, ValidationFailed (422) for
    bad input, PermissionDenied (403) for a missing capability or four-eyes violation.
    """
    _check_stale(listing, expected_version)
    action = canonical_action(listing, str(action or "").strip())
    on = _as_date(on, "date")
    table = TRANSITIONS[listing.list_kind]
    transition = table.get(action)
    if transition is None:
        raise Conflict(f"“{listing.list_kind.label}”不支持操作“{action}”")
    if listing.state not in transition.sources:
        raise Conflict(
            f"当前状态为“{listing.state.label}”，不能执行“{transition.label}”",
            state=listing.state.value, action=action,
        )
    if actor is not None:
        _not_in_future(on, "date")
    if action == "remove" and actor is not None and (
        listing.expires_on is None or on < listing.expires_on
    ):
        # Before the term ends a person's removal is an early removal (credit repair,
        # 45号令 art.12–14): a reviewer decides it and its conditions are checked.
        action, transition = "early_remove", table["early_remove"]
    if action == "reverse_removal" and not _removed_early(listing):
        raise Conflict("只有提前移出的条目才能因申请造假而恢复列入（45号令第十五条）")

    if actor is not None:
        authorize(actor, Capability.REVIEW if transition.review else Capability.ENTER)
        if transition.four_eyes:
            who = "列入决定" if listing.list_kind == ListKind.BLACK else "认定决定"
            require_other_person(actor, listing.proposed_by_id, who)
    document_number = str(document_number or "").strip() or None
    reasons = str(reasons or "").strip() or None
    errors: dict[str, list[str]] = {}
    if transition.needs_number and not document_number:
        errors["document_number"] = ["请填写文书编号"]
    elif document_number and len(document_number) > 100:
        errors["document_number"] = ["文书编号不超过100个字符"]
    if transition.needs_reasons and not reasons:
        errors["reasons"] = ["请填写理由"]
    if action == "decide" and listing.state == S.OBJECTION and not reasons:
        errors["reasons"] = ["异议经核实不成立的，请写明理由"]
    if errors:
        raise ValidationFailed("请补全必填内容", errors=errors)
    _check_dates(listing, action, on)

    before = snapshot(listing)
    from_state = listing.state
    handler = _EFFECTS.get((listing.list_kind, action))
    if handler is not None:
        handler(listing, on=on, actor=actor, document_number=document_number, reasons=reasons,
                extra=extra)
    listing.state = transition.target
    by = actor if actor is not None else triggered_by  # who the record names
    event = ListingEvent(
        action=action, from_state=from_state, to_state=listing.state, on=on,
        document_number=document_number, reasons=reasons, actor_id=getattr(by, "id", None),
    )
    listing.events.append(event)
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleWrite(listing, expected_version) from None
    record_audit(f"listing.{action}", listing, actor=by, before=before, after=snapshot(listing))
    _feed(listing, action, from_state, on)
    if action not in ("notify", "object", "publicise", "publish"):
        regrade(listing.agency, as_of=on, actor=by)
    _issue_documents(listing, event)
    return event


# ----- effects of the individual steps (run before the state changes)


def _notify(listing, *, on, **_):
    # 45号令 art.6: the objection window runs 5 working days from service.
    listing.notified_on = on
    listing.objection_deadline = rules.objection_deadline(on)


def _decide(listing, *, on, actor, document_number, **_):
    if listing.basis_record_id is not None:
        record = db.session.get(Record, listing.basis_record_id)
        if record is None or record.status != RecordStatus.CONFIRMED:
            raise Conflict("所依据的失信记录已撤销或不再有效，不能作出列入决定")
    listing.decided_on = on
    listing.decided_by_id = getattr(actor, "id", None)
    listing.decision_number = document_number
    listing.expires_on = rules.black_term_end(on)  # 45号令 art.11
    # SPEC.md §5.2: black-listing revokes the red listing at once; never on both lists.
    for red in open_listings(listing.agency, ListKind.RED):
        action = "revoke" if red.state in rules.RED_IN_EFFECT else "withdraw"
        _system_step(red, action, on=on, actor=actor, document_number=document_number,
                     reasons=f"该机构被列入严重违法失信名单（{document_number}），依规撤销")


def _publish(listing, *, on, **_):
    listing.published_on = on


def _remove(listing, *, on, reasons, **_):
    # Expiry of the 3-year term; removal on the same day (45号令 art.17 allows 10 working days).
    listing.ended_on = on
    listing.end_reason = reasons or "列入期限届满，自动移出"


def _early_remove(listing, *, on, extra, **_):
    corrected_on = _as_date(extra.get("corrected_on"), "corrected_on", required=False)
    commitment = _as_date(extra.get("commitment_received_on"), "commitment_received_on",
                          required=False)
    errors = early_removal_problems(listing, on, corrected_on=corrected_on,
                                    commitment_received_on=commitment)
    if errors:
        raise ValidationFailed("不符合提前移出条件（45号令第十二至十四条）", errors=errors)
    listing.corrected_on = corrected_on or listing.corrected_on
    listing.commitment_received_on = commitment or listing.commitment_received_on
    listing.ended_on = on
    listing.end_reason = "信用修复，提前移出"


def _revoke_black(listing, *, on, reasons, **_):
    listing.ended_on = on
    listing.end_reason = reasons


def _withdraw(listing, *, on, reasons, **_):
    listing.ended_on = on
    listing.end_reason = reasons


def _not_list(listing, *, on, reasons, extra, **_):
    # 45号令 art.7: corrected before the decision and a written credit commitment.
    corrected_on = _as_date(extra.get("corrected_on"), "corrected_on", required=False)
    commitment = _as_date(extra.get("commitment_received_on"), "commitment_received_on",
                          required=False)
    corrected_on = corrected_on or listing.corrected_on
    commitment = commitment or listing.commitment_received_on
    errors = {}
    if corrected_on is None or corrected_on > on:
        errors["corrected_on"] = ["不予列入须在作出决定前已整改（请填写整改完成日期）"]
    if commitment is None:
        errors["commitment_received_on"] = ["不予列入须提交书面信用承诺"]
    elif commitment > on:
        errors["commitment_received_on"] = ["书面信用承诺的收到日期不得晚于决定日期"]
    if errors:
        raise ValidationFailed("不符合不予列入条件（45号令第七条）", errors=errors)
    listing.corrected_on = corrected_on
    listing.commitment_received_on = commitment
    listing.ended_on = on
    listing.end_reason = reasons


def _reverse_removal(listing, *, on, reasons, actor, document_number, **_):
    # 45号令 art.15: early removal obtained by fraud — restore and restart the term.
    newer = [b for b in open_listings(listing.agency, ListKind.BLACK) if b.id != listing.id]
    if newer:
        # Restoring would put the agency on the black list twice; the newer procedure
        # must be concluded (withdrawn, or left to stand) first.
        raise Conflict(
            f"该机构已有进行中或有效的严重违法失信名单条目（#{newer[0].id}，"
            f"{newer[0].state.label}），不能恢复列入本条目；请先办结该条目"
        )
    listing.expires_on = rules.black_term_end(on)
    listing.published_on = on
    listing.ended_on = None
    listing.end_reason = None
    # SPEC.md §5.2: never on both lists — a red listing obtained meanwhile ends at once.
    for red in open_listings(listing.agency, ListKind.RED):
        action = "revoke" if red.state in rules.RED_IN_EFFECT else "withdraw"
        _system_step(red, action, on=max(on, last_event(red).on), actor=actor,
                     document_number=document_number,
                     reasons=f"该机构被恢复列入严重违法失信名单（{document_number}），依规撤销")


def _publicise(listing, *, on, **_):
    unmet = red_list_eligibility(listing.agency, on)
    if unmet:
        raise ValidationFailed("不符合诚信服务示范机构条件", errors={"agency": unmet})
    listing.notified_on = on
    listing.publicity_ends_on = rules.red_publicity_end(on)


def _designate(listing, *, on, actor, document_number, **_):
    unmet = red_list_eligibility(listing.agency, on)
    if unmet:
        raise ValidationFailed("不符合诚信服务示范机构条件", errors={"agency": unmet})
    listing.decided_on = on
    listing.decided_by_id = getattr(actor, "id", None)
    listing.decision_number = document_number
    listing.expires_on = rules.red_term_end(on)
    # The municipal designation is an honour in the agency's file (SPEC.md §3, §5.2).
    db.session.add(Honour(
        agency_id=listing.agency_id,
        kind=HonourKind.RED_LIST,
        level=HonourLevel.MUNICIPAL,
        title="诚信服务示范机构",
        issuer=listing.authority or _bureau(),
        document_number=document_number,
        granted_on=on,
        valid_until=listing.expires_on,
        listing_id=listing.id,
        entered_by_id=getattr(actor, "id", None),
    ))


def _expire_red(listing, *, on, **_):
    listing.ended_on = on
    listing.end_reason = "认定有效期届满"


def _revoke_red(listing, *, on, reasons, **_):
    listing.ended_on = on
    listing.end_reason = reasons
    for honour in db.session.scalars(select(Honour).where(Honour.listing_id == listing.id)):
        if honour.revoked_on is None:
            honour.revoked_on = max(on, honour.granted_on)
            honour.revoked_reason = reasons


_EFFECTS = {
    (ListKind.BLACK, "notify"): _notify,
    (ListKind.BLACK, "decide"): _decide,
    (ListKind.BLACK, "publish"): _publish,
    (ListKind.BLACK, "remove"): _remove,
    (ListKind.BLACK, "early_remove"): _early_remove,
    (ListKind.BLACK, "revoke"): _revoke_black,
    (ListKind.BLACK, "withdraw"): _withdraw,
    (ListKind.BLACK, "not_list"): _not_list,
    (ListKind.BLACK, "reverse_removal"): _reverse_removal,
    (ListKind.RED, "publicise"): _publicise,
    (ListKind.RED, "designate"): _designate,
    (ListKind.RED, "publish"): _publish,
    (ListKind.RED, "expire"): _expire_red,
    (ListKind.RED, "revoke"): _revoke_red,
    (ListKind.RED, "withdraw"): _withdraw,
}


def _system_step(listing: Listing, action: str, *, on, actor=None, document_number=None,
                 reasons=None) -> ListingEvent:
    """A step the rules force (expiry, revocation by signal): no capability or four-eyes
    check, the date rules still apply. ``actor`` is the person whose step triggered it
    (None for the scheduler); the event and the audit row name them."""
    return apply_listing_event(listing, action, None, on=on, document_number=document_number,
                               reasons=reasons, triggered_by=actor)


def _feed(listing: Listing, action: str, from_state: ListingState, on: dt.date) -> None:
    from credit_service.feed.services import record_change

    agency = listing.agency
    what = listing.list_kind.label
    subject = f"listing:{listing.id}"
    if listing.state == S.PUBLISHED and from_state != S.PUBLISHED:
        record_change(ChangeKind.LISTED, subject=subject, agency=agency,
                      title=f"{agency.name} 列入{what}",
                      detail=f"{on.isoformat()} 公布；文号 {listing.decision_number or ''}".strip())
    elif from_state == S.PUBLISHED and listing.state != S.PUBLISHED:
        record_change(ChangeKind.REMOVED, subject=subject, agency=agency,
                      title=f"{agency.name} 移出{what}",
                      detail=f"{on.isoformat()} {listing.state.label}：{listing.end_reason or ''}")


def _issue_documents(listing: Listing, event: ListingEvent) -> None:
    """Legal documents are produced on the write when configured (default), otherwise by
    the publish job; ``documents_due`` finds the ones still missing."""
    if not current_app.config.get("LIST_DOCUMENTS_ON_WRITE", True):
        return
    from credit_service.lists import documents

    documents.issue_for_event(listing, event)


# --------------------------------------------------------------------------- signal effects


def on_record_confirmed(record: Record, actor=None, **_) -> None:
    """SPEC.md §5.2: a confirmed violation opens a revocation proposal on the red listing
    at once (a staff reviewer then decides the revocation)."""
    from credit_service.jobs.models import Reminder

    agency = db.session.get(Agency, record.agency_id)
    for listing in open_listings(agency, ListKind.RED):
        if pending_revocation(listing) is not None:
            continue
        proposal_on = max(record.decided_on, last_event(listing).on)
        reasons = f"失信记录已确认（{record.decision_number}），拟撤销或撤回诚信服务示范机构"
        listing.events.append(ListingEvent(
            action="propose_revocation", from_state=listing.state, to_state=listing.state,
            on=proposal_on, document_number=record.decision_number, reasons=reasons,
            actor_id=getattr(actor, "id", None),
        ))
        db.session.add(Reminder(
            subject=f"listing:{listing.id}",
            due_on=rules.verification_deadline(proposal_on),
            message=f"{agency.name}：{reasons}，请审核",
        ))
        db.session.flush()
        record_audit("listing.propose_revocation", listing, actor=actor, after=snapshot(listing))


def on_record_revoked(record: Record, actor=None, overturned: bool = False, **_) -> None:
    """45号令 art.16: revoking the underlying decision revokes the listing; an open
    procedure resting on that record is withdrawn."""
    on = record.status_changed_on or _today()
    why = "所依据的处理决定被依法撤销（行政复议/诉讼）" if overturned else "所依据的处理决定已撤销"
    for listing in db.session.scalars(
        select(Listing).where(Listing.basis_record_id == record.id, Listing.list_kind == ListKind.BLACK)
    ).all():
        if listing.state in rules.BLACK_IN_EFFECT:
            action = "revoke"
        elif listing.state in rules.BLACK_PENDING:
            action = "withdraw"
        else:
            continue
        step_on = max(on, last_event(listing).on)
        _system_step(listing, action, on=step_on, actor=actor,
                     reasons=f"{why}（{record.decision_number}）")


def connect_signals() -> None:
    from credit_service.core.signals import record_confirmed, record_revoked

    record_confirmed.connect(on_record_confirmed)
    record_revoked.connect(on_record_revoked)
