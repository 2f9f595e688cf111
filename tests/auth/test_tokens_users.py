"""API tokens (hashed, shown once, revocable), admin user management and the CLI."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from credit_service.auth import services
from credit_service.auth.models import ApiToken, User
from credit_service.core.enums import Department, Role


def test_token_is_stored_hashed_and_loads_user(app, db, clerk):
    plaintext = services.issue_token(clerk, "测试", clerk)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == clerk.id))
    assert token.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in (token.prefix, token.label, token.token_hash)
    assert services.user_for_token(plaintext) is clerk
    assert token.last_used_at is not None
    assert services.user_for_token(plaintext + "x") is None


def test_revoked_token_and_deactivated_owner_are_refused(db, clerk, admin):
    plaintext = services.issue_token(clerk, "", clerk)
    token = services.tokens_of(clerk)[0]
    services.revoke_token(token, clerk)
    assert services.user_for_token(plaintext) is None
    other = services.issue_token(clerk, "second", clerk)
    services.deactivate_user(clerk, admin)
    assert services.user_for_token(other) is None


def test_bearer_header_sets_current_user(app, db, reviewer):
    from flask import g
    from flask_login import current_user

    plaintext = services.issue_token(reviewer, "api", reviewer)
    with app.test_request_context("/api/v1/agencies", headers={"Authorization": f"Bearer {plaintext}"}):
        assert current_user.is_authenticated
        assert current_user.id == reviewer.id
    g.pop("_login_user", None)  # the test's app context outlives each request context
    with app.test_request_context("/api/v1/agencies", headers={"Authorization": "Bearer cs_bogus"}):
        assert not current_user.is_authenticated


def test_token_ui_shows_plaintext_once(db, login, clerk):
    client = login(clerk)
    response = client.post("/staff/tokens", data={"label": "对接系统"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == clerk.id))
    start = page.index(token.prefix)
    plaintext = page[start:page.index("<", start)].strip()
    assert services.user_for_token(plaintext) is clerk
    listing = client.get("/staff/tokens").get_data(as_text=True)
    assert plaintext not in listing and token.prefix in listing
    assert client.post(f"/staff/tokens/{token.id}/revoke").status_code == 302
    assert token.revoked_at is not None


def test_clerk_cannot_revoke_someone_elses_token(db, login, clerk, reviewer):
    services.issue_token(reviewer, "", reviewer)
    token = services.tokens_of(reviewer)[0]
    client = login(clerk)
    assert client.post(f"/staff/tokens/{token.id}/revoke").status_code == 403
    assert token.revoked_at is None


def test_admin_creates_user_with_generated_password(db, login, admin):
    client = login(admin)
    response = client.post("/staff/users/new", data={
        "username": "wang.wu", "display_name": "王五", "role": "reviewer",
        "department": "petitions", "password": ""})
    assert response.status_code == 200
    user = services.user_by_username("wang.wu")
    assert user.role == Role.REVIEWER and user.department == Department.PETITIONS
    assert user.password_hash.startswith("scrypt:")
    assert "只显示这一次" in response.get_data(as_text=True)


def test_admin_user_form_errors_are_chinese(login, admin):
    client = login(admin)
    response = client.post("/staff/users/new", data={"username": "", "role": "boss",
                                                      "department": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "用户名不能为空" in page and "请选择角色" in page and "请选择所属科室" in page


def test_admin_changes_role_and_deactivates(db, login, admin, clerk):
    client = login(admin)
    response = client.post(f"/staff/users/{clerk.id}", data={
        "display_name": "录入员甲", "role": "reviewer", "department": "labour_inspection"})
    assert response.status_code == 302
    assert clerk.role == Role.REVIEWER and clerk.department == Department.LABOUR_INSPECTION
    assert client.post(f"/staff/users/{clerk.id}/active", data={"active": "0"}).status_code == 302
    assert clerk.active is False


def test_admin_cannot_deactivate_self(login, admin):
    client = login(admin)
    assert client.post(f"/staff/users/{admin.id}/active", data={"active": "0"}).status_code == 422
    assert admin.active


def test_cli_create_user_and_token(app, db, runner):
    result = runner.invoke(args=["credit", "users", "create", "li.si", "--role", "clerk",
                                 "--department", "employment_service", "--name", "李四"])
    assert result.exit_code == 0, result.output
    assert "初始密码（只显示这一次）" in result.output
    user = db.session.scalar(select(User).where(User.username == "li.si"))
    assert user.display_name == "李四"
    result = runner.invoke(args=["credit", "users", "token", "li.si", "--label", "脚本"])
    assert result.exit_code == 0, result.output
    assert services.user_for_token(result.output.strip()) == user


def test_cli_refuses_bad_role_and_unknown_user(runner):
    result = runner.invoke(args=["credit", "users", "create", "x", "--role", "boss",
                                 "--department", "petitions"])
    assert result.exit_code != 0
    result = runner.invoke(args=["credit", "users", "token", "nobody"])
    assert result.exit_code == 1


def test_each_account_write_leaves_one_audit_row(db, admin, audit_rows):
    user = services.create_user({"username": "audit.me", "display_name": "审计", "role": "clerk",
                                 "department": "petitions", "password": "Audit-Pass-2026"}, admin)
    assert [r.action for r in audit_rows(user)] == ["user.create"]
    services.update_user(user, {"role": "reviewer"}, admin)
    services.reset_password(user, admin)
    assert [r.action for r in audit_rows(user)] == ["user.create", "user.update", "user.password_reset"]
    assert all("password_hash" not in (r.after or {}) for r in audit_rows(user))
    services.issue_token(user, "x", admin)
    token = services.tokens_of(user)[0]
    services.revoke_token(token, admin)
    assert [r.action for r in audit_rows(token)] == ["api_token.issue", "api_token.revoke"]


def test_login_is_rate_limited(app, database_url, tmp_path, monkeypatch):
    """A second app instance with rate limiting on (the test config turns it off)."""
    from config import TestingConfig
    from credit_service import create_app
    from credit_service.extensions import db as _db
    from credit_service.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # restored after the test
    config = TestingConfig(tmp_path)
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.RATELIMIT_ENABLED = True
    limited = create_app(config)
    try:
        client = limited.test_client()
        statuses = [client.post("/staff/login", data={"username": "nobody", "password": "x"},
                                environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code
                    for _ in range(11)]
        assert statuses[:10] == [401] * 10
        assert statuses[10] == 429
        # GET (the form) is not limited
        assert client.get("/staff/login", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200
    finally:
        limiter.reset()
        with limited.app_context():
            _db.engine.dispose()


def test_admin_revokes_another_users_token_from_the_user_page(db, login, admin, clerk):
    plaintext = services.issue_token(clerk, "对接脚本", clerk)
    token = services.tokens_of(clerk)[0]
    client = login(admin)
    page = client.get(f"/staff/users/{clerk.id}").get_data(as_text=True)
    assert token.prefix in page and "撤销" in page
    response = client.post(f"/staff/tokens/{token.id}/revoke", data={"back": f"/staff/users/{clerk.id}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/users/{clerk.id}")
    assert token.revoked_at is not None and services.user_for_token(plaintext) is None
    # a back link off the staff area is ignored (no open redirect)
    services.issue_token(clerk, "second", clerk)
    other = [t for t in services.tokens_of(clerk) if t.revoked_at is None][0]
    response = client.post(f"/staff/tokens/{other.id}/revoke", data={"back": "//evil.example/"})
    assert response.headers["Location"].endswith("/staff/tokens")


def test_cli_prompts_for_the_password_on_a_terminal(app, db, runner, monkeypatch):
    import types

    from credit_service.auth import cli

    monkeypatch.setattr(cli, "sys", types.SimpleNamespace(
        stdin=types.SimpleNamespace(isatty=lambda: True)))
    result = runner.invoke(args=["credit", "users", "create", "wang.wu", "--role", "reviewer",
                                 "--department", "labour_inspection"],
                           input="Qiang-Mima-2026!\nQiang-Mima-2026!\n")
    assert result.exit_code == 0, result.output
    assert "再次输入密码" in result.output and "初始密码" not in result.output
    user = db.session.scalar(select(User).where(User.username == "wang.wu"))
    assert services.authenticate("wang.wu", "Qiang-Mima-2026!") is user
