"""Staff pages for violation records and honours.

/staff/records (list), /staff/agencies/<uscc>/records/new (entry form driven by the
violation catalog), /staff/records/<id> (detail with confirm / rectification / repair /
revoke), /staff/agencies/<uscc>/honours/new, /staff/honours/<id>/revoke.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from credit_service.agencies.services import get_agency
from credit_service.auth.permissions import Capability, require
from credit_service.core.catalog import get_catalog
from credit_service.core.enums import (
    HonourKind,
    HonourLevel,
    MajorCaseKind,
    PenaltyKind,
    RecordSource,
    RecordStatus,
    Severity,
)
from credit_service.core.web import today_local
from credit_service.records import services
from credit_service.staff.web import actor, attempt, form_values, paginate, version_arg

bp = Blueprint("records", __name__, url_prefix="/staff", template_folder="templates")


def _choices() -> dict:
    catalog = get_catalog()
    return {
        "violation_choices": [(v.code, v.name) for v in catalog.values()],
        "catalog": catalog,
        "catalog_defaults": {
            v.code: {"severity": v.default_severity.label,
                     "major": v.major_case_kind.label if v.major_case_kind else "",
                     "flags": "、".join(f for f, on in (("一票否决", v.veto), ("封顶C", v.c_cap),
                                                        ("黑名单候选", v.blacklist_candidate)) if on),
                     "basis": v.legal_basis}
            for v in catalog.values()
        },
        "severity_choices": Severity.choices(),
        "penalty_choices": PenaltyKind.choices(),
        "major_choices": [(services.NO_MAJOR_CASE, "不属于重大违法行为"), *MajorCaseKind.choices()],
        "source_choices": RecordSource.choices(),
        "status_choices": RecordStatus.choices(),
        "honour_kinds": HonourKind.choices(),
        "honour_levels": HonourLevel.choices(),
        "labels": services.RECORD_LABELS,
        "honour_labels": services.HONOUR_LABELS,
    }


def _record_form(record) -> dict:
    form = {k: getattr(record, k) for k in (
        "violation_code", "facts", "occurred_on", "decided_on", "decision_number", "authority",
        "fine_amount", "rectify_by", "corrected_on", "internal_notes", "version")}
    form.update(severity=record.severity.value, penalty_kind=record.penalty_kind.value,
                source=record.source.value, refused_to_comply=record.refused_to_comply,
                major_case_kind=record.major_case_kind.value if record.major_case_kind
                else services.NO_MAJOR_CASE)
    return form


def _status(failure) -> int:
    return failure.status if failure else 200


@bp.get("/records")
@require(Capability.VIEW)
def index():
    status = request.args.get("status")
    query = services.records_query(
        status=status if status in RecordStatus.values() else None, q=request.args.get("q"),
        violation_code=request.args.get("violation_code") or None)
    return render_template("records/index.html", page=paginate(query), args=request.args, **_choices())


@bp.route("/agencies/<uscc>/records/new", methods=["GET", "POST"])
@require(Capability.ENTER)
def new(uscc: str):
    agency = get_agency(uscc)
    form = {"authority": services.default_authority()}
    failure = None
    if request.method == "POST":
        form = form_values()
        form.setdefault("refused_to_comply", "0")
        record, failure = attempt(lambda: services.record_violation(agency, form, actor()))
        if failure is None:
            flash("已保存为待审核草稿，需由另一名审核员确认后生效", "info")
            return redirect(url_for("records.detail", record_id=record.id))
    return render_template("records/form.html", agency=agency, record=None, form=form,
                           failure=failure, **_choices()), _status(failure)


@bp.get("/records/<int:record_id>")
@require(Capability.VIEW)
def detail(record_id: int):
    return _detail(services.get_record(record_id))


def _detail(record, failure=None, action: str | None = None, form=None):
    return render_template("records/detail.html", record=record, agency=record.agency,
                           failure=failure, action=action, form=form or {}, today=today_local(),
                           vtype=get_catalog().get(record.violation_code),
                           **_choices()), _status(failure)


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@require(Capability.ENTER)
def edit(record_id: int):
    record = services.get_record(record_id)
    form, failure = _record_form(record), None
    if request.method == "POST":
        form = form_values()
        form.setdefault("refused_to_comply", "0")
        data = dict(form)
        expected = version_arg(data)
        _, failure = attempt(lambda: services.update_record(record, data, actor(), expected))
        if failure is None:
            flash("已保存草稿", "info")
            return redirect(url_for("records.detail", record_id=record.id))
        if failure.stale:
            form["version"] = record.version
    return render_template("records/form.html", agency=record.agency, record=record, form=form,
                           failure=failure, **_choices()), _status(failure)


@bp.post("/records/<int:record_id>/confirm")
@require(Capability.REVIEW)
def confirm(record_id: int):
    record = services.get_record(record_id)
    expected = version_arg(form_values())
    _, failure = attempt(lambda: services.confirm_record(record, actor(), expected))
    if failure is None:
        flash("记录已确认，机构信用等级已重新计算", "info")
        return redirect(url_for("records.detail", record_id=record.id))
    return _detail(record, failure, "confirm")


@bp.route("/records/<int:record_id>/revoke", methods=["GET", "POST"])
@require(Capability.REVIEW)
def revoke(record_id: int):
    """GET shows the confirmation form (reason, date); POST revokes."""
    record = services.get_record(record_id)
    form, failure = {"on": today_local()}, None
    if request.method == "POST":
        form = form_values()
        expected = version_arg(dict(form))
        _, failure = attempt(lambda: services.revoke_record(
            record, actor(), form.get("reason", ""), form.get("on"),
            overturned=form.get("overturned") == "1", expected_version=expected))
        if failure is None:
            flash(f"记录已{record.status.label}", "info")
            return redirect(url_for("records.detail", record_id=record.id))
    return render_template("records/revoke.html", record=record, form=form, failure=failure,
                           **_choices()), _status(failure)


@bp.post("/records/<int:record_id>/corrected")
@require(Capability.ENTER)
def corrected(record_id: int):
    record = services.get_record(record_id)
    form = form_values()
    expected = version_arg(dict(form))
    _, failure = attempt(lambda: services.mark_corrected(
        record, actor(), form.get("corrected_on") or None, rectify_by=form.get("rectify_by") or None,
        refused_to_comply=form.get("refused_to_comply", "0"), expected_version=expected))
    if failure is None:
        flash("已登记整改情况", "info")
        return redirect(url_for("records.detail", record_id=record.id))
    return _detail(record, failure, "corrected", form)


@bp.post("/records/<int:record_id>/repair")
@require(Capability.REVIEW)
def repair(record_id: int):
    record = services.get_record(record_id)
    form = form_values()
    expected = version_arg(dict(form))
    _, failure = attempt(lambda: services.repair_record(record, actor(), form.get("repaired_on"),
                                                        expected_version=expected))
    if failure is None:
        flash("已登记信用修复，该记录自修复之日起不再计分", "info")
        return redirect(url_for("records.detail", record_id=record.id))
    return _detail(record, failure, "repair", form)


# --------------------------------------------------------------------------- honours


@bp.route("/agencies/<uscc>/honours/new", methods=["GET", "POST"])
@require(Capability.ENTER)
def honour_new(uscc: str):
    agency = get_agency(uscc)
    form, failure = {}, None
    if request.method == "POST":
        form = form_values()
        _, failure = attempt(lambda: services.add_honour(agency, form, actor()))
        if failure is None:
            flash("已登记守信记录", "info")
            return redirect(url_for("agencies.file", uscc=agency.uscc) + "#honours")
    return render_template("records/honour_form.html", agency=agency, form=form, failure=failure,
                           **_choices()), _status(failure)


@bp.route("/honours/<int:honour_id>/revoke", methods=["GET", "POST"])
@require(Capability.ENTER)
def honour_revoke(honour_id: int):
    honour = services.get_honour(honour_id)
    form, failure = {"on": today_local()}, None
    if request.method == "POST":
        form = form_values()
        _, failure = attempt(lambda: services.revoke_honour(honour, actor(), form.get("on"),
                                                            form.get("reason", "")))
        if failure is None:
            flash("守信记录已撤销", "info")
            return redirect(url_for("agencies.file", uscc=honour.agency.uscc) + "#honours")
    return render_template("records/honour_revoke.html", honour=honour, form=form, failure=failure,
                           **_choices()), _status(failure)
