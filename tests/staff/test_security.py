"""CSRF protection on every staff form, the append-only audit log, session cookies."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from credit_service.audit.models import AuditEvent
from credit_service.audit.services import record_audit
from tests.fixtures.users import PASSWORD


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_csrf_required_on_every_form_post(app, db, csrf_on, as_user, admin):
    """Every POST route outside the token-authenticated API refuses a form without the CSRF
    token, with the page that says what to do (not a generic 400)."""
    client = as_user(admin)
    posts = [r for r in app.url_map.iter_rules()
             if "POST" in r.methods and not r.rule.startswith("/api/")]
    assert any(r.rule.startswith("/staff") for r in posts)
    assert {"/cases/new", "/verify"} <= {r.rule for r in posts}
    refused = []
    for rule in posts:
        values = {name: 1 for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        response = client.post(url, data={"name": "x"})
        if response.status_code != 400 or "安全校验未通过" not in response.get_data(as_text=True):
            refused.append((rule.endpoint, response.status_code))
    assert refused == []


def test_login_with_csrf_token(db, csrf_on, client, clerk):
    db.session.commit()
    assert client.post("/staff/login", data={"username": clerk.username,
                                             "password": PASSWORD}).status_code == 400
    token = _token(client.get("/staff/login").get_data(as_text=True))
    response = client.post("/staff/login", data={"username": clerk.username, "password": PASSWORD,
                                                  "csrf_token": token})
    assert response.status_code == 302
    # staff forms carry the token, and posting with it works
    page = client.get("/staff/agencies/new").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    response = client.post("/staff/tokens", data={"label": "x", "csrf_token": _token(page)})
    assert response.status_code == 200


def test_session_cookie_flags(db, client, clerk):
    db.session.commit()
    response = client.post("/staff/login", data={"username": clerk.username, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_audit_log_is_append_only(app, db, is_postgres, admin):
    # No route changes or removes audit rows.
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert rule.methods - {"GET", "HEAD", "OPTIONS"} == set(), rule
    event = record_audit("test.append_only", actor=admin, object_type="tests", object_id=1,
                         after={"x": 1})
    db.session.flush()
    if is_postgres:
        # The trigger of migration 0001 refuses UPDATE and DELETE.
        for statement in ("UPDATE audit_events SET action = 'tampered' WHERE id = :id",
                          "DELETE FROM audit_events WHERE id = :id"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with db.session.begin_nested():
                    db.session.execute(sa.text(statement), {"id": event.id})
        db.session.expire_all()
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.id == event.id)) \
        == "test.append_only"


def test_dashboard_sections_and_empty_states(db, login, reviewer, clerk, create_agency, create_record):
    import datetime as dt

    from credit_service.agencies.models import Licence
    from credit_service.core.enums import LicenceKind, RecordStatus
    from credit_service.core.web import today_local
    from credit_service.jobs.models import Reminder

    client = login(reviewer)
    page = client.get("/staff/").get_data(as_text=True)
    assert "没有待确认的记录" in page and "60日内没有到期的许可证" in page
    agency = create_agency(name="即将到期公司")
    db.session.add(Licence(agency=agency, kind=LicenceKind.HR_SERVICE, number="EXP-1", issuer="局",
                           issued_on=dt.date(2020, 1, 1),
                           valid_until=today_local() + dt.timedelta(days=30)))
    draft = create_record(agency, status=RecordStatus.DRAFT, entered_by_id=clerk.id,
                          decision_number="待确认〔2026〕1号")
    db.session.add(Reminder(subject="listing:1", due_on=today_local(), message="请核实异议"))
    db.session.commit()
    page = client.get("/staff/").get_data(as_text=True)
    assert "EXP-1" in page and draft.decision_number in page and "请核实异议" in page
    assert "即将到期公司" in page  # no annual report either
