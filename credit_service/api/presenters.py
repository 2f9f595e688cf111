"""Read-side composition for the API: gathers what a response shows into plain objects the
output schemas dump. Business rules stay in the features' services; where a feature offers a
query function (grading, public search, lists), it is called, not re-implemented.
"""

from __future__ import annotations

import types

from flask import url_for

from credit_service.api.base import pagination_headers
from credit_service.core.catalog import get_catalog
from credit_service.core.errors import NotFound
from credit_service.documents.services import verify
from credit_service.grading import services as grading
from credit_service.imports.services import commit_import, parse_import, row_errors_as_validation
from credit_service.public.services import agency_profile, search_agencies


def actor():
    from flask_login import current_user

    return current_user._get_current_object()


# --- search --------------------------------------------------------------------------------


def search(q, page: int, per_page: int, *, grade=None, list_kind=None):
    """``(hits, headers)``; the public feature's ``search_agencies`` does the matching."""
    result = search_agencies(q, page, per_page, grade=grade, list_kind=list_kind)
    return [_hit(item) for item in result.items], pagination_headers(result.total, page, per_page)


def _hit(item):
    """A search hit: the agency's public attributes plus why it matched."""
    agency = item.agency
    hit = types.SimpleNamespace(**{k: getattr(agency, k) for k in (
        "uscc", "name", "kinds", "legal_rep_name", "address", "district", "status",
        "current_grade", "current_score")})
    hit.matched_on = list(item.matched_on)
    hit.match_reasons = list(item.reasons)
    return hit


# --- profile -------------------------------------------------------------------------------


def public_profile(agency):
    """The public profile, exactly what the public page shows (the public feature's
    ``agency_profile``: publication windows, valid honours, published listings), with the
    codes an integrator needs next to the Chinese labels."""
    profile = agency_profile(agency)
    view = types.SimpleNamespace(**{k: getattr(agency, k) for k in (
        "uscc", "name", "kinds", "legal_rep_name", "address", "district", "status",
        "current_grade", "current_score", "established_on", "registered_capital")})
    view.former_names = profile.former_names
    view.assessment = profile.assessment
    view.listings = [listing for listing in (profile.black, profile.red) if listing is not None]
    for listing in view.listings:
        listing.earliest_early_removal_on = (
            profile.black_early_removal_on if listing is profile.black else None)
    view.records = [_public_record(item) for item in profile.records]
    view.honours = profile.honours
    view.licences = profile.licences
    view.annual_reports = profile.annual_reports
    # The public paths are part of the contract (SPEC.md §7), so they are spelled out.
    view.links = {
        "profile": f"/agencies/{agency.uscc}",
        "report_pdf": f"/agencies/{agency.uscc}/report.pdf",
        "assessments": url_for("api_assessments.Assessments", uscc=agency.uscc),
    }
    return view


def _public_record(item):
    """The public feature's record view plus the record's codes (read with it, so no
    second load of the record)."""
    return types.SimpleNamespace(
        id=item.id, violation_code=item.violation_code, violation_name=item.violation,
        legal_basis=item.legal_basis, severity=item.severity_code, facts=item.facts,
        occurred_on=item.occurred_on, decided_on=item.decided_on,
        decision_number=item.decision_number, authority=item.authority,
        penalty_kind=item.penalty_kind, fine_amount=item.fine_value,
        corrected_on=item.corrected_on, in_force_until=item.in_force_until,
        repair_eligible_from=item.repair_eligible_from, points=item.points,
        major_case_kind=item.major_case, status=item.status,
    )


def assessment_on(agency, on):
    """The live grade on ``on`` (grading's rule: the latest assessment with as_of <= on)."""
    return grading.assessment_on(agency, on)


def assessment_history(agency, page: int, per_page: int):
    """One page of grading's history (newest first)."""
    history = grading.assessment_history(agency)
    start = (page - 1) * per_page
    return history[start:start + per_page], pagination_headers(len(history), page, per_page)


def staff_record(record):
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
    code = code.strip()[:32]
    result = verify(code)
    document = result.document
    if document is None:
        raise NotFound("核验码不存在：该文件不是本系统签发的，或核验码有误")
    return types.SimpleNamespace(
        code=result.code, authentic=result.authentic, kind=document.kind, title=document.title,
        media_type=document.media_type, sha256=document.sha256, size=document.size,
        generated_at=document.generated_at, data_as_of=document.data_as_of,
        current=result.current, changes_since=[str(c) for c in result.changes_since],
        superseded_at=result.superseded_at, summary=document.summary,
    )


def run_import(kind: str, upload, *, dry_run: bool, actor):
    """The imports feature validates every row; all valid → written in one transaction."""
    filename, content = upload.filename or "", upload.read()
    if dry_run:
        preview = parse_import(kind, filename, content)
        if preview.errors or not preview.rows:
            raise row_errors_as_validation(preview)
        return {"kind": kind, "filename": filename, "dry_run": True, "committed": False,
                "rows": len(preview.rows), "created": 0, "ids": []}, 200
    result = commit_import(kind, filename, content, actor)
    return {"kind": kind, "filename": filename, "dry_run": False, "committed": True,
            "rows": result.rows, "created": result.created, "ids": result.ids}, 201
