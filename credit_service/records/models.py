"""Violation records (失信记录) and honours (守信记录)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.agencies.models import Agency
from credit_service.core.db import TimestampMixin, enum_type
from credit_service.core.enums import (
    HonourKind,
    HonourLevel,
    MajorCaseKind,
    PenaltyKind,
    RecordSource,
    RecordStatus,
    Severity,
)
from credit_service.extensions import db


class Record(TimestampMixin, db.Model):
    __tablename__ = "records"
    __table_args__ = (
        CheckConstraint("fine_amount >= 0", name="fine_non_negative"),
        CheckConstraint("decided_on >= occurred_on", name="decided_after_occurred"),
        CheckConstraint(
            "corrected_on IS NULL OR corrected_on >= occurred_on", name="corrected_after_occurred"
        ),
        CheckConstraint(
            "repaired_on IS NULL OR repaired_on >= decided_on", name="repaired_after_decided"
        ),
        UniqueConstraint("authority", "decision_number"),
        Index("ix_records_agency_status", "agency_id", "status"),
        Index("ix_records_decided_on", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    violation_code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[Severity] = mapped_column(enum_type(Severity, "severity"))
    facts: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(100))
    authority: Mapped[str] = mapped_column(String(100))
    penalty_kind: Mapped[PenaltyKind] = mapped_column(enum_type(PenaltyKind, "penalty_kind"))
    fine_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=0)
    # 整改: rectification deadline and the date it was completed
    rectify_by: Mapped[dt.date | None] = mapped_column(Date)
    corrected_on: Mapped[dt.date | None] = mapped_column(Date)
    refused_to_comply: Mapped[bool] = mapped_column(default=False)
    repaired_on: Mapped[dt.date | None] = mapped_column(Date)  # 信用修复
    major_case_kind: Mapped[MajorCaseKind | None] = mapped_column(
        enum_type(MajorCaseKind, "major_case_kind")
    )
    source: Mapped[RecordSource] = mapped_column(enum_type(RecordSource, "record_source"))
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus, "record_status"), default=RecordStatus.DRAFT
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_on: Mapped[dt.date | None] = mapped_column(Date)  # revoked/overturned on
    # Internal notes never leave the staff workspace.
    internal_notes: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Honour(TimestampMixin, db.Model):
    __tablename__ = "honours"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= granted_on", name="valid_after_grant"),
        CheckConstraint(
            "revoked_on IS NULL OR revoked_on >= granted_on", name="revoked_after_grant"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[HonourKind] = mapped_column(enum_type(HonourKind, "honour_kind"))
    level: Mapped[HonourLevel] = mapped_column(enum_type(HonourLevel, "honour_level"))
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(100))
    document_number: Mapped[str] = mapped_column(String(100))
    granted_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    # Set for municipal red-list designations made through a listing here.
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agency: Mapped[Agency] = relationship()
