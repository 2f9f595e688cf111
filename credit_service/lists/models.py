"""Red and black list entries (名单条目) and the events of their procedures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credit_service.agencies.models import Agency
from credit_service.core.db import TimestampMixin, enum_type, utcnow
from credit_service.core.enums import ListingState, ListKind
from credit_service.extensions import db


class Listing(TimestampMixin, db.Model):
    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR decided_on IS NULL OR expires_on >= decided_on",
                        name="expires_after_decision"),
        Index("ix_listings_kind_state", "list_kind", "state"),
        Index("ix_listings_agency", "agency_id", "list_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    list_kind: Mapped[ListKind] = mapped_column(enum_type(ListKind, "list_kind"))
    state: Mapped[ListingState] = mapped_column(enum_type(ListingState, "listing_state"))
    basis_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    reason: Mapped[str] = mapped_column(Text)  # facts summary, public
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    authority: Mapped[str] = mapped_column(String(100), default="")
    proposed_on: Mapped[dt.date] = mapped_column(Date)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    notified_on: Mapped[dt.date | None] = mapped_column(Date)
    objection_deadline: Mapped[dt.date | None] = mapped_column(Date)
    publicity_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_number: Mapped[str | None] = mapped_column(String(100))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    corrected_on: Mapped[dt.date | None] = mapped_column(Date)
    commitment_received_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    agency: Mapped[Agency] = relationship()
    events: Mapped[list[ListingEvent]] = relationship(
        back_populates="listing", order_by="ListingEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class ListingEvent(db.Model):
    __tablename__ = "listing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("listings.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[ListingState | None] = mapped_column(
        enum_type(ListingState, "from_state")
    )
    to_state: Mapped[ListingState] = mapped_column(enum_type(ListingState, "to_state"))
    on: Mapped[dt.date] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(100))
    reasons: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    listing: Mapped[Listing] = relationship(back_populates="events")
