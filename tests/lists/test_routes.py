"""Staff list pages: by state, detail with actions, confirmation step, candidates,
eligibility, proposals; roles enforced."""

from __future__ import annotations

import datetime as dt

from credit_service.core.enums import ListingState

D = dt.date


def test_anonymous_is_sent_to_login(client, published_black):
    response = client.get("/staff/lists")
    assert response.status_code in (302, 401)


def test_index_and_detail(as_user, clerk, published_black):
    c = as_user(clerk)
    page = c.get("/staff/lists?kind=black&state=published").get_data(as_text=True)
    assert published_black.agency.name in page and "已公布（1）" in page
    detail = c.get(f"/staff/lists/{published_black.id}").get_data(as_text=True)
    assert "济人社decide〔2026〕" in detail and "2029-03-02" in detail
    assert "提前移出（信用修复）" in detail and "撤销列入" in detail
    assert "审核员乙" in detail and "作出列入决定" in detail  # who did each step
    assert c.get("/staff/lists/999999").status_code == 404
    assert c.get("/staff/lists?kind=purple").status_code == 404


def test_destructive_step_asks_for_confirmation(as_user, reviewer, published_black):
    c = as_user(reviewer)
    form = {"action": "revoke", "date": "2026-05-01", "reasons": "处罚决定被复议撤销",
            "version": str(published_black.version)}
    page = c.post(f"/staff/lists/{published_black.id}/events", data=form)
    assert page.status_code == 200 and "请确认" in page.get_data(as_text=True)
    assert published_black.state == ListingState.PUBLISHED
    done = c.post(f"/staff/lists/{published_black.id}/events", data={**form, "confirmed": "1"})
    assert done.status_code == 303
    assert published_black.state == ListingState.REVOKED


def test_illegal_step_is_shown_as_409(as_user, reviewer, published_black):
    c = as_user(reviewer)
    response = c.post(f"/staff/lists/{published_black.id}/events",
                      data={"action": "notify", "date": "2026-05-01", "document_number": "x"})
    assert response.status_code == 409
    assert "不能执行" in response.get_data(as_text=True)


def test_clerk_cannot_revoke(as_user, clerk, published_black):
    # (separate test: Flask-Login caches the user on ``g`` of the test's app context)
    response = as_user(clerk).post(
        f"/staff/lists/{published_black.id}/events",
        data={"action": "revoke", "date": "2026-05-01", "reasons": "x", "confirmed": "1"})
    assert response.status_code == 403
    assert published_black.state == ListingState.PUBLISHED


def test_stale_form_is_refused(as_user, reviewer, published_black):
    response = as_user(reviewer).post(
        f"/staff/lists/{published_black.id}/events",
        data={"action": "revoke", "date": "2026-05-01", "reasons": "x", "confirmed": "1",
              "version": str(published_black.version - 1)})
    assert response.status_code == 409
    assert published_black.state == ListingState.PUBLISHED


def test_propose_through_the_form(as_user, clerk, dummy_agency, veto_record):
    c = as_user(clerk)
    assert c.get(f"/staff/lists/new?list_kind=black&uscc={dummy_agency.uscc}").status_code == 200
    response = c.post("/staff/lists/new", data={
        "list_kind": "black", "uscc": dummy_agency.uscc, "basis_record_id": str(veto_record.id),
        "proposed_on": "2026-02-10"})
    assert response.status_code == 303
    detail = c.get(response.headers["Location"]).get_data(as_text=True)
    assert "拟列入" in detail and "送达告知书" in detail
    bad = c.post("/staff/lists/new", data={"list_kind": "black", "uscc": "X"})
    assert bad.status_code == 422


def test_candidates_and_eligibility_pages(as_user, clerk, dummy_agency, veto_record, red_agency):
    c = as_user(clerk)
    page = c.get("/staff/lists/candidates").get_data(as_text=True)
    assert dummy_agency.name in page and "一票否决" in page
    page = c.get(f"/staff/lists/eligibility?uscc={dummy_agency.uscc}").get_data(as_text=True)
    assert "不符合以下条件" in page
    assert "未找到" in c.get("/staff/lists/eligibility?uscc=NOPE").get_data(as_text=True)


def test_unknown_holiday_calendar_is_stated(as_user, clerk, dummy_agency, veto_record,
                                            propose_black, step):
    # The holiday library does not know 2099: Monday–Friday, and the page says so.
    listing = propose_black(dummy_agency, veto_record, on=D(2099, 5, 29))
    step(listing, "notify", clerk, D(2099, 6, 1))
    assert listing.objection_deadline == D(2099, 6, 8)
    page = as_user(clerk).get(f"/staff/lists/{listing.id}").get_data(as_text=True)
    assert "按周一至周五计算工作日" in page
