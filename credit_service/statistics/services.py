"""附件2 量化统计表: computed cells, staff-entered cells, and the PDF/XLSX exports.

Every cell carries its provenance: ``computed`` (with the definition of its query),
``entered`` (by whom and when — staff only) or ``missing`` (an entered row nobody filled).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import or_, select

from credit_service.agencies.models import Agency, AnnualReport
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.models import User
from credit_service.core.db import transactional, utcnow
from credit_service.core.enums import (
    AgencyStatus,
    HonourKind,
    HonourLevel,
    InspectionOutcome,
    ListingState,
    ListKind,
    RecordStatus,
)
from credit_service.core.errors import ValidationFailed
from credit_service.extensions import db
from credit_service.inspections.models import (
    EnforcementAction,
    InspectionTarget,
    SelfInspection,
)
from credit_service.statistics import table as spec
from credit_service.statistics.models import StatisticsEntry

REBATE_VIOLATION_CODE = "rebate_price_manipulation"
PDF_KIND = "statistics_table.pdf"
SOURCE_LABELS = {"computed": "系统统计", "entered": "人工填报", "missing": "未填报"}


@dataclass
class Cell:
    code: str
    label: str
    value: str
    source: str  # computed | entered | missing
    definition: str
    numbers: dict = field(default_factory=dict)
    entered_by: str | None = None  # staff only, never in an export
    entered_at: dt.datetime | None = None
    note: str = ""

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


@dataclass
class GroupCells:
    code: str
    label: str
    cells: list[Cell]


@dataclass
class StatisticsTable:
    period_from: dt.date
    period_to: dt.date
    report_year: int
    groups: list[GroupCells]
    generated_at: dt.datetime

    @property
    def cells(self) -> dict[str, Cell]:
        return {c.code: c for g in self.groups for c in g.cells}

    def fingerprint(self) -> str:
        """Digest of what the table states (not when it was generated)."""
        data = [(c.code, c.label, c.value, c.source) for g in self.groups for c in g.cells]
        raw = json.dumps([self.period_from.isoformat(), self.period_to.isoformat(), data],
                         ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _validate_period(period_from: dt.date | None, period_to: dt.date | None) -> None:
    errors = {}
    if period_from is None:
        errors["from"] = ["请填写统计开始日期"]
    if period_to is None:
        errors["to"] = ["请填写统计截止日期"]
    if period_from and period_to and period_to < period_from:
        errors["to"] = ["截止日期不能早于开始日期"]
    if errors:
        raise ValidationFailed("统计期间有误", errors)


# ------------------------------------------------------------------ computed cells


def _kind_split(agency_ids) -> dict[str, int]:
    """Count agencies as 人力资源服务机构 (job agency or other HR) and 劳务派遣单位 (dispatch)."""
    ids = list(set(agency_ids))
    hr = dispatch = both = 0
    for chunk_start in range(0, len(ids), 1000):
        rows = db.session.execute(
            select(Agency.is_job_agency, Agency.is_other_hr, Agency.is_dispatch)
            .where(Agency.id.in_(ids[chunk_start:chunk_start + 1000]))
        ).all()
        for job, other, disp in rows:
            is_hr = bool(job or other)
            hr += is_hr
            dispatch += bool(disp)
            both += is_hr and bool(disp)
    return {"hr_agencies": hr, "dispatch_units": dispatch, "both": both, "total": len(ids)}


def _kind_text(n: dict) -> str:
    text = f"人力资源服务机构 {n['hr_agencies']} 家，劳务派遣单位 {n['dispatch_units']} 家"
    if n["both"]:
        text += f"（其中 {n['both']} 家兼营，合计 {n['total']} 家）"
    return text


def existing_agency_ids(period_from: dt.date, period_to: dt.date) -> list[int]:
    return list(db.session.scalars(select(Agency.id).where(
        Agency.status == AgencyStatus.OPERATING, Agency.established_on <= period_to)))


def publicised_report_agency_ids(report_year: int) -> list[int]:
    return list(db.session.scalars(select(AnnualReport.agency_id).where(
        AnnualReport.year == report_year, AnnualReport.publicised.is_(True))))


def rebate_agency_ids(period_from: dt.date, period_to: dt.date) -> set[int]:
    from credit_service.records.models import Record

    self_checks = db.session.scalars(select(SelfInspection.agency_id).where(
        SelfInspection.rebate_found.is_(True),
        SelfInspection.submitted_on.between(period_from, period_to)))
    records = db.session.scalars(select(Record.agency_id).where(
        Record.violation_code == REBATE_VIOLATION_CODE,
        Record.status == RecordStatus.CONFIRMED,
        Record.decided_on.between(period_from, period_to)))
    return set(self_checks) | set(records)


def checked_agency_ids(period_from: dt.date, period_to: dt.date) -> set[int]:
    return set(db.session.scalars(select(InspectionTarget.agency_id).where(
        InspectionTarget.outcome != InspectionOutcome.PENDING,
        InspectionTarget.inspected_on.between(period_from, period_to))))


def _actions(kind: str, period_from: dt.date, period_to: dt.date) -> dict[str, int]:
    actions = db.session.scalars(select(EnforcementAction).where(
        EnforcementAction.kind == kind,
        EnforcementAction.held_on.between(period_from, period_to))).all()
    return {"actions": len(actions),
            "agencies_checked": sum(a.agencies_checked for a in actions),
            "cases_found": sum(a.cases_found for a in actions)}


def _actions_text(n: dict) -> str:
    return (f"开展 {n['actions']} 次，检查人力资源服务机构/劳务派遣单位 {n['agencies_checked']} 家次，"
            f"查处违法案件 {n['cases_found']} 件")


def red_list_agency_ids(level: HonourLevel, period_from: dt.date, period_to: dt.date) -> set[int]:
    from credit_service.records.models import Honour

    return set(db.session.scalars(select(Honour.agency_id).where(
        Honour.kind == HonourKind.RED_LIST,
        Honour.level == level,
        Honour.granted_on <= period_to,
        or_(Honour.valid_until.is_(None), Honour.valid_until >= period_from),
        or_(Honour.revoked_on.is_(None), Honour.revoked_on > period_from),
    )))


def black_list_agency_ids(period_from: dt.date, period_to: dt.date) -> set[int]:
    from credit_service.lists.models import Listing

    return set(db.session.scalars(select(Listing.agency_id).where(
        Listing.list_kind == ListKind.BLACK,
        Listing.state.in_([ListingState.PUBLISHED, ListingState.REMOVED]),
        Listing.published_on.is_not(None),
        Listing.published_on <= period_to,
        or_(Listing.ended_on.is_(None), Listing.ended_on >= period_from),
    )))


def _computed(code: str, period_from: dt.date, period_to: dt.date, report_year: int
              ) -> tuple[str, dict]:
    if code == "agencies_by_kind":
        n = _kind_split(existing_agency_ids(period_from, period_to))
        return _kind_text(n), n
    if code == "annual_reports_publicised":
        n = _kind_split(publicised_report_agency_ids(report_year))
        return _kind_text(n), n
    if code == "rebate_agencies":
        n = _kind_split(rebate_agency_ids(period_from, period_to))
        return _kind_text(n), n
    if code == "random_checks":
        n = _kind_split(checked_agency_ids(period_from, period_to))
        return _kind_text(n), n
    if code in ("national_campaign", "key_period_enforcement"):
        kind = "national_campaign" if code == "national_campaign" else "key_period"
        n = _actions(kind, period_from, period_to)
        return _actions_text(n), n
    if code == "employer_guidance":
        n = {"actions": _actions("employer_guidance", period_from, period_to)["actions"]}
        return f"{n['actions']} 次", n
    if code in ("red_list_system", "black_list_system"):
        return "是", {"exists": True}
    if code == "red_list_counts":
        n = {"provincial": len(red_list_agency_ids(HonourLevel.PROVINCIAL, period_from, period_to)),
             "municipal": len(red_list_agency_ids(HonourLevel.MUNICIPAL, period_from, period_to))}
        return f"省级 {n['provincial']} 家，市级 {n['municipal']} 家", n
    if code == "black_list_count":
        n = {"agencies": len(black_list_agency_ids(period_from, period_to))}
        return f"{n['agencies']} 家", n
    raise KeyError(code)


def entries_for(period_from: dt.date, period_to: dt.date) -> dict[str, StatisticsEntry]:
    return {e.row_code: e for e in db.session.scalars(select(StatisticsEntry).where(
        StatisticsEntry.period_from == period_from, StatisticsEntry.period_to == period_to))}


def build_table(period_from: dt.date, period_to: dt.date) -> StatisticsTable:
    """Every row of 附件2 for the period; the annual-report row covers the previous year
    (the 2021 plan asks for the 2020 reports)."""
    _validate_period(period_from, period_to)
    report_year = period_from.year - 1
    entries = entries_for(period_from, period_to)
    users = {}
    if entries:
        ids = {e.entered_by_id for e in entries.values() if e.entered_by_id}
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    groups = []
    for group in spec.GROUPS:
        cells = []
        for row in group.rows:
            label = row.label_for(report_year)
            if row.computed:
                value, numbers = _computed(row.code, period_from, period_to, report_year)
                cells.append(Cell(row.code, label, value, "computed", row.definition, numbers))
                continue
            entry = entries.get(row.code)
            if entry is None:
                cells.append(Cell(row.code, label, "", "missing", row.definition))
                continue
            user = users.get(entry.entered_by_id)
            value = f"{entry.value} {row.unit}" if row.unit else entry.value
            cells.append(Cell(row.code, label, value, "entered", row.definition,
                              {"value": entry.value},
                              entered_by=user.display_name if user else None,
                              entered_at=entry.updated_at, note=entry.source_note))
        groups.append(GroupCells(group.code, group.label, cells))
    return StatisticsTable(period_from, period_to, report_year, groups, utcnow())


# ------------------------------------------------------------------ entered cells


@transactional
def save_entry(*, row_code: str, period_from: dt.date, period_to: dt.date, value: str,
               actor: User | None, source_note: str = "") -> StatisticsEntry:
    """Enter (or correct) a figure the service does not hold, e.g. association trainings."""
    _validate_period(period_from, period_to)
    row = spec.ROWS.get(row_code)
    value = (value or "").strip()
    if row is None or row.computed:
        raise ValidationFailed("该指标由系统统计，不能人工填报", {"row_code": ["请选择人工填报的指标"]})
    if not value:
        raise ValidationFailed("请填写数值", {row_code: ["请填写"]})
    if row.unit and not (value.isdigit() and len(value) <= 9):
        raise ValidationFailed("须为不小于 0 的整数", {row_code: [f"“{row.label}”须为不小于 0 的整数"]})
    entry = db.session.scalars(select(StatisticsEntry).where(
        StatisticsEntry.row_code == row_code, StatisticsEntry.period_from == period_from,
        StatisticsEntry.period_to == period_to)).first()
    before = snapshot(entry) if entry else None
    if entry is None:
        entry = StatisticsEntry(row_code=row_code, period_from=period_from, period_to=period_to)
        db.session.add(entry)
    entry.value = str(int(value)) if row.unit else value
    entry.source_note = (source_note or "").strip()
    entry.entered_by_id = getattr(actor, "id", None)
    entry.updated_at = utcnow()
    db.session.flush()
    record_audit("statistics_entry.update" if before else "statistics_entry.create", entry,
                 actor=actor, before=before, after=snapshot(entry))
    return entry


# ------------------------------------------------------------------ exports


def _period_text(t: StatisticsTable) -> str:
    from credit_service.core.web import cn_date

    return f"统计期间：{cn_date(t.period_from)}至{cn_date(t.period_to)}"


def render_html(t: StatisticsTable, bureau_name: str, *, standalone: bool = False) -> str:
    """``standalone``: add our own page margins and numbers (when not stamped by documents)."""
    from flask import render_template

    return render_template("statistics/table_pdf.html", table=t, bureau_name=bureau_name,
                           period_text=_period_text(t), spec=spec, standalone=standalone)


def _summary(t: StatisticsTable) -> dict:
    return {"title": spec.TITLE, "period_from": t.period_from.isoformat(),
            "period_to": t.period_to.isoformat(),
            "rows": [{"一级指标": g.label, "二级指标": c.label, "基本情况": c.value,
                      "来源": c.source_label} for g in t.groups for c in g.cells]}


def export_pdf(t: StatisticsTable, bureau_name: str) -> bytes:
    """The table as a PDF in the layout of 附件2.

    Through the documents feature when it is present (verification code, QR, page numbers,
    stored with its hash); otherwise rendered here directly with WeasyPrint."""
    try:
        from credit_service.documents.services import publish_pdf
    except ImportError:
        return _render_pdf(render_html(t, bureau_name, standalone=True))
    key = f"{t.period_from.isoformat()}_{t.period_to.isoformat()}"
    stored = _stored_pdf(key, t.fingerprint())
    if stored is not None:  # same figures as the stored one: serve it, keep its code
        return stored
    html = render_html(t, bureau_name)
    document = publish_pdf(
        kind=PDF_KIND, key=key,
        title=f"{spec.TITLE}（{t.period_from.isoformat()}至{t.period_to.isoformat()}）", html=html,
        summary=_summary(t), fingerprint=t.fingerprint(), data_as_of=t.generated_at)
    return _document_bytes(document)


def _stored_pdf(key: str, fingerprint: str) -> bytes | None:
    try:
        from credit_service.documents.services import current_document
    except ImportError:
        return None
    document = current_document(PDF_KIND, key)
    if document is None or document.content_fingerprint != fingerprint:
        return None
    return _document_bytes(document)


def _document_bytes(document) -> bytes:
    if getattr(document, "content", None) is not None:
        return bytes(document.content)
    try:
        from credit_service.documents.services import document_bytes
    except ImportError:
        from pathlib import Path

        from flask import current_app

        path = Path(document.path)
        if not path.is_absolute():
            path = Path(current_app.config["DOCUMENT_DIR"]) / path
        return path.read_bytes()
    return document_bytes(document)


def _render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    def no_network(url, *args, **kwargs):  # only the inline HTML; nothing fetched
        raise ValueError(f"refusing to fetch {url}")

    return HTML(string=html, url_fetcher=no_network).write_pdf()


def export_xlsx(t: StatisticsTable, bureau_name: str) -> bytes:
    """The table as XLSX, merged cells like the original: title across, 一级指标 merged down
    its group. Column D says where each figure comes from (系统统计 / 人工填报)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "量化统计表"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 44
    ws.column_dimensions["D"].width = 12

    ws["A1"] = spec.TITLE
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = center
    ws.merge_cells("A1:D1")
    ws["A2"] = f"{spec.FILLER_LABEL}{bureau_name}"
    ws.merge_cells("A2:B2")
    ws["C2"] = _period_text(t)
    ws.merge_cells("C2:D2")
    for col, text in zip("ABCD", (*spec.HEADERS, "数据来源"), strict=True):
        cell = ws[f"{col}3"]
        cell.value = text
        cell.font = Font(bold=True)
        cell.alignment = center
        cell.border = box
    row = 4
    for group in t.groups:
        start = row
        for c in group.cells:
            ws[f"B{row}"] = c.label
            ws[f"C{row}"] = c.value
            ws[f"D{row}"] = c.source_label
            for col in "ABCD":
                ws[f"{col}{row}"].border = box
                ws[f"{col}{row}"].alignment = wrap
            row += 1
        ws[f"A{start}"] = group.label
        ws[f"A{start}"].alignment = center
        ws.merge_cells(f"A{start}:A{row - 1}")
    ws[f"A{row + 1}"] = (f"生成时间：{_local(t.generated_at)}。“系统统计”为本服务按定义从数据中统计，"
                         "“人工填报”为工作人员录入。")
    ws.merge_cells(f"A{row + 1}:D{row + 1}")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _local(value: dt.datetime) -> str:
    from credit_service.core.web import local_datetime

    return local_datetime(value)


def table_as_dict(t: StatisticsTable, *, staff: bool = False) -> dict:
    """JSON-ready; ``entered_by`` only for staff."""
    data = {"period_from": t.period_from.isoformat(), "period_to": t.period_to.isoformat(),
            "groups": []}
    for g in t.groups:
        cells = []
        for c in g.cells:
            item = asdict(c)
            item["entered_at"] = c.entered_at.isoformat() if c.entered_at else None
            if not staff:
                item.pop("entered_by")
                item.pop("entered_at")
            cells.append(item)
        data["groups"].append({"code": g.code, "label": g.label, "cells": cells})
    return data

