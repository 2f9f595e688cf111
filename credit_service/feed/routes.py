"""``/feed.atom``: the public change feed (RFC 4287) with stable entry ids."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, render_template

from credit_service.feed.services import entry_id, latest_changes

bp = Blueprint("feed", __name__, template_folder="templates")


@bp.get("/feed.atom")
def atom():
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    host = base.split("//")[-1].split("/")[0]
    events = latest_changes(100)
    updated = events[0].occurred_at if events else dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    body = render_template("feed/feed.atom.xml", events=events, base=base, updated=updated,
                           entry_id=lambda e: entry_id(e, host), host=host)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.app_template_global("atom_time")
def atom_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
