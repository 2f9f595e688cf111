"""The published disclosure as a stamped PDF (kind ``disclosure.pdf``, key = period)."""

from __future__ import annotations

import datetime as dt

from flask import render_template
from sqlalchemy import select

from credit_service.core.enums import DisclosureState
from credit_service.disclosures.models import Disclosure
from credit_service.documents.services import DocumentSpec, register_document_kind
from credit_service.extensions import db
from credit_service.public.services import fingerprint_of


def _published(period: str) -> Disclosure | None:
    return db.session.scalar(select(Disclosure).where(
        Disclosure.period == period, Disclosure.state == DisclosureState.PUBLISHED))


def entry_rows(disclosure: Disclosure) -> list[dict]:
    """Exactly the fields 29号令 art.6 allows."""
    return [{"agency_name": e.agency_name, "uscc": e.uscc, "address": e.address,
             "legal_rep_name": e.legal_rep_name, "major_case_kind": e.major_case_kind.label,
             "main_facts": e.main_facts, "handling": e.handling}
            for e in disclosure.entries]


def _fingerprint(disclosure: Disclosure, rows: list[dict]) -> str:
    """Everything the PDF prints: the entries, the period, the publication date and the
    bureau's name (so a corrected date or a renamed bureau regenerates it)."""
    from flask import current_app

    return fingerprint_of({"rows": rows, "starts_on": disclosure.starts_on,
                           "ends_on": disclosure.ends_on, "published_on": disclosure.published_on,
                           "bureau": current_app.config.get("BUREAU_NAME")})


def disclosure_fingerprint(period: str) -> str | None:
    disclosure = _published(period)
    return None if disclosure is None else _fingerprint(disclosure, entry_rows(disclosure))


def build_disclosure_pdf(period: str) -> DocumentSpec | None:
    from credit_service.disclosures.services import period_label

    disclosure = _published(period)
    if disclosure is None:
        return None
    rows = entry_rows(disclosure)
    title = f"重大劳动保障违法行为社会公布（{period_label(period)}）"
    html = render_template("disclosures/disclosure_pdf.html", d=disclosure, rows=rows,
                           title=title)
    published = dt.datetime.combine(disclosure.published_on or disclosure.ends_on, dt.time(),
                                    tzinfo=dt.UTC)
    return DocumentSpec(
        title=title, html=html, fingerprint=_fingerprint(disclosure, rows), data_as_of=published,
        summary={"period": period, "count": len(rows),
                 "entries": [f"{r['agency_name']}（{r['uscc']}）" for r in rows]})


register_document_kind("disclosure.pdf", build_disclosure_pdf,
                       fingerprint=disclosure_fingerprint, label="重大劳动保障违法行为社会公布")
