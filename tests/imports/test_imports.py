"""CSV/XLSX imports: same rules as the forms, preview, all-or-nothing, error report,
duplicates by USCC and decision number (within the file and against the database)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from credit_service.agencies.models import Agency
from credit_service.audit.models import AuditEvent
from credit_service.core.enums import RecordStatus, Severity
from credit_service.core.errors import ValidationFailed
from credit_service.imports import services
from credit_service.records.models import Record
from tests.fixtures.agencies import make_uscc

AGENCY_HEADER = ["统一社会信用代码", "机构名称", "机构类型", "法定代表人", "住所", "成立日期", "注册资本（元）"]


def agency_row(n, **overrides):
    row = {"统一社会信用代码": make_uscc(600000 + n), "机构名称": f"导入测试公司{n}",
           "机构类型": "职业中介、劳务派遣", "法定代表人": "孙七", "住所": "济源市某路1号",
           "成立日期": "2018/6/1", "注册资本（元）": "500000"}
    row.update(overrides)
    return [row[h] for h in AGENCY_HEADER]


def to_csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def agency_count(db):
    return db.session.scalar(select(func.count(Agency.id)))


def test_good_csv_imports_everything(db, clerk):
    data = to_csv(AGENCY_HEADER, [agency_row(1), agency_row(2)])
    preview = services.parse_import("agencies", "a.csv", data)
    assert preview.ok and len(preview.rows) == 2 and preview.row_numbers == [2, 3]
    result = services.commit_import("agencies", "a.csv", data, clerk)
    assert result.created == 2
    agency = db.session.get(Agency, result.ids[0])
    assert agency.is_job_agency and agency.is_dispatch
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "agency.create", AuditEvent.object_id.in_([str(i) for i in result.ids]))) == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "import.commit")) == 1


def test_mixed_file_imports_nothing(db, clerk, dummy_agency):
    db.session.commit()  # keep the fixtures when the refused import rolls back
    before = agency_count(db)
    rows = [
        agency_row(10),                                         # row 2: fine
        agency_row(11, 统一社会信用代码="91419001MA4400000X"),   # row 3: bad check character
        agency_row(12, 成立日期="2018-02-30"),                   # row 4: bad date
        agency_row(13),                                         # row 5: fine
        agency_row(10, 机构名称="同一代码"),                      # row 6: duplicate of row 2
        agency_row(14, 统一社会信用代码=dummy_agency.uscc),       # row 7: already registered
        agency_row(15, 机构类型="保安服务"),                      # row 8: unknown kind
    ]
    data = to_csv(AGENCY_HEADER, rows)
    preview = services.parse_import("agencies", "mixed.csv", data)
    by_row = {e.row: e for e in preview.errors}
    assert sorted(by_row) == [3, 4, 6, 7, 8]
    assert "校验位" in by_row[3].message
    assert "有效日期" in by_row[4].message and by_row[4].label == "成立日期"
    assert "与第2行" in by_row[6].message
    assert "已登记" in by_row[7].message
    assert "保安服务" in by_row[8].message
    with pytest.raises(ValidationFailed) as err:
        services.commit_import("agencies", "mixed.csv", data, clerk)
    assert len(err.value.extra["row_errors"]) == 5
    assert "第3行 统一社会信用代码" in err.value.errors
    assert agency_count(db) == before
    report = services.error_report_csv(preview).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(report)))
    assert lines[0] == ["行号", "字段", "原值", "错误说明"]
    assert [line[0] for line in lines[1:]] == ["3", "4", "6", "7", "8"]


def test_xlsx_records_with_catalog_defaults_and_duplicates(db, clerk, dummy_agency, create_record):
    existing = create_record(dummy_agency, decision_number="已存在〔2026〕1号")
    header = ["机构统一社会信用代码", "违法行为类型", "违法事实", "违法行为发生日期", "处理决定日期",
              "决定文书号", "处理种类", "罚款金额（元）", "线索来源"]
    import datetime as dt
    good = [dummy_agency.uscc, "发布虚假招聘信息", "事实", dt.datetime(2026, 1, 5), "2026-02-10",
            "导入〔2026〕1号", "罚款", 3000.0, "投诉举报"]
    data = to_xlsx(header, [good])
    result = services.commit_import("records", "r.xlsx", data, clerk)
    record = db.session.get(Record, result.ids[0])
    assert record.status == RecordStatus.DRAFT and record.severity == Severity.GENERAL
    assert record.authority == "济源示范区人力资源和社会保障局"
    assert record.entered_by_id == clerk.id
    dup_in_file = list(good)
    dup_in_file[5] = "导入〔2026〕2号"
    against_db = list(good)
    against_db[5] = existing.decision_number
    unknown_agency = list(good)
    unknown_agency[0] = make_uscc(424242)
    unknown_agency[5] = "导入〔2026〕3号"
    preview = services.parse_import("records", "r2.xlsx",
                                    to_xlsx(header, [dup_in_file, dup_in_file, against_db, unknown_agency]))
    messages = {e.row: e.message for e in preview.errors}
    assert "与第2行" in messages[3]
    assert "已登记" in messages[4]
    assert "没有该统一社会信用代码的机构档案" in messages[5]


def test_unusable_files(db):
    with pytest.raises(ValidationFailed):
        services.parse_import("agencies", "x.pdf", b"%PDF-1.4")
    with pytest.raises(ValidationFailed):
        services.parse_import("people", "x.csv", b"a,b")
    preview = services.parse_import("agencies", "x.csv", to_csv(["名字", "统一社会信用代码"], []))
    assert any("无法识别的列“名字”" in e.message for e in preview.errors)
    assert any("缺少必需的列“机构名称”" in e.message for e in preview.errors)
    gbk = ",".join(AGENCY_HEADER).encode("gb18030") + b"\r\n"
    assert services.parse_import("agencies", "gbk.csv", gbk).errors[0].message == "文件中没有数据行"


@pytest.mark.parametrize("kind", ["agencies", "records"])
def test_templates_have_the_columns(kind):
    csv_header = next(csv.reader(io.StringIO(services.template_file(kind, "csv").decode("utf-8-sig"))))
    assert csv_header == [h for _, h, _ in services.COLUMNS[kind]]
    workbook = load_workbook(io.BytesIO(services.template_file(kind, "xlsx")))
    assert [c.value for c in workbook.worksheets[0][1]] == csv_header


def test_pages_preview_report_and_commit(app, db, login, clerk, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path))
    client = login(clerk)
    assert client.get("/staff/imports").status_code == 200
    template = client.get("/staff/imports/templates/agencies.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    bad = to_csv(AGENCY_HEADER, [agency_row(30), agency_row(31, 机构名称="")])
    response = client.post("/staff/imports/preview", data={
        "kind": "agencies", "file": (io.BytesIO(bad), "bad.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "未导入任何数据" in page and "请填写机构名称" in page
    token = page.split("/staff/imports/")[1].split("/errors.csv")[0].split("/")[-1]
    report = client.get(f"/staff/imports/{token}/errors.csv")
    assert report.status_code == 200 and "请填写机构名称" in report.data.decode("utf-8-sig")
    before = agency_count(db)
    assert client.post(f"/staff/imports/{token}/commit").status_code == 422
    assert agency_count(db) == before
    good = to_csv(AGENCY_HEADER, [agency_row(32), agency_row(33)])
    response = client.post("/staff/imports/preview", data={
        "kind": "agencies", "file": (io.BytesIO(good), "good.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200
    token = response.get_data(as_text=True).split("/staff/imports/")[1].split("/commit")[0]
    assert client.post(f"/staff/imports/{token}/commit").status_code == 302
    assert agency_count(db) == before + 2
    # the stored upload is gone after the commit, and other users never see it
    assert client.post(f"/staff/imports/{token}/commit").status_code == 404


def test_a_failure_in_the_middle_of_writing_leaves_nothing(db, clerk, monkeypatch):
    """All-or-nothing also when validation passed and a later row fails while writing
    (e.g. another clerk registered the same USCC between preview and commit)."""
    from credit_service.agencies import services as agency_services
    from credit_service.core.errors import Conflict

    db.session.commit()
    before = agency_count(db)
    real_create = agency_services.create_agency
    calls = []

    def create_then_fail(values, actor):
        calls.append(values["uscc"])
        if len(calls) == 3:
            raise Conflict("该统一社会信用代码已登记")
        return real_create(values, actor)

    monkeypatch.setattr(agency_services, "create_agency", create_then_fail)
    data = to_csv(AGENCY_HEADER, [agency_row(40), agency_row(41), agency_row(42), agency_row(43)])
    with pytest.raises(ValidationFailed) as err:
        services.commit_import("agencies", "race.csv", data, clerk)
    assert len(calls) == 3  # two rows were written before the failure ...
    assert err.value.extra["row_errors"] == [
        {"row": 4, "field": None, "message": "该统一社会信用代码已登记"}]
    assert agency_count(db) == before  # ... and rolled back with it
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(["agency.create", "import.commit"]))) == 0


def test_xlsx_agencies_and_csv_records(db, clerk, dummy_agency):
    data = to_xlsx(AGENCY_HEADER, [agency_row(50), agency_row(51, 机构类型="劳务派遣")])
    result = services.commit_import("agencies", "a.xlsx", data, clerk)
    assert result.created == 2
    second = db.session.get(Agency, result.ids[1])
    assert second.is_dispatch and not second.is_job_agency and second.name == "导入测试公司51"
    header = ["机构统一社会信用代码", "违法行为类型", "违法事实", "违法行为发生日期", "处理决定日期",
              "决定文书号", "处理种类", "罚款金额（元）", "线索来源"]
    rows = [[dummy_agency.uscc, "向劳动者收取押金（含以担保等名义变相收取）", "收取押金", "2026-03-01", "2026-04-02",
             "导入〔2026〕9号", "罚款", "2000", "投诉举报"],
            [dummy_agency.uscc, "不存在的类型", "x", "2026-03-01", "2026-04-02",
             "导入〔2026〕10号", "罚款", "-5", "投诉举报"]]
    preview = services.parse_import("records", "r.csv", to_csv(header, rows))
    assert {e.row for e in preview.errors} == {3}
    assert any("不存在的类型" in e.message for e in preview.errors)
    result = services.commit_import("records", "r.csv", to_csv(header, rows[:1]), clerk)
    record = db.session.get(Record, result.ids[0])
    assert record.violation_code == "deposit_from_workers" and record.fine_amount == 2000
    assert record.status == RecordStatus.DRAFT


def test_xlsx_upload_through_the_page(app, db, login, clerk, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path))
    client = login(clerk)
    before = agency_count(db)
    data = to_xlsx(AGENCY_HEADER, [agency_row(60), agency_row(61)])
    response = client.post("/staff/imports/preview", data={
        "kind": "agencies", "file": (io.BytesIO(data), "good.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "导入测试公司60" in page and "导入测试公司61" in page
    assert agency_count(db) == before  # a preview writes nothing
    token = page.split("/staff/imports/")[1].split("/commit")[0]
    assert client.post(f"/staff/imports/{token}/commit").status_code == 302
    assert agency_count(db) == before + 2
