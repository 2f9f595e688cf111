"""Cases: objections (异议) to a record, a listing or a grade, and credit-repair
applications (信用修复: record repair; early removal from the black list).

Submitted by agencies through the public form or ``POST /api/v1/cases``; each case gets a
public number (``JY2026-000123``) and a private tracking token that is stored only as a
SHA-256 hash. A reviewer decides with reasons; the decision's effects are applied in the
same transaction (record revoked or repaired → regrade; listing withdrawn, revoked or
removed early); a rejection changes nothing but the case.

Deadlines (working days, official holiday calendar):

* objection to a black/red listing — 5: 人社部令第45号 art.6, the bureau verifies an
  objection within 5 working days;
* objection to a record or a grade — 3: 河南省社会信用条例 art.43, objections are answered
  within 3 working days (7 when other departments must verify; not modelled);
* record repair — 5: local default (configurable, ``CASE_DEADLINES``); once approved the
  repair itself takes effect the same day, within art.43's 1 working day;
* early removal — 15: 人社部令第45号 art.13.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import time

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from credit_service.agencies.models import Agency
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.permissions import Capability, authorize
from credit_service.cases.models import Case
from credit_service.core.db import transactional, utcnow
from credit_service.core.enums import (
    CaseKind,
    CaseState,
    CaseSubject,
    ListingState,
    ListKind,
    RecordStatus,
    Severity,
)
from credit_service.core.errors import Conflict, NotFound, StaleWrite, ValidationFailed
from credit_service.core.workdays import working_days_after
from credit_service.extensions import db
from credit_service.lists import rules as list_rules
from credit_service.lists.models import Listing
from credit_service.records.models import Record

DEFAULT_DEADLINES = {
    (CaseKind.OBJECTION, CaseSubject.LISTING): 5,
    (CaseKind.OBJECTION, CaseSubject.RECORD): 3,
    (CaseKind.OBJECTION, CaseSubject.GRADE): 3,
    (CaseKind.REPAIR, CaseSubject.RECORD): 5,
    (CaseKind.REPAIR, CaseSubject.EARLY_REMOVAL): list_rules.EARLY_REMOVAL_DECISION_WORKING_DAYS,
}
ALLOWED = set(DEFAULT_DEADLINES)
OPEN_STATES = (CaseState.SUBMITTED, CaseState.REVIEWING)
# 国家发展改革委令第36号 (in force 2026-04-01): repair after the minimum publication period —
# general at least 3 months, serious at least 1 year; minor penalties are normally not published.
REPAIR_MIN_MONTHS = {Severity.MINOR: 0, Severity.GENERAL: 3, Severity.SERIOUS: 12}
NUMBER_RE = re.compile(r"^[A-Z]{2}\d{4}-\d{6}$")


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(case: Case, token: str | None) -> bool:
    if not token:
        return False
    return hmac.compare_digest(case.token_hash, hash_token(token.strip()))


def deadline_days(kind: CaseKind, subject: CaseSubject) -> int:
    overrides = current_app.config.get("CASE_DEADLINES") or {}
    return int(overrides.get(f"{kind.value}/{subject.value}", DEFAULT_DEADLINES[(kind, subject)]))


def get_case(number: str) -> Case:
    number = (number or "").strip().upper()
    case = db.session.scalar(select(Case).where(Case.number == number)) if NUMBER_RE.match(number) else None
    if case is None:
        raise NotFound("未找到该案件编号")
    return case


def _as_date(value, field: str, errors: dict, *, required=False) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append("请填写日期")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append("日期格式应为 YYYY-MM-DD")
        return None


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


def _next_number(year: int) -> str:
    prefix = f"{current_app.config.get('CASE_NUMBER_PREFIX', 'JY')}{year}-"
    last = db.session.scalar(
        select(func.max(Case.number)).where(Case.number.like(f"{prefix}%"))
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _lookup_agency(data: dict, errors: dict) -> Agency | None:
    agency = data.get("agency")
    if isinstance(agency, Agency):
        return agency
    from credit_service.core.uscc import InvalidUSCC, validate_uscc

    agency_id = _int_or_none(data.get("agency_id"))
    if agency_id:
        agency = db.session.get(Agency, agency_id) if agency_id > 0 else None
    else:
        # Check the code first (GB 32100-2015): a mistyped character gets the message
        # that says which one, not "not found".
        try:
            uscc = validate_uscc(str(data.get("uscc") or ""))
        except InvalidUSCC as exc:
            errors.setdefault("uscc", []).append(str(exc))
            return None
        agency = db.session.scalar(select(Agency).where(Agency.uscc == uscc))
    if agency is None:
        errors.setdefault("uscc", []).append("未找到该统一社会信用代码对应的机构")
    return agency


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1


def submit_case(data: dict) -> tuple[Case, str]:
    """Register an objection or repair application (see :func:`_submit_case`).

    SQLite: a deferred transaction that read before writing fails with "database is
    locked" when another writer committed meanwhile; as the outermost call we retry it
    (PostgreSQL waits on the row lock instead and never needs this)."""
    from sqlalchemy.exc import OperationalError

    from credit_service.core.db import _tx_depth

    attempts = 6 if _tx_depth.get() == 0 else 1
    for attempt in range(attempts):
        try:
            return _submit_case(data)
        except OperationalError as exc:
            locked = "database is locked" in str(exc.orig)
            if not locked or attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2 ** attempt)  # let the other writer finish its commit
    raise AssertionError("unreachable")


@transactional
def _submit_case(data: dict) -> tuple[Case, str]:
    """Register an objection or repair application; returns the case and the plaintext
    tracking token (shown once, stored hashed).

    ``data``: kind (objection|repair), subject (record|listing|grade|early_removal),
    uscc (or agency/agency_id), record_id, listing_id, applicant_name, applicant_contact,
    statement, corrected_on, commitment, submitted_on (default today).
    """
    data = dict(data or {})
    errors: dict[str, list[str]] = {}
    try:
        kind = CaseKind(data.get("kind"))
    except ValueError:
        kind = None
        errors["kind"] = ["请选择申请类型（异议或信用修复）"]
    try:
        subject = CaseSubject(data.get("subject"))
    except ValueError:
        subject = None
        errors["subject"] = ["请选择申请事项"]
    if kind and subject and (kind, subject) not in ALLOWED:
        errors["subject"] = [f"“{kind.label}”不适用于“{subject.label}”"]
    agency = _lookup_agency(data, errors)
    submitted_on = _as_date(data.get("submitted_on"), "submitted_on", errors) or _today()
    corrected_on = _as_date(data.get("corrected_on"), "corrected_on", errors)
    commitment = _as_bool(data.get("commitment"))
    applicant_name = str(data.get("applicant_name") or "").strip()
    applicant_contact = str(data.get("applicant_contact") or "").strip()
    statement = str(data.get("statement") or "").strip()
    if not applicant_name:
        errors["applicant_name"] = ["请填写申请人（单位经办人）姓名"]
    elif len(applicant_name) > 64:
        errors["applicant_name"] = ["姓名不超过64个字符"]
    if not applicant_contact:
        errors["applicant_contact"] = ["请填写联系方式（不会公开）"]
    elif len(applicant_contact) > 100:
        errors["applicant_contact"] = ["联系方式不超过100个字符"]
    if len(statement) < 10:
        errors["statement"] = ["请写明申请事实和理由（不少于10个字）"]
    elif len(statement) > 5000:
        errors["statement"] = ["申请内容不超过5000字"]

    record = listing = None
    if agency is not None and subject is not None and kind is not None:
        if subject == CaseSubject.RECORD:
            record_id = _int_or_none(data.get("record_id"))
            record = db.session.get(Record, record_id) if record_id and record_id > 0 else None
            number = str(data.get("record_decision_number") or "").strip()
            if record is None and number:
                # The public form identifies a record by its decision number (文书号).
                record = db.session.scalar(select(Record).where(
                    Record.agency_id == agency.id, Record.decision_number == number))
            if record is None or record.agency_id != agency.id:
                errors["record_id"] = ["请选择该机构名下的失信记录"]
                record = None
            elif record.status != RecordStatus.CONFIRMED:
                errors["record_id"] = ["该记录不处于已确认状态，无需申请"]
            elif kind == CaseKind.REPAIR and record.repaired_on is not None:
                errors["record_id"] = ["该记录已完成信用修复"]
        if subject in (CaseSubject.LISTING, CaseSubject.EARLY_REMOVAL):
            listing_id = _int_or_none(data.get("listing_id"))
            listing = db.session.get(Listing, listing_id) if listing_id and listing_id > 0 else None
            if listing is None and data.get("listing_id") in (None, ""):
                # Without an id: the agency's black listing (in effect for early removal,
                # any open one for an objection), else its open red listing.
                states = list_rules.BLACK_IN_EFFECT if subject == CaseSubject.EARLY_REMOVAL \
                    else list_rules.OPEN_STATES[ListKind.BLACK]
                listing = db.session.scalar(select(Listing).where(
                    Listing.agency_id == agency.id, Listing.list_kind == ListKind.BLACK,
                    Listing.state.in_(list(states))).order_by(Listing.id.desc()))
                if listing is None and subject == CaseSubject.LISTING:
                    listing = db.session.scalar(select(Listing).where(
                        Listing.agency_id == agency.id, Listing.list_kind == ListKind.RED,
                        Listing.state.in_(list(list_rules.OPEN_STATES[ListKind.RED])))
                        .order_by(Listing.id.desc()))
            if listing is None or listing.agency_id != agency.id:
                errors["listing_id"] = ["未找到该机构的名单条目"]
                listing = None
            elif listing.state not in list_rules.OPEN_STATES[listing.list_kind]:
                errors["listing_id"] = ["该名单条目已结束，无需申请"]
            elif subject == CaseSubject.EARLY_REMOVAL and (
                listing.list_kind != ListKind.BLACK or listing.state not in list_rules.BLACK_IN_EFFECT
            ):
                errors["listing_id"] = ["只有已列入严重违法失信名单的条目可以申请提前移出"]
        if kind == CaseKind.REPAIR:
            # 45号令 art.12 / 36号令: corrected and a written credit commitment.
            if corrected_on is None:
                errors.setdefault("corrected_on", []).append("请填写整改完成日期")
            elif corrected_on > submitted_on:
                errors.setdefault("corrected_on", []).append("整改完成日期不能晚于申请日期")
            if not commitment:
                errors["commitment"] = ["信用修复须作出书面信用承诺"]
    if errors:
        raise ValidationFailed("申请未通过校验", errors=errors)

    duplicate = db.session.scalar(select(Case).where(
        Case.agency_id == agency.id, Case.kind == kind, Case.subject == subject,
        Case.state.in_(OPEN_STATES),
        Case.record_id == record.id if record else Case.record_id.is_(None),
        Case.listing_id == listing.id if listing else Case.listing_id.is_(None),
    ))
    if duplicate is not None:
        raise Conflict(f"同一事项已有办理中的申请（{duplicate.number}），请勿重复提交")

    token = secrets.token_urlsafe(24)
    case = Case(
        token_hash=hash_token(token), kind=kind, subject=subject, agency_id=agency.id,
        record_id=record.id if record else None, listing_id=listing.id if listing else None,
        applicant_name=applicant_name, applicant_contact=applicant_contact, statement=statement,
        corrected_on=corrected_on, commitment=commitment, submitted_on=submitted_on,
        deadline=working_days_after(submitted_on, deadline_days(kind, subject)),
        state=CaseState.SUBMITTED,
    )
    # Case numbers are sequential per year; two concurrent submissions may pick the same
    # number, the loser retries inside a savepoint.
    for _attempt in range(5):
        case.number = _next_number(submitted_on.year)
        try:
            with db.session.begin_nested():
                db.session.add(case)
                db.session.flush()
            break
        except IntegrityError:
            continue
    else:
        raise Conflict("系统繁忙，请稍后重新提交")

    if (listing is not None and kind == CaseKind.OBJECTION and listing.state == ListingState.NOTIFIED
            and submitted_on <= listing.objection_deadline and submitted_on >= listing.notified_on):
        # 45号令 art.6: an objection within the window puts the procedure into verification.
        from credit_service.lists.services import apply_listing_event

        apply_listing_event(listing, "object", None, on=submitted_on, document_number=case.number,
                            reasons=f"收到异议申请 {case.number}")
    record_audit("case.submit", case, actor=None,
                 after=snapshot(case, ["number", "kind", "subject", "agency_id", "record_id",
                                       "listing_id", "submitted_on", "deadline", "state"]))
    return case, token


@transactional
def start_review(case: Case, actor, *, expected_version=None) -> Case:
    authorize(actor, Capability.REVIEW)
    _check_stale(case, expected_version)
    if case.state != CaseState.SUBMITTED:
        raise Conflict(f"案件当前状态为“{case.state.label}”，不能开始审查")
    before = snapshot(case)
    case.state = CaseState.REVIEWING
    _flush(case, expected_version)
    record_audit("case.review", case, actor=actor, before=before, after=snapshot(case))
    return case


def _check_stale(case: Case, expected_version) -> None:
    if expected_version is None or expected_version == "":
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed("版本号有误", errors={"version": ["版本号应为整数"]}) from None
    if expected != case.version:
        raise StaleWrite(case, expected)


def _flush(case: Case, expected_version) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleWrite(case, expected_version) from None


@transactional
def decide_case(case: Case, actor, *, accepted: bool, reasons: str, on,
                expected_version=None, document_number: str | None = None) -> Case:
    """Decide with reasons and apply the effects in the same transaction.

    Accepted: objection/record → the record is revoked (regrade via the records effects);
    objection/listing → open procedure withdrawn, listing in effect revoked;
    objection/grade → regrade; repair/record → record repaired (regrade);
    repair/early_removal → early removal under 45号令 art.12–14 (conditions re-checked).
    Rejected: only the case changes.
    """
    authorize(actor, Capability.REVIEW)
    _check_stale(case, expected_version)
    if case.state not in OPEN_STATES:
        raise Conflict(f"案件已办结（{case.state.label}），不能再次决定")
    errors: dict[str, list[str]] = {}
    on = _as_date(on, "date", errors, required=True)
    reasons = str(reasons or "").strip()
    if not reasons:
        errors["reasons"] = ["请写明决定理由"]
    if on is not None and on < case.submitted_on:
        errors["date"] = ["决定日期不能早于申请日期"]
    if errors:
        raise ValidationFailed("决定未通过校验", errors=errors)

    before = snapshot(case)
    if accepted:
        _apply_effects(case, actor, on=on, reasons=reasons,
                       document_number=(document_number or "").strip() or case.number)
    case.state = CaseState.ACCEPTED if accepted else CaseState.REJECTED
    case.decided_by_id = actor.id
    case.decided_at = utcnow()
    case.decided_on = on
    case.decision_reasons = reasons
    _flush(case, expected_version)
    record_audit("case.decide", case, actor=actor, before=before, after=snapshot(case))
    return case


def _apply_effects(case: Case, actor, *, on, reasons, document_number) -> None:
    from credit_service.lists.services import apply_listing_event, regrade

    kind, subject = case.kind, case.subject
    if subject == CaseSubject.GRADE:
        regrade(case.agency, as_of=on, actor=actor)
    elif subject == CaseSubject.RECORD:
        record = db.session.get(Record, case.record_id)
        if record is None or record.status != RecordStatus.CONFIRMED:
            raise Conflict("所涉失信记录已不处于已确认状态")
        if kind == CaseKind.OBJECTION:
            _revoke_record(record, actor, on=on, reason=f"异议成立（{case.number}）：{reasons}")
        else:
            _repair_record(case, record, actor, on=on, reasons=reasons)
    elif subject == CaseSubject.LISTING:
        listing = db.session.get(Listing, case.listing_id)
        black = listing.list_kind == ListKind.BLACK
        in_effect = listing.state in (list_rules.BLACK_IN_EFFECT if black else list_rules.RED_IN_EFFECT)
        pending = listing.state in (list_rules.BLACK_PENDING if black else list_rules.RED_PENDING)
        if not (in_effect or pending):
            raise Conflict(f"名单条目当前状态为“{listing.state.label}”，无法按异议处理")
        apply_listing_event(listing, "revoke" if in_effect else "withdraw", actor, on=on,
                            document_number=document_number,
                            reasons=f"异议成立（{case.number}）：{reasons}")
    elif subject == CaseSubject.EARLY_REMOVAL:
        listing = db.session.get(Listing, case.listing_id)
        apply_listing_event(listing, "early_remove", actor, on=on, document_number=document_number,
                            reasons=reasons, corrected_on=case.corrected_on,
                            commitment_received_on=case.submitted_on if case.commitment else None)


def _records_service(name: str):
    try:
        from credit_service.records import services
    except ImportError:
        return None
    return getattr(services, name, None)


def _revoke_record(record: Record, actor, *, on, reason) -> None:
    """Through the records feature when present (it sends ``record_revoked`` and
    regrades); otherwise the same effects here."""
    service = _records_service("revoke_record")
    if service is not None:
        service(record, actor, reason=reason, on=on)
        return
    from credit_service.core.signals import record_revoked
    from credit_service.lists.services import regrade

    before = snapshot(record)
    record.status = RecordStatus.REVOKED
    record.status_reason = reason
    record.status_changed_on = on
    db.session.flush()
    record_audit("record.revoke", record, actor=actor, before=before, after=snapshot(record))
    record_revoked.send(record, actor=actor, overturned=False)
    regrade(record.agency, as_of=on, actor=actor)


def repair_problems(case: Case, record: Record, on: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    corrected_on = case.corrected_on or record.corrected_on
    if corrected_on is None or corrected_on > on:
        errors["corrected_on"] = ["须已整改完毕"]
    if not case.commitment:
        errors["commitment"] = ["须作出书面信用承诺"]
    min_months = REPAIR_MIN_MONTHS[Severity(record.severity)]
    earliest = list_rules.add_months(record.decided_on, min_months)
    if on < earliest:
        errors["date"] = [f"该记录最短公示期未满（国家发展改革委令第36号），{earliest.isoformat()}起方可修复"]
    open_black = db.session.scalar(select(Listing.id).where(
        Listing.basis_record_id == record.id, Listing.list_kind == ListKind.BLACK,
        Listing.state.in_(list(list_rules.BLACK_IN_EFFECT))))
    if open_black is not None:
        errors["record_id"] = ["该记录是严重违法失信名单的列入依据，须先按提前移出程序办理"]
    return errors


def _repair_record(case: Case, record: Record, actor, *, on, reasons) -> None:
    errors = repair_problems(case, record, on)
    if errors:
        raise ValidationFailed("不符合信用修复条件", errors=errors)
    service = _records_service("repair_record")
    if service is not None:
        mark_corrected = _records_service("mark_corrected")
        if record.corrected_on is None and case.corrected_on and mark_corrected is not None:
            mark_corrected(record, actor, case.corrected_on)
        service(record, actor, on)
        return
    from credit_service.core.signals import record_repaired
    from credit_service.lists.services import regrade

    before = snapshot(record)
    record.repaired_on = on
    if record.corrected_on is None:
        record.corrected_on = case.corrected_on
    db.session.flush()
    record_audit("record.repair", record, actor=actor, before=before, after=snapshot(record))
    record_repaired.send(record, actor=actor)
    regrade(record.agency, as_of=on, actor=actor)


def open_cases() -> list[Case]:
    return list(db.session.scalars(
        select(Case).where(Case.state.in_(OPEN_STATES)).order_by(Case.deadline, Case.id)
    ))


def stage_label(case: Case) -> str:
    return case.state.label
