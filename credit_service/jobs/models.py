"""Job runs: a unique (job, period) row makes every scheduled job idempotent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credit_service.core.db import utcnow
from credit_service.extensions import db


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(32))  # "2026-11-26", "2026Q3"
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    result: Mapped[dict | None] = mapped_column(JSON)


class Reminder(db.Model):
    """Deadline reminders shown on the staff dashboard, written by the daily job."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("subject", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(64))  # "listing:3", "case:JY2026-0001"
    due_on: Mapped[dt.date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dismissed: Mapped[bool] = mapped_column(default=False)
