"""Uniform JSON errors for the API (SPEC.md §7).

Every error, whatever raised it, leaves as
``{"code": <status>, "status": <reason>, "message": <Chinese>, "errors": {field: [Chinese]}}``
built by :func:`credit_service.core.web.error_payload`, the same payload the rest of the app
uses for JSON clients. Handlers are registered on each API blueprint (they win over the app's
handlers for requests routed there); routing errors under ``/api/`` (404, 405) reach the
app-level handler of ``core.web``, which builds the same payload.
"""

from __future__ import annotations

import logging
import re

import marshmallow as ma
from flask import json, make_response
from marshmallow import fields as mf
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from credit_service.api.fields import ChineseSchema
from credit_service.core.errors import DomainError
from credit_service.core.web import HTTP_MESSAGES, error_payload

log = logging.getLogger(__name__)

# Messages webargs / flask-smorest / werkzeug produce themselves (not field messages we own).
_FALLBACK_TRANSLATIONS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^Invalid JSON body\.?$"), "请求体不是合法的 JSON"),
    (re.compile(r"^Missing data for required field\.?$"), "该字段为必填项"),
    (re.compile(r"^Unknown field\.?$"), "不允许的字段"),
    (re.compile(r"^Invalid input type\.?$"), "请求数据应为 JSON 对象"),
    (re.compile(r"^Field may not be null\.?$"), "该字段不能为空值（null）"),
    (re.compile(r"^Not a valid (integer|number)\.?$"), "应为数字"),
    (re.compile(r"^Not a valid string\.?$"), "应为字符串"),
    (re.compile(r"^Not a valid (date|datetime)\.?$"), "应为日期"),
    (re.compile(r"^Not a valid boolean\.?$"), "应为布尔值"),
    (re.compile(r"^Not a valid list\.?$"), "应为数组"),
]
_HAS_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def _translate(message) -> str:
    text = str(message)
    if _HAS_CJK.search(text):
        return text
    for pattern, chinese in _FALLBACK_TRANSLATIONS:
        if pattern.match(text):
            return chinese
    return f"取值无效（{text}）"


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow/webargs messages to ``{"field.sub.0": [msg, ...]}``.

    webargs nests by location first (``{"json": {"name": [...]}}``); the location is dropped
    unless the messages sit directly on it (an unreadable body), where it names the field.
    """
    flat: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            if all(not isinstance(v, dict | list | tuple) for v in value):
                flat.setdefault(path or "_schema", []).extend(_translate(v) for v in value)
            else:
                for v in value:
                    walk(v, path)
        else:
            flat.setdefault(path or "_schema", []).append(_translate(value))

    if isinstance(messages, dict) and prefix == "":
        locations = {"json", "query", "querystring", "form", "files", "headers", "path",
                     "view_args", "json_or_form", "cookies"}
        for key, value in messages.items():
            if key in locations:
                if isinstance(value, dict):
                    walk(value, "")
                else:
                    walk(value, "body" if key in {"json", "form", "files"} else key)
            else:
                walk(value, str(key))
        return flat
    walk(messages, prefix)
    return flat


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _printable(value):
    """Lone surrogates from a client's JSON (e.g. an unknown key ``"\\udafa"``) cannot be
    encoded as UTF-8; echo them as U+FFFD instead of failing with a 500."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def json_error(status: int, message: str | None = None, errors: dict | None = None,
               headers=None, **extra):
    payload = _printable(error_payload(status, message, errors, **extra))
    response = make_response(json.dumps(payload), status)
    response.content_type = "application/json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    if status < 400:  # 304 Not Modified from the ETag check: no body, keep its headers
        return exc.get_response()
    data = getattr(exc, "data", None) or {}
    errors = {}
    message = None
    if isinstance(data, dict):
        if "messages" in data:
            errors = flatten_errors(data["messages"])
        elif "errors" in data:
            errors = flatten_errors(data["errors"])
        message = data.get("message")
    response = exc.get_response()
    headers = {k: v for k, v in response.headers.items()
               if k.lower() in {"retry-after", "www-authenticate", "allow"}}
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    if status == 405 and "Allow" not in headers and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    if message is not None and not _HAS_CJK.search(str(message)):
        message = None
    return json_error(status, message or HTTP_MESSAGES.get(status), errors, headers)


def handle_domain_error(exc: DomainError):
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if exc.status == 401 else None
    return json_error(exc.status, exc.message, flatten_errors(exc.errors), headers, **exc.extra)


def handle_integrity_error(exc: IntegrityError):
    """A unique/foreign-key violation the services' checks did not catch (e.g. two clients
    creating the same USCC at once) is a conflict the client can resolve, not a 500."""
    from credit_service.extensions import db

    db.session.rollback()
    log.info("API integrity conflict: %s", exc.orig)
    return json_error(409, "数据与已有记录冲突（可能已被他人同时提交），请刷新后重试")


def handle_data_error(exc: DataError):
    from credit_service.extensions import db

    db.session.rollback()
    log.info("API data error: %s", exc.orig)
    return json_error(422, "提交的数据超出允许的范围或格式", {"_schema": ["数据超出允许的范围或格式"]})


def register_blueprint_error_handlers(blp) -> None:
    blp.register_error_handler(HTTPException, handle_http_exception)
    blp.register_error_handler(DomainError, handle_domain_error)
    blp.register_error_handler(IntegrityError, handle_integrity_error)
    blp.register_error_handler(DataError, handle_data_error)


class ErrorSchema(ChineseSchema):
    """The one error payload of the API (documentation only; built by ``error_payload``)."""

    code = mf.Integer(required=True, metadata={"description": "HTTP 状态码", "example": 422})
    status = mf.String(required=True,
                    metadata={"description": "HTTP 状态名", "example": "Unprocessable Entity"})
    message = mf.String(required=True,
                     metadata={"description": "中文说明", "example": "提交的数据未通过校验"})
    errors = mf.Dict(
        keys=mf.String(), values=mf.List(mf.String()), required=True,
        metadata={"description": "按字段列出的中文错误信息；嵌套字段以点号连接（如 kinds.0）",
                  "example": {"uscc": ["统一社会信用代码校验位错误：第18位应为“5”，实际为“X”"]}},
    )
    current_version = mf.Integer(
        metadata={"description": "仅 409 过期写入：该对象的当前版本号，请据此重新读取后提交"}
    )
    row_errors = mf.List(mf.Dict(), metadata={
        "description": "仅批量导入：逐行错误 [{row 行号, field 字段, message 说明}]"})
    changed_by = mf.String(allow_none=True, metadata={"description": "仅 409 过期写入：最近修改者（如可提供）"})

    class Meta:
        unknown = ma.INCLUDE

