"""Helpers shared by the staff HTML views: form values, the acting user, pagination,
the stale-write (409) notice and the navigation.

Other features' staff pages may use these; they hold no business rules.
"""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import select

from credit_service.auth.permissions import Capability, can

PER_PAGE = 25


def actor():
    """The signed-in staff user as a plain model object (for services)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def form_values(multi: tuple[str, ...] = ()) -> dict:
    """The submitted form as a dict (lists for ``multi`` fields), CSRF token removed."""
    data = {key: request.form.get(key, "") for key in request.form if key not in multi}
    for key in multi:
        data[key] = request.form.getlist(key)
    data.pop("csrf_token", None)
    return data


def page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def paginate(query, per_page: int = PER_PAGE):
    from credit_service.extensions import db

    return db.paginate(query, page=page_arg(), per_page=per_page, error_out=False)


def version_arg(data: dict) -> int | None:
    """The ``version`` a form was loaded with (optimistic locking), or None."""
    try:
        return int(data.pop("version", "") or 0) or None
    except (TypeError, ValueError):
        return None


def changes_since(obj, expected_version=None) -> dict | None:
    """What happened to ``obj`` after the version the editor started from: every audit row
    that produced a newer version, their authors, and each changed field's value at the
    editor's version next to its current value (enum codes shown with their Chinese label).
    Without a usable version, the latest row alone."""
    from credit_service.audit.models import AuditEvent
    from credit_service.auth.models import User
    from credit_service.extensions import db

    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == str(obj.id))
        .order_by(AuditEvent.id.desc())
        .limit(50)
    ).all()
    if not events:
        return None
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    newer = [e for e in events if expected is not None
             and isinstance((e.after or {}).get("version"), int) and e.after["version"] > expected]
    chosen = list(reversed(newer)) or [events[0]]  # oldest first
    first_before: dict = {}
    last_after: dict = {}
    for event in chosen:
        for key, value in (event.before or {}).items():
            first_before.setdefault(key, value)
        last_after.update(event.after or {})
    ignored = {"version", "updated_at", "created_at"}
    labels = field_labels()
    changes = [
        (labels.get(key, key), _display(obj, key, first_before.get(key)),
         _display(obj, key, last_after.get(key)))
        for key in last_after
        if key not in ignored and first_before.get(key) != last_after.get(key)
    ]
    authors: list[str] = []
    for event in chosen:
        user = db.session.get(User, event.actor_id) if event.actor_id else None
        name = user.display_name if user else event.actor_label
        if name not in authors:
            authors.append(name)
    return {
        "event": chosen[-1],
        "events": chosen,
        "changed_by": "、".join(authors),
        "changes": changes,
    }


def _display(obj, key: str, value):
    """An audited value as staff read it: enum codes as their Chinese label."""
    column = obj.__table__.columns.get(key)
    enum_cls = getattr(getattr(column, "type", None), "enum_class", None)
    if enum_cls is not None and isinstance(value, str):
        try:
            return enum_cls(value).label
        except ValueError:
            return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


def field_labels() -> dict[str, str]:
    """Chinese names of the fields of agencies, licences and records (for change lists)."""
    from credit_service.agencies.services import AGENCY_LABELS, LICENCE_LABELS
    from credit_service.records.services import RECORD_LABELS

    labels = {**LICENCE_LABELS, **RECORD_LABELS, **AGENCY_LABELS}
    labels.update(is_job_agency="职业中介", is_dispatch="劳务派遣", is_other_hr="其他人力资源服务",
                  status_reason="撤销理由", status_changed_on="状态变更日期",
                  repaired_on="信用修复日期", confirmed_by_id="确认人", confirmed_at="确认时间")
    return labels


def stale_context(exc) -> dict:
    """Template context for a StaleWrite: message plus what changed since the editor's version."""
    info = changes_since(exc.obj, getattr(exc, "expected_version", None)) or {}
    return {"message": exc.message, "current_version": exc.obj.version, **info}


_NAV = (
    # (endpoint, label, capability)
    ("staff.dashboard", "工作台", Capability.VIEW),
    ("agencies.index", "机构档案", Capability.VIEW),
    ("records.index", "失信记录", Capability.VIEW),
    ("imports.index", "批量导入", Capability.ENTER),
    ("lists_staff.index", "名单管理", Capability.VIEW),
    ("cases_staff.index", "异议与修复", Capability.VIEW),
    ("disclosures_staff.index", "社会公布", Capability.VIEW),
    ("inspections.staff_index", "双随机抽查", Capability.VIEW),
    ("statistics.staff_index", "统计报表", Capability.VIEW),
    ("audit.index", "操作日志", Capability.ADMIN),
    ("auth.users", "用户管理", Capability.ADMIN),
    ("admin.settings", "系统设置", Capability.ADMIN),
    ("auth.tokens", "API 令牌", Capability.VIEW),
    ("auth.password", "修改密码", Capability.VIEW),
)


def staff_nav() -> list[dict]:
    """Navigation links the current user may follow; features that are not installed
    (no such endpoint) are left out, so other helpers' pages appear when they land."""
    items = []
    current = request.endpoint or ""
    for endpoint, label, capability in _NAV:
        if endpoint not in current_app.view_functions or not can(current_user, capability):
            continue
        prefix = endpoint.split(".")[0] + "."
        items.append({
            "url": url_for(endpoint),
            "label": label,
            "active": current == endpoint or (endpoint != "staff.dashboard" and current.startswith(prefix)
                                              and prefix not in ("auth.",)),
        })
    return items


def violation_name(code: str) -> str:
    from credit_service.core.catalog import get_catalog

    vtype = get_catalog().get(code)
    return vtype.name if vtype else code


def register_template_context(app) -> None:
    @app.context_processor
    def _staff_context():
        return {"staff_nav": staff_nav, "can": can, "Capability": Capability,
                "violation_name": violation_name}


class FormFailure:
    """Why a form submission did not go through: field errors, HTTP status, stale info."""

    def __init__(self, errors: dict, status: int, stale: dict | None = None, message: str = ""):
        self.errors = errors
        self.status = status
        self.stale = stale
        self.message = message


def attempt(call):
    """Run one service call for a form; return ``(result, None)`` or ``(None, FormFailure)``.

    Domain errors become field errors (a message without fields goes under ``"_"``); a
    stale write carries who changed the object and what, for the 409 notice.
    """
    from credit_service.core.errors import DomainError, StaleWrite

    try:
        return call(), None
    except StaleWrite as exc:
        return None, FormFailure({}, exc.status, stale_context(exc), exc.message)
    except DomainError as exc:
        errors = dict(exc.errors) if exc.errors else {"_": [exc.message]}
        return None, FormFailure(errors, exc.status, message=exc.message)
