"""Generated documents (PDF and open-data files) with their hash and verification code."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from credit_service.core.db import utcnow
from credit_service.extensions import db


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_kind_key", "kind", "key", "current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # e.g. "black_list.pdf", "credit_report.pdf", "listing_notice.pdf"
    kind: Mapped[str] = mapped_column(String(64))
    # what the document is about, e.g. an USCC, a period, a listing id
    key: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    verification_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column()
    # Bytes in the database unless DOCUMENT_DIR is configured (then ``path``).
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    path: Mapped[str | None] = mapped_column(String(300))
    # A digest of the data the document shows; differs => the document is stale.
    content_fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # Public, structured summary of what the document states, for the verify page.
    summary: Mapped[dict | None] = mapped_column(JSON)
    data_as_of: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    generated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    current: Mapped[bool] = mapped_column(default=True)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
