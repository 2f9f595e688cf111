"""Disclosure pages: the public archive (``/disclosures``) and the staff review workflow
(``/staff/disclosures``: draft, review, approve, publish)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from credit_service.auth.permissions import Capability, can, require
from credit_service.core.enums import DisclosureState
from credit_service.core.errors import DomainError
from credit_service.disclosures import services
from credit_service.disclosures.documents import entry_rows
from credit_service.documents.services import ensure_document
from credit_service.public.web import send_document

bp = Blueprint("disclosures", __name__, template_folder="templates")
staff_bp = Blueprint("disclosures_staff", __name__, url_prefix="/staff/disclosures",
                     template_folder="templates")


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)


def _published_or_404(period: str):
    disclosure = services.get_disclosure(period)
    if disclosure.state != DisclosureState.PUBLISHED:
        abort(404)
    return disclosure


@bp.get("/disclosures")
def archive():
    return render_template("disclosures/archive.html",
                           disclosures=services.published_disclosures(),
                           period_label=services.period_label)


@bp.get("/disclosures/<period>")
def period_page(period: str):
    disclosure = _published_or_404(period)
    return render_template("disclosures/period.html", d=disclosure, rows=entry_rows(disclosure),
                           label=services.period_label(period))


@bp.get("/disclosures/<period>.pdf")
def period_pdf(period: str):
    _published_or_404(period)
    return send_document(ensure_document("disclosure.pdf", period), f"社会公布-{period}.pdf")


# --- staff ---------------------------------------------------------------------------


def _date(name: str):
    value = request.form.get(name) or ""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@staff_bp.get("/")
@require(Capability.VIEW)
def index():
    return render_template("disclosures/staff_index.html", disclosures=services.all_disclosures(),
                           period_label=services.period_label,
                           can_enter=can(current_user, Capability.ENTER))


@staff_bp.post("/")
@require(Capability.ENTER)
def draft():
    period = (request.form.get("period") or "").strip()
    try:
        disclosure = services.draft_disclosure(period, current_user, starts_on=_date("starts_on"),
                                               ends_on=_date("ends_on"))
    except DomainError as exc:
        flash(exc.message + "".join(f"（{'；'.join(m)}）" for m in exc.errors.values()), "error")
        return redirect(url_for(".index"))
    flash(f"已生成 {services.period_label(disclosure.period)} 草稿", "success")
    return redirect(url_for(".review", period=disclosure.period))


@staff_bp.get("/<period>")
@require(Capability.VIEW)
def review(period: str):
    disclosure = services.get_disclosure(period)
    return render_template("disclosures/staff_review.html", d=disclosure,
                           label=services.period_label(period),
                           can_review=can(current_user, Capability.REVIEW))


def _act(period: str, action):
    disclosure = services.get_disclosure(period)
    try:
        action(disclosure, request.form.get("version"))
    except DomainError as exc:
        flash(exc.message, "error")
    return redirect(url_for(".review", period=period))


@staff_bp.post("/<period>/refresh")
@require(Capability.ENTER)
def refresh(period: str):
    def action(d, _version):
        services.draft_disclosure(d.period, current_user)
        flash("草稿已按最新数据更新", "success")
    return _act(period, action)


@staff_bp.post("/<period>/entries/<int:entry_id>/remove")
@require(Capability.REVIEW)
def remove(period: str, entry_id: int):
    def action(d, version):
        services.remove_entry(d, entry_id, current_user, version)
        flash("已移出该条目", "success")
    return _act(period, action)


@staff_bp.post("/<period>/approve")
@require(Capability.REVIEW)
def approve(period: str):
    def action(d, version):
        services.approve_disclosure(d, current_user, version)
        flash("已审核通过", "success")
    return _act(period, action)


@staff_bp.post("/<period>/publish")
@require(Capability.REVIEW)
def publish(period: str):
    def action(d, version):
        services.publish_disclosure(d, current_user, version)
        flash("已公布", "success")
    return _act(period, action)
