"""POST /imports: multipart CSV through the imports feature — all rows or none."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.api.conftest import assert_error
from tests.fixtures.agencies import make_uscc

HEADER = "统一社会信用代码,机构名称,机构类型,法定代表人,住所,所属区域,注册资本（元）,成立日期\n"


def _csv(*rows: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode("utf-8")), "agencies.csv"


def _row(n: int, name: str, uscc: str | None = None) -> str:
    return f"{uscc or make_uscc(900000 + n)},{name},职业中介,王五,河南省济源市文昌路{n}号,沁园街道,1000000,2018-05-01"


def _count(db, like: str) -> int:
    from credit_service.agencies.models import Agency

    return db.session.scalar(select(func.count()).select_from(Agency)
                             .where(Agency.name.like(f"%{like}%")))


def test_import_commits_all_rows(api, db, clerk, bearer):
    response = api.post("/imports?kind=agencies", headers=bearer(clerk),
                        data={"file": _csv(_row(1, "导入测试甲公司"), _row(2, "导入测试乙公司"))},
                        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["committed"] and body["created"] == 2 and len(body["ids"]) == 2
    assert _count(db, "导入测试") == 2


def test_dry_run_writes_nothing(api, db, clerk, bearer):
    response = api.post("/imports?kind=agencies&dry_run=true", headers=bearer(clerk),
                        data={"file": _csv(_row(3, "预览测试公司"))},
                        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["rows"] == 1 and not response.get_json()["committed"]
    assert _count(db, "预览测试") == 0


def test_one_bad_row_rejects_the_whole_file(api, db, clerk, bearer):
    response = api.post("/imports?kind=agencies", headers=bearer(clerk),
                        data={"file": _csv(_row(4, "全有或全无甲"),
                                           _row(5, "全有或全无乙", uscc="91419001MA4000000X"))},
                        content_type="multipart/form-data")
    body = assert_error(response, 422)
    assert any(key.startswith("第3行") for key in body["errors"]), body["errors"]
    assert body["row_errors"][0]["row"] == 3
    assert _count(db, "全有或全无") == 0


def test_import_needs_a_file_a_kind_and_a_token(api, clerk, bearer):
    assert_error(api.post("/imports?kind=agencies", data={"file": _csv(_row(6, "x"))},
                          content_type="multipart/form-data"), 401)
    assert_error(api.post("/imports?kind=agencies", json={"file": "x"}, headers=bearer(clerk)),
                 422, "file")
    assert_error(api.post("/imports?kind=people", headers=bearer(clerk),
                          data={"file": _csv(_row(7, "y"))},
                          content_type="multipart/form-data"), 422, "kind")


def _xlsx(*rows: list) -> tuple[io.BytesIO, str]:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer, "agencies.xlsx"


def test_xlsx_import_commits_all_rows_and_reports_bad_cells(api, db, clerk, bearer):
    # typed cells as a spreadsheet stores them: a number for the capital, a date for the day
    import datetime as dt

    good = [[make_uscc(900100 + n), f"表格导入测试{n}公司", "职业中介", "王五",
             f"河南省济源市文昌路{n}号", "沁园街道", 1000000, dt.datetime(2018, 5, 1)]
            for n in (1, 2)]
    response = api.post("/imports?kind=agencies", headers=bearer(clerk),
                        data={"file": _xlsx(*good)}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] == 2 and response.get_json()["filename"].endswith(".xlsx")
    assert _count(db, "表格导入测试") == 2

    bad = [make_uscc(900200), "表格错误行公司", "职业中介", "王五", "河南省济源市文昌路9号",
           "沁园街道", "很多", dt.datetime(2018, 5, 1)]
    body = assert_error(api.post("/imports?kind=agencies", headers=bearer(clerk),
                                 data={"file": _xlsx(bad)}, content_type="multipart/form-data"),
                        422)
    assert body["row_errors"][0]["row"] == 2
    assert _count(db, "表格错误行") == 0
    # not a spreadsheet at all, though named like one
    assert_error(api.post("/imports?kind=agencies", headers=bearer(clerk),
                          data={"file": (io.BytesIO(b"PK\x03\x04broken"), "x.xlsx")},
                          content_type="multipart/form-data"), 422, "file")
