"""Roles enforced in one place.

Capabilities, not role names, are checked by views, API endpoints and services:

* VIEW   — any active staff member may open staff pages;
* ENTER  — enter and edit drafts, agencies, honours, licences, annual reports, propose listings, imports;
* REVIEW — confirm records, decide listings and cases, approve disclosures, run inspection draws;
* ADMIN  — manage users, tokens of others, rule sets, schedules, browse the audit log.

Roles are cumulative: clerk ⊂ reviewer ⊂ admin. Four-eyes rules (the person who entered a
record cannot confirm it; the proposer of a listing cannot decide it) are checked by the
services with :func:`require_other_person`.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort
from flask_login import current_user

from credit_service.core.enums import Role
from credit_service.core.errors import PermissionDenied


class Capability(enum.Enum):
    VIEW = "view"
    ENTER = "enter"
    REVIEW = "review"
    ADMIN = "admin"


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.CLERK: frozenset({Capability.VIEW, Capability.ENTER}),
    Role.REVIEWER: frozenset({Capability.VIEW, Capability.ENTER, Capability.REVIEW}),
    Role.ADMIN: frozenset(Capability),
}

CAPABILITY_LABELS = {
    Capability.VIEW: "查看工作台",
    Capability.ENTER: "录入",
    Capability.REVIEW: "审核决定",
    Capability.ADMIN: "系统管理",
}


def can(user, capability: Capability) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


def authorize(user, capability: Capability) -> None:
    """Raise PermissionDenied (403) unless ``user`` holds ``capability``."""
    if not can(user, capability):
        raise PermissionDenied(f"当前账号无“{CAPABILITY_LABELS[capability]}”权限")


def require_other_person(actor, other_user_id: int | None, what: str) -> None:
    """Four eyes: ``actor`` must not be the person who did the first step."""
    if other_user_id is not None and actor is not None and actor.id == other_user_id:
        raise PermissionDenied(f"四眼原则：{what}须由另一名工作人员办理")


def require(capability: Capability):
    """View decorator: anonymous → login page (401 handling of Flask-Login); lacking → 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from credit_service.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, capability):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_capability = capability  # read by the route x role matrix test
        return wrapped

    return decorator
