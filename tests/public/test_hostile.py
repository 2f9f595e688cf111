"""A hostile agency name (markup, quotes, ampersand) on the black list, in a change entry
and in a published disclosure: escaped on every page, literal text in the PDFs."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import (
    ChangeKind,
    DisclosureState,
    ListingState,
    ListKind,
    MajorCaseKind,
)
from credit_service.documents import services as documents
from tests.public.conftest import HOSTILE
from tests.publication.helpers import pdf_compact

ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;恶意&amp;&#34;名称"


@pytest.fixture
def hostile_world(db, world, create_record):
    from credit_service.disclosures.models import Disclosure, DisclosureEntry
    from credit_service.feed.services import record_change
    from credit_service.lists.models import Listing

    hostile = world["hostile"]
    today = dt.date.today()
    record = create_record(hostile, decided_on=today - dt.timedelta(days=20),
                           occurred_on=today - dt.timedelta(days=30),
                           facts=f"{HOSTILE} 发布虚假招聘信息",
                           major_case_kind=MajorCaseKind.WAGE_ARREARS)
    listing = Listing(agency_id=hostile.id, list_kind=ListKind.BLACK,
                      state=ListingState.PUBLISHED, basis_record_id=record.id,
                      reason=f"{HOSTILE} 拖欠劳动报酬", authority="济源示范区人社局",
                      proposed_on=today - dt.timedelta(days=15),
                      decided_on=today - dt.timedelta(days=5),
                      decision_number="济人社失信决〔2026〕66号",
                      published_on=today - dt.timedelta(days=4),
                      expires_on=today + dt.timedelta(days=365))
    db.session.add(listing)
    disclosure = Disclosure(period="2026Q1", starts_on=dt.date(2026, 1, 1),
                            ends_on=dt.date(2026, 3, 31), state=DisclosureState.PUBLISHED,
                            published_on=dt.date(2026, 4, 15))
    db.session.add(disclosure)
    db.session.flush()
    db.session.add(DisclosureEntry(
        disclosure_id=disclosure.id, record_id=record.id, agency_name=hostile.name,
        uscc=hostile.uscc, address="河南省济源市某路1号", legal_rep_name="赵六",
        major_case_kind=MajorCaseKind.WAGE_ARREARS, main_facts=f"{HOSTILE} 拖欠工资",
        handling="责令支付并罚款"))
    record_change(ChangeKind.LISTED, subject=f"listing:{listing.id}",
                  title=f"{hostile.name} 列入严重违法失信名单", agency=hostile)
    db.session.flush()
    return hostile


def _page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def _assert_escaped(page, path):
    assert "<script>" not in page, path
    assert ESCAPED in page, path


def test_hostile_name_escaped_on_pages(client, hostile_world):
    for path in ("/lists/black", "/", f"/agencies/{hostile_world.uscc}", "/agencies?q=恶意",
                 "/disclosures/2026Q1", "/disclosures"):
        page = _page(client, path)
        if path == "/disclosures":
            assert "<script>" not in page
            continue
        _assert_escaped(page, path)
    home = _page(client, "/")
    assert "最新变化" in home and f"{ESCAPED} 列入严重违法失信名单" in home


def test_hostile_name_is_literal_text_in_pdfs_and_escaped_on_verify(client, db,
                                                                   hostile_world):
    report = client.get(f"/agencies/{hostile_world.uscc}/report.pdf")
    assert report.status_code == 200
    assert "".join(HOSTILE.split()) in pdf_compact(report.data)
    page = _page(client, f"/verify/{report.headers['X-Verification-Code']}")
    _assert_escaped(page, "report verify")

    black = client.get("/lists/black.pdf")
    assert "".join(HOSTILE.split()) in pdf_compact(black.data)
    disclosure = client.get("/disclosures/2026Q1.pdf")
    assert disclosure.status_code == 200
    assert "".join(HOSTILE.split()) in pdf_compact(disclosure.data)

    # The hostile agency leaves the list: verify names it in "what changed", escaped.
    listing = hostile_world_listing(db, hostile_world)
    listing.state = ListingState.REMOVED
    db.session.flush()
    page = _page(client, f"/verify/{black.headers['X-Verification-Code']}")
    assert "不再包含" in page
    _assert_escaped(page, "black list verify")
    assert documents.regenerate_stale(kinds=["black_list.pdf"]) == 1


def hostile_world_listing(db, agency):
    from credit_service.lists.models import Listing

    return db.session.query(Listing).filter_by(agency_id=agency.id).one()
