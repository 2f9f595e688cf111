"""Agencies (机构) and what identifies them: former names, licences, annual reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.core.db import TimestampMixin, enum_type
from credit_service.core.enums import (
    AgencyKind,
    AgencyStatus,
    Grade,
    LicenceKind,
    LicenceStatus,
)
from credit_service.extensions import db


class Agency(TimestampMixin, db.Model):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(
            "is_job_agency OR is_dispatch OR is_other_hr", name="at_least_one_kind"
        ),
        CheckConstraint("registered_capital >= 0", name="capital_non_negative"),
        CheckConstraint("length(uscc) = 18", name="uscc_length"),
        Index("ix_agencies_current_grade", "current_grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    is_job_agency: Mapped[bool] = mapped_column(default=False)
    is_dispatch: Mapped[bool] = mapped_column(default=False)
    is_other_hr: Mapped[bool] = mapped_column(default=False)
    legal_rep_name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(64), default="")
    registered_capital: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    established_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[AgencyStatus] = mapped_column(
        enum_type(AgencyStatus, "agency_status"), default=AgencyStatus.OPERATING
    )
    # Private: never on a public output (SPEC.md §3, §5.1).
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    legal_rep_id_number: Mapped[str | None] = mapped_column(String(32))
    # Denormalised from the latest assessment so lists, search and filters stay cheap.
    current_grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, "grade"))
    current_score: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    former_names: Mapped[list[FormerName]] = relationship(
        back_populates="agency", order_by="FormerName.used_until", cascade="all, delete-orphan"
    )
    licences: Mapped[list[Licence]] = relationship(
        back_populates="agency", order_by="Licence.issued_on", cascade="all, delete-orphan"
    )
    annual_reports: Mapped[list[AnnualReport]] = relationship(
        back_populates="agency", order_by="AnnualReport.year", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def kinds(self) -> list[AgencyKind]:
        flags = [
            (self.is_job_agency, AgencyKind.JOB_AGENCY),
            (self.is_dispatch, AgencyKind.DISPATCH),
            (self.is_other_hr, AgencyKind.OTHER_HR),
        ]
        return [kind for on, kind in flags if on]

    @kinds.setter
    def kinds(self, kinds) -> None:
        values = {AgencyKind(k) for k in kinds}
        self.is_job_agency = AgencyKind.JOB_AGENCY in values
        self.is_dispatch = AgencyKind.DISPATCH in values
        self.is_other_hr = AgencyKind.OTHER_HR in values

    def __repr__(self) -> str:
        return f"<Agency {self.uscc} {self.name}>"


class FormerName(db.Model):
    """曾用名: kept when an agency is renamed; searchable."""

    __tablename__ = "agency_former_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    used_until: Mapped[dt.date] = mapped_column(Date)

    agency: Mapped[Agency] = relationship(back_populates="former_names")


class Licence(TimestampMixin, db.Model):
    __tablename__ = "licences"
    __table_args__ = (
        UniqueConstraint("issuer", "number"),
        CheckConstraint("valid_until IS NULL OR valid_until >= issued_on", name="valid_after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LicenceKind] = mapped_column(enum_type(LicenceKind, "licence_kind"))
    number: Mapped[str] = mapped_column(String(64), index=True)
    issuer: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[LicenceStatus] = mapped_column(
        enum_type(LicenceStatus, "licence_status"), default=LicenceStatus.VALID
    )

    agency: Mapped[Agency] = relationship(back_populates="licences")


class AnnualReport(TimestampMixin, db.Model):
    __tablename__ = "annual_reports"
    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column()
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    publicised: Mapped[bool] = mapped_column(default=False)
    on_time: Mapped[bool] = mapped_column(default=False)

    agency: Mapped[Agency] = relationship(back_populates="annual_reports")
