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
    assert count == 9  # black/red × pdf/csv/json/xlsx + the listed agency's credit report
    assert documents.regenerate_stale() == 0
    assert documents.current_document("black_list.pdf", "") is not None


def test_credit_reports_of_listed_agencies_and_records_in_force_are_pregenerated(
        app, db, world, create_agency, create_record):
    import datetime as dt

    from credit_service.core.enums import Severity

    recorded = create_agency(name="济源市有记录人力资源有限公司")
    create_record(recorded, severity=Severity.GENERAL,
                  decided_on=dt.date.today() - dt.timedelta(days=20),
                  occurred_on=dt.date.today() - dt.timedelta(days=30))
    lapsed = create_agency(name="济源市旧记录人力资源有限公司")
    create_record(lapsed, severity=Severity.MINOR,
                  decided_on=dt.date.today() - dt.timedelta(days=400),
                  occurred_on=dt.date.today() - dt.timedelta(days=410))
    documents.regenerate_stale(kinds=["credit_report.pdf"])
    reports = {d.key for d in db.session.query(Document).filter_by(kind="credit_report.pdf")}
    # Listed (black) and with a record in force: in advance; the others on first request.
    assert reports == {world["bad"].uscc, recorded.uscc}
    document = documents.current_document("credit_report.pdf", recorded.uscc)
    assert recorded.name in pdf_compact(documents.document_bytes(document))


def _current_kinds(kinds):
    return {kind: documents.current_document(kind, key) for kind, key in kinds}


def test_credit_report_goes_stale_when_anything_it_prints_changes(client, db, world):
    """Address, a licence number and an honour are printed on the report: changing them
    makes /verify say the report is out of date (and what changed) and regenerates it."""
    from credit_service.agencies.models import Licence
    from credit_service.records.models import Honour

    good = world["good"]
    response = client.get(f"/agencies/{good.uscc}/report.pdf")
    code = response.headers["X-Verification-Code"]
    assert "内容仍为最新" in client.get(f"/verify/{code}").get_data(as_text=True)
    documents.regenerate_stale(kinds=["credit_report.pdf"])  # the pre-generated ones
    assert documents.regenerate_stale(kinds=["credit_report.pdf"]) == 0

    good.address = "河南省济源市新址路1号"
    db.session.flush()
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "内容仍为最新" not in page and "相关数据已发生变化" in page
    assert "住所：由「河南省济源市济水大街100号」变为「河南省济源市新址路1号」" in page

    licence = db.session.query(Licence).filter_by(agency_id=good.id).one()
    licence.number = "豫人服证字〔2024〕4190019999号"
    honour = db.session.query(Honour).filter_by(agency_id=good.id).one()
    honour.title = "全国人力资源服务诚信示范机构"
    db.session.flush()
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "许可与备案新增：" in page and "4190019999" in page
    assert "守信记录新增：全国人力资源服务诚信示范机构" in page

    assert documents.regenerate_stale(kinds=["credit_report.pdf"]) == 1
    fresh = client.get(f"/agencies/{good.uscc}/report.pdf")
    assert fresh.headers["X-Verification-Code"] != code
    text = pdf_compact(fresh.data)
    assert "新址路1号" in text and "4190019999" in text and "全国人力资源服务诚信示范机构" in text
    assert documents.regenerate_stale(kinds=["credit_report.pdf"]) == 0


def test_credit_report_fingerprint_covers_record_dates_and_legal_rep(app, db, world):
    from credit_service.public.documents import report_fingerprint

    bad = world["bad"]
    before = report_fingerprint(bad.uscc)
    bad.legal_rep_name = "王五六"
    db.session.flush()
    after_rep = report_fingerprint(bad.uscc)
    assert after_rep != before
    world["record"].authority = "河南省人力资源和社会保障厅"
    db.session.flush()
    assert report_fingerprint(bad.uscc) != after_rep


def test_list_files_go_stale_when_a_listed_agency_changes(app, db, world):
    documents.regenerate_stale()
    kinds = [(f"black_list.{fmt}", "") for fmt in ("pdf", "csv", "json", "xlsx")]
    before = _current_kinds(kinds)
    world["bad"].address = "河南省济源市新址路2号"
    db.session.flush()
    result = documents.verify(before["black_list.pdf"].verification_code)
    assert not result.current and result.changes_since
    assert documents.regenerate_stale(kinds=[kind for kind, _ in kinds]) == 4
    after = _current_kinds(kinds)
    assert all(after[kind].id != before[kind].id for kind, _ in kinds)
    assert "新址路2号" in documents.document_bytes(after["black_list.csv"]).decode("utf-8-sig")


def test_data_as_of_is_the_last_change_not_the_generation_time(app, db, world):
    import datetime as dt

    from credit_service.public import services

    bad = world["bad"]
    past = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    # Pretend every row was last written on 2026-03-01: data as of that moment.
    for model in _dated_models():
        db.session.query(model).update({model.updated_at: past}, synchronize_session=False)
    from credit_service.grading.models import Assessment

    db.session.query(Assessment).update({Assessment.created_at: past},
                                        synchronize_session=False)
    db.session.expire_all()
    report = documents.ensure_document("credit_report.pdf", bad.uscc)
    assert report.generated_at > report.data_as_of
    assert _aware(report.data_as_of) == past
    assert "数据截至 2026-03-01 10:00" in pdf_text(documents.document_bytes(report))
    for fmt in ("pdf", "json", "xlsx"):
        document = documents.ensure_document(f"black_list.{fmt}", "")
        assert _aware(document.data_as_of) == past, fmt
    assert "数据截至 2026-03-01 10:00" in pdf_text(
        documents.document_bytes(documents.current_document("black_list.pdf")))
    later = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
    world["listing"].updated_at = later
    db.session.flush()
    assert services.list_data_as_of("black") == later


def _dated_models():
    from credit_service.agencies.models import Agency, AnnualReport, Licence
    from credit_service.lists.models import Listing
    from credit_service.records.models import Honour, Record

    return (Agency, AnnualReport, Licence, Listing, Honour, Record)


def _aware(value):
    import datetime as dt

    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
