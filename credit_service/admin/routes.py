"""/staff/admin: rule-set versions and scheduled jobs (admins only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from credit_service.admin import services
from credit_service.auth.permissions import Capability, require
from credit_service.staff.web import actor, attempt

bp = Blueprint("admin", __name__, url_prefix="/staff/admin", template_folder="templates")


def _settings(checked=None, failure=None, status: int = 200):
    return render_template("admin/settings.html", rulesets=services.rule_set_rows(),
                           jobs=services.job_rows(), checked=checked, failure=failure), status


@bp.get("")
@require(Capability.ADMIN)
def settings():
    return _settings()


@bp.post("/rules/check")
@require(Capability.ADMIN)
def check_rules():
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    checked, failure = attempt(lambda: services.check_rule_file(
        upload.filename if upload else "", data))
    return _settings(checked, failure, failure.status if failure else 200)


@bp.post("/jobs/<job_id>/run")
@require(Capability.ADMIN)
def run_job(job_id: str):
    result = services.run_job_now(job_id, actor())
    label = services.JOB_LABELS.get(job_id, (job_id,))[0]
    if result is None:
        flash(f"“{label}”本周期已执行过，未做任何更改。", "info")
    else:
        flash(f"已执行“{label}”：{result}", "info")
    return redirect(url_for("admin.settings"))
