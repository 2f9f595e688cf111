"""Route × role matrix for the API, generated from the app's URL map: a new API route cannot
be added without either being a public read (GET, or the public case submission) or declaring
the capability it needs — and that capability is enforced for every role."""

from __future__ import annotations

import pytest

from credit_service.auth.permissions import ROLE_CAPABILITIES, Capability
from credit_service.core.enums import Role

PUBLIC_WRITES = {("POST", "/api/v1/cases")}
ROLES = ["anonymous", "deactivated", Role.CLERK, Role.REVIEWER, Role.ADMIN]


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint.startswith(("api-docs", "api_docs")):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            yield rule, method, getattr(handler, "required_capability", None)


def test_every_api_write_declares_a_capability_and_every_read_is_public(app):
    routes = list(_api_routes(app))
    assert len(routes) >= 19
    for rule, method, capability in routes:
        if method == "GET" or (method, rule.rule) in PUBLIC_WRITES:
            assert capability is None, (method, rule.rule)
        else:
            assert isinstance(capability, Capability), f"{method} {rule.rule} is unprotected"


def _url(rule, agency) -> str:
    values = {}
    for name in rule.arguments:
        if name == "uscc":
            values[name] = agency.uscc
        elif name == "number":
            values[name] = "XX2026-000001"
        else:
            values[name] = 999_999
    return rule.build(values)[1]


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_staff_routes_by_role(app, client, dummy_agency, create_user, token_for, db, role):
    headers = {}
    if role != "anonymous":
        user = create_user(Role.REVIEWER if role == "deactivated" else role)
        headers = {"Authorization": f"Bearer {token_for(user)}"}
        if role == "deactivated":
            user.active = False
            db.session.flush()
    held = ROLE_CAPABILITIES.get(role, frozenset()) if isinstance(role, Role) else frozenset()
    checked = 0
    for rule, method, capability in _api_routes(app):
        if capability is None:
            continue
        response = client.open(_url(rule, dummy_agency), method=method, json={},
                               headers=headers)
        where = f"{role} {method} {rule.rule}: {response.get_json()}"
        if role in ("anonymous", "deactivated"):
            assert response.status_code == 401, where
        elif capability in held:
            assert response.status_code not in (401, 403, 405), where
            assert response.status_code < 500, where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked >= 9
