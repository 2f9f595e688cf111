"""The document store: render, stamp, hash, store, supersede, regenerate, verify.

Contract other features code against:

* ``publish_pdf(kind=, key=, title=, html=, summary=, fingerprint=, data_as_of=)`` renders
  an HTML document to a stamped PDF and stores it as the current document of (kind, key).
* ``register_document_kind(kind, builder, fingerprint=None, keys=None)``: ``builder(key)``
  returns a :class:`DocumentSpec` (or None when there is nothing to publish), so the
  document can be regenerated when its data changes.
* ``ensure_document(kind, key)``: the stored current document; generated only the first time.
* ``regenerate_stale(progress=None)``: off the request path (scheduler / ``credit publish``).
* ``verify(code, content=None)``: :class:`VerifyResult` for ``/verify/<code>`` and the API.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer

from credit_service.audit.services import record_audit
from credit_service.core.db import transactional, utcnow
from credit_service.core.errors import NotFound
from credit_service.core.web import local_datetime
from credit_service.documents.models import Document
from credit_service.extensions import db
from publication import Stamp, new_verification_code, normalize_code, render_pdf, sha256_hex

PDF = "application/pdf"
EXTENSIONS = {
    PDF: "pdf",
    "text/csv; charset=utf-8": "csv",
    "application/json": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


@dataclass
class DocumentSpec:
    """What a builder returns: everything needed to (re)publish one document.

    Give ``html`` for an ordinary PDF, ``render`` (``Stamp -> bytes``) for a PDF with its
    own fast renderer, or ``content`` + ``media_type`` for a data file (CSV/JSON/XLSX).
    """

    title: str
    summary: dict
    fingerprint: str
    data_as_of: dt.datetime
    html: str | None = None
    render: Callable[[Stamp], bytes] | None = None
    content: bytes | None = None
    media_type: str = PDF


@dataclass
class DocumentKind:
    builder: Callable[[str], DocumentSpec | None]
    fingerprint: Callable[[str], str | None] | None = None
    keys: Callable[[], Iterable[str]] | None = None  # keys that should always exist
    label: str = ""


@dataclass
class VerifyResult:
    code: str
    authentic: bool
    document: Document | None = None
    current: bool = False
    file_matches: bool | None = None  # when a file was submitted for comparison
    changes_since: list[str] = field(default_factory=list)
    superseded_at: dt.datetime | None = None

    # Flat attributes for API presenters.
    def __getattr__(self, name):
        document = self.__dict__.get("document")
        if document is not None and name in ("kind", "title", "media_type", "sha256", "size",
                                             "generated_at", "data_as_of", "summary"):
            return getattr(document, name)
        raise AttributeError(name)


_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(kind: str, builder, *, fingerprint=None, keys=None,
                           label: str = "") -> None:
    _KINDS[kind] = DocumentKind(builder=builder, fingerprint=fingerprint, keys=keys,
                                label=label)


def registered_kinds() -> dict[str, DocumentKind]:
    _load_builders()
    return dict(_KINDS)


def _load_builders() -> None:
    """Builders live with the features that own the data; importing registers them."""
    import importlib

    for module in ("credit_service.public.documents", "credit_service.disclosures.documents"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a feature not installed yet
            if exc.name != module:
                raise


# --- storage ---------------------------------------------------------------------------


def _document_dir() -> Path | None:
    configured = current_app.config.get("DOCUMENT_DIR")
    return Path(configured) if configured else None


def document_bytes(document: Document) -> bytes:
    if document.path:
        root = _document_dir()
        if root is None:
            raise NotFound("文件存储目录未配置")
        return (root / document.path).read_bytes()
    return document.content or b""


def _unique_code() -> str:
    while True:
        code = new_verification_code()
        taken = db.session.scalar(select(Document.id).where(Document.verification_code == code))
        if taken is None:
            return code


def _verify_url(code: str) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    return f"{base}/verify/{code}"


def current_document(kind: str, key: str = "") -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.kind == kind, Document.key == key,
                               Document.current.is_(True))
        .order_by(Document.id.desc()).limit(1)
    )


def _store(*, kind, key, title, media_type, data: bytes, code, summary, fingerprint,
           data_as_of, generated_at) -> Document:
    digest = sha256_hex(data)
    document = Document(
        kind=kind, key=key, title=title[:300], media_type=media_type, verification_code=code,
        sha256=digest, size=len(data), content_fingerprint=fingerprint or "",
        summary=summary or {}, data_as_of=data_as_of, generated_at=generated_at, current=True,
    )
    root = _document_dir()
    if root is not None:
        # Content-addressed file name: several web nodes may share the directory.
        relative = Path(kind.replace("/", "_")) / f"{digest}.{EXTENSIONS.get(media_type, 'bin')}"
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = target.with_suffix(target.suffix + f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        document.path = str(relative)
    else:
        document.content = data
    previous = db.session.scalars(
        select(Document).options(defer(Document.content))
        .where(Document.kind == kind, Document.key == key, Document.current.is_(True))
    ).all()
    db.session.add(document)
    db.session.flush()
    for old in previous:
        old.current = False
        old.superseded_by_id = document.id
    record_audit("document.published", document,
                 after={"kind": kind, "key": key, "sha256": digest, "code": code,
                        "superseded": [old.id for old in previous]})
    return document


def _as_aware(value: dt.datetime | dt.date | None) -> dt.datetime:
    if value is None:
        return utcnow()
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _stamp(title: str, code: str, generated_at: dt.datetime, data_as_of: dt.datetime) -> Stamp:
    return Stamp(
        issuer=current_app.config.get("BUREAU_NAME", ""),
        title=title,
        code=code,
        verify_url=_verify_url(code),
        generated_at=local_datetime(generated_at),
        data_as_of=local_datetime(data_as_of),
    )


def _asset_dirs() -> list[str]:
    return [str(Path(current_app.root_path) / "static")]


def render_spec(spec: DocumentSpec, code: str | None, generated_at: dt.datetime) -> bytes:
    if spec.content is not None:
        return spec.content
    stamp = _stamp(spec.title, code, generated_at, _as_aware(spec.data_as_of))
    if spec.render is not None:
        return spec.render(stamp)
    return render_pdf(spec.html or "", stamp, asset_dirs=_asset_dirs())


@transactional
def publish_document(kind: str, key: str, spec: DocumentSpec) -> Document:
    """Render (if needed), store and make current; the previous current one is superseded."""
    generated_at = utcnow()
    code = _unique_code() if spec.media_type == PDF else None
    data = render_spec(spec, code, generated_at)
    return _store(kind=kind, key=key, title=spec.title, media_type=spec.media_type, data=data,
                  code=code, summary=spec.summary, fingerprint=spec.fingerprint,
                  data_as_of=_as_aware(spec.data_as_of), generated_at=generated_at)


def publish_pdf(*, kind: str, key: str, title: str, html: str, summary: dict,
                fingerprint: str, data_as_of) -> Document:
    """Render ``html`` to a stamped PDF (code, QR, pages, times) and store it."""
    spec = DocumentSpec(title=title, html=html, summary=summary, fingerprint=fingerprint,
                        data_as_of=data_as_of)
    return publish_document(kind, key or "", spec)


def _build(kind: str, key: str) -> DocumentSpec | None:
    registration = registered_kinds().get(kind)
    if registration is None:
        raise NotFound(f"未知的文件类型：{kind}")
    return registration.builder(key)


def ensure_document(kind: str, key: str = "") -> Document:
    """Serve what is stored; only the very first request for a document waits for it."""
    document = current_document(kind, key)
    if document is not None:
        return document
    spec = _build(kind, key)
    if spec is None:
        raise NotFound("没有可生成的文件")
    return publish_document(kind, key, spec)


def _live_fingerprint(registration: DocumentKind, key: str) -> str | None:
    if registration.fingerprint is not None:
        return registration.fingerprint(key)
    spec = registration.builder(key)
    return None if spec is None else spec.fingerprint


def _regenerate_kind(kind: str, registration: DocumentKind, only: set[str] | None,
                     progress) -> int:
    """Regenerate the stale documents of one kind: every stored and always-present key, or
    of those only the keys in ``only``."""
    keys = set(db.session.scalars(
        select(Document.key).where(Document.kind == kind, Document.current.is_(True))
    ))
    if registration.keys is not None:
        keys.update(registration.keys())
    if only is not None:
        keys &= only
    count = 0
    for key in sorted(keys):
        stored = current_document(kind, key)
        live = _live_fingerprint(registration, key)
        if live is None or (stored is not None and stored.content_fingerprint == live):
            continue
        spec = registration.builder(key)
        if spec is None:
            continue
        publish_document(kind, key, spec)
        count += 1
        if progress is not None:
            progress(kind, key)
    return count


def regenerate_stale(progress: Callable[[str, str], None] | None = None,
                     kinds: Iterable[str] | None = None) -> int:
    """Regenerate every stored (and every always-present) document whose data changed.

    Runs in the scheduler or ``flask credit publish``, never in a web request. Each
    document is its own transaction, so one failure does not lose the others.
    Always-present keys include the credit reports of listed agencies and of agencies
    with confirmed records in force, so those are generated in advance.
    """
    count = 0
    wanted = None if kinds is None else set(kinds)
    for kind, registration in registered_kinds().items():
        if wanted is not None and kind not in wanted:
            continue
        count += _regenerate_kind(kind, registration, None, progress)
    return count


def regenerate(targets: Iterable[tuple[str, str | None]],
               progress: Callable[[str, str], None] | None = None) -> int:
    """Regenerate the stale ones among ``targets`` — (kind, key) pairs, key None for every
    key of the kind — as :func:`regenerate_stale` does for everything. Used after a write
    (:mod:`credit_service.documents.refresh`)."""
    wanted: dict[str, set[str] | None] = {}
    for kind, key in targets:
        if key is None:
            wanted[kind] = None
        elif kind not in wanted or wanted[kind] is not None:
            wanted.setdefault(kind, set()).add(key)
    count = 0
    for kind, registration in registered_kinds().items():
        if kind in wanted:
            count += _regenerate_kind(kind, registration, wanted[kind], progress)
    return count


_clean_marks: dict[str, tuple] = {}


def _write_mark() -> tuple:
    """Cheap (primary-key index) evidence of writes: today's date (windows and validity
    end by date) and the highest id of the audit log, the change feed and every table
    documents are built from. Service writes always add an audit row; bulk loads add rows.
    Documents are left out: publishing them must not count as a change."""
    from sqlalchemy import func

    from credit_service.core.web import today_local
    from credit_service.models import (
        Agency,
        AnnualReport,
        Assessment,
        AuditEvent,
        ChangeEvent,
        Disclosure,
        Honour,
        Licence,
        Listing,
        Record,
    )

    ids = db.session.execute(select(*[
        select(func.max(model.id)).scalar_subquery()
        for model in (AuditEvent, ChangeEvent, Agency, Record, Listing, Honour, Licence,
                      AnnualReport, Assessment, Disclosure)])).one()
    return (today_local().isoformat(), *ids)


def written_since_last_pass() -> bool:
    """Whether anything was written since this process's last full regeneration pass (one
    small query); True in a process that has not made a pass yet."""
    return _clean_marks.get(str(db.engine.url)) != _write_mark()


def regenerate_if_changed(progress: Callable[[str, str], None] | None = None, *,
                          force: bool = False) -> int | None:
    """:func:`regenerate_stale` unless nothing was written since this process's last full
    pass (then None after one small query): cheap enough to run every minute. ``force``
    makes the pass anyway (and counts as the last pass)."""
    key = str(db.engine.url)
    mark = _write_mark()
    if not force and _clean_marks.get(key) == mark:
        return None
    count = regenerate_stale(progress)
    # The mark from before the pass: a write made during it is not skipped next time.
    # (Our own publications add audit rows, so a pass that regenerated something is
    # followed by one more full pass that finds nothing, and then runs are cheap.)
    _clean_marks[key] = mark
    return count


# --- verification ------------------------------------------------------------------------

SUMMARY_LABELS = {
    "agency_name": "机构名称", "uscc": "统一社会信用代码", "grade": "信用等级",
    "score": "信用分", "black_list": "严重违法失信名单", "red_list": "诚信服务示范机构名单",
    "list": "名单", "state": "状态", "step": "环节", "date": "日期",
    "document_number": "文书号", "entries": "名单条目", "count": "条目数",
    "period": "公布期", "records": "失信记录", "legal_rep_name": "法定代表人",
    "address": "住所", "agency_status": "登记状态", "kinds": "机构类型",
    "honours": "守信记录", "licences": "许可与备案", "annual_reports": "年度报告",
}


def describe_changes(old: dict | None, new: dict | None) -> list[str]:
    """Plain-Chinese differences between two public summaries."""
    old, new = old or {}, new or {}
    lines = []
    for key in list(dict.fromkeys([*old.keys(), *new.keys()])):
        if key.startswith("_") or old.get(key) == new.get(key):
            continue
        label = SUMMARY_LABELS.get(key, key)
        before, after = old.get(key), new.get(key)
        if isinstance(before, list) or isinstance(after, list):
            before_set, after_set = list(before or []), list(after or [])
            added = [x for x in after_set if x not in before_set]
            removed = [x for x in before_set if x not in after_set]
            if added:
                lines.append(f"{label}新增：" + "；".join(map(str, added[:20]))
                             + (f" 等 {len(added)} 项" if len(added) > 20 else ""))
            if removed:
                lines.append(f"{label}不再包含：" + "；".join(map(str, removed[:20]))
                             + (f" 等 {len(removed)} 项" if len(removed) > 20 else ""))
        else:
            lines.append(f"{label}：由「{before if before not in (None, '') else '无'}」"
                         f"变为「{after if after not in (None, '') else '无'}」")
    return lines


def find_by_code(code: str) -> Document | None:
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return db.session.scalar(
        select(Document).options(defer(Document.content))
        .where(Document.verification_code == normalized)
    )


def verify(code: str, content: bytes | None = None) -> VerifyResult:
    """Is this a document we issued, is the submitted file unaltered, and is its content
    still current — and if not, what has changed since it was made."""
    document = find_by_code(code)
    if document is None:
        return VerifyResult(code=code, authentic=False)
    result = VerifyResult(code=document.verification_code, authentic=True, document=document,
                          current=document.current)
    if content is not None:
        result.file_matches = sha256_hex(content) == document.sha256
        result.authentic = result.file_matches
    newer_summary = None
    if not document.current:
        newest = current_document(document.kind, document.key)
        if newest is not None:
            newer_summary = newest.summary
            result.superseded_at = newest.generated_at
    registration = registered_kinds().get(document.kind)
    if registration is not None:
        live = _live_fingerprint(registration, document.key)
        if live is not None and live != document.content_fingerprint:
            result.current = False
            spec = registration.builder(document.key)
            if spec is not None:
                newer_summary = spec.summary
    if not result.current:
        result.changes_since = describe_changes(document.summary, newer_summary) or [
            "该文件已被新版本取代，内容以最新版本为准。" if result.superseded_at is not None
            else "该文件所依据的数据已更新，内容以最新版本为准。"]
    return result
