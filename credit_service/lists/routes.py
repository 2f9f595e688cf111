"""Staff pages for the red and black lists (``/staff/lists``): lists by state, one listing
with the actions its state allows, black-list candidates, red-list eligibility, proposals.
The public list pages (``/lists/red``, ``/lists/black``) belong to the public site."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from sqlalchemy import false, func, select

from credit_service.agencies.models import Agency
from credit_service.auth.permissions import Capability, require
from credit_service.core.enums import ListingState, ListKind
from credit_service.core.web import today_local
from credit_service.extensions import db
from credit_service.lists import rules, services
from credit_service.lists.models import Listing

bp = Blueprint("lists_staff", __name__, url_prefix="/staff/lists", template_folder="templates")

# Steps that end or reverse something get a confirmation page before they run.
CONFIRM_ACTIONS = {"decide", "designate", "remove", "early_remove", "revoke", "withdraw",
                   "not_list", "reverse_removal", "expire"}
ACTION_LABELS = {"propose": "提出拟列入", "nominate": "推荐", "propose_revocation": "提议撤销"}
STATE_ORDER = {
    ListKind.BLACK: [ListingState.PROPOSED, ListingState.NOTIFIED, ListingState.OBJECTION,
                     ListingState.DECIDED, ListingState.PUBLISHED, ListingState.REMOVED,
                     ListingState.REVOKED, ListingState.NOT_LISTED, ListingState.WITHDRAWN],
    ListKind.RED: [ListingState.NOMINATED, ListingState.PUBLICITY, ListingState.DESIGNATED,
                   ListingState.PUBLISHED, ListingState.EXPIRED, ListingState.REVOKED,
                   ListingState.WITHDRAWN],
}


def init_app(app) -> None:
    services.connect_signals()
    app.register_blueprint(bp)


def _actor():
    from flask_login import current_user

    return current_user._get_current_object()


def _attempt(call):
    from credit_service.core.errors import DomainError, StaleWrite

    try:
        return call(), None
    except StaleWrite as exc:
        return None, ({"version": [exc.message]}, exc.status)
    except DomainError as exc:
        return None, (dict(exc.errors) if exc.errors else {"_": [exc.message]}, exc.status)


def _kind_arg() -> ListKind:
    try:
        return ListKind(request.args.get("kind", "black"))
    except ValueError:
        abort(404)


@bp.get("")
@require(Capability.VIEW)
def index():
    kind = _kind_arg()
    state = request.args.get("state") or None
    counts = dict(db.session.execute(
        select(Listing.state, func.count()).where(Listing.list_kind == kind).group_by(Listing.state)
    ).all())
    query = select(Listing).where(Listing.list_kind == kind)
    if state:
        query = query.where(Listing.state == ListingState(state)) if state in ListingState.values() \
            else query.where(false())
    page = db.paginate(query.order_by(Listing.updated_at.desc(), Listing.id.desc()),
                       per_page=50, error_out=False)
    return render_template("lists/staff/index.html", kind=kind, state=state, counts=counts,
                           states=STATE_ORDER[kind], page=page)


@bp.get("/candidates")
@require(Capability.VIEW)
def candidates():
    return render_template("lists/staff/candidates.html",
                           candidates=services.blacklist_candidates(today_local()),
                           today=today_local())


@bp.get("/eligibility")
@require(Capability.VIEW)
def eligibility():
    uscc = (request.args.get("uscc") or "").strip().upper()
    agency = db.session.scalar(select(Agency).where(Agency.uscc == uscc)) if uscc else None
    unmet = services.red_list_eligibility(agency, today_local()) if agency else None
    return render_template("lists/staff/eligibility.html", uscc=uscc, agency=agency, unmet=unmet,
                           not_found=bool(uscc) and agency is None)


@bp.route("/new", methods=["GET", "POST"])
@require(Capability.ENTER)
def new():
    form = dict(request.values)
    form.pop("csrf_token", None)
    errors, status = {}, 200
    if request.method == "POST":
        agency = db.session.scalar(select(Agency).where(
            Agency.uscc == (form.get("uscc") or "").strip().upper()))
        if agency is None:
            errors, status = {"uscc": ["未找到该统一社会信用代码对应的机构"]}, 422
        else:
            listing, failure = _attempt(lambda: services.propose_listing(
                agency, form.get("list_kind") or "", form, _actor()))
            if failure is None:
                return redirect(url_for("lists_staff.detail", listing_id=listing.id), 303)
            errors, status = failure
    form.setdefault("proposed_on", today_local().isoformat())
    return render_template("lists/staff/new.html", form=form, errors=errors), status


def _listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404)
    return listing


def _deadline_note(listing: Listing) -> str:
    """SPEC.md §1: for a year the holiday calendar does not know, say so."""
    from credit_service.core.workdays import deadline_note

    start = listing.notified_on
    return deadline_note(start, rules.OBJECTION_WORKING_DAYS) if start else ""


def _detail_page(listing: Listing, *, form=None, errors=None, status=200):
    from credit_service.lists.documents import documents_for

    try:
        documents = documents_for(listing)
    except ImportError:
        documents = []
    from credit_service.auth.models import User

    actor_ids = {e.actor_id for e in listing.events if e.actor_id}
    actors = {u.id: u.display_name for u in db.session.scalars(
        select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    return render_template(
        "lists/staff/detail.html", listing=listing, actors=actors, actions=services.available_actions(listing),
        form=form or {"date": today_local().isoformat()}, errors=errors or {},
        verification_deadline=services.verification_deadline(listing),
        deadline_note=_deadline_note(listing),
        earliest_early_removal=services.earliest_early_removal_on(listing),
        revocation=services.pending_revocation(listing), documents=documents,
        confirm_actions=CONFIRM_ACTIONS, rules=rules, action_labels={
            **ACTION_LABELS,
            **{n: t.label for n, t in services.TRANSITIONS[listing.list_kind].items()}},
    ), status


@bp.get("/<int:listing_id>")
@require(Capability.VIEW)
def detail(listing_id: int):
    return _detail_page(_listing_or_404(listing_id))


@bp.post("/<int:listing_id>/events")
@require(Capability.ENTER)
def event(listing_id: int):
    listing = _listing_or_404(listing_id)
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    action = services.canonical_action(listing, form.get("action", ""))
    if action in CONFIRM_ACTIONS and form.get("confirmed") != "1":
        transition = services.TRANSITIONS[listing.list_kind].get(action)
        return render_template("lists/staff/confirm.html", listing=listing, form=form,
                               action=action, transition=transition)
    _, failure = _attempt(lambda: services.apply_listing_event(
        listing, action, _actor(), on=form.get("date"),
        document_number=form.get("document_number"), reasons=form.get("reasons"),
        expected_version=form.get("version") or None,
        corrected_on=form.get("corrected_on") or None,
        commitment_received_on=form.get("commitment_received_on") or None,
    ))
    if failure is None:
        return redirect(url_for("lists_staff.detail", listing_id=listing.id), 303)
    errors, status = failure
    db.session.refresh(listing)
    return _detail_page(listing, form=form, errors=errors, status=status)


@bp.get("/<int:listing_id>/documents/<int:document_id>")
@require(Capability.VIEW)
def document(listing_id: int, document_id: int):
    """Staff download of a stored document of this listing (served from storage)."""
    import io
    from pathlib import Path

    from flask import current_app

    from credit_service.lists.documents import documents_for

    listing = _listing_or_404(listing_id)
    doc = next((d for d in documents_for(listing) if d.id == document_id), None)
    if doc is None:
        abort(404)
    if doc.content is not None:
        return send_file(io.BytesIO(doc.content), mimetype=doc.media_type,
                         download_name=f"{doc.kind.split('.')[0]}-{doc.key}.pdf")
    if doc.path:
        path = Path(doc.path)
        if not path.is_absolute():
            path = Path(current_app.config.get("DOCUMENT_DIR") or current_app.instance_path) / path
        return send_file(path, mimetype=doc.media_type)
    abort(404)
