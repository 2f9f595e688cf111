"""Read-side composition for the API: gathers what a response shows into plain objects the
output schemas dump. Business rules stay in the features' services; where a feature offers a
query function (grading, public search, lists), it is called, not re-implemented.
"""

from __future__ import annotations

import importlib
import types

from flask import url_for
from sqlalchemy import or_, select

from credit_service.agencies.models import Agency, FormerName, Licence
from credit_service.api.base import paginate, pagination_headers
from credit_service.core.enums import ListingState, ListKind, RecordStatus
from credit_service.extensions import db
from credit_service.grading.models import Assessment
from credit_service.lists.models import Listing
from credit_service.records.models import Honour, Record

# States in which a listing is on the public list (SPEC.md §5: published entries only).
PUBLIC_LIST_STATES = {ListKind.BLACK: (ListingState.PUBLISHED,),
                      ListKind.RED: (ListingState.PUBLISHED,)}


def _service(module: str, name: str):
    """A feature service function, or None while that feature has not landed it."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def actor():
    from flask_login import current_user

    return current_user._get_current_object()


# --- search --------------------------------------------------------------------------------


def search(q, page: int, per_page: int, *, grade=None, list_kind=None):
    """``(hits, headers)``; the public feature's ``search_agencies`` does the matching."""
    q = (q or "").strip() or None
    search_agencies = _service("credit_service.public.services", "search_agencies")
    if search_agencies is not None:
        result = search_agencies(q, page, per_page, grade=grade, list_kind=list_kind)
        items, total = _unpack_search_result(result)
        return [_hit(item) for item in items], pagination_headers(total, page, per_page)
    return _fallback_search(q, page, per_page, grade=grade, list_kind=list_kind)


def _unpack_search_result(result):
    items = getattr(result, "items", None)
    total = getattr(result, "total", None)
    if items is None and isinstance(result, tuple):
        items, total = result
    return list(items or []), int(total or 0)


def _hit(item):
    """A search hit as the schema reads it: the agency's attributes plus ``matched_on``."""
    agency = getattr(item, "agency", item)
    matched = getattr(item, "matched_on", None) or getattr(item, "reasons", None) or []
    if isinstance(matched, str):
        matched = [matched]
    hit = types.SimpleNamespace(**{k: getattr(agency, k) for k in (
        "uscc", "name", "kinds", "legal_rep_name", "address", "district", "status",
        "current_grade", "current_score")})
    hit.matched_on = [getattr(m, "value", m) for m in matched]
    return hit


def _fallback_search(q, page, per_page, *, grade=None, list_kind=None):
    statement = select(Agency).order_by(Agency.name, Agency.id)
    if q:
        like = f"%{q}%"
        statement = statement.where(or_(
            Agency.name.like(like),
            Agency.uscc == q.upper(),
            Agency.id.in_(select(FormerName.agency_id).where(FormerName.name.like(like))),
            Agency.id.in_(select(Licence.agency_id).where(Licence.number == q)),
        ))
    if grade is not None:
        statement = statement.where(Agency.current_grade == grade)
    if list_kind is not None:
        statement = statement.where(Agency.id.in_(
            select(Listing.agency_id).where(Listing.list_kind == list_kind,
                                            Listing.state.in_(PUBLIC_LIST_STATES[list_kind]))))
    agencies, headers = paginate(statement, page, per_page)
    return [_hit(a) for a in agencies], headers


# --- profile -------------------------------------------------------------------------------


def current_assessment(agency):
    fn = _service("credit_service.grading.services", "current_assessment")
    if fn is not None:
        return fn(agency)
    return db.session.scalar(
        select(Assessment).where(Assessment.agency_id == agency.id)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc()).limit(1)
    )


def public_records(agency) -> list[Record]:
    """Confirmed records that were neither repaired nor revoked: what the public may see."""
    from credit_service.core.catalog import get_catalog

    catalog = get_catalog()
    records = db.session.scalars(
        select(Record).where(Record.agency_id == agency.id,
                             Record.status == RecordStatus.CONFIRMED,
                             Record.repaired_on.is_(None))
        .order_by(Record.decided_on.desc(), Record.id.desc())
    ).all()
    for record in records:
        vtype = catalog.get(record.violation_code)
        record.violation_name = vtype.name if vtype else None
        record.legal_basis = vtype.legal_basis if vtype else None
    return records


def public_profile(agency):
    """Everything the public profile shows, as one object for ``PublicAgency``."""
    profile = types.SimpleNamespace(**{k: getattr(agency, k) for k in (
        "uscc", "name", "kinds", "legal_rep_name", "address", "district", "status",
        "current_grade", "current_score", "established_on", "registered_capital",
        "former_names", "licences", "annual_reports")})
    profile.assessment = current_assessment(agency)
    profile.listings = db.session.scalars(
        select(Listing).where(
            Listing.agency_id == agency.id,
            or_(*(
                (Listing.list_kind == kind) & Listing.state.in_(states)
                for kind, states in PUBLIC_LIST_STATES.items()
            )),
        ).order_by(Listing.id)
    ).all()
    profile.records = public_records(agency)
    profile.honours = db.session.scalars(
        select(Honour).where(Honour.agency_id == agency.id, Honour.revoked_on.is_(None))
        .order_by(Honour.granted_on.desc(), Honour.id.desc())
    ).all()
    # The public paths are part of the contract (SPEC.md §7), so they are spelled out.
    profile.links = {
        "profile": f"/agencies/{agency.uscc}",
        "report_pdf": f"/agencies/{agency.uscc}/report.pdf",
        "assessments": url_for("api_assessments.Assessments", uscc=agency.uscc),
    }
    return profile


def assessment_on(agency, on):
    """The assessment in force on ``on`` (the latest with ``as_of <= on``)."""
    fn = _service("credit_service.grading.services", "assessment_on")
    if fn is not None:
        return fn(agency, on)
    return db.session.scalar(
        select(Assessment).where(Assessment.agency_id == agency.id, Assessment.as_of <= on)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc()).limit(1)
    )


def assessment_history(agency, page: int, per_page: int):
    statement = (select(Assessment).where(Assessment.agency_id == agency.id)
                 .order_by(Assessment.as_of.desc(), Assessment.id.desc()))
    return paginate(statement, page, per_page)


def list_entry(listing):
    """A public list entry; the earliest early-removal date comes from the lists service."""
    fn = _service("credit_service.lists.services", "earliest_early_removal_on")
    listing.earliest_early_removal_on = fn(listing) if fn is not None else None
    return listing


def staff_record(record):
    from credit_service.core.catalog import get_catalog

    vtype = get_catalog().get(record.violation_code)
    record.violation_name = vtype.name if vtype else None
    record.legal_basis = vtype.legal_basis if vtype else None
    return record


def case_receipt(case, token: str):
    receipt = types.SimpleNamespace(**{k: getattr(case, k) for k in (
        "number", "kind", "subject", "state", "submitted_on", "deadline")})
    receipt.token = token
    receipt.tracker = f"/cases/{case.number}"
    return receipt


def verification(code: str):
    """Delegates to the documents feature's ``verify(code)``; 404 when the code is unknown."""
    from credit_service.core.errors import NotFound
    from credit_service.documents.models import Document

    code = code.strip()[:32]
    verify = _service("credit_service.documents.services", "verify")
    if verify is not None:
        result = verify(code)
        if result is None or getattr(result, "document", True) is None:
            raise NotFound("核验码不存在：该文件不是本系统签发的，或核验码有误")
        return _verification_from_result(code, result)
    document = db.session.scalar(select(Document).where(Document.verification_code == code))
    if document is None:
        raise NotFound("核验码不存在：该文件不是本系统签发的，或核验码有误")
    return types.SimpleNamespace(
        code=code, authentic=True, kind=document.kind, title=document.title,
        media_type=document.media_type, sha256=document.sha256, size=document.size,
        generated_at=document.generated_at, data_as_of=document.data_as_of,
        current=document.current, changes_since=[], summary=document.summary,
    )


def _verification_from_result(code, result):
    get = (result.get if isinstance(result, dict) else lambda k, d=None: getattr(result, k, d))
    document = get("document")
    source = document if document is not None else result

    def attr(name, default=None):
        value = get(name, None)
        return value if value is not None else getattr(source, name, default)

    changes = attr("changes_since", None) or attr("changes", None) or []
    return types.SimpleNamespace(
        code=code, authentic=bool(attr("authentic", True)), kind=attr("kind", ""),
        title=attr("title", ""), media_type=attr("media_type", ""), sha256=attr("sha256", ""),
        size=attr("size", 0), generated_at=attr("generated_at"), data_as_of=attr("data_as_of"),
        current=bool(attr("current", True)), changes_since=[str(c) for c in changes],
        summary=attr("summary"),
    )


def run_import(kind: str, upload, *, dry_run: bool, actor):
    """Parse with the imports feature; all rows valid → commit (unless ``dry_run``)."""
    from credit_service.imports.services import commit_import, parse_import

    content = upload.read()
    preview = parse_import(kind, upload.filename or "", content, actor)
    result = {"kind": kind, "dry_run": dry_run, "committed": False,
              "rows": len(getattr(preview, "rows", []) or []), "created": 0, "errors": []}
    if dry_run:
        return result, 200
    created = commit_import(preview, actor)
    result.update(committed=True, created=len(created) if hasattr(created, "__len__") else 0)
    return result, 201
