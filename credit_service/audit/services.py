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


def agency_trail(agency, limit: int = 200) -> list[AuditEvent]:
    """The audit rows of an agency's file — the agency itself and its licences, annual
    reports, records, honours, listings, cases and assessments — newest first. Staff see
    who did what to the file they are working on; the whole log stays admin-only."""
    from sqlalchemy import and_, or_, select

    from credit_service.agencies.models import AnnualReport, Licence
    from credit_service.cases.models import Case
    from credit_service.grading.models import Assessment
    from credit_service.lists.models import Listing
    from credit_service.records.models import Honour, Record

    def ids_of(model):
        return select(db.cast(model.id, db.String)).where(model.agency_id == agency.id)

    objects = [and_(AuditEvent.object_type == "agencies", AuditEvent.object_id == str(agency.id))]
    for model in (Licence, AnnualReport, Record, Honour, Listing, Case, Assessment):
        objects.append(and_(AuditEvent.object_type == model.__tablename__,
                            AuditEvent.object_id.in_(ids_of(model))))
    return list(db.session.scalars(select(AuditEvent).where(or_(*objects))
                                   .order_by(AuditEvent.id.desc()).limit(limit)))
