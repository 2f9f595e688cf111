"""What a clerk and a reviewer do, through the pages: agency → draft → confirmation →
grade → audit log. Plus four eyes, stale edits (409) and escaping."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from credit_service.agencies.models import Agency
from credit_service.audit.models import AuditEvent
from credit_service.core.enums import RecordStatus, Role
from credit_service.core.web import today_local
from credit_service.records.models import Record
from tests.fixtures.agencies import make_uscc

AGENCY_FORM = {
    "uscc": make_uscc(777001), "name": "济源市诚达人力资源服务有限公司", "kinds": ["job_agency"],
    "legal_rep_name": "赵六", "address": "济源市天坛路8号", "district": "天坛街道",
    "registered_capital": "1000000", "established_on": "2014-04-01", "status": "operating",
}


def record_form(**overrides):
    form = {
        "violation_code": "false_job_info", "severity": "", "major_case_kind": "",
        "facts": "发布虚假招聘信息", "occurred_on": "2026-01-05", "decided_on": "2026-02-10",
        "decision_number": "济人社监罚〔2026〕88号", "authority": "济源示范区人力资源和社会保障局",
        "penalty_kind": "fine", "fine_amount": "8000", "source": "inspection",
    }
    form.update(overrides)
    return form


def test_clerk_and_reviewer_take_an_agency_through_a_confirmed_violation(
        app, db, login, clerk, reviewer, admin):
    client = login(clerk)
    # 1. the clerk registers the agency
    page = client.get("/staff/agencies/new")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    response = client.post("/staff/agencies/new", data=AGENCY_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    agency = db.session.scalar(select(Agency).where(Agency.uscc == AGENCY_FORM["uscc"]))
    assert response.headers["Location"].endswith(f"/staff/agencies/{agency.uscc}")
    file_page = client.get(f"/staff/agencies/{agency.uscc}").get_data(as_text=True)
    assert agency.name in file_page and "档案时间线" in file_page
    assert f'href="/agencies/{agency.uscc}">公开页面</a>' in file_page
    # ... and files the annual reports that are due (on time: by 31 March of the next year),
    # so that no annual-report cap hides what the violation does to the grade.
    today = today_local()
    for year in (today.year - 2, today.year - 1):
        if date(year + 1, 3, 1) <= today:
            assert client.post(f"/staff/agencies/{agency.uscc}/annual-reports/new", data={
                "year": str(year), "submitted_on": f"{year + 1}-03-01",
                "publicised": "1"}).status_code == 302
    # clean file, established 2014: 100 + 5 (no confirmed record in 12 months) -> A
    assert (agency.current_grade, agency.current_score) == ("A", 105)

    # 2. the clerk enters a draft from the catalog-driven form (a general fine 40 days ago)
    form_page = client.get(f"/staff/agencies/{agency.uscc}/records/new").get_data(as_text=True)
    assert "发布虚假招聘信息" in form_page and "按目录缺省" in form_page
    response = client.post(f"/staff/agencies/{agency.uscc}/records/new", data=record_form(
        occurred_on=(today - timedelta(days=60)).isoformat(),
        decided_on=(today - timedelta(days=40)).isoformat()))
    assert response.status_code == 302, response.get_data(as_text=True)
    record = db.session.scalar(select(Record).where(Record.agency_id == agency.id))
    assert record.status == RecordStatus.DRAFT and record.entered_by_id == clerk.id
    # a clerk holds no REVIEW capability
    assert client.post(f"/staff/records/{record.id}/confirm").status_code == 403
    client.post("/staff/logout")

    # 3. the reviewer finds it on the dashboard and confirms it
    client = login(reviewer)
    dashboard = client.get("/staff/").get_data(as_text=True)
    assert record.decision_number in dashboard
    response = client.post(f"/staff/records/{record.id}/confirm", data={"version": record.version})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert record.status == RecordStatus.CONFIRMED and record.confirmed_by_id == reviewer.id

    # 4. the grade drops at once: 100 - 10 (general, in force 12 months), bonus gone -> B,
    # and the file page explains it with the record's decision number
    assert (agency.current_grade, agency.current_score) == ("B", 90)
    file_page = client.get(f"/staff/agencies/{agency.uscc}").get_data(as_text=True)
    explanation = file_page[file_page.index("计分依据"):]
    assert record.decision_number in explanation and "-10" in explanation.replace("−", "-")

    # 5. the reviewer (and the clerk) find every step in the file's 操作记录 ...
    trail = client.get(f"/staff/agencies/{agency.uscc}").get_data(as_text=True)
    trail = trail[trail.index("操作记录"):]
    for label, who in (("登记机构", clerk), ("录入失信记录（草稿）", clerk),
                       ("确认失信记录", reviewer), ("信用等级重新计算", reviewer)):
        assert re.search(rf"<td>{re.escape(who.display_name)}</td>\s*<td>web</td>"
                         rf"<td>{re.escape(label)}</td>", trail), label
    client.post("/staff/logout")
    assert "确认失信记录" in login(clerk).get(f"/staff/agencies/{agency.uscc}").get_data(as_text=True)

    # 6. ... and the admin in the whole audit log
    client = login(admin)
    log = client.get("/staff/audit").get_data(as_text=True)
    for action in ("agency.create", "record.create", "record.confirm"):
        assert action in log
    rows = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["agency.create", "record.create", "record.confirm"]))).all()
    assert {r.actor_id for r in rows} == {clerk.id, reviewer.id}
    assert all(r.actor_label == "web" and r.client_addr == "127.0.0.1" for r in rows)
    filtered = client.get(f"/staff/audit?object_type=records&object_id={record.id}").get_data(as_text=True)
    assert '<code class="muted">record.confirm</code>' in filtered
    assert '<code class="muted">agency.create</code>' not in filtered
    assert "确认失信记录" in filtered
    event = rows[-1]
    assert client.get(f"/staff/audit/{event.id}").status_code == 200


def test_four_eyes_refusal_through_the_page(db, login, reviewer, dummy_agency):
    client = login(reviewer)
    client.post(f"/staff/agencies/{dummy_agency.uscc}/records/new", data=record_form())
    record = db.session.scalar(select(Record).where(Record.agency_id == dummy_agency.id))
    page = client.get(f"/staff/records/{record.id}").get_data(as_text=True)
    assert "四眼原则" in page
    response = client.post(f"/staff/records/{record.id}/confirm", data={"version": record.version})
    assert response.status_code == 403
    assert "四眼原则" in response.get_data(as_text=True)
    assert record.status == RecordStatus.DRAFT


def test_form_errors_are_field_level_chinese_and_keep_input(login, clerk):
    client = login(clerk)
    bad = dict(AGENCY_FORM, uscc="91419001MA4412345X", name="保留的名称", established_on="2014-02-30")
    response = client.post("/staff/agencies/new", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "统一社会信用代码" in page and "不是有效日期" in page
    assert 'value="保留的名称"' in page


def test_stale_edit_shows_who_changed_what_and_keeps_input(db, login, create_user, dummy_agency):
    first = create_user(Role.CLERK, display_name="先改的人")
    second = create_user(Role.CLERK, display_name="后改的人")
    c1 = login(first)
    form = {**{k: v for k, v in AGENCY_FORM.items() if k != "uscc"}, "name": dummy_agency.name,
            "version": "1"}
    assert c1.post(f"/staff/agencies/{dummy_agency.uscc}/edit",
                   data={**form, "address": "先改的地址"}).status_code == 302
    c2 = login(second)
    response = c2.post(f"/staff/agencies/{dummy_agency.uscc}/edit",
                       data={**form, "address": "我填写的新地址"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "先改的人" in page and "先改的地址" in page and "<td>住所</td>" in page
    assert 'value="我填写的新地址"' in page
    assert re.search(r'name="version" value="2"', page)
    assert dummy_agency.address == "先改的地址"
    # resubmitting after seeing the change goes through
    assert c2.post(f"/staff/agencies/{dummy_agency.uscc}/edit",
                   data={**form, "address": "我填写的新地址", "version": "2"}).status_code == 302


def test_rename_through_the_form_keeps_former_name(db, login, clerk, dummy_agency):
    client = login(clerk)
    old = dummy_agency.name
    form = {**{k: v for k, v in AGENCY_FORM.items() if k != "uscc"}, "name": "济源市新名字有限公司",
            "version": str(dummy_agency.version)}
    assert client.post(f"/staff/agencies/{dummy_agency.uscc}/edit", data=form).status_code == 302
    page = client.get(f"/staff/agencies/{dummy_agency.uscc}").get_data(as_text=True)
    assert old in page and "曾用名" in page
    found = client.get("/staff/agencies?q=" + old[:8]).get_data(as_text=True)
    assert "济源市新名字有限公司" in found


def test_licence_report_honour_revoke_pages(db, login, clerk, reviewer, dummy_agency, create_record):
    client = login(clerk)
    u = dummy_agency.uscc
    assert client.post(f"/staff/agencies/{u}/licences/new", data={
        "kind": "hr_service", "number": "LIC-1", "issuer": "济源人社局", "issued_on": "2020-01-01",
        "valid_until": "2026-12-01", "status": "valid"}).status_code == 302
    assert client.post(f"/staff/agencies/{u}/annual-reports/new", data={
        "year": "2024", "submitted_on": "2025-03-01", "publicised": "1"}).status_code == 302
    assert client.post(f"/staff/agencies/{u}/honours/new", data={
        "kind": "award", "level": "municipal", "title": "先进单位", "issuer": "济源市人民政府",
        "document_number": "济政〔2025〕1号", "granted_on": "2025-01-01"}).status_code == 302
    page = client.get(f"/staff/agencies/{u}").get_data(as_text=True)
    assert "LIC-1" in page and "先进单位" in page and "2024" in page
    record = create_record(dummy_agency)
    db.session.commit()
    assert client.get(f"/staff/records/{record.id}/revoke").status_code == 403
    client.post("/staff/logout")
    client = login(reviewer)
    confirm_page = client.get(f"/staff/records/{record.id}/revoke").get_data(as_text=True)
    assert "不可恢复" in confirm_page
    response = client.post(f"/staff/records/{record.id}/revoke", data={
        "reason": "", "on": "2026-03-01", "version": record.version})
    assert response.status_code == 422 and "请填写" in response.get_data(as_text=True)
    response = client.post(f"/staff/records/{record.id}/revoke", data={
        "reason": "复议撤销", "on": "2026-03-01", "overturned": "1", "version": record.version})
    assert response.status_code == 302
    assert record.status == RecordStatus.OVERTURNED


def test_script_in_names_is_escaped_everywhere(app, db, login, clerk, admin, create_agency):
    evil = "<script>alert(1)</script>"
    agency = create_agency(name=f"{evil}人力公司", legal_rep_name=evil, address=evil)
    db.session.commit()
    client = login(clerk)
    client.post(f"/staff/agencies/{agency.uscc}/records/new",
                data=record_form(facts=evil, decision_number=f"{evil}号"))
    record = db.session.scalar(select(Record).where(Record.agency_id == agency.id))
    client.post(f"/staff/agencies/{agency.uscc}/edit", data={
        "name": f"{evil}新名", "kinds": ["job_agency"], "legal_rep_name": evil, "address": evil,
        "established_on": "2015-03-01", "status": "operating", "version": agency.version})
    client.post("/staff/logout")
    client = login(admin)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "agencies")
                              .order_by(AuditEvent.id.desc()))
    pages = [
        "/staff/", "/staff/agencies", f"/staff/agencies?q={agency.uscc}",
        f"/staff/agencies/{agency.uscc}", f"/staff/agencies/{agency.uscc}/edit",
        "/staff/records", f"/staff/records/{record.id}", f"/staff/records/{record.id}/edit",
        "/staff/audit", f"/staff/audit/{event.id}",
    ]
    # Public and other features' pages that show the agency, when installed.
    pages += [u for u in (f"/agencies/{agency.uscc}", f"/agencies?q={agency.uscc}")
              if client.get(u).status_code == 200]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert evil not in body, url
        if url != "/staff/audit":  # the list shows no names; its detail page does
            assert "&lt;script&gt;" in body, url


def test_each_web_write_makes_one_audit_row(db, login, clerk):
    client = login(clerk)
    # Grading audits its own assessments; the agency write itself leaves exactly one row.
    count = lambda: db.session.scalar(select(func.count(AuditEvent.id))  # noqa: E731
                                      .where(AuditEvent.object_type == "agencies"))
    before = count()
    client.post("/staff/agencies/new", data=AGENCY_FORM)
    assert count() == before + 1
    client.post("/staff/agencies/new", data=AGENCY_FORM)  # refused duplicate: nothing written
    assert count() == before + 1


def test_stale_edit_lists_every_change_since_the_editors_version(db, login, create_user,
                                                                  dummy_agency):
    first = create_user(Role.CLERK, display_name="第一位")
    second = create_user(Role.CLERK, display_name="第二位")
    late = create_user(Role.CLERK, display_name="迟到的人")
    form = {**{k: v for k, v in AGENCY_FORM.items() if k != "uscc"}, "name": dummy_agency.name}
    original_address = dummy_agency.address
    assert login(first).post(f"/staff/agencies/{dummy_agency.uscc}/edit", data={
        **form, "address": "第一次改的地址", "version": "1"}).status_code == 302
    assert login(second).post(f"/staff/agencies/{dummy_agency.uscc}/edit", data={
        **form, "address": "第一次改的地址", "status": "deregistered",
        "version": "2"}).status_code == 302
    # the late editor opened the form at version 1 and saves over both changes
    response = login(late).post(f"/staff/agencies/{dummy_agency.uscc}/edit", data={
        **form, "address": "迟到的地址", "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "共有 2 次修改" in page and "第一位、第二位" in page
    # both fields, from the value the late editor saw to the current one; enum as its label
    assert re.search(rf"<td>住所</td><td><del>{re.escape(original_address)}</del></td>"
                     r"<td><ins>第一次改的地址</ins></td>", page)
    assert "<td>登记状态</td><td><del>存续</del></td><td><ins>注销</ins></td>" in page
    assert 'value="迟到的地址"' in page and 'name="version" value="3"' in page
    assert dummy_agency.address == "第一次改的地址" and dummy_agency.version == 3
