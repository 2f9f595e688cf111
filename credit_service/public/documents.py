"""Document kinds the public site publishes: the lists (PDF, CSV, JSON, XLSX) and the
per-agency credit report (信用报告). Registered with the document store so they are
regenerated off the request path when their data changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import Decimal
from types import SimpleNamespace

from flask import render_template

from credit_service.core.db import utcnow
from credit_service.core.web import local_datetime
from credit_service.documents.services import DocumentSpec, register_document_kind
from credit_service.public import services
from publication import Column, to_csv, to_json, to_xlsx

LIST_TITLES = {"black": "严重违法失信名单", "red": "诚信服务示范机构名单"}

# SPEC.md §5.1: exactly these fields on the public black list.
BLACK_COLUMNS = [
    Column("name", "机构名称", 30), Column("uscc", "统一社会信用代码", 22),
    Column("address", "住所", 30), Column("legal_rep_name", "法定代表人", 10),
    Column("reason", "列入事由（主要失信事实）", 40), Column("legal_basis", "列入依据", 30),
    Column("authority", "作出决定机关", 24), Column("decision_number", "决定书文号", 22),
    Column("listed_on", "列入日期", 12), Column("expires_on", "移出日期（届满）", 12),
    Column("early_removal_from", "最早可申请提前移出日期", 14),
]
RED_COLUMNS = [
    Column("name", "机构名称", 30), Column("uscc", "统一社会信用代码", 22),
    Column("address", "住所", 30), Column("legal_rep_name", "法定代表人", 10),
    Column("level", "级别", 8), Column("issuer", "认定机关", 24),
    Column("document_number", "认定文号", 22), Column("granted_on", "认定日期", 12),
    Column("valid_until", "有效期至", 12),
]
COLUMNS = {"black": BLACK_COLUMNS, "red": RED_COLUMNS}
# Relative PDF column widths (table-layout: fixed needs them).
PDF_WIDTHS = {
    "black": [12, 11, 12, 5, 16, 12, 9, 10, 6, 6, 7],
    "red": [18, 13, 18, 6, 6, 13, 12, 7, 7],
}

# The black list can run to thousands of entries: one flowing cell per entry (see
# publication.tables); the red list is short and keeps one column per field.
PDF_LAYOUT = {"black": "entries", "red": "grid"}

FORMATS = {
    "csv": ("text/csv; charset=utf-8", lambda kind, rows, meta: to_csv(COLUMNS[kind], rows)),
    "json": ("application/json",
             lambda kind, rows, meta: to_json(COLUMNS[kind], rows, meta=meta)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             lambda kind, rows, meta: to_xlsx(COLUMNS[kind], rows, title=LIST_TITLES[kind],
                                              note=f"{LIST_TITLES[kind]}（数据截至 "
                                                   f"{local_datetime(meta['data_as_of'])}）")),
}


def _list_summary(kind: str, rows: list[dict]) -> dict:
    return {
        "list": LIST_TITLES[kind],
        "count": len(rows),
        "entries": [f"{r['name']}（{r['uscc']}）" for r in rows],
    }


def list_fingerprint(kind: str) -> str:
    return services.fingerprint_of(services.list_rows(kind))


def build_list_pdf(kind: str):
    def builder(key: str) -> DocumentSpec:
        from publication import render_long_table

        rows = services.list_rows(kind)
        as_of = services.list_data_as_of(kind)
        title = LIST_TITLES[kind]
        columns = COLUMNS[kind]
        table = [[_cell(row[c.key]) for c in columns] for row in rows]

        def render(stamp):
            return render_long_table(
                title=title,
                intro=f"共 {len(rows)} 条，数据截至 {local_datetime(as_of)}。"
                      "本名单依法公开，不含个人身份证号码、联系电话等个人信息。",
                headers=[c.header for c in columns], widths=PDF_WIDTHS[kind], rows=table,
                stamp=stamp, landscape=True, layout=PDF_LAYOUT[kind])

        return DocumentSpec(title=title, summary=_list_summary(kind, rows),
                            fingerprint=services.fingerprint_of(rows), data_as_of=as_of,
                            render=render)

    return builder


def build_list_file(kind: str, fmt: str):
    media_type, writer = FORMATS[fmt]

    def builder(key: str) -> DocumentSpec:
        rows = services.list_rows(kind)
        as_of = services.list_data_as_of(kind)
        meta = {"title": LIST_TITLES[kind], "data_as_of": as_of, "count": len(rows)}
        return DocumentSpec(title=f"{LIST_TITLES[kind]}（{fmt.upper()}）",
                            summary=_list_summary(kind, rows),
                            fingerprint=services.fingerprint_of(rows), data_as_of=as_of,
                            content=writer(kind, rows, meta), media_type=media_type)

    return builder


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- credit report -------------------------------------------------------------------------

# Agency columns a credit report may print. Private (contact_phone, ID number) and
# bookkeeping columns (version, timestamps) stay out, so editing them does not make the
# report "stale" with nothing to show for it on /verify.
_AGENCY_EXCLUDED = {"id", "contact_phone", "legal_rep_id_number", "version", "created_at",
                    "updated_at"}


def _plain(value):
    """A JSON-ready, order-stable copy of a template context value (model rows,
    dataclasses, plain row namespaces, enums, dates, decimals)."""
    from credit_service.agencies.models import Agency

    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Agency):
        data = {column.key: getattr(value, column.key) for column in Agency.__mapper__.column_attrs
                if column.key not in _AGENCY_EXCLUDED}
        data["kinds"] = value.kinds
        return _plain(data)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, SimpleNamespace):
        return _plain(vars(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def report_context(profile) -> dict:
    """Exactly what ``public/report_pdf.html`` receives, minus the generation time."""
    return {"p": profile}


def report_content_fingerprint(profile) -> str:
    """A digest of everything the report template can print: the agency's public
    columns, the assessment and its explanation, every public record (facts, authority,
    in-force and repair-eligible dates), list status, honours, licences, annual reports.
    Built from the template's own context, so a field added to the report is covered."""
    return services.fingerprint_of(_plain(report_context(profile)))


def _report_data(uscc: str):
    agency = services.get_agency(uscc)
    if agency is None:
        return None, None
    profile = services.agency_profile(agency)
    return profile, services.profile_summary(profile)


def report_fingerprint(uscc: str) -> str | None:
    profile, _summary = _report_data(uscc)
    if profile is None:
        return None
    return report_content_fingerprint(profile)


def build_credit_report(uscc: str) -> DocumentSpec | None:
    profile, summary = _report_data(uscc)
    if profile is None:
        return None
    html = render_template("public/report_pdf.html", **report_context(profile),
                           generated_at=utcnow())
    return DocumentSpec(title=f"信用报告（{profile.agency.name}）", html=html, summary=summary,
                        fingerprint=report_content_fingerprint(profile),
                        data_as_of=services.report_data_as_of(profile))


def _register() -> None:
    for kind in ("black", "red"):
        register_document_kind(f"{kind}_list.pdf", build_list_pdf(kind),
                               fingerprint=lambda key, k=kind: list_fingerprint(k),
                               keys=lambda: [""], label=LIST_TITLES[kind])
        for fmt in FORMATS:
            register_document_kind(f"{kind}_list.{fmt}", build_list_file(kind, fmt),
                                   fingerprint=lambda key, k=kind: list_fingerprint(k),
                                   keys=lambda: [""], label=LIST_TITLES[kind])
    # Generated in advance for listed agencies and those with records in force (see
    # services.pregenerated_report_usccs); any other report on its first request.
    register_document_kind("credit_report.pdf", build_credit_report,
                           fingerprint=report_fingerprint,
                           keys=services.pregenerated_report_usccs, label="信用报告")


_register()
