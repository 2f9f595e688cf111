"""Writing the append-only audit log. Every write path calls :func:`record_audit`
inside its transaction, so the audit row commits or rolls back with the change."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

from credit_service.audit.context import current_channel, current_client_addr
from credit_service.audit.models import AuditEvent
from credit_service.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields: list[str] | None = None) -> dict[str, Any]:
    """Column values of a model instance as JSON-ready data."""
    if obj is None:
        return {}
    columns = fields or [c.key for c in obj.__table__.columns]
    return {name: _plain(getattr(obj, name)) for name in columns}


def record_audit(
    action: str,
    obj=None,
    *,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj.__tablename__
        if object_id is None:
            db.session.flush()
            object_id = getattr(obj, "id", None)
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor_label=current_channel(),
        action=action,
        object_type=object_type or "",
        object_id=None if object_id is None else str(object_id),
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
        client_addr=current_client_addr(),
    )
    db.session.add(event)
    return event
