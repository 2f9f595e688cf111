"""The API's own plumbing on top of flask-smorest: the Api subclass, the Blueprint subclass,
the request parser, pagination (``page``/``per_page`` + ``X-Pagination``) and lookups."""

from __future__ import annotations

import http
import json as std_json
import math
import re

from flask import current_app, request
from flask_smorest import Api, Blueprint
from flask_smorest.exceptions import NotModified
from flask_smorest.utils import prepare_response
from sqlalchemy import func, select
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.http import quote_etag

from credit_service.api.auth import BEARER_SCHEME, SECURITY_SCHEME, load_user_from_bearer_only
from credit_service.api.errors import ErrorSchema, register_blueprint_error_handlers
from credit_service.api.fields import ChineseSchema, QueryInteger, Range
from credit_service.core.errors import NotFound, ValidationFailed
from credit_service.core.uscc import InvalidUSCC, validate_uscc
from credit_service.core.web import HTTP_MESSAGES
from credit_service.extensions import db

API_PREFIX = "/api/v1"
MAX_PER_PAGE = 100

PAGINATION_HEADER = {
    # Always sent, so declared required: schemathesis then fails an endpoint that omits it.
    "required": True,
    "description": "分页信息（JSON）：total 总条数、total_pages 总页数、page 当前页、"
                   "first_page/last_page、previous_page/next_page（如有）",
    "schema": {"type": "string"},
    "example": '{"total": 57, "total_pages": 3, "first_page": 1, "last_page": 3, '
               '"page": 2, "previous_page": 1, "next_page": 3}',
}


SUCCESS_DESCRIPTIONS = {200: "成功", 201: "已创建", 204: "成功（无内容）"}


def id_path_parameter(name: str, what: str) -> dict:
    """An integer id in the path: 1 … 2³¹−1 (beyond that nothing exists; see get_or_404)."""
    return {"in": "path", "name": name, "required": True, "description": f"{what}编号",
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}


class CreditParser(FlaskParser):
    """webargs parser that turns every unreadable body into a 400 (never a 500)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        try:
            return webargs_core.parse_json(req.get_data(cache=True))
        except RecursionError:  # absurdly nested arrays/objects
            abort(400, messages={"json": ["JSON 嵌套层级过深"]})


class ApiBlueprint(Blueprint):
    """One blueprint per resource; operations are tagged with a Chinese tag name."""

    ARGUMENTS_PARSER = CreditParser()

    def __init__(self, name: str, import_name: str, *, tag: str, description: str = ""):
        super().__init__(f"api_{name}", import_name, url_prefix=API_PREFIX,
                         description=description)
        self.tag = tag
        self.before_request(load_user_from_bearer_only)
        self.before_request(_require_supported_body)
        register_blueprint_error_handlers(self)

    def route(self, rule, *, parameters=None, tags=None, **options):
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    def response(self, status_code, schema=None, *, description=None, **kwargs):
        # flask-smorest would describe a success by its English reason phrase ("OK").
        if description is None:
            description = SUCCESS_DESCRIPTIONS.get(int(status_code))
        return super().response(status_code, schema, description=description, **kwargs)

    def _check_not_modified(self, etag):
        # flask-smorest's bare 304 drops the ETag; RFC 9110 §15.4.5 wants it repeated.
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            raise NotModified(response=current_app.response_class(
                status=304, headers={"ETag": quote_etag(etag)}))


_BODY_TYPES = ("application/json", "multipart/form-data")
# A JSON body of the API is a few kilobytes; MAX_CONTENT_LENGTH (the whole app's limit) is
# sized for file uploads, so JSON gets a tighter one of its own.
DEFAULT_MAX_JSON_BYTES = 1024 * 1024


def _require_supported_body() -> None:
    """415 for a body the endpoint cannot read (instead of misreporting fields as missing),
    413 for a JSON body over ``API_MAX_JSON_BYTES`` before anything reads it."""
    if request.method not in {"POST", "PATCH", "PUT"}:
        return None
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding")
    if not has_body:
        return None
    mimetype = request.mimetype or ""
    is_json = mimetype == "application/json" or re.fullmatch(r"application/[\w.+-]*\+json",
                                                               mimetype)
    if is_json:
        limit = current_app.config.get("API_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)
        if (request.content_length or 0) > limit:
            abort(413, messages={"json": [f"JSON 请求体不能超过 {limit // 1024} KB"]})
        return None
    if mimetype in _BODY_TYPES:
        return None
    abort(415, messages={"json": [f"不支持的内容类型“{mimetype or '未指定'}”，"
                                  "请使用 application/json（导入文件用 multipart/form-data）"]})


class CreditApi(Api):
    """flask-smorest Api with the project's error schema and Chinese response descriptions.

    The app-wide error handlers stay those of ``core.web`` (HTML for pages, the uniform JSON
    for ``/api/``); each API blueprint registers the JSON handlers of ``api.errors``.
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        return None  # flask-smorest's would answer every error of the whole app in JSON

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": HTTP_MESSAGES.get(status.value, status.phrase)}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "错误（统一格式）", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        self.spec.components.security_scheme(BEARER_SCHEME, SECURITY_SCHEME)

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=name, parameters=parameters)
        self.spec.tag({"name": getattr(blp, "tag", name), "description": blp.description})


# --- pagination ---------------------------------------------------------------------------


class PageArgs(ChineseSchema):
    page = QueryInteger(load_default=1, validate=Range(min=1, max=1_000_000),
                        metadata={"description": "页码，从 1 开始"})
    per_page = QueryInteger(load_default=20, validate=Range(min=1, max=MAX_PER_PAGE),
                            metadata={"description": f"每页条数，1–{MAX_PER_PAGE}"})


def paginate(statement, page: int, per_page: int, *, count_statement=None):
    """Run ``statement`` for one page; return ``(items, headers)`` with ``X-Pagination``."""
    count_stmt = count_statement if count_statement is not None else select(
        func.count()).select_from(statement.order_by(None).subquery())
    total = db.session.scalar(count_stmt) or 0
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return items, pagination_headers(total, page, per_page)


def pagination_headers(total: int, page: int, per_page: int) -> dict[str, str]:
    total_pages = max(1, math.ceil(total / per_page))
    meta = {"total": total, "total_pages": total_pages, "first_page": 1,
            "last_page": total_pages, "page": page}
    if page > 1:
        meta["previous_page"] = min(page - 1, total_pages)
    if page < total_pages:
        meta["next_page"] = page + 1
    return {"X-Pagination": std_json.dumps(meta)}


# --- lookups ------------------------------------------------------------------------------


def valid_uscc(uscc: str) -> str:
    """The normalised code; 422 with the Chinese reason if it is not a valid USCC."""
    try:
        return validate_uscc(uscc)
    except InvalidUSCC as exc:
        raise ValidationFailed("统一社会信用代码无效", {"uscc": [str(exc)]}) from None


def agency_by_uscc(uscc: str):
    """The agency with this USCC; 422 with the Chinese reason if the code itself is invalid,
    404 if no agency has it."""
    from credit_service.agencies.models import Agency

    code = valid_uscc(uscc)
    agency = db.session.scalar(select(Agency).where(Agency.uscc == code))
    if agency is None:
        raise NotFound(f"未找到统一社会信用代码为 {code} 的机构")
    return agency


def get_or_404(model, ident: int, what: str):
    # Beyond a 32-bit key nothing exists, and PostgreSQL would reject the literal.
    obj = db.session.get(model, ident) if 0 < ident <= 2**31 - 1 else None
    if obj is None:
        raise NotFound(f"未找到编号为 {ident} 的{what}")
    return obj


USCC_PATH_PARAMETER = {
    "in": "path",
    "name": "uscc",
    "required": True,
    "description": "统一社会信用代码（18位，含校验位）",
    "schema": {"type": "string", "minLength": 18, "maxLength": 18,
               "pattern": "^[0-9A-Za-z]{18}$", "example": "91419001MA4000000C"},
}
