"""Agency files (诚信档案): registration data, former names, licences, annual reports.

Every service validates with the shared :class:`~credit_service.agencies.validation.Cleaner`
(the same rules for staff forms, imports and the API), writes, records exactly one audit
row, regrades the agency (the grading feature decides whether the grade moves) and
commits once at the ``@transactional`` edge.

``data`` values may be strings (forms, CSV), XLSX cell values or typed values (API).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from credit_service.agencies.models import Agency, AnnualReport, FormerName, Licence
from credit_service.agencies.validation import Cleaner
from credit_service.audit.services import record_audit, snapshot
from credit_service.core import signals
from credit_service.core.db import transactional
from credit_service.core.enums import AgencyKind, AgencyStatus, LicenceKind, LicenceStatus
from credit_service.core.errors import Conflict, NotFound, StaleWrite, ValidationFailed
from credit_service.core.uscc import InvalidUSCC, validate_uscc
from credit_service.extensions import db

AGENCY_LABELS = {
    "uscc": "统一社会信用代码",
    "name": "机构名称",
    "kinds": "机构类型",
    "legal_rep_name": "法定代表人",
    "address": "住所",
    "district": "所属区域",
    "registered_capital": "注册资本",
    "established_on": "成立日期",
    "status": "登记状态",
    "contact_phone": "联系电话",
    "legal_rep_id_number": "法定代表人身份证号",
    "renamed_on": "更名日期",
}
LICENCE_LABELS = {
    "kind": "证照类型",
    "number": "证照编号",
    "issuer": "发证机关",
    "issued_on": "发证日期",
    "valid_until": "有效期至",
    "status": "证照状态",
}
ANNUAL_REPORT_LABELS = {
    "year": "年度",
    "submitted_on": "报送日期",
    "publicised": "已公示",
    "on_time": "按时报送",
}
_PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")
_ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dX])$")
# domain.md §7: the annual report for year Y is due by 31 March of Y+1.
ANNUAL_REPORT_DUE = (3, 31)


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


# --------------------------------------------------------------------------- shared helpers


def regrade(agency: Agency, actor=None) -> None:
    """Let the grading feature recompute the agency's grade inside this transaction.

    Imported lazily: grading is built alongside and may not be installed yet.
    """
    try:
        from credit_service.grading.services import regrade_agency
    except ImportError:
        return
    regrade_agency(agency, actor=actor)


def changed_by(obj) -> str | None:
    """Display name (or channel) of whoever last changed ``obj``, from the audit log."""
    from credit_service.audit.models import AuditEvent
    from credit_service.auth.models import User

    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == str(obj.id))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return None
    user = db.session.get(User, event.actor_id) if event.actor_id else None
    return user.display_name if user else event.actor_label


def check_version(obj, expected_version) -> None:
    """Optimistic locking: refuse an edit made against an older version (409)."""
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed("版本号无效", {"version": ["版本号应为整数"]}) from None
    if expected != obj.version:
        raise StaleWrite(obj, expected, changed_by=changed_by(obj))


def flush_versioned(obj, expected_version) -> None:
    """Flush; a concurrent writer that got in between turns into a StaleWrite, not a 500."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(obj)
        raise StaleWrite(obj, expected_version, changed_by=changed_by(obj)) from None


def get_agency(uscc: str) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.uscc == (uscc or "").strip().upper()))
    if agency is None:
        raise NotFound("未找到该机构")
    return agency


def get_licence(licence_id: int) -> Licence:
    licence = db.session.get(Licence, licence_id)
    if licence is None:
        raise NotFound("未找到该证照")
    return licence


# --------------------------------------------------------------------------- validation


def clean_agency(data: Mapping, *, partial: bool = False) -> dict:
    """Validate agency fields; returns typed values or raises ValidationFailed.

    Used by :func:`create_agency`, :func:`update_agency` and the agency import.
    """
    c = Cleaner(data, partial=partial)
    if not partial:
        raw = data.get("uscc")
        try:
            c.values["uscc"] = validate_uscc(raw if raw is not None else "")
        except InvalidUSCC as exc:
            c.fail("uscc", str(exc))
    L = AGENCY_LABELS
    c.text("name", L["name"], required=True, max_length=200)
    c.choices("kinds", L["kinds"], AgencyKind, required=True)
    c.text("legal_rep_name", L["legal_rep_name"], required=True, max_length=64)
    c.text("address", L["address"], required=True, max_length=300)
    c.text("district", L["district"], max_length=64, empty_as="")
    c.decimal("registered_capital", L["registered_capital"], default=0)
    c.date("established_on", L["established_on"], required=True)
    c.choice("status", L["status"], AgencyStatus, default=AgencyStatus.OPERATING)
    c.text("contact_phone", L["contact_phone"], max_length=32)
    c.text("legal_rep_id_number", L["legal_rep_id_number"], max_length=32)
    c.date("renamed_on", L["renamed_on"])
    v = c.values
    if v.get("established_on") and v["established_on"] > _today():
        c.fail("established_on", "成立日期不能晚于今天")
    if v.get("contact_phone") and not _PHONE.match(v["contact_phone"]):
        c.fail("contact_phone", "联系电话只能包含数字、空格和 + - ( )")
    if v.get("legal_rep_id_number"):
        v["legal_rep_id_number"] = v["legal_rep_id_number"].upper()
        if not _ID_NUMBER.match(v["legal_rep_id_number"]):
            c.fail("legal_rep_id_number", "身份证号应为15位数字或18位（末位可为X）")
    if partial and "status" in v and v["status"] is None:
        c.fail("status", "请选择登记状态")
    if v.get("name"):
        v["name"] = " ".join(v["name"].split())
    return c.done("机构信息未通过校验")


def uscc_taken(uscc: str) -> bool:
    return db.session.scalar(select(Agency.id).where(Agency.uscc == uscc)) is not None


# --------------------------------------------------------------------------- agencies


@transactional
def create_agency(data: Mapping, actor) -> Agency:
    """Register an agency. ``data``: uscc, name, kinds, legal_rep_name, address,
    established_on (required); district, registered_capital, status, contact_phone,
    legal_rep_id_number (optional). Raises ValidationFailed (422) for bad fields and
    Conflict (409) when the USCC is already registered."""
    values = clean_agency(data)
    values.pop("renamed_on", None)
    if uscc_taken(values["uscc"]):
        raise Conflict("该统一社会信用代码已登记", {"uscc": ["该统一社会信用代码已登记，请打开已有档案"]})
    kinds = values.pop("kinds")
    agency = Agency(**values)
    agency.kinds = kinds
    db.session.add(agency)
    db.session.flush()
    record_audit("agency.create", agency, actor=actor, after=snapshot(agency))
    regrade(agency, actor)
    return agency


@transactional
def update_agency(agency: Agency, data: Mapping, actor, expected_version) -> Agency:
    """Edit an agency (only the keys present in ``data``). A rename keeps the former
    name (曾用名, searchable) with the day it stopped being used (``renamed_on``, default
    today). ``expected_version``: the version the editor read; a different current version
    raises StaleWrite (409). The USCC cannot change."""
    check_version(agency, expected_version)
    if "uscc" in data and str(data["uscc"] or "").strip().upper() != agency.uscc:
        raise ValidationFailed("机构信息未通过校验", {"uscc": ["统一社会信用代码不能修改；如登记有误请联系管理员"]})
    values = clean_agency(data, partial=True)
    renamed_on = values.pop("renamed_on", None) or _today()
    before = snapshot(agency)
    if "name" in values and values["name"] != agency.name:
        agency.former_names.append(FormerName(name=agency.name, used_until=renamed_on))
    if "kinds" in values:
        agency.kinds = values.pop("kinds")
    for key, value in values.items():
        setattr(agency, key, value)
    if snapshot(agency) == before:
        return agency  # nothing changed: no write, no audit row
    flush_versioned(agency, expected_version)
    record_audit("agency.update", agency, actor=actor, before=before, after=snapshot(agency))
    signals.agency_file_changed.send(agency, actor=actor)
    regrade(agency, actor)
    return agency


# --------------------------------------------------------------------------- licences


def clean_licence(data: Mapping, *, partial: bool = False) -> dict:
    c = Cleaner(data, partial=partial)
    L = LICENCE_LABELS
    c.choice("kind", L["kind"], LicenceKind, required=True)
    c.text("number", L["number"], required=True, max_length=64)
    c.text("issuer", L["issuer"], required=True, max_length=100)
    c.date("issued_on", L["issued_on"], required=True)
    c.date("valid_until", L["valid_until"])
    c.choice("status", L["status"], LicenceStatus, default=LicenceStatus.VALID)
    v = c.values
    if v.get("issued_on") and v["issued_on"] > _today():
        c.fail("issued_on", "发证日期不能晚于今天")
    return c.done("证照信息未通过校验")


def _licence_clash(issuer: str, number: str, exclude_id: int | None = None) -> bool:
    query = select(Licence.id).where(Licence.issuer == issuer, Licence.number == number)
    if exclude_id:
        query = query.where(Licence.id != exclude_id)
    return db.session.scalar(query) is not None


@transactional
def add_licence(agency: Agency, data: Mapping, actor) -> Licence:
    """Add a licence or filing (许可证/备案凭证): kind, number, issuer, issued_on,
    valid_until, status."""
    values = clean_licence(data)
    errors: dict[str, list[str]] = {}
    if values.get("valid_until") and values["valid_until"] < values["issued_on"]:
        errors["valid_until"] = ["有效期截止日不能早于发证日期"]
    if _licence_clash(values["issuer"], values["number"]):
        errors["number"] = ["该发证机关的同一证照编号已登记"]
    if errors:
        raise ValidationFailed("证照信息未通过校验", errors)
    licence = Licence(agency=agency, **values)
    db.session.add(licence)
    db.session.flush()
    record_audit("licence.create", licence, actor=actor, after=snapshot(licence))
    signals.agency_file_changed.send(agency, actor=actor)
    regrade(agency, actor)
    return licence


@transactional
def update_licence(licence: Licence, data: Mapping, actor) -> Licence:
    """Edit a licence (e.g. renewal: new valid_until; revocation: status)."""
    values = clean_licence(data, partial=True)
    before = snapshot(licence)
    for key, value in values.items():
        if key in ("kind", "number", "issuer", "issued_on", "status") and value is None:
            raise ValidationFailed("证照信息未通过校验", {key: [f"请填写{LICENCE_LABELS[key]}"]})
        setattr(licence, key, value)
    errors: dict[str, list[str]] = {}
    if licence.valid_until and licence.valid_until < licence.issued_on:
        errors["valid_until"] = ["有效期截止日不能早于发证日期"]
    if _licence_clash(licence.issuer, licence.number, licence.id):
        errors["number"] = ["该发证机关的同一证照编号已登记"]
    if errors:
        raise ValidationFailed("证照信息未通过校验", errors)
    if snapshot(licence) == before:
        return licence
    db.session.flush()
    record_audit("licence.update", licence, actor=actor, before=before, after=snapshot(licence))
    signals.agency_file_changed.send(licence.agency, actor=actor)
    regrade(licence.agency, actor)
    return licence


# --------------------------------------------------------------------------- annual reports


def annual_report_due(year: int) -> dt.date:
    return dt.date(year + 1, *ANNUAL_REPORT_DUE)


@transactional
def record_annual_report(agency: Agency, data: Mapping, actor) -> AnnualReport:
    """Record (or correct) the annual report of a year: year, submitted_on, publicised,
    on_time. ``on_time`` defaults to "submitted by 31 March of the following year"."""
    c = Cleaner(data)
    L = ANNUAL_REPORT_LABELS
    c.integer("year", L["year"], required=True, minimum=2000, maximum=2100)
    c.date("submitted_on", L["submitted_on"])
    c.boolean("publicised", L["publicised"])
    if not (data.get("on_time") is None or str(data.get("on_time")).strip() == ""):
        c.boolean("on_time", L["on_time"])
    values = c.done("年度报告信息未通过校验")
    year, submitted = values["year"], values.get("submitted_on")
    if year > _today().year:
        raise ValidationFailed("年度报告信息未通过校验", {"year": ["不能登记尚未结束年度的年度报告"]})
    if submitted and submitted.year <= year:
        raise ValidationFailed("年度报告信息未通过校验",
                               {"submitted_on": [f"{year}年度报告应在{year + 1}年报送"]})
    if "on_time" not in values:
        values["on_time"] = bool(submitted and submitted <= annual_report_due(year))
    if not submitted:
        values["on_time"] = False
    report = db.session.scalar(
        select(AnnualReport).where(AnnualReport.agency_id == agency.id, AnnualReport.year == year)
    )
    before = snapshot(report) if report else None
    if report is None:
        report = AnnualReport(agency=agency, **values)
        db.session.add(report)
    else:
        for key, value in values.items():
            setattr(report, key, value)
        if snapshot(report) == before:
            return report
    db.session.flush()
    record_audit("annual_report.update" if before else "annual_report.create", report,
                 actor=actor, before=before, after=snapshot(report))
    signals.agency_file_changed.send(agency, actor=actor)
    regrade(agency, actor)
    return report


# --------------------------------------------------------------------------- reading


def search_agencies(q: str | None = None, *, grade=None, status=None, kind=None,
                    missing_report: int | None = None):
    """A select() of agencies matching the staff list filters (name, former name, USCC,
    licence number; grade; status; kind; annual report missing for a year)."""
    query = select(Agency)
    q = (q or "").strip()
    if q:
        like = f"%{q}%"
        query = query.where(or_(
            Agency.name.like(like),
            Agency.uscc == q.upper(),
            Agency.id.in_(select(FormerName.agency_id).where(FormerName.name.like(like))),
            Agency.id.in_(select(Licence.agency_id).where(Licence.number == q)),
        ))
    if grade:
        query = query.where(Agency.current_grade == grade)
    if status:
        query = query.where(Agency.status == status)
    if kind == AgencyKind.JOB_AGENCY:
        query = query.where(Agency.is_job_agency.is_(True))
    elif kind == AgencyKind.DISPATCH:
        query = query.where(Agency.is_dispatch.is_(True))
    elif kind == AgencyKind.OTHER_HR:
        query = query.where(Agency.is_other_hr.is_(True))
    if missing_report:
        query = query.where(
            Agency.status == AgencyStatus.OPERATING,
            ~Agency.id.in_(select(AnnualReport.agency_id).where(
                AnnualReport.year == missing_report, AnnualReport.submitted_on.is_not(None))),
        )
    return query.order_by(Agency.name, Agency.id)


def current_assessment(agency: Agency):
    """The agency's latest assessment (grading feature's view when installed)."""
    try:
        from credit_service.grading.services import current_assessment as _current
    except ImportError:
        _current = None
    if _current is not None:
        return _current(agency)
    from credit_service.grading.models import Assessment

    return db.session.scalar(
        select(Assessment).where(Assessment.agency_id == agency.id)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc()).limit(1)
    )


@dataclass
class FileEvent:
    on: dt.date
    kind: str  # "record", "honour", "licence", "report", "listing", "grade", "name", "case", "agency"
    text: str
    obj: object = None


def file_timeline(agency: Agency) -> list[FileEvent]:
    """Everything in the agency's file in time order (newest first)."""
    from credit_service.cases.models import Case
    from credit_service.core.catalog import get_catalog
    from credit_service.grading.models import Assessment
    from credit_service.lists.models import Listing, ListingEvent
    from credit_service.records.models import Honour, Record

    catalog = get_catalog()
    events: list[FileEvent] = [FileEvent(agency.established_on, "agency", "机构成立", agency)]
    for former in agency.former_names:
        events.append(FileEvent(former.used_until, "name", f"更名，原名称“{former.name}”", former))
    for licence in agency.licences:
        events.append(FileEvent(licence.issued_on, "licence",
                                f"取得{licence.kind.label}（{licence.number}，{licence.issuer}）", licence))
    for report in agency.annual_reports:
        on = report.submitted_on or annual_report_due(report.year)
        text = (f"报送{report.year}年度报告（{'按时' if report.on_time else '逾期'}"
                f"{'，已公示' if report.publicised else ''}）" if report.submitted_on
                else f"{report.year}年度报告未报送")
        events.append(FileEvent(on, "report", text, report))
    for record in db.session.scalars(select(Record).where(Record.agency_id == agency.id)):
        vtype = catalog.get(record.violation_code)
        name = vtype.name if vtype else record.violation_code
        events.append(FileEvent(record.decided_on, "record",
                                f"失信记录（{record.status.label}）：{name}，{record.decision_number}", record))
        if record.corrected_on:
            events.append(FileEvent(record.corrected_on, "record",
                                    f"整改完成：{record.decision_number}", record))
        if record.repaired_on:
            events.append(FileEvent(record.repaired_on, "record",
                                    f"信用修复：{record.decision_number}", record))
        if record.status_changed_on:
            events.append(FileEvent(record.status_changed_on, "record",
                                    f"记录{record.status.label}：{record.decision_number}"
                                    f"（{record.status_reason or ''}）", record))
    for honour in db.session.scalars(select(Honour).where(Honour.agency_id == agency.id)):
        events.append(FileEvent(honour.granted_on, "honour",
                                f"守信记录：{honour.title}（{honour.level.label}，{honour.issuer}）", honour))
        if honour.revoked_on:
            events.append(FileEvent(honour.revoked_on, "honour",
                                    f"守信记录撤销：{honour.title}（{honour.revoked_reason or ''}）", honour))
    for event, listing in db.session.execute(
        select(ListingEvent, Listing).join(Listing).where(Listing.agency_id == agency.id)
    ):
        events.append(FileEvent(event.on, "listing",
                                f"{listing.list_kind.label}：{event.to_state.label}"
                                f"{'（' + event.document_number + '）' if event.document_number else ''}",
                                listing))
    for assessment in db.session.scalars(select(Assessment).where(Assessment.agency_id == agency.id)):
        events.append(FileEvent(assessment.as_of, "grade",
                                f"信用等级 {assessment.grade.label}，得分 {assessment.score}", assessment))
    for case in db.session.scalars(select(Case).where(Case.agency_id == agency.id)):
        events.append(FileEvent(case.submitted_on, "case",
                                f"{case.kind.label}（{case.subject.label}）{case.number}：{case.state.label}",
                                case))
    order = {"agency": 0, "licence": 1, "report": 2, "record": 3, "honour": 4, "listing": 5,
             "case": 6, "name": 7, "grade": 8}
    events.sort(key=lambda e: (e.on, order.get(e.kind, 9)), reverse=True)
    return events


def count_agencies() -> int:
    return db.session.scalar(select(func.count(Agency.id))) or 0
