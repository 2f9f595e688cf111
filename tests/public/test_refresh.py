"""Regeneration on write (credit_service.documents.refresh): a change recorded through the
change feed makes the affected stored documents be rebuilt after the commit, by a
background worker, so the list files stop showing a removed listing without waiting
for the hourly publish job."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from credit_service.core.enums import ChangeKind, ListingState, ListKind, Severity
from credit_service.documents import refresh
from credit_service.documents import services as documents
from tests.fixtures.agencies import make_uscc
from tests.publication.helpers import pdf_compact

NAME = "济源市即时更新劳务派遣有限公司"


def _listed_agency():
    from credit_service.agencies.models import Agency
    from credit_service.core.db import transactional
    from credit_service.core.enums import PenaltyKind, RecordSource, RecordStatus
    from credit_service.extensions import db
    from credit_service.feed.services import record_change
    from credit_service.lists.models import Listing
    from credit_service.records.models import Record

    today = dt.date.today()

    @transactional
    def create():
        agency = Agency(uscc=make_uscc(777001), name=NAME, legal_rep_name="钱七",
                        address="河南省济源市即时路1号", established_on=dt.date(2015, 1, 1),
                        is_dispatch=True)
        db.session.add(agency)
        db.session.flush()
        record = Record(agency_id=agency.id, violation_code="false_job_info",
                        severity=Severity.SERIOUS, facts="拖欠工资",
                        occurred_on=today - dt.timedelta(days=50),
                        decided_on=today - dt.timedelta(days=40),
                        decision_number="济人社监罚〔2026〕901号", authority="济源示范区人社局",
                        penalty_kind=PenaltyKind.FINE, fine_amount=Decimal("1000"),
                        source=RecordSource.INSPECTION, status=RecordStatus.CONFIRMED)
        db.session.add(record)
        db.session.flush()
        listing = Listing(agency_id=agency.id, list_kind=ListKind.BLACK,
                          state=ListingState.PUBLISHED, basis_record_id=record.id,
                          reason="拖欠劳动报酬", authority="济源示范区人社局",
                          proposed_on=today - dt.timedelta(days=30),
                          decided_on=today - dt.timedelta(days=10),
                          decision_number="济人社失信决〔2026〕901号",
                          published_on=today - dt.timedelta(days=9),
                          expires_on=today + dt.timedelta(days=365))
        db.session.add(listing)
        db.session.flush()
        record_change(ChangeKind.LISTED, subject=f"listing:{listing.id}",
                      title=f"{agency.name} 列入严重违法失信名单", agency=agency)
        return agency.uscc, listing.id

    return create()


def _remove(listing_id):
    from credit_service.core.db import transactional
    from credit_service.extensions import db
    from credit_service.feed.services import record_change
    from credit_service.lists.models import Listing

    @transactional
    def remove():
        listing = db.session.get(Listing, listing_id)
        listing.state = ListingState.REMOVED
        listing.ended_on = dt.date.today()
        listing.end_reason = "信用修复，提前移出"
        record_change(ChangeKind.REMOVED, subject=f"listing:{listing.id}",
                      title=f"{listing.agency.name} 移出严重违法失信名单",
                      agency=listing.agency)

    remove()


def _list_texts(client) -> dict[str, str]:
    import openpyxl

    texts = {}
    for fmt in ("pdf", "csv", "json", "xlsx"):
        data = client.get(f"/lists/black.{fmt}").data
        if fmt == "pdf":
            texts[fmt] = pdf_compact(data)
        elif fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            texts[fmt] = " ".join(str(c) for row in sheet.iter_rows(values_only=True)
                                  for c in row if c is not None)
        else:
            texts[fmt] = data.decode("utf-8-sig")
    return texts


@pytest.fixture
def background(committed_app):
    committed_app.config["DOCUMENT_REGENERATION"] = "background"
    try:
        yield committed_app
    finally:
        assert refresh.worker().wait_idle(timeout=120)
        committed_app.config.pop("DOCUMENT_REGENERATION")


def test_removal_regenerates_the_list_files_after_commit(background):
    client = background.test_client()
    uscc, listing_id = _listed_agency()
    assert refresh.worker().wait_idle(timeout=120)
    # Built by the worker after the commit, not by the requests below.
    stored = {fmt: documents.current_document(f"black_list.{fmt}")
              for fmt in ("pdf", "csv", "json", "xlsx")}
    assert all(stored.values())
    assert documents.current_document("credit_report.pdf", uscc) is not None
    assert all(uscc in text for text in _list_texts(client).values())
    old_code = stored["pdf"].verification_code

    _remove(listing_id)
    assert refresh.worker().wait_idle(timeout=120)
    texts = _list_texts(client)
    for fmt, text in texts.items():
        assert uscc not in text and NAME not in text, fmt
    page = client.get(f"/verify/{old_code}").get_data(as_text=True)
    assert "被新版本取代" in page and f"不再包含：{NAME}" in page
    report = documents.current_document("credit_report.pdf", uscc)
    assert report.summary["black_list"] == "未列入"


def test_changes_are_noted_for_after_commit_and_dropped_on_rollback(app, db, world):
    from credit_service.core.db import transactional
    from credit_service.feed.services import record_change

    session = db.session()
    session.info.pop("documents_stale", None)
    record_change(ChangeKind.GRADE_CHANGED, subject=f"agency:{world['good'].uscc}",
                  title="等级变化", agency=world["good"])
    assert refresh.pending(session) == {("credit_report.pdf", world["good"].uscc)}

    @transactional
    def failing():
        record_change(ChangeKind.DISCLOSURE_PUBLISHED, subject="disclosure:2026Q3",
                      title="公布")
        raise RuntimeError("boom")

    session.commit()  # under TESTING regeneration is off: the note is simply consumed
    assert refresh.pending(session) == set()
    with pytest.raises(RuntimeError):
        failing()
    assert refresh.pending(session) == set()
    assert refresh.targets_for_change(ChangeKind.DISCLOSURE_PUBLISHED,
                                      subject="disclosure:2026Q3") == {
        ("disclosure.pdf", "2026Q3")}
    listed = refresh.targets_for_change(ChangeKind.REMOVED, uscc="X")
    assert ("black_list.xlsx", "") in listed and ("credit_report.pdf", "X") in listed


def test_regenerate_if_changed_is_cheap_when_nothing_was_written(app, db, world):
    from credit_service.audit.services import record_audit

    documents._clean_marks.clear()
    assert documents.regenerate_if_changed() == 9
    assert documents.regenerate_if_changed() == 0  # its own publications were writes
    assert documents.regenerate_if_changed() is None  # nothing since: one small query
    world["bad"].address = "河南省济源市新址路3号"
    record_audit("agency.update", world["bad"])
    db.session.flush()
    assert documents.regenerate_if_changed() == 5  # the 4 black-list files and its report
