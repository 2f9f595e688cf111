"""Quarterly disclosure of major labour-security violations (人社部令第29号)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.core.db import TimestampMixin, enum_type
from credit_service.core.enums import DisclosureState, MajorCaseKind
from credit_service.extensions import db


class Disclosure(TimestampMixin, db.Model):
    __tablename__ = "disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(16), unique=True)  # "2026Q3" or "2026-ad-01"
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[DisclosureState] = mapped_column(
        enum_type(DisclosureState, "disclosure_state"), default=DisclosureState.DRAFT
    )
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    entries: Mapped[list[DisclosureEntry]] = relationship(
        back_populates="disclosure", order_by="DisclosureEntry.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class DisclosureEntry(db.Model):
    """Exactly the fields 29号令 allows: name, USCC, address, legal representative,
    main facts, handling. Snapshotted at drafting so the published text is stable."""

    __tablename__ = "disclosure_entries"
    __table_args__ = (UniqueConstraint("disclosure_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    agency_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(300))
    legal_rep_name: Mapped[str] = mapped_column(String(64))
    major_case_kind: Mapped[MajorCaseKind] = mapped_column(
        enum_type(MajorCaseKind, "major_case_kind")
    )
    main_facts: Mapped[str] = mapped_column(Text)
    handling: Mapped[str] = mapped_column(Text)

    disclosure: Mapped[Disclosure] = relationship(back_populates="entries")
