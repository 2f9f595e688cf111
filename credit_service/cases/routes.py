"""Cases on the web: the public application form (``/cases/new``, rate-limited, CSRF) and
tracker (``/cases/<number>``: stage, deadline, outcome; details only with the private
token), and the staff review pages (``/staff/cases``)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from credit_service.auth.permissions import Capability, require
from credit_service.cases import services
from credit_service.cases.models import Case
from credit_service.core.enums import CaseState
from credit_service.core.errors import DomainError, NotFound, StaleWrite
from credit_service.core.web import today_local
from credit_service.extensions import db, limiter

bp = Blueprint("cases", __name__, template_folder="templates")
staff_bp = Blueprint("cases_staff", __name__, url_prefix="/staff/cases",
                     template_folder="templates")

# The public form's single choice, mapped onto (kind, subject).
APPLICATION_TYPES = {
    "objection_record": ("objection", "record", "对失信记录提出异议"),
    "objection_listing": ("objection", "listing", "对列入名单提出异议"),
    "objection_grade": ("objection", "grade", "对信用等级提出异议"),
    "repair_record": ("repair", "record", "失信记录信用修复"),
    "repair_early_removal": ("repair", "early_removal", "申请提前移出严重违法失信名单"),
}
PUBLIC_FIELDS = ("application_type", "uscc", "record_decision_number", "applicant_name",
                 "applicant_contact", "statement", "corrected_on", "commitment")


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)


def _errors(exc: DomainError) -> dict:
    return dict(exc.errors) if exc.errors else {"_": [exc.message]}


# --------------------------------------------------------------------------- public


def _form_limit() -> str:
    return current_app.config.get("CASE_FORM_RATE_LIMIT", "10 per hour;30 per day")


@bp.route("/cases/new", methods=["GET", "POST"])
@limiter.limit(_form_limit, methods=["POST"])
def new():
    form = {k: request.form.get(k, "") for k in PUBLIC_FIELDS} if request.method == "POST" \
        else {"application_type": request.args.get("type", ""), "uscc": request.args.get("uscc", "")}
    errors, status = {}, 200
    if request.method == "POST":
        kind, subject, _ = APPLICATION_TYPES.get(form["application_type"], ("", "", ""))
        data = dict(form, kind=kind, subject=subject)
        try:
            case, token = services.submit_case(data)
        except DomainError as exc:
            errors, status = _errors(exc), exc.status
            if "kind" in errors or "subject" in errors:
                errors["application_type"] = errors.pop("kind", []) + errors.pop("subject", [])
        else:
            return render_template("cases/submitted.html", case=case, token=token), 201
    return render_template("cases/new.html", form=form, errors=errors,
                           types=APPLICATION_TYPES), status


@bp.route("/cases/<number>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def track(number: str):
    try:
        case = services.get_case(number)
    except NotFound:
        abort(404)
    token = request.form.get("token") if request.method == "POST" else None
    authorised = services.token_matches(case, token)
    wrong_token = request.method == "POST" and not authorised
    return render_template("cases/track.html", case=case, authorised=authorised,
                           wrong_token=wrong_token), (403 if wrong_token else 200)


# --------------------------------------------------------------------------- staff


def _actor():
    from flask_login import current_user

    return current_user._get_current_object()


@staff_bp.get("")
@require(Capability.VIEW)
def index():
    state = request.args.get("state") or "open"
    query = select(Case)
    if state == "open":
        query = query.where(Case.state.in_(services.OPEN_STATES))
    elif state in CaseState.values():
        query = query.where(Case.state == CaseState(state))
    page = db.paginate(query.order_by(Case.deadline, Case.id), per_page=50, error_out=False)
    return render_template("cases/staff/index.html", page=page, state=state, today=today_local())


def _case_or_404(number: str) -> Case:
    try:
        return services.get_case(number)
    except NotFound:
        abort(404)


def _detail(case: Case, *, form=None, errors=None, status=200):
    from credit_service.lists.models import Listing
    from credit_service.records.models import Record

    record = db.session.get(Record, case.record_id) if case.record_id else None
    listing = db.session.get(Listing, case.listing_id) if case.listing_id else None
    return render_template(
        "cases/staff/detail.html", case=case, record=record, listing=listing,
        form=form or {"date": today_local().isoformat()}, errors=errors or {},
    ), status


@staff_bp.get("/<number>")
@require(Capability.VIEW)
def detail(number: str):
    return _detail(_case_or_404(number))


@staff_bp.post("/<number>/review")
@require(Capability.REVIEW)
def review(number: str):
    case = _case_or_404(number)
    try:
        services.start_review(case, _actor(), expected_version=request.form.get("version") or None)
    except DomainError as exc:
        return _detail(case, errors=_errors(exc), status=exc.status)
    return redirect(url_for("cases_staff.detail", number=case.number), 303)


@staff_bp.post("/<number>/decision")
@require(Capability.REVIEW)
def decide(number: str):
    case = _case_or_404(number)
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if form.get("outcome") not in ("accept", "reject"):
        return _detail(case, form=form, errors={"outcome": ["请选择支持或不予支持"]}, status=422)
    if form.get("confirmed") != "1":
        return render_template("cases/staff/confirm.html", case=case, form=form)
    try:
        services.decide_case(case, _actor(), accepted=form["outcome"] == "accept",
                             reasons=form.get("reasons", ""), on=form.get("date"),
                             expected_version=form.get("version") or None,
                             document_number=form.get("document_number") or None)
    except StaleWrite as exc:
        db.session.refresh(case)
        return _detail(case, form=form, errors={"version": [exc.message]}, status=exc.status)
    except DomainError as exc:
        db.session.refresh(case)
        return _detail(case, form=form, errors=_errors(exc), status=exc.status)
    return redirect(url_for("cases_staff.detail", number=case.number), 303)
