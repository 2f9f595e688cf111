"""Regeneration on write: documents whose data a committed change touched are rebuilt
in a background worker of the same process, right after the commit.

Why this design (SPEC.md §6: PDFs generated off the request path, "scheduler or on
write", served from storage):

* The write request never waits for WeasyPrint: ``record_change`` (the change feed, which
  every listing, removal, grade change and disclosure publication goes through) only
  notes *which* documents may be affected in ``session.info``; nothing is rendered before
  the commit, and nothing at all if the transaction rolls back.
* After the outermost commit the targets go onto an in-process queue. One worker thread
  per process (started lazily, restarted after a fork, so gunicorn workers each get their
  own) drains the queue, coalescing bursts, and calls
  :func:`credit_service.documents.services.regenerate` — fingerprint-checked, one
  transaction per document, so a duplicate or a race only costs a comparison.
* Requests keep serving the stored file; for the few seconds until the new one is
  committed they serve the previous version, which ``/verify`` already reports as out of
  date (the live fingerprint differs).
* Changes that do not pass through the change feed (an address or licence edit), and
  anything a crashed process left undone, are caught by the scheduler's publish job
  (:func:`~credit_service.documents.services.regenerate_stale`, cheap when nothing was
  written since its last pass: :func:`~credit_service.documents.services.regenerate_if_changed`).

``DOCUMENT_REGENERATION`` config: ``"background"`` (default) or ``"off"``. Under
``TESTING`` the default is ``"off"``: the per-test rolled-back transaction is invisible
to another thread's connection.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from credit_service.core.enums import ChangeKind

log = logging.getLogger(__name__)

_INFO_KEY = "documents_stale"
LIST_KINDS = [f"{kind}_list.{fmt}" for kind in ("black", "red")
              for fmt in ("pdf", "csv", "json", "xlsx")]


def targets_for_change(kind: ChangeKind, *, subject: str = "",
                       uscc: str | None = None) -> set[tuple[str, str | None]]:
    """(document kind, key or None for every key) a change may make stale."""
    targets: set[tuple[str, str | None]] = set()
    if kind in (ChangeKind.LISTED, ChangeKind.REMOVED):
        targets.update((list_kind, "") for list_kind in LIST_KINDS)
    if kind == ChangeKind.DISCLOSURE_PUBLISHED:
        period = subject.split(":", 1)[1] if ":" in subject else None
        targets.add(("disclosure.pdf", period))
    if uscc:
        targets.add(("credit_report.pdf", uscc))
    return targets


def mark_stale(session: Session, targets) -> None:
    """Note documents to regenerate once this session's transaction commits."""
    session.info.setdefault(_INFO_KEY, set()).update(targets)


def pending(session: Session) -> set[tuple[str, str | None]]:
    return set(session.info.get(_INFO_KEY, ()))


def mode() -> str:
    if not has_app_context():
        return "off"
    default = "off" if current_app.testing else "background"
    return current_app.config.get("DOCUMENT_REGENERATION", default)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    targets = session.info.pop(_INFO_KEY, None)
    if targets and mode() == "background":
        worker().submit(current_app._get_current_object(), targets)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_INFO_KEY, None)


class Worker:
    """One daemon thread draining a queue of (app, targets); ``wait_idle`` for tests and
    for process exit."""

    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.pid = os.getpid()
        self._idle = threading.Condition()
        self._busy = 0
        self.thread = threading.Thread(target=self._run, name="document-regeneration",
                                       daemon=True)
        self.thread.start()

    def submit(self, app, targets) -> None:
        with self._idle:
            self._busy += 1
        self.queue.put((app, set(targets)))

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout=timeout)

    def _run(self) -> None:
        while True:
            app, targets = self.queue.get()
            taken = 1
            while True:  # coalesce a burst of commits into one pass
                try:
                    more_app, more = self.queue.get_nowait()
                except queue.Empty:
                    break
                taken += 1
                if more_app is app:
                    targets |= more
                else:
                    self._regenerate(more_app, more)
            self._regenerate(app, targets)
            with self._idle:
                self._busy -= taken
                self._idle.notify_all()

    @staticmethod
    def _regenerate(app, targets) -> None:
        from credit_service.audit.context import acting_as
        from credit_service.documents.services import regenerate
        from credit_service.extensions import db

        with app.app_context():
            try:
                with acting_as("job:publish"):
                    count = regenerate(targets)
                log.info("regenerated %s document(s) after a write", count)
            except Exception:  # the scheduler's publish job retries
                log.exception("document regeneration after a write failed")
            finally:
                db.session.remove()


_worker: Worker | None = None
_lock = threading.Lock()


def worker() -> Worker:
    global _worker
    with _lock:
        if _worker is None or _worker.pid != os.getpid():  # none yet, or forked
            _worker = Worker()
        return _worker


@atexit.register
def _drain_at_exit() -> None:
    # A one-shot CLI command should not exit halfway through the documents it touched.
    if _worker is not None and _worker.pid == os.getpid():
        _worker.wait_idle(timeout=120)
