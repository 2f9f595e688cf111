"""The document store: publish, supersede, ensure, regenerate, verify."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.errors import NotFound
from credit_service.documents import services as documents
from credit_service.documents.models import Document
from tests.publication.helpers import has_cjk_font, pdf_text, qr_codes

HTML = "<html><body><h1>信用报告</h1><p>{name}</p></body></html>"


def _publish(key="k1", name="济源市华夏人力资源服务有限公司", fingerprint="f1", summary=None):
    return documents.publish_pdf(
        kind="test_doc.pdf", key=key, title=f"测试文件 {name}", html=HTML.format(name=name),
        summary=summary or {"agency_name": name, "black_list": "已列入"},
        fingerprint=fingerprint, data_as_of=dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC))


def test_publish_pdf_stores_hash_code_and_stamp(app, db):
    document = _publish()
    data = documents.document_bytes(document)
    assert document.current and document.media_type == "application/pdf"
    assert document.sha256 == documents.sha256_hex(data) and document.size == len(data)
    text = pdf_text(data)
    assert "济源市华夏人力资源服务有限公司" in text and document.verification_code in text
    assert "数据截至 2026-11-26 15:00" in text  # Asia/Shanghai
    assert has_cjk_font(data)
    assert qr_codes(data) == [f"http://localhost/verify/{document.verification_code}"]


def test_publishing_again_supersedes_the_previous_document(app, db):
    first = _publish()
    second = _publish(fingerprint="f2", summary={"agency_name": "济源市华夏人力资源服务有限公司",
                                                 "black_list": "已移出"})
    db.session.refresh(first)
    assert not first.current and first.superseded_by_id == second.id
    assert documents.current_document("test_doc.pdf", "k1").id == second.id
    result = documents.verify(first.verification_code)
    assert result.authentic and not result.current
    assert any("已移出" in line for line in result.changes_since)


def test_verify_authentic_unknown_and_tampered(app, db):
    document = _publish()
    data = documents.document_bytes(document)
    ok = documents.verify(document.verification_code.lower(), content=data)
    assert ok.authentic and ok.current and ok.file_matches
    assert ok.sha256 == document.sha256
    tampered = documents.verify(document.verification_code, content=data[:-10] + b"0" * 10)
    assert tampered.file_matches is False and not tampered.authentic
    assert not documents.verify("AAAA-AAAA-AAAA").authentic
    assert not documents.verify("not a code").authentic


def test_document_dir_storage(app, db, tmp_path):
    app.config["DOCUMENT_DIR"] = str(tmp_path)
    try:
        document = _publish()
        assert document.content is None and document.path
        assert (tmp_path / document.path).read_bytes() == documents.document_bytes(document)
    finally:
        app.config["DOCUMENT_DIR"] = None


def test_ensure_document_and_regenerate_stale(app, db):
    state = {"fingerprint": "v1", "calls": 0}

    def build(key):
        state["calls"] += 1
        return documents.DocumentSpec(
            title="登记文件", html=HTML.format(name=key), summary={"state": state["fingerprint"]},
            fingerprint=state["fingerprint"], data_as_of=dt.datetime.now(dt.UTC))

    documents.register_document_kind("registered.pdf", build, keys=lambda: ["always"])
    try:
        first = documents.ensure_document("registered.pdf", "x")
        assert documents.ensure_document("registered.pdf", "x").id == first.id
        assert state["calls"] == 1
        # Nothing changed: only the always-present key is generated.
        assert documents.regenerate_stale(kinds=["registered.pdf"]) == 1
        assert documents.regenerate_stale(kinds=["registered.pdf"]) == 0
        state["fingerprint"] = "v2"
        # Before regeneration, verify already tells that the content is out of date.
        stale = documents.verify(first.verification_code)
        assert not stale.current and any("v2" in line for line in stale.changes_since)
        assert documents.regenerate_stale(kinds=["registered.pdf"]) == 2
        assert documents.current_document("registered.pdf", "x").content_fingerprint == "v2"
    finally:
        documents._KINDS.pop("registered.pdf")


def test_unknown_kind_is_not_found(app, db):
    with pytest.raises(NotFound):
        documents.ensure_document("no_such_kind.pdf", "")
    assert db.session.query(Document).count() == 0
