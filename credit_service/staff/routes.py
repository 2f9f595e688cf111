"""The staff workspace home: /staff/ — "what needs me"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from credit_service.auth.permissions import Capability, require
from credit_service.staff import dashboard as queries
from credit_service.staff.web import actor

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates",
               static_folder="static")


@bp.get("/")
@require(Capability.VIEW)
def dashboard():
    return render_template("staff/dashboard.html", board=queries.build(actor()))


@bp.post("/reminders/<int:reminder_id>/dismiss")
@require(Capability.VIEW)
def dismiss_reminder(reminder_id: int):
    from credit_service.jobs.services import dismiss_reminder as dismiss
    from credit_service.jobs.services import get_reminder

    dismiss(get_reminder(reminder_id), actor())
    flash("已将该提醒标记为已处理", "info")
    return redirect(url_for("staff.dashboard") + "#s-reminders")
