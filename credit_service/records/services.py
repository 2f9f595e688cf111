"""Violation records (失信记录) and honours (守信记录).

Life of a record: a clerk enters a **draft** (:func:`record_violation`), a reviewer who did
not enter it **confirms** it (:func:`confirm_record`, four eyes), and a confirmed record
may later be **revoked** or **overturned** (行政复议/诉讼撤销) with reasons
(:func:`revoke_record`). Rectification (整改, :func:`mark_corrected`) and credit repair
(信用修复, :func:`repair_record`) are dated facts on the record.

Every service validates with the shared Cleaner (same rules for forms, imports and API),
records exactly one audit row for its own object, sends the domain signal the other
features listen to, regrades the agency, and commits once at the ``@transactional`` edge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select

from credit_service.agencies.models import Agency
from credit_service.agencies.services import check_version, flush_versioned, regrade
from credit_service.agencies.validation import Cleaner
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.permissions import Capability, authorize, require_other_person
from credit_service.core import signals
from credit_service.core.catalog import get_catalog
from credit_service.core.db import transactional, utcnow
from credit_service.core.enums import (
    HonourKind,
    HonourLevel,
    MajorCaseKind,
    PenaltyKind,
    RecordSource,
    RecordStatus,
    Severity,
)
from credit_service.core.errors import Conflict, NotFound, ValidationFailed
from credit_service.extensions import db
from credit_service.records.models import Honour, Record

RECORD_LABELS = {
    "agency_uscc": "机构统一社会信用代码",
    "violation_code": "违法行为类型",
    "severity": "严重程度",
    "facts": "违法事实",
    "occurred_on": "违法行为发生日期",
    "decided_on": "处理决定日期",
    "decision_number": "决定文书号",
    "authority": "作出决定机关",
    "penalty_kind": "处理种类",
    "fine_amount": "罚款金额",
    "rectify_by": "整改期限",
    "corrected_on": "整改完成日期",
    "refused_to_comply": "拒不改正/拒不履行",
    "major_case_kind": "重大违法行为类型",
    "source": "线索来源",
    "internal_notes": "内部备注",
    "reason": "理由",
    "on": "日期",
}
HONOUR_LABELS = {
    "kind": "守信记录类型",
    "level": "级别",
    "title": "名称",
    "issuer": "授予机关",
    "document_number": "文件号",
    "granted_on": "授予日期",
    "valid_until": "有效期至",
    "reason": "撤销理由",
    "on": "撤销日期",
}
#: form value meaning "no major-case kind" (blank means "the catalog's default")
NO_MAJOR_CASE = "none"


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


def get_record(record_id: int) -> Record:
    record = db.session.get(Record, record_id)
    if record is None:
        raise NotFound("未找到该失信记录")
    return record


def get_honour(honour_id: int) -> Honour:
    honour = db.session.get(Honour, honour_id)
    if honour is None:
        raise NotFound("未找到该守信记录")
    return honour


def violation_name(code: str) -> str:
    vtype = get_catalog().get(code)
    return vtype.name if vtype else code


# --------------------------------------------------------------------------- validation


def clean_record(data: Mapping, *, partial: bool = False) -> dict:
    """Validate record fields; defaults (severity, major-case kind) come from the
    violation catalog when the value is absent or blank.

    ``major_case_kind``: blank/absent → catalog default; ``"none"`` or explicit ``None``
    from the API → no major-case kind.
    """
    c = Cleaner(data, partial=partial)
    L = RECORD_LABELS
    catalog = get_catalog()
    vtype = None
    if c.wanted("violation_code"):
        code = str(data.get("violation_code") or "").strip()
        if not code:
            c.fail("violation_code", "请选择违法行为类型")
        else:
            vtype = catalog.get(code) or next((v for v in catalog.values() if v.name == code), None)
            if vtype is None:
                c.fail("violation_code", f"违法行为目录中没有“{code}”")
            else:
                c.values["violation_code"] = vtype.code
    c.choice("severity", L["severity"], Severity)
    c.text("facts", L["facts"], required=True, max_length=10000)
    c.date("occurred_on", L["occurred_on"], required=True)
    c.date("decided_on", L["decided_on"], required=True)
    c.text("decision_number", L["decision_number"], required=True, max_length=100)
    c.text("authority", L["authority"], required=True, max_length=100)
    c.choice("penalty_kind", L["penalty_kind"], PenaltyKind, required=True)
    c.decimal("fine_amount", L["fine_amount"], default=0)
    c.date("rectify_by", L["rectify_by"])
    c.date("corrected_on", L["corrected_on"])
    c.boolean("refused_to_comply", L["refused_to_comply"])
    major_raw = data.get("major_case_kind")
    major_explicit = True
    if "major_case_kind" in data and major_raw is None:
        c.values["major_case_kind"] = None  # API: explicit null means "none"
    elif str(major_raw or "").strip().lower() in (NO_MAJOR_CASE, "无"):
        c.values["major_case_kind"] = None
    elif str(major_raw or "").strip() == "":
        major_explicit = False
    else:
        c.choice("major_case_kind", L["major_case_kind"], MajorCaseKind)
    c.choice("source", L["source"], RecordSource, required=True)
    c.text("internal_notes", L["internal_notes"], max_length=10000)
    v = c.values
    # Catalog defaults (SPEC.md §3 "default severity"; 29号令 art.5 major-case kinds) apply
    # when the type is set and the field was left blank.
    if vtype is not None:
        if v.get("severity") is None:
            v["severity"] = vtype.default_severity
        if not major_explicit:
            v["major_case_kind"] = vtype.major_case_kind
    elif not partial and v.get("severity") is None and "violation_code" not in c.errors:
        c.fail("severity", "请选择严重程度")
    today = _today()
    occurred, decided = v.get("occurred_on"), v.get("decided_on")
    if decided and decided > today:
        c.fail("decided_on", "处理决定日期不能晚于今天")
    if occurred and decided and decided < occurred:
        c.fail("decided_on", "处理决定日期不能早于违法行为发生日期")
    if v.get("corrected_on"):
        if occurred and v["corrected_on"] < occurred:
            c.fail("corrected_on", "整改完成日期不能早于违法行为发生日期")
        if v["corrected_on"] > today:
            c.fail("corrected_on", "整改完成日期不能晚于今天")
    if v.get("rectify_by") and occurred and v["rectify_by"] < occurred:
        c.fail("rectify_by", "整改期限不能早于违法行为发生日期")
    if v.get("penalty_kind") == PenaltyKind.FINE and v.get("fine_amount") is not None \
            and v["fine_amount"] <= 0:
        c.fail("fine_amount", "处理种类为罚款时请填写罚款金额")
    if partial and "severity" in v and v["severity"] is None:
        c.fail("severity", "请选择严重程度")
    return c.done("失信记录未通过校验")


def decision_number_taken(authority: str, decision_number: str, exclude_id: int | None = None) -> bool:
    query = select(Record.id).where(Record.authority == authority,
                                    Record.decision_number == decision_number)
    if exclude_id:
        query = query.where(Record.id != exclude_id)
    return db.session.scalar(query) is not None


def _duplicate_error(authority: str, decision_number: str) -> Conflict:
    return Conflict("该机关的决定文书号已登记",
                    {"decision_number": [f"“{authority}”的决定文书号“{decision_number}”已登记，不能重复录入"]})


def default_authority() -> str:
    return current_app.config.get("BUREAU_NAME") or ""


# --------------------------------------------------------------------------- records


@transactional
def record_violation(agency: Agency, data: Mapping, actor) -> Record:
    """Enter a violation record as a draft (待审核).

    ``data``: violation_code, facts, occurred_on, decided_on, decision_number, authority,
    penalty_kind, source (required); severity and major_case_kind (catalog defaults),
    fine_amount, rectify_by, corrected_on, refused_to_comply, internal_notes (optional).
    Raises ValidationFailed (422) or Conflict (409, duplicate decision number).
    """
    values = clean_record(data)
    if decision_number_taken(values["authority"], values["decision_number"]):
        raise _duplicate_error(values["authority"], values["decision_number"])
    record = Record(agency_id=agency.id, status=RecordStatus.DRAFT,
                    entered_by_id=getattr(actor, "id", None), **values)
    record.agency = agency
    db.session.add(record)
    db.session.flush()
    record_audit("record.create", record, actor=actor, after=snapshot(record))
    regrade(agency, actor)
    return record


@transactional
def update_record(record: Record, data: Mapping, actor, expected_version) -> Record:
    """Edit a draft (only the keys in ``data``). Confirmed records are not edited: revoke
    and re-enter, so the public history stays truthful. Stale ``expected_version`` → 409."""
    check_version(record, expected_version)
    if record.status != RecordStatus.DRAFT:
        raise Conflict("只有待审核的草稿可以修改；已确认的记录如有错误，请撤销后重新录入")
    values = clean_record(data, partial=True)
    before = snapshot(record)
    for key, value in values.items():
        setattr(record, key, value)
    # Cross-field rules once more on the merged record.
    errors: dict[str, list[str]] = {}
    if record.decided_on < record.occurred_on:
        errors["decided_on"] = ["处理决定日期不能早于违法行为发生日期"]
    if record.corrected_on and record.corrected_on < record.occurred_on:
        errors["corrected_on"] = ["整改完成日期不能早于违法行为发生日期"]
    if errors:
        raise ValidationFailed("失信记录未通过校验", errors)
    if decision_number_taken(record.authority, record.decision_number, record.id):
        raise _duplicate_error(record.authority, record.decision_number)
    if snapshot(record) == before:
        return record
    flush_versioned(record, expected_version)
    record_audit("record.update", record, actor=actor, before=before, after=snapshot(record))
    regrade(record.agency, actor)
    return record


@transactional
def confirm_record(record: Record, actor, expected_version=None) -> Record:
    """Confirm a draft (reviewer). Four eyes: the person who entered it cannot confirm it.
    Sends ``record_confirmed`` (e.g. opens a red-list revocation proposal, SPEC.md §5.2)
    and regrades the agency."""
    if actor is not None:
        authorize(actor, Capability.REVIEW)
    check_version(record, expected_version)
    if record.status != RecordStatus.DRAFT:
        raise Conflict(f"该记录当前状态为“{record.status.label}”，只有待审核的草稿可以确认")
    require_other_person(actor, record.entered_by_id, "确认失信记录")
    before = snapshot(record)
    record.status = RecordStatus.CONFIRMED
    record.confirmed_by_id = getattr(actor, "id", None)
    record.confirmed_at = utcnow()
    flush_versioned(record, expected_version)
    record_audit("record.confirm", record, actor=actor, before=before, after=snapshot(record))
    signals.record_confirmed.send(record, actor=actor)
    regrade(record.agency, actor)
    return record


def _clean_reason_and_date(reason, on, *, labels=RECORD_LABELS, earliest: dt.date | None = None,
                           earliest_text: str = "") -> tuple[str, dt.date]:
    c = Cleaner({"reason": reason, "on": on if on is not None else _today()})
    c.text("reason", labels["reason"], required=True, max_length=2000)
    c.date("on", labels["on"], required=True)
    when = c.values.get("on")
    if when and when > _today():
        c.fail("on", "日期不能晚于今天")
    if when and earliest and when < earliest:
        c.fail("on", earliest_text)
    values = c.done()
    return values["reason"], values["on"]


@transactional
def revoke_record(record: Record, actor, reason: str, on=None, overturned: bool = False,
                  expected_version=None) -> Record:
    """Revoke a record (撤销), or mark it overturned by reconsideration or litigation
    (``overturned=True``). A revoked record stops counting from ``on``; a draft can be
    withdrawn the same way. Sends ``record_revoked`` for confirmed records
    (45号令 art.16: the listings resting on it are revoked)."""
    if actor is not None:
        authorize(actor, Capability.REVIEW)
    check_version(record, expected_version)
    if record.status not in (RecordStatus.DRAFT, RecordStatus.CONFIRMED):
        raise Conflict(f"该记录已{record.status.label}，不能重复撤销")
    if overturned and record.status == RecordStatus.DRAFT:
        raise Conflict("草稿尚未生效，不能标记为被复议/诉讼撤销")
    reason, on = _clean_reason_and_date(reason, on, earliest=record.decided_on,
                                        earliest_text="撤销日期不能早于处理决定日期")
    was_confirmed = record.status == RecordStatus.CONFIRMED
    before = snapshot(record)
    record.status = RecordStatus.OVERTURNED if overturned else RecordStatus.REVOKED
    record.status_reason = reason
    record.status_changed_on = on
    flush_versioned(record, expected_version)
    record_audit("record.overturn" if overturned else "record.revoke", record, actor=actor,
                 before=before, after=snapshot(record))
    if was_confirmed:
        signals.record_revoked.send(record, actor=actor, overturned=overturned)
    regrade(record.agency, actor)
    return record


@transactional
def mark_corrected(record: Record, actor, on, *, rectify_by=None, refused_to_comply=None,
                   expected_version=None) -> Record:
    """Record rectification (整改): completed on ``on`` (may be None to clear it), and
    optionally the deadline ``rectify_by`` and whether the agency refused to comply."""
    check_version(record, expected_version)
    if record.status not in (RecordStatus.DRAFT, RecordStatus.CONFIRMED):
        raise Conflict(f"该记录已{record.status.label}，不能再登记整改情况")
    data = {"corrected_on": on, "rectify_by": rectify_by if rectify_by is not None else record.rectify_by}
    if refused_to_comply is not None:
        data["refused_to_comply"] = refused_to_comply
    c = Cleaner(data, partial=True)
    c.date("corrected_on", RECORD_LABELS["corrected_on"])
    c.date("rectify_by", RECORD_LABELS["rectify_by"])
    c.boolean("refused_to_comply", RECORD_LABELS["refused_to_comply"])
    values = c.done("整改信息未通过校验")
    errors: dict[str, list[str]] = {}
    corrected = values.get("corrected_on")
    if corrected and corrected < record.occurred_on:
        errors["corrected_on"] = ["整改完成日期不能早于违法行为发生日期"]
    if corrected and corrected > _today():
        errors["corrected_on"] = ["整改完成日期不能晚于今天"]
    if values.get("rectify_by") and values["rectify_by"] < record.occurred_on:
        errors["rectify_by"] = ["整改期限不能早于违法行为发生日期"]
    if errors:
        raise ValidationFailed("整改信息未通过校验", errors)
    before = snapshot(record)
    for key, value in values.items():
        setattr(record, key, value)
    if snapshot(record) == before:
        return record
    flush_versioned(record, expected_version)
    record_audit("record.corrected", record, actor=actor, before=before, after=snapshot(record))
    regrade(record.agency, actor)
    return record


@transactional
def repair_record(record: Record, actor, on, expected_version=None) -> Record:
    """Credit repair (信用修复): the confirmed record stops counting from ``on``.
    Sends ``record_repaired``."""
    if actor is not None:
        authorize(actor, Capability.REVIEW)
    check_version(record, expected_version)
    if record.status != RecordStatus.CONFIRMED:
        raise Conflict("只有已确认的记录可以信用修复")
    if record.repaired_on is not None:
        raise Conflict(f"该记录已于{record.repaired_on.isoformat()}完成信用修复")
    c = Cleaner({"repaired_on": on if on is not None else _today()})
    c.date("repaired_on", "修复日期", required=True)
    values = c.done("信用修复信息未通过校验")
    repaired = values["repaired_on"]
    if repaired < record.decided_on:
        raise ValidationFailed("信用修复信息未通过校验", {"repaired_on": ["修复日期不能早于处理决定日期"]})
    if repaired > _today():
        raise ValidationFailed("信用修复信息未通过校验", {"repaired_on": ["修复日期不能晚于今天"]})
    before = snapshot(record)
    record.repaired_on = repaired
    flush_versioned(record, expected_version)
    record_audit("record.repair", record, actor=actor, before=before, after=snapshot(record))
    signals.record_repaired.send(record, actor=actor)
    regrade(record.agency, actor)
    return record


# --------------------------------------------------------------------------- honours


def clean_honour(data: Mapping) -> dict:
    c = Cleaner(data)
    L = HONOUR_LABELS
    c.choice("kind", L["kind"], HonourKind, required=True)
    c.choice("level", L["level"], HonourLevel, required=True)
    c.text("title", L["title"], required=True, max_length=200)
    c.text("issuer", L["issuer"], required=True, max_length=100)
    c.text("document_number", L["document_number"], required=True, max_length=100)
    c.date("granted_on", L["granted_on"], required=True)
    c.date("valid_until", L["valid_until"])
    v = c.values
    if v.get("granted_on") and v["granted_on"] > _today():
        c.fail("granted_on", "授予日期不能晚于今天")
    if v.get("granted_on") and v.get("valid_until") and v["valid_until"] < v["granted_on"]:
        c.fail("valid_until", "有效期截止日不能早于授予日期")
    return c.done("守信记录未通过校验")


@transactional
def add_honour(agency: Agency, data: Mapping, actor) -> Honour:
    """Enter an honour: kind, level, title, issuer, document_number, granted_on,
    valid_until (optional; an honour counts 5 years from grant unless revoked)."""
    values = clean_honour(data)
    duplicate = db.session.scalar(select(Honour.id).where(
        Honour.agency_id == agency.id, Honour.issuer == values["issuer"],
        Honour.document_number == values["document_number"]))
    if duplicate:
        raise Conflict("该守信记录已登记", {"document_number": ["同一授予机关的该文件号已为本机构登记"]})
    honour = Honour(agency_id=agency.id, entered_by_id=getattr(actor, "id", None), **values)
    honour.agency = agency
    db.session.add(honour)
    db.session.flush()
    record_audit("honour.create", honour, actor=actor, after=snapshot(honour))
    regrade(agency, actor)
    return honour


@transactional
def revoke_honour(honour: Honour, actor, on, reason: str) -> Honour:
    """Revoke an honour from ``on`` with reasons (it stops counting from that day)."""
    if honour.revoked_on is not None:
        raise Conflict("该守信记录已撤销")
    reason, on = _clean_reason_and_date(reason, on, labels=HONOUR_LABELS,
                                        earliest=honour.granted_on,
                                        earliest_text="撤销日期不能早于授予日期")
    before = snapshot(honour)
    honour.revoked_on = on
    honour.revoked_reason = reason
    db.session.flush()
    record_audit("honour.revoke", honour, actor=actor, before=before, after=snapshot(honour))
    regrade(honour.agency, actor)
    return honour


# --------------------------------------------------------------------------- reading


def records_query(*, status=None, agency: Agency | None = None, q: str | None = None,
                  violation_code: str | None = None, entered_by_id: int | None = None):
    query = select(Record).join(Agency)
    if status:
        query = query.where(Record.status == status)
    if agency is not None:
        query = query.where(Record.agency_id == agency.id)
    if violation_code:
        query = query.where(Record.violation_code == violation_code)
    if entered_by_id:
        query = query.where(Record.entered_by_id == entered_by_id)
    q = (q or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(Agency.name.like(like) | Record.decision_number.like(like)
                            | (Agency.uscc == q.upper()))
    return query.order_by(Record.decided_on.desc(), Record.id.desc())
