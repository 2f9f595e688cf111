"""Staff import pages: /staff/imports — upload, preview, commit, error report, templates.

An uploaded file is kept (under DOCUMENT_DIR or the instance folder, so several web
nodes sharing that directory see it) between the preview and the commit, keyed by a
random token and tied to the uploader; it is deleted after a commit and after a day.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from credit_service.auth.permissions import Capability, require
from credit_service.core.errors import NotFound, ValidationFailed
from credit_service.imports import services
from credit_service.staff.web import actor, attempt

bp = Blueprint("imports", __name__, url_prefix="/staff/imports", template_folder="templates")

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600
PREVIEW_ROWS = 50


def _store() -> Path:
    base = current_app.config.get("DOCUMENT_DIR") or current_app.instance_path
    path = Path(base) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _save_upload(kind: str, filename: str, data: bytes) -> str:
    store = _store()
    now = time.time()
    for old in store.glob("*.json"):  # housekeeping: forget abandoned previews
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
            old.with_suffix(".bin").unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (store / f"{token}.bin").write_bytes(data)
    (store / f"{token}.json").write_text(json.dumps(
        {"kind": kind, "filename": filename, "user_id": actor().id}, ensure_ascii=False))
    return token


def _load_upload(token: str) -> tuple[str, str, bytes]:
    store = _store()
    meta_path = store / f"{token}.json"
    if not _TOKEN.match(token) or not meta_path.exists():
        raise NotFound("导入文件已过期或不存在，请重新上传")
    meta = json.loads(meta_path.read_text())
    if meta["user_id"] != actor().id:
        raise NotFound("导入文件已过期或不存在，请重新上传")
    return meta["kind"], meta["filename"], (store / f"{token}.bin").read_bytes()


def _forget(token: str) -> None:
    store = _store()
    (store / f"{token}.json").unlink(missing_ok=True)
    (store / f"{token}.bin").unlink(missing_ok=True)


@bp.get("")
@require(Capability.ENTER)
def index():
    return render_template("imports/index.html", kinds=services.KINDS, columns=services.COLUMNS,
                           errors={}, form={"kind": request.args.get("kind", "agencies")})


@bp.get("/templates/<kind>.<fmt>")
@require(Capability.ENTER)
def template(kind: str, fmt: str):
    try:
        data = services.template_file(kind, fmt)
    except ValidationFailed:
        raise NotFound("模板不存在") from None
    mimetype = "text/csv" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=import-{kind}-template.{fmt}"})


@bp.post("/preview")
@require(Capability.ENTER)
def preview():
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    filename = upload.filename if upload else ""
    result, failure = attempt(lambda: services.parse_import(kind, filename, data))
    if failure is not None:
        return render_template("imports/index.html", kinds=services.KINDS, columns=services.COLUMNS,
                               errors=failure.errors, form={"kind": kind}), failure.status
    token = _save_upload(kind, filename, data)
    return render_template("imports/preview.html", preview=result, token=token,
                           labels=dict((f, h) for f, h, _ in services.COLUMNS[kind]),
                           shown=result.rows[:PREVIEW_ROWS], preview_rows=PREVIEW_ROWS), \
        (200 if result.ok else 422)


@bp.get("/<token>/errors.csv")
@require(Capability.ENTER)
def error_report(token: str):
    kind, filename, data = _load_upload(token)
    report = services.error_report_csv(services.parse_import(kind, filename, data))
    return Response(report, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=import-errors-{token[:8]}.csv"})


@bp.post("/<token>/commit")
@require(Capability.ENTER)
def commit(token: str):
    kind, filename, data = _load_upload(token)
    result, failure = attempt(lambda: services.commit_import(kind, filename, data, actor()))
    if failure is not None:
        preview = services.parse_import(kind, filename, data)
        return render_template("imports/preview.html", preview=preview, token=token,
                               labels=dict((f, h) for f, h, _ in services.COLUMNS[kind]),
                               shown=preview.rows[:PREVIEW_ROWS], preview_rows=PREVIEW_ROWS,
                               failure=failure), failure.status
    _forget(token)
    flash(f"已导入{result.created}条{services.KINDS[kind]}数据", "info")
    target = url_for("agencies.index") if kind == "agencies" else url_for("records.index", status="draft")
    return redirect(target)
