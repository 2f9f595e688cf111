"""Legal documents of the list procedures (告知书, 列入决定书, 移出决定书, 红名单认定/撤销决定).

The HTML comes from ``lists/templates/lists/documents/``; turning it into a PDF with a
verification code, QR code and page numbers, and storing it, is the documents feature's
job (``credit_service.documents.services.publish_pdf``). That call is isolated in
:func:`_publish_pdf` so the procedures work before/without the documents feature and the
publish job can issue whatever is still missing (``issue_missing``).

Content follows 人社部令第45号: art.6 (notice: reasons, basis, right to object within
5 working days), art.8 (decision: reasons, basis, measures, early-removal conditions and
procedure, remedies), art.12–14 (early removal), art.17 (removal), art.18 (remedies).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import select

from credit_service.core.db import transactional
from credit_service.core.enums import ListKind
from credit_service.core.workdays import working_deadline
from credit_service.extensions import db
from credit_service.lists import rules
from credit_service.lists.models import Listing, ListingEvent


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    template: str
    title: str


SPECS: dict[tuple[ListKind, str], DocumentSpec] = {
    (ListKind.BLACK, "notify"): DocumentSpec(
        "listing_notice.pdf", "notice.html", "拟列入严重违法失信名单告知书"),
    (ListKind.BLACK, "decide"): DocumentSpec(
        "listing_decision.pdf", "decision.html", "列入严重违法失信名单决定书"),
    (ListKind.BLACK, "reverse_removal"): DocumentSpec(
        "listing_decision.pdf", "decision.html", "恢复列入严重违法失信名单决定书"),
    (ListKind.BLACK, "remove"): DocumentSpec(
        "listing_removal.pdf", "removal.html", "移出严重违法失信名单决定书"),
    (ListKind.BLACK, "early_remove"): DocumentSpec(
        "listing_removal.pdf", "removal.html", "移出严重违法失信名单决定书"),
    (ListKind.BLACK, "revoke"): DocumentSpec(
        "listing_removal.pdf", "removal.html", "撤销列入严重违法失信名单决定书"),
    (ListKind.RED, "designate"): DocumentSpec(
        "red_designation.pdf", "red_designation.html", "诚信服务示范机构认定决定书"),
    (ListKind.RED, "revoke"): DocumentSpec(
        "red_revocation.pdf", "red_revocation.html", "撤销诚信服务示范机构认定决定书"),
}

DOCUMENT_KINDS = sorted({spec.kind for spec in SPECS.values()})


def spec_for(listing: Listing, event: ListingEvent) -> DocumentSpec | None:
    return SPECS.get((listing.list_kind, event.action))


def document_key(listing: Listing, event: ListingEvent) -> str:
    return f"listing-{listing.id}-event-{event.id}"


def remedies(config) -> dict:
    """45号令 art.18: 行政复议 within 60 days (行政复议法 art.20), 行政诉讼 within
    6 months (行政诉讼法 art.46)."""
    return {
        "review_body": config.get("ADMIN_REVIEW_BODY") or "本级人民政府",
        "review_days": 60,
        "litigation_months": 6,
    }


def context(listing: Listing, event: ListingEvent) -> dict:
    """Everything a template shows; also hashed into the document fingerprint."""
    from credit_service.lists.services import earliest_early_removal_on

    agency = listing.agency
    basis = None
    if listing.basis_record_id:
        from credit_service.records.models import Record

        record = db.session.get(Record, listing.basis_record_id)
        if record is not None:
            basis = {"decision_number": record.decision_number, "authority": record.authority,
                     "decided_on": record.decided_on, "facts": record.facts}
    objection = next((e for e in listing.events if e.action == "object" and e.id <= (event.id or 0)),
                     None)
    deadline = working_deadline(listing.notified_on, rules.OBJECTION_WORKING_DAYS) \
        if listing.notified_on else None
    return {
        "title": spec_for(listing, event).title,
        "bureau": listing.authority or current_app.config.get("BUREAU_NAME"),
        "public_base_url": current_app.config.get("PUBLIC_BASE_URL", ""),
        "agency": {"name": agency.name, "uscc": agency.uscc, "address": agency.address,
                   "legal_rep_name": agency.legal_rep_name},
        "listing": {
            "id": listing.id, "kind": listing.list_kind.value, "reason": listing.reason,
            "legal_basis": listing.legal_basis, "proposed_on": listing.proposed_on,
            "notified_on": listing.notified_on, "objection_deadline": listing.objection_deadline,
            "decided_on": listing.decided_on, "decision_number": listing.decision_number,
            "expires_on": listing.expires_on, "publicity_ends_on": listing.publicity_ends_on,
            "corrected_on": listing.corrected_on, "ended_on": listing.ended_on,
            "end_reason": listing.end_reason,
            "earliest_early_removal_on": earliest_early_removal_on(listing),
        },
        "event": {"action": event.action, "on": event.on, "document_number": event.document_number,
                  "reasons": event.reasons},
        "objection": {"on": objection.on, "reasons": objection.reasons} if objection else None,
        "deadline_note": deadline.note if deadline else "",
        "basis_record": basis,
        "remedies": remedies(current_app.config),
        "rules": {
            "objection_days": rules.OBJECTION_WORKING_DAYS,
            "verification_days": rules.VERIFICATION_WORKING_DAYS,
            "term_years": rules.BLACK_TERM_YEARS,
            "early_months": rules.EARLY_REMOVAL_MONTHS_AFTER_CORRECTION,
            "early_days": rules.EARLY_REMOVAL_DECISION_WORKING_DAYS,
            "red_term_years": rules.RED_TERM_YEARS,
        },
    }


def _fingerprint(ctx: dict) -> str:
    return hashlib.sha256(
        json.dumps(ctx, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def render_html(listing: Listing, event: ListingEvent) -> str:
    spec = spec_for(listing, event)
    return render_template(f"lists/documents/{spec.template}", **context(listing, event))


def _summary(listing: Listing, event: ListingEvent, title: str) -> dict:
    """Public facts only (verify page): no personal data, no staff names."""
    return {
        "title": title,
        "agency_name": listing.agency.name,
        "uscc": listing.agency.uscc,
        "list": listing.list_kind.label,
        "step": title,
        "date": event.on.isoformat(),
        "document_number": event.document_number or "",
        "state": listing.state.label,
    }


def _publish_pdf(**kwargs):
    """The one call into the documents feature; None while it is not installed."""
    try:
        from credit_service.documents.services import publish_pdf
    except ImportError:
        return None
    return publish_pdf(**kwargs)


def issue_for_event(listing: Listing, event: ListingEvent):
    """Render and store the document of one step; no-op for steps without one."""
    spec = spec_for(listing, event)
    if spec is None:
        return None
    db.session.flush()  # the event id is part of the key
    ctx = context(listing, event)
    html = render_template(f"lists/documents/{spec.template}", **ctx)
    return _publish_pdf(
        kind=spec.kind,
        key=document_key(listing, event),
        title=f"{spec.title}（{listing.agency.name}）",
        html=html,
        summary=_summary(listing, event, spec.title),
        fingerprint=_fingerprint(ctx),
        data_as_of=dt.datetime.now(dt.UTC),
    )


def events_missing_documents() -> list[tuple[Listing, ListingEvent]]:
    """Steps whose document has not been stored yet (e.g. written while documents were
    off the write path); the publish job issues them."""
    from credit_service.documents.models import Document

    actions = sorted({action for (_kind, action) in SPECS})
    existing = set(db.session.scalars(
        select(Document.key).where(Document.kind.in_(DOCUMENT_KINDS))
    ))
    missing = []
    rows = db.session.execute(
        select(Listing, ListingEvent).join(ListingEvent, ListingEvent.listing_id == Listing.id)
        .where(ListingEvent.action.in_(actions)).order_by(ListingEvent.id)
    ).all()
    for listing, event in rows:
        if spec_for(listing, event) and document_key(listing, event) not in existing:
            missing.append((listing, event))
    return missing


def issue_missing() -> int:
    try:
        import credit_service.documents.services  # noqa: F401
    except ImportError:
        return 0
    count = 0
    for listing, event in events_missing_documents():
        if _issue_one(listing, event) is not None:
            count += 1
    return count


@transactional
def _issue_one(listing: Listing, event: ListingEvent):
    return issue_for_event(listing, event)


def documents_for(listing: Listing) -> list:
    from credit_service.documents.models import Document

    keys = [document_key(listing, e) for e in listing.events if spec_for(listing, e)]
    if not keys:
        return []
    return list(db.session.scalars(
        select(Document).where(Document.key.in_(keys), Document.kind.in_(DOCUMENT_KINDS),
                               Document.current.is_(True)).order_by(Document.id)
    ))
