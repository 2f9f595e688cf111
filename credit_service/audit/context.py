"""Who is acting and from where, for the audit log, without services reading ``request``.

The web layer binds the channel ("web", "api", "public") and the client address per
request; the CLI binds "cli" and jobs bind "job:<name>".
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="system")
_client_addr: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_client_addr", default=None
)


def current_channel() -> str:
    return _channel.get()


def current_client_addr() -> str | None:
    return _client_addr.get()


@contextmanager
def acting_as(channel: str, client_addr: str | None = None):
    t1 = _channel.set(channel)
    t2 = _client_addr.set(client_addr)
    try:
        yield
    finally:
        _channel.reset(t1)
        _client_addr.reset(t2)


def bind_request_context(app) -> None:
    from flask import request

    @app.before_request
    def _bind():
        path = request.path
        channel = "api" if path.startswith("/api/") else ("web" if path.startswith("/staff") else "public")
        _channel.set(channel)
        _client_addr.set(request.remote_addr)
