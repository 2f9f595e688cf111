"""PDFs and files of the public site: content, CJK font, QR, verification."""

from __future__ import annotations

from credit_service.documents import services as documents
from credit_service.documents.models import Document
from tests.public.conftest import PRIVATE
from tests.publication.helpers import has_cjk_font, pdf_compact, pdf_text, qr_codes


def test_black_list_pdf(client, world):
    response = client.get("/lists/black.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    code = response.headers["X-Verification-Code"]
    text = pdf_text(response.data)
    compact = pdf_compact(response.data)
    assert world["bad"].name in compact and world["bad"].uscc in compact and code in compact
    assert "第 1 页 / 共 1 页" in text
    assert has_cjk_font(response.data)
    assert qr_codes(response.data) == [f"http://localhost/verify/{code}"]
    for secret in PRIVATE:
        assert secret not in text
    # Served from storage the second time: same document, same bytes; ETag revalidation.
    again = client.get("/lists/black.pdf")
    assert again.data == response.data
    assert client.get("/lists/black.pdf",
                      headers={"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_credit_report_pdf_and_verify_flow(client, db, world):
    bad = world["bad"]
    response = client.get(f"/agencies/{bad.uscc}/report.pdf")
    assert response.status_code == 200
    code = response.headers["X-Verification-Code"]
    text = pdf_compact(response.data)
    assert bad.name in text and "已列入严重违法失信名单" in text and code in text
    assert has_cjk_font(response.data)
    assert qr_codes(response.data) == [f"http://localhost/verify/{code}"]

    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "真实有效" in page and "内容仍为最新" in page
    document = db.session.query(Document).filter_by(verification_code=code).one()
    assert document.sha256 in page

    upload = client.post(f"/verify/{code}", data={"file": (__import__("io").BytesIO(
        response.data), "r.pdf")}, content_type="multipart/form-data")
    assert "上传文件与签发文件完全一致" in upload.get_data(as_text=True)
    tampered = response.data.replace(bad.uscc.encode(), b"X" * 18) + b"%tampered"
    upload = client.post(f"/verify/{code}", data={"file": (__import__("io").BytesIO(
        tampered), "r.pdf")}, content_type="multipart/form-data")
    assert "文件内容与签发时不一致" in upload.get_data(as_text=True)

    # The agency leaves the black list: the report is no longer current, and verify says why.
    from credit_service.core.enums import ListingState

    world["listing"].state = ListingState.REMOVED
    db.session.flush()
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "内容是否最新" in page and "相关数据已发生变化" in page
    assert "严重违法失信名单：由「已列入" in page and "变为「未列入」" in page
    assert documents.regenerate_stale() >= 1
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "被新版本取代" in page and "变为「未列入」" in page
    fresh = client.get(f"/agencies/{bad.uscc}/report.pdf")
    assert fresh.headers["X-Verification-Code"] != code


def test_unknown_code(client, world):
    response = client.get("/verify/AAAA-CCCC-DDDD")
    assert response.status_code == 404 and "不存在" in response.get_data(as_text=True)
    assert client.get("/verify/<script>").status_code == 404


def test_regenerate_stale_creates_list_files_off_the_request_path(app, db, world):
    count = documents.regenerate_stale()
    assert count == 8  # black/red × pdf/csv/json/xlsx
    assert documents.regenerate_stale() == 0
    assert documents.current_document("black_list.pdf", "") is not None
