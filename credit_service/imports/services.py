"""Bulk imports of agencies and of violation records from CSV or XLSX.

* The same rules as the forms and the API: every row goes through the agency/record
  services' validators (``clean_agency`` / ``clean_record``).
* Duplicates are caught within the file and against the database: USCC for agencies,
  (authority, decision number) for records.
* :func:`parse_import` previews (typed rows + row-by-row Chinese errors, nothing written);
  :func:`commit_import` writes all rows in one transaction or nothing at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from credit_service.agencies import services as agency_services
from credit_service.agencies.models import Agency
from credit_service.audit.services import record_audit
from credit_service.core.db import transactional
from credit_service.core.errors import DomainError, ValidationFailed
from credit_service.core.uscc import InvalidUSCC, validate_uscc
from credit_service.extensions import db
from credit_service.records import services as record_services

KINDS = {"agencies": "机构", "records": "失信记录"}
MAX_ROWS = 5000

# Column header (Chinese, as in the template) -> service field. English field names work too.
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    # (field, header, example)
    "agencies": [
        ("uscc", "统一社会信用代码", "91419001MA44XXXXXX"),
        ("name", "机构名称", "济源市示例人力资源服务有限公司"),
        ("kinds", "机构类型", "职业中介、劳务派遣"),
        ("legal_rep_name", "法定代表人", "张三"),
        ("address", "住所", "河南省济源市济水大街1号"),
        ("district", "所属区域", "沁园街道"),
        ("registered_capital", "注册资本（元）", "2000000"),
        ("established_on", "成立日期", "2015-03-01"),
        ("status", "登记状态", "存续"),
        ("contact_phone", "联系电话", "0391-0000000"),
        ("legal_rep_id_number", "法定代表人身份证号", ""),
    ],
    "records": [
        ("agency_uscc", "机构统一社会信用代码", "91419001MA44XXXXXX"),
        ("violation_code", "违法行为类型", "发布虚假招聘信息"),
        ("severity", "严重程度", "一般"),
        ("facts", "违法事实", "在招聘平台发布与实际岗位不符的招聘信息"),
        ("occurred_on", "违法行为发生日期", "2026-01-05"),
        ("decided_on", "处理决定日期", "2026-02-10"),
        ("decision_number", "决定文书号", "济人社监罚〔2026〕1号"),
        ("authority", "作出决定机关", "济源示范区人力资源和社会保障局"),
        ("penalty_kind", "处理种类", "罚款"),
        ("fine_amount", "罚款金额（元）", "10000"),
        ("rectify_by", "整改期限", ""),
        ("corrected_on", "整改完成日期", ""),
        ("refused_to_comply", "拒不改正/拒不履行", "否"),
        ("major_case_kind", "重大违法行为类型", ""),
        ("source", "线索来源", "监察检查"),
        ("internal_notes", "内部备注", ""),
    ],
}


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1)
    field: str | None
    label: str
    message: str
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportPreview:
    kind: str
    filename: str
    rows: list[dict] = field(default_factory=list)  # validated, typed values per data row
    errors: list[RowError] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: int
    created: int
    ids: list[int]


def _labels(kind: str) -> dict[str, str]:
    return {f: h for f, h, _ in COLUMNS[kind]}


def _header_map(kind: str, header: list) -> tuple[dict[int, str], list[str]]:
    """Column index -> field; unknown headers are reported, not silently dropped."""
    known = {}
    for f, h, _ in COLUMNS[kind]:
        known[h] = f
        known[f] = f
        known[h.split("（")[0]] = f
    mapping, unknown = {}, []
    for index, name in enumerate(header):
        text = str(name or "").strip()
        if not text:
            continue
        if text in known:
            mapping[index] = known[text]
        else:
            unknown.append(text)
    return mapping, unknown


def _read_rows(filename: str, data: bytes) -> list[list]:
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt") or not name:
        return _read_csv(data)
    raise ValidationFailed("文件类型不支持", {"file": ["只支持 CSV（UTF-8 或 GBK 编码）和 XLSX 文件"]})


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed("文件编码无法识别", {"file": ["CSV 文件应为 UTF-8 或 GBK 编码"]})
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ValidationFailed("无法读取 XLSX 文件", {"file": [f"文件已损坏或不是 XLSX 格式（{type(exc).__name__}）"]}) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 2024.0 from XLSX -> "2024"
    if isinstance(value, dt.datetime | dt.date) or value is None:
        return value
    return str(value)


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def parse_import(kind: str, filename: str, data: bytes) -> ImportPreview:
    """Read and validate a file without writing anything.

    Returns the typed rows and every problem found, each with its spreadsheet row number
    and a Chinese message. Raises ValidationFailed only when the file itself is unusable
    (wrong type, unreadable, no header).
    """
    if kind not in KINDS:
        raise ValidationFailed("导入类型无效", {"kind": ["导入类型应为 agencies（机构）或 records（失信记录）"]})
    if not data:
        raise ValidationFailed("文件为空", {"file": ["请选择要导入的文件"]})
    table = _read_rows(filename, data)
    preview = ImportPreview(kind, filename)
    while table and not any(_cell(c) not in (None, "") for c in table[0]):
        table.pop(0)
    if not table:
        raise ValidationFailed("文件中没有内容", {"file": ["文件第一行应为列标题，请使用下载的模板"]})
    mapping, unknown = _header_map(kind, table[0])
    labels = _labels(kind)
    for name in unknown:
        preview.errors.append(RowError(1, None, "列标题", f"无法识别的列“{name}”，请使用下载的模板"))
    required = {"agencies": ["uscc", "name"], "records": ["agency_uscc", "decision_number"]}[kind]
    for f in required:
        if f not in mapping.values():
            preview.errors.append(RowError(1, f, labels[f], f"缺少必需的列“{labels[f]}”"))
    if any(e.row == 1 for e in preview.errors):
        return preview
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise ValidationFailed("文件行数过多", {"file": [f"一次最多导入{MAX_ROWS}行，请拆分文件"]})
    validate = _validate_agency_row if kind == "agencies" else _validate_record_row
    seen: dict = {}
    for offset, raw in enumerate(body, start=2):
        row = {f: _cell(raw[i]) if i < len(raw) else None for i, f in mapping.items()}
        if all(v in (None, "") for v in row.values()):
            continue  # blank line
        values, problems = validate(row, offset, seen)
        for f, messages in problems.items():
            for message in messages:
                preview.errors.append(RowError(offset, f if f in labels else None,
                                               labels.get(f, "整行"), message, _display(row.get(f))))
        if not problems:
            preview.rows.append(values)
            preview.row_numbers.append(offset)
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, None, "整行", "文件中没有数据行"))
    return preview


def _validate_agency_row(row: dict, number: int, seen: dict) -> tuple[dict, dict]:
    try:
        values = agency_services.clean_agency(row)
    except ValidationFailed as exc:
        return {}, exc.errors
    values.pop("renamed_on", None)
    uscc = values["uscc"]
    if uscc in seen:
        return {}, {"uscc": [f"与第{seen[uscc]}行的统一社会信用代码重复"]}
    seen[uscc] = number
    if agency_services.uscc_taken(uscc):
        return {}, {"uscc": ["该统一社会信用代码已登记（已有档案请在档案页修改）"]}
    return values, {}


def _validate_record_row(row: dict, number: int, seen: dict) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    agency = None
    try:
        uscc = validate_uscc(row.get("agency_uscc") or "")
    except InvalidUSCC as exc:
        errors["agency_uscc"] = [str(exc)]
    else:
        agency = db.session.scalar(select(Agency).where(Agency.uscc == uscc))
        if agency is None:
            errors["agency_uscc"] = ["没有该统一社会信用代码的机构档案，请先登记或导入机构"]
    data = {k: v for k, v in row.items() if k != "agency_uscc"}
    if not data.get("authority"):
        data["authority"] = record_services.default_authority()
    try:
        values = record_services.clean_record(data)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        return {}, errors
    key = (values["authority"], values["decision_number"])
    if key in seen:
        errors["decision_number"] = [f"与第{seen[key]}行的决定文书号重复"]
    else:
        seen[key] = number
        if record_services.decision_number_taken(*key):
            errors["decision_number"] = ["该机关的决定文书号已登记"]
    if errors:
        return {}, errors
    values["_agency_id"] = agency.id
    values["agency_uscc"] = agency.uscc  # shown in the preview; ignored by record_violation
    return values, {}


def row_errors_as_validation(preview: ImportPreview) -> ValidationFailed:
    errors: dict[str, list[str]] = {}
    for e in preview.errors:
        errors.setdefault(f"第{e.row}行 {e.label}", []).append(e.message)
    return ValidationFailed(
        f"导入文件有{len(preview.errors)}处错误，未导入任何数据", errors,
        row_errors=[e.as_dict() for e in preview.errors],
    )


@transactional
def commit_import(kind: str, filename: str, data: bytes, actor) -> ImportResult:
    """Validate and write every row in one transaction: all rows or none.

    Raises ValidationFailed (422) with ``errors`` keyed "第N行 字段" and ``extra['row_errors']``
    ([{row, field, message}]) when any row is invalid. Each created object gets its own
    audit row (written by the agency/record services) and the import one summary row.
    """
    preview = parse_import(kind, filename, data)
    if preview.errors or not preview.rows:
        raise row_errors_as_validation(preview)
    ids: list[int] = []
    for number, values in zip(preview.row_numbers, preview.rows, strict=True):
        try:
            if kind == "agencies":
                obj = agency_services.create_agency(values, actor)
            else:
                values = dict(values)
                agency = db.session.get(Agency, values.pop("_agency_id"))
                obj = record_services.record_violation(agency, values, actor)
        except DomainError as exc:  # e.g. a concurrent insert since the preview
            preview.errors.append(RowError(number, None, "整行", exc.message))
            raise row_errors_as_validation(preview) from None
        ids.append(obj.id)
    record_audit("import.commit", actor=actor, object_type="imports", object_id=None,
                 after={"kind": kind, "filename": filename, "rows": len(ids), "ids": ids})
    return ImportResult(kind, filename, len(preview.rows), len(ids), ids)


# --------------------------------------------------------------------------- files


def error_report_csv(preview: ImportPreview) -> bytes:
    """Row-by-row error report in Chinese (UTF-8 with BOM so Excel opens it correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "字段", "原值", "错误说明"])
    for e in preview.errors:
        writer.writerow([e.row, e.label, e.value, e.message])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_file(kind: str, fmt: str) -> bytes:
    """An import template as CSV (header row only) or XLSX (header row, plus a 填写说明
    sheet with an example per column, so an untouched example row is never imported)."""
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        raise ValidationFailed("模板不存在", {"kind": ["模板类型无效"]})
    headers = [h for _, h, _ in COLUMNS[kind]]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerow(headers)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = KINDS[kind]
    sheet.append(headers)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    notes = workbook.create_sheet("填写说明")
    notes.append(["列标题", "字段", "示例"])
    for f, h, example in COLUMNS[kind]:
        notes.append([h, f, example])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
