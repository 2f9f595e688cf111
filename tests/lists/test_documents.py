"""Legal documents of the list procedures: PDFs with the required content (pypdf text)
and an embedded CJK font (pypdf font list), stored with a verification code."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

D = dt.date


@pytest.fixture
def documents_on(_app, monkeypatch):
    monkeypatch.setitem(_app.config, "LIST_DOCUMENTS_ON_WRITE", True)


def _pdf(db, listing, kind, event=None, pages=None):
    """The one document of ``kind`` (of ``event`` when given): checks the CJK font and
    returns its text without line breaks and spaces. ``pages``: a list that receives each
    page's raw text."""
    from credit_service.documents.models import Document
    from credit_service.documents.services import document_bytes
    from credit_service.lists.documents import document_key, documents_for

    docs = [d for d in documents_for(listing) if d.kind == kind
            and (event is None or d.key == document_key(listing, event))]
    assert len(docs) == 1, [d.kind for d in documents_for(listing)]
    doc = docs[0]
    assert doc.verification_code and len(doc.sha256) == 64
    assert db.session.scalar(select(Document.id).where(Document.id == doc.id))
    reader = PdfReader(io.BytesIO(document_bytes(doc)))
    if pages is not None:
        pages.extend(page.extract_text() for page in reader.pages)
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts") or []:
                descriptor = descendant.get_object().get("/FontDescriptor").get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("CJK" in f for f in fonts), fonts  # embedded CJK font, not just text
    return doc, text


def test_black_list_documents(db, documents_on, dummy_agency, veto_record, propose_black, step,
                              clerk, reviewer):
    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13), document_number="济人社告〔2026〕1号")
    doc, text = _pdf(db, listing, "listing_notice.pdf")
    for required in ("拟列入严重违法失信名单告知书", "济人社告〔2026〕1号", dummy_agency.name,
                     dummy_agency.uscc, "未取得许可证从事职业中介活动",  # reasons
                     "人力资源市场暂行条例",  # basis
                     "异议", "5个工作日", "2026年2月27日",  # right to object, deadline
                     "不予列入", "书面信用承诺", "列入后果", "D级"):
        assert required in text, required
    assert "13800138000" not in text and "410881198001011234" not in text
    assert doc.summary["document_number"] == "济人社告〔2026〕1号"

    step(listing, "decide", reviewer, D(2026, 3, 2), document_number="济人社决〔2026〕1号")
    pages: list[str] = []
    _, text = _pdf(db, listing, "listing_decision.pdf", pages=pages)
    for required in ("列入严重违法失信名单决定书", "济人社决〔2026〕1号", "列入事由", "列入依据",
                     "2029年3月2日", "惩戒措施", "提前移出的条件和程序", "6个月",
                     "书面信用承诺", "15个工作日", "行政复议", "60日", "行政诉讼", "6个月内"):
        assert required in text, required
    # Every page is numbered "第 n 页 / 共 N 页" (STYLE.md), N the real page count.
    for number, page in enumerate(pages, start=1):
        match = re.search(r"第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页", page)
        assert match, page[-200:]
        assert (int(match[1]), int(match[2])) == (number, len(pages))

    step(listing, "publish", reviewer, D(2026, 3, 3))
    step(listing, "early_remove", reviewer, D(2026, 12, 1), document_number="济人社移〔2026〕1号",
         corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 4, 2))
    _, text = _pdf(db, listing, "listing_removal.pdf")
    for required in ("移出严重违法失信名单决定书", "提前移出", "2026年4月1日", "停止公布", "行政复议",
                     "第十二条至第十四条", "自2026年12月1日起将你单位提前移出", "恢复列入"):
        assert required in text, required
    assert "届满" not in text.split("二、")[0]  # not the expiry wording


def test_expiry_removal_document(db, documents_on, published_black):
    from credit_service.jobs.services import expire_due

    expire_due(D(2029, 3, 2))
    _, text = _pdf(db, published_black, "listing_removal.pdf")
    for required in ("移出严重违法失信名单决定书", "一、移出理由",
                     "你单位的列入期限已于2029年3月2日届满", "第十一条",
                     "自2029年3月2日起将你单位移出严重违法失信名单", "停止公布", "第十七条",
                     "行政复议", "行政诉讼"):
        assert required in text, required
    assert "撤销" not in text.split("二、")[0] and "提前移出" not in text


def test_revocation_document(db, documents_on, published_black, step, reviewer):
    step(published_black, "revoke", reviewer, D(2026, 5, 6), document_number="济人社撤〔2026〕2号",
         reasons="所依据的处罚决定已被行政复议撤销")
    _, text = _pdf(db, published_black, "listing_removal.pdf")
    for required in ("撤销列入严重违法失信名单决定书", "济人社撤〔2026〕2号", "一、撤销理由",
                     "所依据的处罚决定已被行政复议撤销", "第十六条",
                     "自2026年5月6日起将你单位移出严重违法失信名单", "停止公布", "行政复议"):
        assert required in text, required
    assert "届满" not in text.split("二、")[0]


def test_reverse_removal_document(db, documents_on, published_black, step, reviewer,
                                  second_reviewer):
    step(published_black, "early_remove", reviewer, D(2026, 9, 30),
         corrected_on=D(2026, 3, 31), commitment_received_on=D(2026, 4, 2))
    event = step(published_black, "reverse_removal", second_reviewer, D(2026, 11, 16),
                 document_number="济人社恢〔2026〕1号", reasons="提前移出申请所附整改证明材料系伪造")
    _, text = _pdf(db, published_black, "listing_decision.pdf", event=event)
    for required in ("恢复列入严重违法失信名单决定书", "济人社恢〔2026〕1号",
                     "提前移出申请所附整改证明材料系伪造", "第十五条", "撤销提前移出决定",
                     "列入期限重新计算", "自2026年11月16日起至2029年11月16日止",
                     "惩戒措施", "行政复议"):
        assert required in text, required
    assert "在规定期限内未提出异议" not in text  # not the first decision's wording


def test_red_list_documents(db, documents_on, red_agency, nominate_red, step, clerk, reviewer):
    listing = nominate_red(red_agency)
    step(listing, "publicise", clerk, D(2026, 9, 30))
    step(listing, "designate", reviewer, D(2026, 10, 14), document_number="济人社信〔2026〕8号")
    _, text = _pdf(db, listing, "red_designation.pdf")
    for required in ("诚信服务示范机构认定决定书", "济人社信〔2026〕8号", "认定理由", "认定依据",
                     "2029年10月14日", "撤销情形"):
        assert required in text, required
    step(listing, "revoke", reviewer, D(2026, 11, 2), document_number="济人社信〔2026〕9号",
         reasons="有效期内发生违法失信行为")
    _, text = _pdf(db, listing, "red_revocation.pdf")
    for required in ("撤销诚信服务示范机构认定决定书", "有效期内发生违法失信行为", "行政复议",
                     "行政诉讼"):
        assert required in text, required


def test_publish_job_issues_documents_written_off_the_write_path(db, dummy_agency, veto_record,
                                                                 propose_black, step, clerk,
                                                                 _app, monkeypatch):
    from credit_service.jobs.services import regenerate_documents
    from credit_service.lists.documents import documents_for, events_missing_documents

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    assert documents_for(listing) == []
    assert len(events_missing_documents()) == 1
    monkeypatch.setattr("credit_service.documents.services.regenerate_if_changed",
                        lambda progress=None, force=False: 0)
    assert regenerate_documents()["list_documents"] == 1
    assert [d.kind for d in documents_for(listing)] == ["listing_notice.pdf"]
    assert regenerate_documents()["list_documents"] == 0  # idempotent


def test_staff_downloads_stored_document(db, documents_on, as_user, clerk, dummy_agency,
                                         veto_record, propose_black, step):
    from credit_service.lists.documents import documents_for

    listing = propose_black(dummy_agency, veto_record)
    step(listing, "notify", clerk, D(2026, 2, 13))
    doc = documents_for(listing)[0]
    c = as_user(clerk)
    assert doc.verification_code in c.get(f"/staff/lists/{listing.id}").get_data(as_text=True)
    response = c.get(f"/staff/lists/{listing.id}/documents/{doc.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert c.get(f"/staff/lists/{listing.id}/documents/{doc.id + 999}").status_code == 404
