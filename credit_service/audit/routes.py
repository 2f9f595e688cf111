"""Admins browse the append-only audit log at /staff/audit (read only: there is no
update or delete route, and on PostgreSQL a trigger refuses both)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request
from sqlalchemy import select

from credit_service.audit.models import AuditEvent
from credit_service.auth.models import User
from credit_service.auth.permissions import Capability, require
from credit_service.core.web import SHANGHAI
from credit_service.extensions import db
from credit_service.staff.web import paginate

bp = Blueprint("audit", __name__, url_prefix="/staff/audit", template_folder="templates")

PER_PAGE = 50


def _day(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _utc(day: dt.date) -> dt.datetime:
    """Local midnight of ``day`` in UTC (SQLite stores the UTC wall time without offset)."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def _filtered():
    args = request.args
    query = select(AuditEvent)
    if args.get("actor_id", "").isdigit():
        query = query.where(AuditEvent.actor_id == int(args["actor_id"]))
    if args.get("action"):
        action = args["action"].strip()
        query = query.where(AuditEvent.action.like(f"{action}%") if action.endswith(".")
                            else AuditEvent.action == action)
    if args.get("object_type"):
        query = query.where(AuditEvent.object_type == args["object_type"])
    if args.get("object_id"):
        query = query.where(AuditEvent.object_id == args["object_id"].strip())
    if args.get("client_addr"):
        query = query.where(AuditEvent.client_addr == args["client_addr"].strip())
    # Dates are local (Asia/Shanghai) days; the column is UTC.
    since, until = _day("since"), _day("until")
    if since:
        query = query.where(AuditEvent.at >= _utc(since))
    if until:
        query = query.where(AuditEvent.at < _utc(until + dt.timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())


@bp.get("")
@require(Capability.ADMIN)
def index():
    page = paginate(_filtered(), PER_PAGE)
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} \
        if actor_ids else {}
    return render_template(
        "audit/index.html", page=page, actors=actors, args=request.args,
        users=db.session.scalars(select(User).order_by(User.username)).all(),
        actions=db.session.scalars(select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)).all(),
        object_types=db.session.scalars(select(AuditEvent.object_type).distinct()
                                        .order_by(AuditEvent.object_type)).all(),
    )


@bp.get("/<int:event_id>")
@require(Capability.ADMIN)
def detail(event_id: int):
    from credit_service.core.errors import NotFound

    event = db.session.get(AuditEvent, event_id)
    if event is None:
        raise NotFound("未找到该日志")
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    rows = [(k, before.get(k), after.get(k), before.get(k) != after.get(k)) for k in keys]
    return render_template("audit/detail.html", event=event, actor=actor, rows=rows)
