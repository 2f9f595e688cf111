"""Bearer-token authentication for the API, and the staff-endpoint decorator.

The API blueprints are exempt from CSRF (clients send no cookies), so they must not accept the
staff UI's session cookie either: a browser that is signed in to the staff workspace would
otherwise let any web page it visits post to the API in its name. Each API request therefore
resolves ``current_user`` from the ``Authorization: Bearer`` header alone, through the staff
feature's Flask-Login ``request_loader`` (token hashing and revocation live there), and never
from the session.
"""

from __future__ import annotations

from functools import wraps

from flask import request
from flask_login import current_user

from credit_service.api.errors import ErrorSchema
from credit_service.auth.permissions import CAPABILITY_LABELS, Capability, authorize
from credit_service.auth.services import user_for_token
from credit_service.core.errors import DomainError
from credit_service.extensions import login_manager

BEARER_SCHEME = "bearerAuth"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "工作人员 API 令牌：`flask --app credit_service credit users token <用户名>` "
                   "或工作台“API 令牌”页面签发；请求头 `Authorization: Bearer <令牌>`。",
}


class NotAuthenticated(DomainError):
    """401: no bearer token, or one that is unknown, revoked or belongs to a disabled user."""

    status = 401


def bearer_token() -> str | None:
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def load_user_from_bearer_only() -> None:
    """``before_request`` of every API blueprint: ``current_user`` comes from the bearer token
    (or is anonymous), never from the session cookie. Token lookup, revocation and disabled
    accounts are the auth feature's ``user_for_token``."""
    token = bearer_token()
    user = user_for_token(token) if token else None
    # Flask-Login keeps the request's user here; setting it skips the session lookup.
    login_manager._update_request_context_with_user(user)


def current_staff(capability: Capability):
    """The authenticated staff user holding ``capability``; 401 / 403 otherwise."""
    if not current_user.is_authenticated or not current_user.is_active:
        header = request.headers.get("Authorization", "")
        if not header:
            raise NotAuthenticated("需要工作人员 API 令牌（Authorization: Bearer <令牌>）")
        if not header.lower().startswith("bearer "):
            raise NotAuthenticated("认证方式无效：请使用 Authorization: Bearer <令牌>")
        raise NotAuthenticated("API 令牌无效、已撤销或所属账号已停用")
    authorize(current_user, capability)
    return current_user._get_current_object()


def staff_only(blp, capability: Capability):
    """Decorate a MethodView method: authenticate and authorise *before* the body is parsed
    (so an anonymous caller learns 401, not the body's 422), and document it in OpenAPI."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            current_staff(capability)
            return func(*args, **kwargs)

        wrapper.required_capability = capability  # read by the route x role matrix test
        wrapper = blp.doc(
            security=[{BEARER_SCHEME: []}],
            **{"x-required-capability": capability.value},
        )(wrapper)
        label = CAPABILITY_LABELS[capability]
        wrapper = blp.alt_response(401, schema=ErrorSchema,
                                   description="缺少或无效的 API 令牌")(wrapper)
        wrapper = blp.alt_response(403, schema=ErrorSchema,
                                   description=f"账号无“{label}”权限，或违反四眼原则")(wrapper)
        return wrapper

    return decorator
