"""Cases: objections (异议) and credit-repair applications (信用修复)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.agencies.models import Agency
from credit_service.core.db import TimestampMixin, enum_type
from credit_service.core.enums import CaseKind, CaseState, CaseSubject
from credit_service.extensions import db


class Case(TimestampMixin, db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # public case number
    token_hash: Mapped[str] = mapped_column(String(64))  # private tracking token, hashed
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, "case_kind"))
    subject: Mapped[CaseSubject] = mapped_column(enum_type(CaseSubject, "case_subject"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    # Private: applicant contact details are never published.
    applicant_name: Mapped[str] = mapped_column(String(64))
    applicant_contact: Mapped[str] = mapped_column(String(100))
    statement: Mapped[str] = mapped_column(Text)
    corrected_on: Mapped[dt.date | None] = mapped_column(Date)
    commitment: Mapped[bool] = mapped_column(default=False)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[CaseState] = mapped_column(
        enum_type(CaseState, "case_state"), default=CaseState.SUBMITTED
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship()

    __mapper_args__ = {"version_id_col": version}
