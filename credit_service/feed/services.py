"""Writing and reading change-feed entries (listed, removed, grade changed, disclosure
published). Rows are never rewritten, so an entry's id is stable forever."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from credit_service.core.enums import ChangeKind
from credit_service.extensions import db
from credit_service.feed.models import ChangeEvent


def record_change(kind: ChangeKind, *, subject: str, title: str, detail: str = "",
                  agency=None) -> ChangeEvent:
    """Append a public change entry. Only public facts go in ``title``/``detail``."""
    event = ChangeEvent(
        kind=kind,
        subject=subject,
        title=title,
        detail=detail,
        agency_id=getattr(agency, "id", None),
        uscc=getattr(agency, "uscc", None),
        agency_name=getattr(agency, "name", None),
    )
    db.session.add(event)
    # The documents showing this fact are rebuilt after the commit, off the request path.
    from credit_service.documents.refresh import mark_stale, targets_for_change

    mark_stale(db.session(), targets_for_change(kind, subject=subject,
                                                uscc=getattr(agency, "uscc", None)))
    return event


def changes_since(since: dt.datetime | None, limit: int = 100) -> list[ChangeEvent]:
    """Entries after ``since`` (oldest first), at most ``limit``; for incremental sync."""
    statement = select(ChangeEvent).order_by(ChangeEvent.occurred_at, ChangeEvent.id)
    if since is not None:
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        statement = statement.where(ChangeEvent.occurred_at > since)
    return list(db.session.scalars(statement.limit(max(1, min(int(limit), 1000)))))


def latest_changes(limit: int = 50) -> list[ChangeEvent]:
    return list(db.session.scalars(
        select(ChangeEvent).order_by(ChangeEvent.occurred_at.desc(), ChangeEvent.id.desc())
        .limit(limit)))


def entry_id(event: ChangeEvent, host: str) -> str:
    """RFC 4151 tag URI; the same as the JSON API's ``uid``."""
    return f"tag:{host or 'localhost'},2026:change/{event.id}"
