"""Assessments (信用评价): one row whenever an agency's score or grade changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.agencies.models import Agency
from credit_service.core.db import enum_type, utcnow
from credit_service.core.enums import Grade
from credit_service.extensions import db


class EvaluationRound(db.Model):
    """The annual evaluation (评价周期 = calendar year) with the A+/A quotas applied."""

    __tablename__ = "evaluation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(String(32))
    run_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[dict | None] = mapped_column(JSON)


class Assessment(db.Model):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_agency_as_of", "agency_id", "as_of", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    as_of: Mapped[dt.date] = mapped_column(Date)
    ruleset_version: Mapped[str] = mapped_column(String(32))
    score: Mapped[int] = mapped_column()
    grade: Mapped[Grade] = mapped_column(enum_type(Grade, "grade"))
    # Explanation as it was when computed: lines, decisive rule, next change.
    explanation: Mapped[dict] = mapped_column(JSON)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_rounds.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency: Mapped[Agency] = relationship()
    round: Mapped[EvaluationRound | None] = relationship()
