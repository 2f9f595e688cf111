"""Staff pages for agency files: /staff/agencies (list, create, edit, licences, annual
reports) and the file page /staff/agencies/<uscc> with everything in time order."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from credit_service.agencies import services
from credit_service.auth.permissions import Capability, require
from credit_service.core.enums import AgencyKind, AgencyStatus, Grade, LicenceKind, LicenceStatus
from credit_service.core.web import today_local
from credit_service.staff.web import actor, attempt, form_values, paginate, version_arg

bp = Blueprint("agencies", __name__, url_prefix="/staff/agencies", template_folder="templates")

_CHOICES = {
    "kind_choices": AgencyKind.choices(),
    "status_choices": AgencyStatus.choices(),
    "grade_choices": Grade.choices(),
    "licence_kinds": LicenceKind.choices(),
    "licence_statuses": LicenceStatus.choices(),
    "labels": services.AGENCY_LABELS,
    "licence_labels": services.LICENCE_LABELS,
    "report_labels": services.ANNUAL_REPORT_LABELS,
}


def _agency_form(agency) -> dict:
    return {
        "name": agency.name, "kinds": [k.value for k in agency.kinds],
        "legal_rep_name": agency.legal_rep_name, "address": agency.address,
        "district": agency.district, "registered_capital": agency.registered_capital,
        "established_on": agency.established_on, "status": agency.status.value,
        "contact_phone": agency.contact_phone or "",
        "legal_rep_id_number": agency.legal_rep_id_number or "", "version": agency.version,
    }


def _enum_arg(enum_cls, name):
    try:
        return enum_cls(request.args.get(name)) if request.args.get(name) else None
    except ValueError:
        return None


@bp.get("")
@require(Capability.VIEW)
def index():
    missing = request.args.get("missing_report", "")
    query = services.search_agencies(
        request.args.get("q"), grade=_enum_arg(Grade, "grade"), status=_enum_arg(AgencyStatus, "status"),
        kind=_enum_arg(AgencyKind, "kind"), missing_report=int(missing) if missing.isdigit() else None)
    return render_template("agencies/index.html", page=paginate(query), args=request.args, **_CHOICES)


@bp.route("/new", methods=["GET", "POST"])
@require(Capability.ENTER)
def new():
    form, failure = {"kinds": [], "status": AgencyStatus.OPERATING.value}, None
    if request.method == "POST":
        form = form_values(multi=("kinds",))
        agency, failure = attempt(lambda: services.create_agency(form, actor()))
        if failure is None:
            flash(f"已登记机构“{agency.name}”", "info")
            return redirect(url_for("agencies.file", uscc=agency.uscc))
    return render_template("agencies/form.html", form=form, failure=failure, agency=None,
                           **_CHOICES), failure.status if failure else 200


@bp.get("/<uscc>")
@require(Capability.VIEW)
def file(uscc: str):
    from credit_service.audit.services import agency_trail
    from credit_service.auth.services import users_by_id

    agency = services.get_agency(uscc)
    trail = agency_trail(agency)
    return render_template("agencies/file.html", agency=agency,
                           assessment=services.current_assessment(agency),
                           timeline=services.file_timeline(agency), today=today_local(),
                           trail=trail, actors=users_by_id({e.actor_id for e in trail}),
                           **_file_sections(agency), **_CHOICES)


def _file_sections(agency) -> dict:
    from sqlalchemy import select

    from credit_service.extensions import db
    from credit_service.lists.models import Listing
    from credit_service.records.models import Honour, Record

    return {
        "records": db.session.scalars(select(Record).where(Record.agency_id == agency.id)
                                      .order_by(Record.decided_on.desc(), Record.id.desc())).all(),
        "honours": db.session.scalars(select(Honour).where(Honour.agency_id == agency.id)
                                      .order_by(Honour.granted_on.desc())).all(),
        "listings": db.session.scalars(select(Listing).where(Listing.agency_id == agency.id)
                                       .order_by(Listing.proposed_on.desc())).all(),
    }


@bp.route("/<uscc>/edit", methods=["GET", "POST"])
@require(Capability.ENTER)
def edit(uscc: str):
    agency = services.get_agency(uscc)
    form, failure = _agency_form(agency), None
    if request.method == "POST":
        form = form_values(multi=("kinds",))
        data = dict(form)
        expected = version_arg(data)
        _, failure = attempt(lambda: services.update_agency(agency, data, actor(), expected))
        if failure is None:
            flash("已保存机构信息", "info")
            return redirect(url_for("agencies.file", uscc=agency.uscc))
        if failure.stale:
            form["version"] = agency.version  # resubmitting means "I have seen the change"
    return render_template("agencies/form.html", form=form, failure=failure, agency=agency,
                           **_CHOICES), failure.status if failure else 200


@bp.route("/<uscc>/licences/new", methods=["GET", "POST"])
@require(Capability.ENTER)
def licence_new(uscc: str):
    agency = services.get_agency(uscc)
    form, failure = {"status": LicenceStatus.VALID.value}, None
    if request.method == "POST":
        form = form_values()
        _, failure = attempt(lambda: services.add_licence(agency, form, actor()))
        if failure is None:
            flash("已登记证照", "info")
            return redirect(url_for("agencies.file", uscc=agency.uscc) + "#licences")
    return render_template("agencies/licence_form.html", agency=agency, licence=None, form=form,
                           failure=failure, **_CHOICES), failure.status if failure else 200


@bp.route("/<uscc>/licences/<int:licence_id>", methods=["GET", "POST"])
@require(Capability.ENTER)
def licence_edit(uscc: str, licence_id: int):
    agency = services.get_agency(uscc)
    licence = services.get_licence(licence_id)
    if licence.agency_id != agency.id:
        from credit_service.core.errors import NotFound

        raise NotFound("未找到该证照")
    form = {k: getattr(licence, k) for k in ("number", "issuer", "issued_on", "valid_until")}
    form.update(kind=licence.kind.value, status=licence.status.value)
    failure = None
    if request.method == "POST":
        form = form_values()
        _, failure = attempt(lambda: services.update_licence(licence, form, actor()))
        if failure is None:
            flash("已保存证照", "info")
            return redirect(url_for("agencies.file", uscc=agency.uscc) + "#licences")
    return render_template("agencies/licence_form.html", agency=agency, licence=licence, form=form,
                           failure=failure, **_CHOICES), failure.status if failure else 200


@bp.route("/<uscc>/annual-reports/new", methods=["GET", "POST"])
@require(Capability.ENTER)
def annual_report(uscc: str):
    agency = services.get_agency(uscc)
    form, failure = {"year": today_local().year - 1}, None
    if request.method == "POST":
        form = form_values()
        form.setdefault("publicised", "0")
        _, failure = attempt(lambda: services.record_annual_report(agency, form, actor()))
        if failure is None:
            flash("已登记年度报告", "info")
            return redirect(url_for("agencies.file", uscc=agency.uscc) + "#reports")
    return render_template("agencies/report_form.html", agency=agency, form=form, failure=failure,
                           **_CHOICES), failure.status if failure else 200
