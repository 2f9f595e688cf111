"""Route x role matrix generated from the URL map: every /staff route — including routes
other features add later — must carry ``required_capability`` (set by ``@require``) and
must answer each kind of visitor accordingly.

anonymous / deactivated → sent to the login page; role without the capability → 403;
role with it → neither a login redirect, a 403 nor a server error (404/422 for the
dummy arguments are fine).
"""

from __future__ import annotations

import pytest
from werkzeug.routing.converters import NumberConverter, PathConverter

from credit_service.auth.permissions import ROLE_CAPABILITIES, Capability
from credit_service.core.enums import Role

EXEMPT = {"auth.login", "auth.logout"}


def _staff_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.rule.startswith("/staff") or rule.endpoint in EXEMPT:
            continue
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        yield rule


def _requests(app):
    """(endpoint, method, url, capability) for every staff rule and method."""
    out = []
    for rule in _staff_rules(app):
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, NumberConverter):
                values[name] = 987654
            elif isinstance(converter, PathConverter):
                values[name] = "x/y"
            else:
                values[name] = "nonexistent"
        url = rule.build(values, append_unknown=False)[1]
        capability = getattr(app.view_functions[rule.endpoint], "required_capability", None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url, capability))
    return out


def _call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def test_every_staff_route_declares_a_capability(app):
    missing = [rule.endpoint for rule in _staff_rules(app)
               if not isinstance(getattr(app.view_functions[rule.endpoint], "required_capability", None),
                                 Capability)]
    assert missing == [], f"staff routes without @require(...): {missing}"
    assert len(_requests(app)) > 20


def test_anonymous_is_sent_to_login(app, client):
    wrong = []
    for endpoint, method, url, _ in _requests(app):
        response = _call(client, method, url)
        if response.status_code != 302 or "/staff/login" not in response.headers.get("Location", ""):
            wrong.append((endpoint, method, response.status_code))
    assert wrong == []


def test_deactivated_user_is_sent_to_login(app, as_user, create_user):
    client = as_user(create_user(Role.ADMIN, active=False))
    wrong = []
    for endpoint, method, url, _ in _requests(app):
        response = _call(client, method, url)
        if response.status_code != 302 or "/staff/login" not in response.headers.get("Location", ""):
            wrong.append((endpoint, method, response.status_code))
    assert wrong == []


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(app, as_user, create_user, role):
    client = as_user(create_user(role))
    allowed_caps = ROLE_CAPABILITIES[role]
    wrong = []
    for endpoint, method, url, capability in _requests(app):
        response = _call(client, method, url)
        status = response.status_code
        if capability in allowed_caps:
            redirected_to_login = status == 302 and "/staff/login" in response.headers.get("Location", "")
            if status in (401, 403) or status >= 500 or redirected_to_login:
                wrong.append((endpoint, method, status, "should be allowed"))
        elif status != 403:
            wrong.append((endpoint, method, status, "should be 403"))
    assert wrong == []


def test_capabilities_are_cumulative():
    assert ROLE_CAPABILITIES[Role.CLERK] < ROLE_CAPABILITIES[Role.REVIEWER] < ROLE_CAPABILITIES[Role.ADMIN]
