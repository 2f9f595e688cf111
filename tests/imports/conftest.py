"""Staff workspace fixtures: sign-in helpers and a form poster that fetches pages first."""

from __future__ import annotations

import pytest

from tests.fixtures.users import PASSWORD


@pytest.fixture
def login(db, client):
    """Sign ``user`` in through the real login form; returns the client.

    Fixture rows are committed first (a savepoint release inside the test's outer
    transaction), so a service that rolls back a refused write does not take them along.
    """

    def _login(user, password: str = PASSWORD):
        db.session.commit()
        response = client.post("/staff/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


@pytest.fixture
def as_user(app, db):
    """A fresh test client signed in as ``user`` (by session, for matrix-style tests)."""

    def _as(user):
        db.session.commit()  # see ``login``
        c = app.test_client()
        with c.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return c

    return _as


@pytest.fixture
def audit_rows(db):
    """Audit rows written for one object: ``audit_rows(obj)`` or ``audit_rows(type, id)``."""
    from sqlalchemy import select

    from credit_service.audit.models import AuditEvent

    def _rows(obj_or_type, object_id=None):
        if object_id is None:
            object_type, object_id = obj_or_type.__tablename__, obj_or_type.id
        else:
            object_type = obj_or_type
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == object_type,
                                     AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
        ).all()

    return _rows
