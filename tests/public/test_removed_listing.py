"""A black listing that has ended is no longer published (45号令 art.17 "停止公布";
SPEC.md §5.1): neither the profile page, the credit report nor the API mention it."""

from __future__ import annotations

from credit_service.core.enums import ListingState
from tests.lists.conftest import (  # noqa: F401
    _documents_off_the_write_path,
    as_user,
    clock,
    propose_black,
    published_black,
    step,
    veto_record,
)


def test_a_removed_black_listing_is_not_published(client, db, clock, published_black):  # noqa: F811
    from credit_service.jobs.services import expire_due
    from credit_service.public.services import agency_profile

    agency = published_black.agency
    before = client.get(f"/agencies/{agency.uscc}").get_data(as_text=True)
    assert "严重违法失信名单" in before and published_black.decision_number in before

    expiry = published_black.expires_on
    clock.set(expiry)
    expire_due(expiry)  # the system removes it on the day the 3-year term ends
    db.session.commit()
    assert published_black.state == ListingState.REMOVED

    page = client.get(f"/agencies/{agency.uscc}").get_data(as_text=True)
    assert "未列入严重违法失信名单" in page
    assert published_black.decision_number not in page and "已移出" not in page
    assert agency_profile(agency).black is None
    detail = client.get(f"/api/v1/agencies/{agency.uscc}").get_json()
    assert published_black.decision_number not in str(detail)
    black_list = client.get("/lists/black").get_data(as_text=True)
    assert agency.name not in black_list
