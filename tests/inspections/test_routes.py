"""Staff pages under /staff/inspections: permissions and the draw → publish → result flow."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import Grade
from credit_service.inspections.models import InspectionPlan


@pytest.mark.parametrize("path", ["/staff/inspections", "/staff/inspections/new",
                                  "/staff/inspections/campaigns"])
def test_anonymous_refused(client, path):
    assert client.get(path).status_code in (302, 401)


def test_every_staff_view_requires_a_capability(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/staff/inspections", "/staff/statistics")):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_capability", None) is not None, rule.rule


def test_clerk_cannot_create_or_draw(login, clerk):
    client = login(clerk)
    assert client.get("/staff/inspections/new").status_code == 403
    assert client.post("/staff/inspections/1/draw").status_code == 403


def test_full_flow(db, login, reviewer, clerk, inspectors, create_agency):
    agencies = [create_agency(current_grade=Grade.D) for _ in range(3)]
    db.session.commit()  # a refused form rolls back to the last commit (a savepoint in tests)
    client = login(reviewer)
    assert "新建抽查计划" in client.get("/staff/inspections").get_data(as_text=True)
    assert client.get("/staff/inspections/new").status_code == 200
    bad = client.post("/staff/inspections/new", data={"name": "", "starts_on": "2021-05-01",
                                                      "ends_on": "2021-05-25"})
    assert bad.status_code == 422 and "至少需要 2 名" in bad.get_data(as_text=True)
    resp = client.post("/staff/inspections/new", data={
        "name": "2021年5月双随机抽查", "starts_on": "2021-05-01", "ends_on": "2021-05-25",
        "inspector_ids": [str(u.id) for u in inspectors], "scope_districts": "沁园街道",
        "seed": "公开种子"})
    assert resp.status_code == 302
    plan = db.session.query(InspectionPlan).filter_by(name="2021年5月双随机抽查").one()
    preview = client.get(f"/staff/inspections/{plan.id}").get_data(as_text=True)
    assert "将抽取" in preview and "D（差）" in preview
    assert client.post(f"/staff/inspections/{plan.id}/draw").status_code == 302
    assert {t.agency_id for t in plan.targets} == {a.id for a in agencies}
    assert client.post(f"/staff/inspections/{plan.id}/draw").status_code == 409
    assert client.post(f"/staff/inspections/{plan.id}/publish").status_code == 302
    page = client.get(f"/staff/inspections/{plan.id}").get_data(as_text=True)
    assert "公开种子" in page
    assert any(u.display_name in page for u in inspectors)

    client = login(clerk)
    target = plan.targets[0]
    form_url = f"/staff/inspections/targets/{target.id}/result"
    assert client.get(form_url).status_code == 200
    bad = client.post(form_url, data={"outcome": "problems_found", "summary": "发现问题",
                                      "inspected_on": "2021-05-10"})
    assert bad.status_code == 422
    resp = client.post(form_url, data={
        "outcome": "problems_found", "summary": "发现发布虚假招聘信息", "inspected_on": "2021-05-10",
        "finding-0-violation_code": "rebate_price_manipulation", "finding-0-facts": "承诺返费",
        "finding-0-occurred_on": "2021-05-01", "finding-0-decided_on": "2021-05-10",
        "finding-0-decision_number": "济人社监责〔2021〕9号",
        "finding-0-authority": "济源示范区人力资源和社会保障局",
        "finding-0-penalty_kind": "rectification_order", "finding-0-fine_amount": "0"})
    assert resp.status_code == 302
    assert target.inspected_on == dt.date(2021, 5, 10) and len(target.record_ids) == 1
    public = login(clerk).get(f"/inspections/{plan.id}").get_data(as_text=True)
    assert "发现发布虚假招聘信息" in public


def test_campaign_pages(db, login, clerk, dummy_agency):
    db.session.commit()
    client = login(clerk)
    assert client.post("/staff/inspections/campaigns", data={"template": "jiyuan2021"}).status_code == 302
    from credit_service.inspections.models import Campaign

    campaign = db.session.query(Campaign).one()
    page = client.get(f"/staff/inspections/campaigns/{campaign.id}").get_data(as_text=True)
    assert "集中整治" in page and "2021年10月13日" in page
    resp = client.post(f"/staff/inspections/campaigns/{campaign.id}/self-inspections", data={
        "agency": dummy_agency.uscc, "submitted_on": "2021-04-20", "rebate_found": "1",
        "problems": "承诺入职返费"})
    assert resp.status_code == 302
    assert "承诺入职返费" in client.get(f"/staff/inspections/campaigns/{campaign.id}").get_data(as_text=True)
    bad = client.post(f"/staff/inspections/campaigns/{campaign.id}/self-inspections", data={
        "agency": "不存在的机构", "submitted_on": "2021-04-20"})
    assert bad.status_code == 422
    resp = client.post("/staff/inspections/actions", data={
        "kind": "employer_guidance", "held_on": "2021-05-06", "description": "指导代工企业规范用工"})
    assert resp.status_code == 302
    assert "指导代工企业规范用工" in client.get("/staff/inspections/campaigns").get_data(as_text=True)
