"""Fixtures for inspection tests: a pool of inspectors and a logged-in staff client."""

from __future__ import annotations

import pytest

from credit_service.core.enums import Department, Role


@pytest.fixture
def inspectors(create_user):
    departments = [Department.LABOUR_INSPECTION, Department.EMPLOYMENT_PROMOTION,
                   Department.PETITIONS, Department.EMPLOYMENT_SERVICE]
    return [create_user(Role.CLERK, display_name=f"检查员{i}", department=departments[i % 4])
            for i in range(5)]


@pytest.fixture(autouse=True)
def _user_loader(app):
    """Until the auth feature registers its Flask-Login loader, templates need one."""
    from credit_service.extensions import db, login_manager

    if login_manager._user_callback is None:
        login_manager.user_loader(lambda uid: db.session.get(_user_model(), int(uid)))


@pytest.fixture
def login(app, client):
    """Sign a user in by session (the staff workspace owns the real login form)."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return _login


def _user_model():
    from credit_service.auth.models import User

    return User
