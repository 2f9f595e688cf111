"""Open-data exports of list rows: CSV (UTF-8 with BOM so Excel opens Chinese text),
JSON and XLSX. Callers pass an explicit column whitelist — nothing else is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese column title
    width: float = 16  # XLSX column width in characters


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _cell_text(value) -> str:
    text = str(_plain(value))
    # CSV/formula injection: a cell starting with = + - @ would run in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def to_csv(columns: list[Column], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([_cell_text(row.get(c.key)) for c in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(columns: list[Column], rows: list[dict], *, meta: dict | None = None) -> bytes:
    document = {
        "meta": {k: _plain(v) for k, v in (meta or {}).items()},
        "fields": {c.key: c.header for c in columns},
        "items": [{c.key: _plain(row.get(c.key)) for c in columns} for row in rows],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def to_xlsx(columns: list[Column], rows: list[dict], *, title: str = "Sheet1",
            note: str | None = None) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    if note:
        sheet.append([note])
    sheet.append([c.header for c in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell_text(row.get(c.key)) for c in columns])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for line in sheet.iter_rows(min_row=header_row + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    # Fixed document properties keep the bytes stable for the same data (same SHA-256).
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "credit-service"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
