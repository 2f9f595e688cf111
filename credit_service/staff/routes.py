"""The staff workspace home: /staff/ — "what needs me"."""

from __future__ import annotations

from flask import Blueprint, render_template

from credit_service.auth.permissions import Capability, require
from credit_service.staff import dashboard as queries
from credit_service.staff.web import actor

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates",
               static_folder="static")


@bp.get("/")
@require(Capability.VIEW)
def dashboard():
    return render_template("staff/dashboard.html", board=queries.build(actor()))
