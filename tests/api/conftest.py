"""Fixtures for the JSON API: bearer tokens per user and JSON request helpers."""

from __future__ import annotations

import pytest

from tests.lists.conftest import veto_record  # noqa: F401  (a veto-class record to list on)


@pytest.fixture(autouse=True)
def _no_pdfs_on_the_write_path(app, monkeypatch):
    # List steps render legal documents on write; API tests check the HTTP contract only.
    monkeypatch.setitem(app.config, "LIST_DOCUMENTS_ON_WRITE", False)


@pytest.fixture
def token_for():
    """``token_for(user)`` issues a real API token through the auth service."""
    from credit_service.auth.services import issue_token

    def _issue(user) -> str:
        return issue_token(user, "API 测试", user)

    return _issue


@pytest.fixture
def bearer(token_for):
    """``bearer(user)`` → request headers with that user's token."""

    def _headers(user, **extra) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(user)}", **extra}

    return _headers


@pytest.fixture
def api(client):
    """Thin JSON helpers returning the Flask test response."""

    class Api:
        def get(self, path, **kw):
            return client.get(f"/api/v1{path}", **kw)

        def post(self, path, json=None, **kw):
            return client.post(f"/api/v1{path}", json=json, **kw)

        def patch(self, path, json=None, **kw):
            return client.patch(f"/api/v1{path}", json=json, **kw)

        def raw(self, method, path, **kw):
            return client.open(f"/api/v1{path}", method=method, **kw)

    return Api()


def assert_error(response, status: int, *fields: str) -> dict:
    """The uniform error payload (SPEC.md §7), with Chinese messages for ``fields``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == status
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    for field in fields:
        assert field in body["errors"], body
        for message in body["errors"][field]:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return body
