"""Writing change-feed entries (listed, removed, grade changed, disclosure published)."""

from __future__ import annotations

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
    return event
