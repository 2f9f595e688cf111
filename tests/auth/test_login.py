"""Sign-in, lockout, password change, logout, deactivated accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import Role
from tests.fixtures.users import PASSWORD


def test_login_page_renders(client):
    response = client.get("/staff/login")
    assert response.status_code == 200
    assert "工作人员登录" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_login_and_dashboard(client, clerk):
    response = client.post("/staff/login?next=/staff/", data={"username": clerk.username,
                                                              "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "工作台" in page.get_data(as_text=True)
    assert clerk.last_login_at is not None


def test_login_ignores_offsite_next(client, clerk):
    response = client.post("/staff/login?next=https://evil.example/", data={
        "username": clerk.username, "password": PASSWORD})
    assert response.headers["Location"] == "/staff/"


def test_wrong_password_is_refused(client, clerk):
    response = client.post("/staff/login", data={"username": clerk.username, "password": "nope"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert clerk.failed_logins == 1


def test_unknown_user_same_message(client):
    response = client.post("/staff/login", data={"username": "ghost", "password": "x"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_lockout_after_max_failures(app, client, clerk):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert client.post("/staff/login", data={"username": clerk.username,
                                                 "password": "wrong"}).status_code == 401
    response = client.post("/staff/login", data={"username": clerk.username, "password": "wrong"})
    assert "锁定" in response.get_data(as_text=True)
    assert clerk.locked_until is not None
    # Even the right password is refused while locked.
    response = client.post("/staff/login", data={"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 401
    assert "锁定" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_lock_expires(db, client, clerk):
    clerk.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.flush()
    response = client.post("/staff/login", data={"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302


def test_deactivated_user_cannot_log_in(db, client, create_user):
    user = create_user(Role.CLERK, active=False)
    response = client.post("/staff/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 401
    assert "停用" in response.get_data(as_text=True)


def test_deactivation_ends_session(db, login, admin, clerk):
    from credit_service.auth.services import deactivate_user

    client = login(clerk)
    assert client.get("/staff/").status_code == 200
    deactivate_user(clerk, admin)
    assert client.get("/staff/").status_code == 302


def test_logout(login, clerk):
    client = login(clerk)
    assert client.get("/staff/logout").status_code == 200
    response = client.post("/staff/logout")
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_password_change(login, clerk):
    from werkzeug.security import check_password_hash

    client = login(clerk)
    response = client.post("/staff/password", data={
        "current_password": PASSWORD, "new_password": "Brand-New-Secret-42",
        "confirm_password": "Brand-New-Secret-42"})
    assert response.status_code == 302
    assert check_password_hash(clerk.password_hash, "Brand-New-Secret-42")
    assert clerk.password_hash.startswith("scrypt:")


@pytest.mark.parametrize("new, message", [
    ("short1", "至少需要10个字符"),
    ("onlyletters-long", "同时包含字母和数字"),
])
def test_weak_passwords_refused(login, clerk, new, message):
    client = login(clerk)
    response = client.post("/staff/password", data={
        "current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_wrong_current_password(login, clerk):
    client = login(clerk)
    response = client.post("/staff/password", data={
        "current_password": "wrong", "new_password": "Brand-New-Secret-42",
        "confirm_password": "Brand-New-Secret-42"})
    assert response.status_code == 422
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_admin_unlocks_a_locked_account(app, db, client, login, admin, clerk):
    clerk.locked_until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    db.session.commit()
    admin_client = login(admin)
    assert "临时锁定中" in admin_client.get("/staff/users").get_data(as_text=True)
    assert admin_client.post(f"/staff/users/{clerk.id}/unlock").status_code == 302
    assert clerk.locked_until is None
    admin_client.post("/staff/logout")
    response = admin_client.post("/staff/login", data={"username": clerk.username, "password": PASSWORD})
    assert response.status_code == 302
