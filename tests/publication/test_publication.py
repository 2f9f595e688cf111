"""The pure publication library: codes, hashes, stamped PDFs, exports."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from publication import (
    Column,
    Stamp,
    new_verification_code,
    normalize_code,
    render_long_table,
    render_pdf,
    sha256_hex,
    to_csv,
    to_json,
    to_xlsx,
)
from publication.pdf import LocalOnlyFetcher, css_string
from tests.publication.helpers import has_cjk_font, page_count, pdf_text, qr_codes


def test_verification_codes_are_unambiguous_and_normalised():
    code = new_verification_code()
    assert len(code) == 14 and code.count("-") == 2
    assert normalize_code(code.lower().replace("-", " ")) == code
    assert normalize_code("0000-1111-IIII") is None
    assert normalize_code("short") is None
    assert sha256_hex(b"abc").startswith("ba7816bf")


def test_pdf_has_cjk_font_page_numbers_code_and_qr():
    code = new_verification_code()
    stamp = Stamp(issuer="济源示范区人力资源和社会保障局", title="测试文件 \"引号\" \\ 反斜杠",
                  code=code, verify_url=f"http://localhost/verify/{code}",
                  generated_at="2026-11-26 15:30", data_as_of="2026-11-26 15:00")
    html = ("<html><head><title>测试</title></head><body><h1>严重违法失信名单</h1>"
            + "<p>济源市华夏人力资源服务有限公司</p>" * 60 + "</body></html>")
    data = render_pdf(html, stamp)
    text = pdf_text(data)
    assert "济源市华夏人力资源服务有限公司" in text
    assert code in text
    pages = page_count(data)
    assert pages >= 2
    assert f"第 1 页 / 共 {pages} 页" in text
    assert "生成时间 2026-11-26 15:30" in text and "数据截至 2026-11-26 15:00" in text
    assert has_cjk_font(data)
    assert qr_codes(data, page=pages - 1) == [f"http://localhost/verify/{code}"]


def test_fetcher_serves_only_local_assets(tmp_path):
    fetcher = LocalOnlyFetcher([tmp_path])
    (tmp_path / "a.css").write_text("p{}")
    assert fetcher.fetch((tmp_path / "a.css").as_uri()).read() == b"p{}"
    for url in ("file:///etc/passwd", "http://example.com/x.png", "https://example.com/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_hostile_markup_cannot_read_files():
    code = new_verification_code()
    stamp = Stamp("局", "t", code, f"http://localhost/verify/{code}", "x", "y")
    html = "<p>ok</p><img src='file:///etc/passwd'><iframe src='file:///etc/hostname'></iframe>"
    data = render_pdf(html, stamp)
    assert "root:" not in pdf_text(data)


def test_css_string_escapes():
    assert css_string('a"b\\c\nd') == '"a\\"b\\\\c d"'


COLUMNS = [Column("name", "机构名称"), Column("uscc", "统一社会信用代码")]
ROWS = [{"name": "济源市华夏人力资源服务有限公司", "uscc": "91419001MA0000000X"},
        {"name": "=HYPERLINK(\"x\")", "uscc": "91419001MA0000001X"}]


def test_csv_export_has_bom_and_neutralises_formulas():
    data = to_csv(COLUMNS, ROWS)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["机构名称", "统一社会信用代码"]
    assert rows[1][0] == "济源市华夏人力资源服务有限公司"
    assert rows[2][0].startswith("'=")


def test_json_export_keeps_only_whitelisted_fields():
    rows = [dict(ROWS[0], contact_phone="13800138000")]
    data = json.loads(to_json(COLUMNS, rows, meta={"title": "名单"}))
    assert data["items"] == [{"name": ROWS[0]["name"], "uscc": ROWS[0]["uscc"]}]
    assert "13800138000" not in json.dumps(data)


def test_xlsx_export_is_stable():
    first, second = to_xlsx(COLUMNS, ROWS, title="名单"), to_xlsx(COLUMNS, ROWS, title="名单")
    assert sha256_hex(first) == sha256_hex(second)
    sheet = openpyxl.load_workbook(io.BytesIO(first)).active
    assert sheet["A1"].value == "机构名称"
    assert sheet["A2"].value == "济源市华夏人力资源服务有限公司"


def test_long_table_escapes_and_keeps_every_entry():
    from tests.publication.helpers import pdf_compact

    code = new_verification_code()
    stamp = Stamp("局", "名单", code, f"http://localhost/verify/{code}", "x", "y")
    rows = [[f"<b>机构{n}</b>&amp;", f"91419001MA{n:08d}", "住所"] for n in range(60)]
    for layout in ("entries", "grid"):
        data = render_long_table(title="严重违法失信名单", headers=["名称", "代码", "住所"],
                                 rows=rows, stamp=stamp, widths=[3, 2, 2], layout=layout)
        text = pdf_compact(data)
        assert "<b>机构0</b>&amp;" in text and "<b>机构59</b>&amp;" in text
        assert has_cjk_font(data)
