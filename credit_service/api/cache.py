"""A per-worker cache of rendered public profiles, validated against the database.

Composing a profile takes about a dozen queries; a profile changes rarely and is read often.
A profile's *stamp* is one indexed query — the agency's version and update time, and for
every table the profile shows the row count and latest change — plus today's date
(publication windows and honour validity depend on it). Same stamp, same bytes: a cached body
is served only under the stamp it was built for. The stamp is also the ETag.

A worker reuses a stamp it read for ``API_PROFILE_STAMP_TTL`` seconds (default 2) before
asking the database again, so a popular profile costs no query at all; any write flushed in
the same process forgets every remembered stamp at once. A change made through another
worker or process is therefore visible here within that many seconds.

Two renderings are cached per agency under the same stamp: the JSON profile of the API
(``kind="json"``) and the public HTML profile page (``kind="html"``; public pages are the same
for every visitor). While a remembered stamp is fresh and a body cached,
:class:`ProfileFastPath` (a WSGI layer in front of Flask) answers ``GET
/api/v1/agencies/<uscc>`` and ``GET /agencies/<uscc>`` itself — 200 with the body or 304 —
the way a micro-cache in front of an app server would; everything else, and every profile
whose stamp must be read again, goes through Flask.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict

from flask import current_app
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from credit_service.core.web import today_local
from credit_service.extensions import db

DEFAULT_SIZE = 4096
DEFAULT_STAMP_TTL = 2.0

# Everything the public profile reads, keyed by agency id. Counts catch deletions; the
# latest updated_at/id catches edits and inserts. "max(s.id + 0)": a bare max(id) lets
# PostgreSQL walk the primary key backwards filtering on agency_id — for an agency graded
# long ago that reads most of the table; the expression keeps it on the agency's index.
_STAMP_SQL = text("""
SELECT a.id, a.version, a.updated_at,
  (SELECT count(*) FROM records r WHERE r.agency_id = a.id),
  (SELECT max(r.updated_at) FROM records r WHERE r.agency_id = a.id),
  (SELECT count(*) FROM honours h WHERE h.agency_id = a.id),
  (SELECT max(h.updated_at) FROM honours h WHERE h.agency_id = a.id),
  (SELECT count(*) FROM listings l WHERE l.agency_id = a.id),
  (SELECT max(l.updated_at) FROM listings l WHERE l.agency_id = a.id),
  (SELECT count(*) FROM licences c WHERE c.agency_id = a.id),
  (SELECT max(c.updated_at) FROM licences c WHERE c.agency_id = a.id),
  (SELECT count(*) FROM annual_reports y WHERE y.agency_id = a.id),
  (SELECT max(y.updated_at) FROM annual_reports y WHERE y.agency_id = a.id),
  (SELECT count(*) FROM agency_former_names f WHERE f.agency_id = a.id),
  (SELECT max(s.id + 0) FROM assessments s WHERE s.agency_id = a.id)
FROM agencies a WHERE a.uscc = :uscc
""")


class ProfileCache:
    def __init__(self) -> None:
        # (kind, uscc) -> (stamp, etag, body)
        self._entries: OrderedDict[tuple[str, str], tuple[str, str, bytes]] = OrderedDict()
        self._stamps: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self.ttl = DEFAULT_STAMP_TTL

    def configure(self, app) -> None:
        self.ttl = float(app.config.get("API_PROFILE_STAMP_TTL", DEFAULT_STAMP_TTL))

    def stamp(self, uscc: str, *, fresh: bool = False) -> str | None:
        """The profile's stamp (a hex digest), or None if no agency has ``uscc``. ``fresh``
        reads it from the database even if a remembered one has not expired (a write
        checking an If-Match must not trust another worker's stale copy)."""
        ttl = self.ttl
        now = time.monotonic()
        remembered = self._stamps.get(uscc)
        if not fresh and remembered is not None and now - remembered[0] < ttl:
            return remembered[1]
        row = db.session.connection().execute(_STAMP_SQL, {"uscc": uscc}).first()
        if row is None:
            return None
        raw = "|".join(str(value) for value in (*row, today_local()))
        stamp = hashlib.sha1(raw.encode()).hexdigest()
        if ttl > 0:
            with self._lock:
                if len(self._stamps) >= 4 * DEFAULT_SIZE:
                    self._stamps.clear()
                self._stamps[uscc] = (now, stamp)
        return stamp

    def forget_stamps(self) -> None:
        self._stamps = {}

    def get(self, uscc: str, stamp: str, kind: str = "json") -> bytes | None:
        with self._lock:
            entry = self._entries.get((kind, uscc))
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end((kind, uscc))
            return entry[2]

    def put(self, uscc: str, stamp: str, etag: str, body: bytes, kind: str = "json") -> None:
        size = current_app.config.get("API_PROFILE_CACHE_SIZE", DEFAULT_SIZE)
        if size <= 0:
            return
        with self._lock:
            self._entries[(kind, uscc)] = (stamp, etag, body)
            self._entries.move_to_end((kind, uscc))
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def body(self, uscc: str, stamp: str, etag: str, build, kind: str = "json",
             keep: bool = True) -> bytes:
        """The cached body for ``stamp``, or ``build()`` — kept under that stamp (and
        ``etag``, for the fast path) unless ``keep`` is false."""
        body = self.get(uscc, stamp, kind)
        if body is None:
            body = build()
            if keep:
                self.put(uscc, stamp, etag, body, kind)
        return body

    def fresh_hit(self, uscc: str, kind: str = "json") -> tuple[str, bytes] | None:
        """``(etag, body)`` when the remembered stamp is still fresh and its body cached."""
        remembered = self._stamps.get(uscc)
        if remembered is None or time.monotonic() - remembered[0] >= self.ttl:
            return None
        entry = self._entries.get((kind, uscc))
        if entry is None or entry[0] != remembered[1]:
            return None
        return entry[1], entry[2]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._stamps = {}


profiles = ProfileCache()


class ProfileFastPath:
    """WSGI layer: serve a fresh cached public profile (JSON or HTML) without entering Flask."""

    PATHS = (
        (re.compile(r"^/api/v1/agencies/([0-9A-HJ-NPQRTUWXY]{18})$"), "json", "application/json"),
        (re.compile(r"^/agencies/([0-9A-HJ-NPQRTUWXY]{18})$"), "html", "text/html; charset=utf-8"),
    )

    def __init__(self, wsgi_app, cache: ProfileCache, headers=()) -> None:
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.headers = list(headers)  # what the app adds to every response (security headers)

    def _hit(self, environ):
        path = environ.get("PATH_INFO", "")
        for pattern, kind, content_type in self.PATHS:
            match = pattern.match(path)
            if match:
                hit = self.cache.fresh_hit(match.group(1), kind)
                return (*hit, content_type) if hit is not None else None
        return None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET" and not environ.get("QUERY_STRING"):
            hit = self._hit(environ)
            if hit is not None:
                etag, body, content_type = hit
                quoted = f'"{etag}"'
                wanted = environ.get("HTTP_IF_NONE_MATCH", "")
                if wanted and quoted in [t.strip().removeprefix("W/") for t in wanted.split(",")]:
                    start_response("304 NOT MODIFIED", [("ETag", quoted), *self.headers])
                    return [b""]
                start_response("200 OK", [("Content-Type", content_type),
                                          ("Content-Length", str(len(body))), ("ETag", quoted),
                                          *self.headers])
                return [body]
        return self.wsgi_app(environ, start_response)


@event.listens_for(Session, "after_flush")
def _forget_stamps_after_a_write(session, flush_context) -> None:
    # Any write in this process may change a profile: read the stamps afresh.
    profiles.forget_stamps()
