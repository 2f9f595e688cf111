"""Figures of the 附件2 statistics table entered by staff (where the service holds no data)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credit_service.core.db import TimestampMixin
from credit_service.extensions import db


class StatisticsEntry(TimestampMixin, db.Model):
    __tablename__ = "statistics_entries"
    __table_args__ = (UniqueConstraint("row_code", "period_from", "period_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    row_code: Mapped[str] = mapped_column(String(64))
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(Text)
    source_note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
