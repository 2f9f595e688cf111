"""Change feed entries: listed, removed, grade changed, disclosure published."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credit_service.core.db import enum_type, utcnow
from credit_service.core.enums import ChangeKind
from credit_service.extensions import db


class ChangeEvent(db.Model):
    """Stable public id: ``tag:<host>,2026:change/<id>``; rows are never rewritten."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind, "change_kind"))
    occurred_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    uscc: Mapped[str | None] = mapped_column(String(18))
    agency_name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "listing:12", "disclosure:2026Q3"
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
