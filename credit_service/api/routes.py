"""Binds the JSON API (SPEC.md §7) to the app: flask-smorest ``Api``, one blueprint per
resource under ``/api/v1``, the OpenAPI document at ``/api/v1/openapi.json`` and a docs page at
``/api/v1/docs`` served from vendored Swagger UI assets (no CDN)."""

from __future__ import annotations

import json

from flask import Blueprint, Flask, current_app

from credit_service.api import (
    agencies,
    assessments,
    cases,
    changes,
    disclosures,
    imports,
    listings,
    lists,
    records,
    verify,
)
from credit_service.api.base import API_PREFIX, CreditApi
from credit_service.api.cache import ProfileFastPath, profiles
from credit_service.core.web import SECURITY_HEADERS

RESOURCE_BLUEPRINTS = (
    agencies.blp,
    assessments.blp,
    lists.blp,
    disclosures.blp,
    changes.blp,
    verify.blp,
    cases.blp,
    records.blp,
    records.honours_blp,
    listings.blp,
    imports.blp,
)

# The docs page's quick start, as data: the description below is rendered from it and
# tests/api/test_quick_start.py runs the rendered text word for word against the app, so an
# example that stops working fails the suite. Placeholders: <主机>, <信用代码>, <记录编号>
# (the "id" of the record created above), <条目编号> (the "id" of the listing); $T and $T2 are
# two staff tokens (a clerk's and a second reviewer's).
QUICK_START_HOST = "https://<主机>"
QUICK_START: tuple[dict, ...] = (
    {"comment": "翻阅严重违法失信名单（第 2 页，每页 50 条；分页信息见响应头 X-Pagination）",
     "method": "GET", "path": "/api/v1/lists/black?page=2&per_page=50"},
    {"comment": "查询某机构在 2025-06-30 当天的信用等级",
     "method": "GET", "path": "/api/v1/agencies/<信用代码>/assessments?as_of=2025-06-30"},
    {"comment": "录入失信记录（草稿；响应中的 id 即 <记录编号>），再由另一名审核员确认",
     "method": "POST", "token": "$T", "path": "/api/v1/agencies/<信用代码>/records",
     "body": {"violation_code": "false_job_info", "facts": "发布虚假招聘信息",
              "occurred_on": "2026-01-05", "decided_on": "2026-02-10",
              "decision_number": "济人社监罚〔2026〕1号",
              "authority": "济源示范区人力资源和社会保障局", "penalty_kind": "fine",
              "fine_amount": "10000", "source": "inspection"}},
    {"method": "POST", "token": "$T2", "path": "/api/v1/records/<记录编号>/confirm", "body": {}},
    {"comment": "名单程序：拟列入（响应中的 id 即 <条目编号>）→ 告知 → 决定 → 公布；"
                "各步骤日期不得早于上一步骤，列入决定须在异议期（送达之日起 5 个工作日）届满后、"
                "由提出人以外的审核员作出",
     "method": "POST", "token": "$T", "path": "/api/v1/listings",
     "body": {"uscc": "<信用代码>", "list_kind": "black", "basis_record_id": "<记录编号>",
              "reason": "发布虚假招聘信息", "proposed_on": "2026-02-11"}},
    {"method": "POST", "token": "$T", "path": "/api/v1/listings/<条目编号>/events",
     "body": {"action": "notify", "date": "2026-02-13", "document_number": "济人社告〔2026〕1号"}},
    {"method": "POST", "token": "$T2", "path": "/api/v1/listings/<条目编号>/events",
     "body": {"action": "decide", "date": "2026-03-02", "document_number": "济人社列〔2026〕1号"}},
    {"method": "POST", "token": "$T2", "path": "/api/v1/listings/<条目编号>/events",
     "body": {"action": "publish", "date": "2026-03-03"}},
)
# Numeric placeholders are written bare in JSON bodies (``"basis_record_id": <记录编号>``).
_NUMERIC_PLACEHOLDERS = ("<记录编号>",)


def render_step(step: dict) -> str:
    """One quick-start step as the curl command shown on the docs page."""
    lines = [f"# {step['comment']}"] if step.get("comment") else []
    url = f"'{QUICK_START_HOST}{step['path']}'"
    if step["method"] == "GET" and "body" not in step:
        lines.append(f"curl {url}")
        return "\n".join(lines)
    body = json.dumps(step.get("body", {}), ensure_ascii=False)
    for placeholder in _NUMERIC_PLACEHOLDERS:
        body = body.replace(f'"{placeholder}"', placeholder)
    auth = f'-H "Authorization: Bearer {step["token"]}" ' if step.get("token") else ""
    lines.append(f"curl -X {step['method']} {auth}-H 'Content-Type: application/json' \\")
    lines.append(f"  -d '{body}' \\")
    lines.append(f"  {url}")
    return "\n".join(lines)


API_DESCRIPTION = """\
人力资源服务机构信用监管服务的 JSON 接口。

* **公开接口**无需认证：机构查询与信用档案、信用评价历史（`as_of` 查询历史某日的等级）、
  红黑名单、重大违法行为社会公布、变化列表、文件核验，以及提交异议/信用修复申请（限流）。
  公开接口从不返回联系电话、身份证号、申请人联系方式、内部备注或工作人员姓名。
* **工作人员接口**使用 `Authorization: Bearer <令牌>`（`flask credit users token` 或工作台签发），
  角色（录入员/审核员/管理员）与四眼原则与工作台一致；所有写操作记入操作日志。
* **分页**：`page`、`per_page`（最大 100），分页信息在响应头 `X-Pagination`；
  变化列表 `/changes` 例外：按 `after_id`（上次收到的最大编号）与 `limit` 逐批读取。
* **缓存**：读接口返回 `ETag`，带 `If-None-Match` 重复请求未变化时返回 304。
* **乐观锁**：修改时提交读取到的 `version`（或 `If-Match`：写接口返回的 `"v3"`，
  或 `GET /agencies/<信用代码>` 返回的 ETag）；已被他人修改时返回 409，
  响应中的 `current_version` 为当前版本。
* **错误**统一为 `{"code", "status", "message", "errors": {字段: [中文说明]}}`。

快速上手（`$T` 为录入员令牌，`$T2` 为另一名审核员的令牌）：

```
""" + "\n".join(render_step(step) for step in QUICK_START) + """
```
"""

docs_bp = Blueprint("api_docs", __name__, url_prefix=API_PREFIX,
                    static_folder="static", static_url_path="/static",
                    template_folder="templates")


@docs_bp.get("/docs")
def docs_page():
    """Swagger UI from local files: integrators can read the docs offline. Rendered without
    the app's context processors: a static page has no use for the signed-in user."""
    template = current_app.jinja_env.get_template("api/docs.html")
    return template.render(config=current_app.config)


def init_app(app: Flask) -> CreditApi:
    from credit_service.extensions import csrf

    app.config.setdefault("API_SPEC_OPTIONS", {})
    spec_options = {
        "info": {"description": API_DESCRIPTION,
                 "contact": {"name": app.config.get("BUREAU_NAME", "")}},
        "servers": [{"url": "/", "description": "本服务"}],
        **app.config["API_SPEC_OPTIONS"],
    }
    api = CreditApi(spec_kwargs=spec_options)
    api.init_app(app)
    for blp in RESOURCE_BLUEPRINTS:
        # Bearer tokens only, never cookies (see api.auth), so CSRF tokens do not apply.
        csrf.exempt(blp)
        api.register_blueprint(blp)
    app.register_blueprint(docs_bp)
    profiles.configure(app)
    app.wsgi_app = ProfileFastPath(app.wsgi_app, profiles, headers=SECURITY_HEADERS)
    app.extensions["credit_api"] = api
    return api
