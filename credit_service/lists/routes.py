"""Staff pages for the red and black lists (``/staff/lists``)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lists", __name__, template_folder="templates")


def init_app(app) -> None:
    from credit_service.lists.services import connect_signals

    connect_signals()
    app.register_blueprint(bp)
