"""Web plumbing shared by features: error handlers and template helpers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from credit_service.core.errors import DomainError

SHANGHAI = ZoneInfo("Asia/Shanghai")

CSRF_MESSAGE = "页面已过期或无法确认表单来自本网站（安全校验未通过），您的内容未提交。请返回上一页，刷新后重新提交。"
HTTP_MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "无权执行此操作",
    404: "未找到请求的内容",
    405: "不支持该请求方法",
    409: "操作与当前状态冲突",
    413: "提交的内容过大",
    415: "不支持的内容类型",
    422: "提交的数据未通过校验",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_payload(status: int, message: str | None = None, errors: dict | None = None, **extra):
    from werkzeug.http import HTTP_STATUS_CODES

    body = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "message": message or HTTP_MESSAGES.get(status, "请求失败"),
        "errors": errors or {},
    }
    body.update(extra)
    return body


# Sent with every response (and by the WSGI profile fast path, which bypasses Flask): no
# MIME sniffing, no framing by other sites (clickjacking), no URLs with query strings
# (search terms, tracking tokens) leaked to other sites in the Referer header.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        if wants_json():
            return error_payload(exc.status, exc.message, exc.errors, **exc.extra), exc.status
        return (
            render_template("errors/error.html", status=exc.status, message=exc.message,
                            errors=exc.errors),
            exc.status,
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        # Mostly an expired or reopened page, so say what to do rather than "bad request".
        message = CSRF_MESSAGE
        if wants_json():
            return error_payload(400, message, {"csrf_token": [exc.description]}), 400
        return render_template("errors/error.html", status=400, message=message, errors={}), 400

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        if wants_json():
            response = exc.get_response()
            data = getattr(exc, "data", None) or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            errors = {}
            if isinstance(messages, dict):
                for location in messages.values():
                    if isinstance(location, dict):
                        errors.update(location)
            response.set_data(
                app.json.dumps(error_payload(status, HTTP_MESSAGES.get(status), errors))
            )
            response.content_type = "application/json"
            return response
        response = exc.get_response()
        response.set_data(
            render_template("errors/error.html", status=status,
                            message=HTTP_MESSAGES.get(status, exc.description), errors={})
        )
        response.content_type = "text/html; charset=utf-8"
        return response


def local_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def cn_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def today_local() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def register_template_helpers(app: Flask) -> None:
    from credit_service.core import enums

    app.jinja_env.filters["local_dt"] = local_datetime
    app.jinja_env.filters["cn_date"] = cn_date
    app.jinja_env.globals["enums"] = enums
    app.jinja_env.globals["bureau_name"] = app.config.get("BUREAU_NAME")

    @app.template_filter("label")
    def _label(value):
        return getattr(value, "label", value if value is not None else "")
