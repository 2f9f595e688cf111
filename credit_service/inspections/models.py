"""双随机一公开 inspection draws, campaigns and self-inspection returns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.agencies.models import Agency
from credit_service.core.db import TimestampMixin, enum_type
from credit_service.core.enums import Grade, InspectionOutcome
from credit_service.extensions import db


class InspectionPlan(TimestampMixin, db.Model):
    __tablename__ = "inspection_plans"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    # Scope: agency kinds and districts (empty list = all)
    scope_kinds: Mapped[list] = mapped_column(JSON, default=list)
    scope_districts: Mapped[list] = mapped_column(JSON, default=list)
    ratios: Mapped[dict] = mapped_column(JSON, default=dict)  # grade -> ratio, from the rule set
    seed: Mapped[str | None] = mapped_column(String(64))  # published random seed
    drawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    # The draw's inputs as they were at draw time (services.build_snapshot): what a replay
    # re-runs and what the public page publishes. None until drawn.
    draw_snapshot: Mapped[dict | None] = mapped_column(JSON)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inspectors: Mapped[list[PlanInspector]] = relationship(cascade="all, delete-orphan")
    targets: Mapped[list[InspectionTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="InspectionTarget.id"
    )


class PlanInspector(db.Model):
    __tablename__ = "plan_inspectors"
    __table_args__ = (UniqueConstraint("plan_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class InspectionTarget(db.Model):
    __tablename__ = "inspection_targets"
    __table_args__ = (UniqueConstraint("plan_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_plans.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    grade: Mapped[Grade] = mapped_column(enum_type(Grade, "grade"))  # grade at draw time
    inspector_ids: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[InspectionOutcome] = mapped_column(
        enum_type(InspectionOutcome, "inspection_outcome"), default=InspectionOutcome.PENDING
    )
    inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    result_summary: Mapped[str | None] = mapped_column(Text)  # public
    record_ids: Mapped[list] = mapped_column(JSON, default=list)

    plan: Mapped[InspectionPlan] = relationship(back_populates="targets")
    agency: Mapped[Agency] = relationship()


class Campaign(TimestampMixin, db.Model):
    """A rectification campaign, e.g. the 2021 劳务中介专项整治行动."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column()
    phases: Mapped[list[CampaignPhase]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignPhase.starts_on"
    )


class CampaignPhase(db.Model):
    __tablename__ = "campaign_phases"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)  # the deadline
    campaign: Mapped[Campaign] = relationship(back_populates="phases")


class SelfInspection(TimestampMixin, db.Model):
    """An agency's self-inspection return (自查), including the 返费 self-check."""

    __tablename__ = "self_inspections"
    __table_args__ = (UniqueConstraint("campaign_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    rebate_found: Mapped[bool] = mapped_column(default=False)  # 存在“返费”情况
    problems: Mapped[str] = mapped_column(Text, default="")
    rectified: Mapped[bool] = mapped_column(default=False)


class EnforcementAction(TimestampMixin, db.Model):
    """Special enforcement actions and employer guidance counted in 附件2."""

    __tablename__ = "enforcement_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "national_campaign" | "key_period" | "employer_guidance"
    kind: Mapped[str] = mapped_column(String(32))
    held_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    agencies_checked: Mapped[int] = mapped_column(default=0)
    cases_found: Mapped[int] = mapped_column(default=0)
