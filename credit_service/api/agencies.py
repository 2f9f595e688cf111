"""``/api/v1/agencies``: public search and profile; staff create and edit."""

from __future__ import annotations

import re

from flask import current_app, request
from flask.views import MethodView

from credit_service.agencies.services import create_agency, update_agency
from credit_service.api import presenters
from credit_service.api.auth import staff_only
from credit_service.api.base import (
    PAGINATION_HEADER,
    USCC_PATH_PARAMETER,
    ApiBlueprint,
    PageArgs,
    agency_by_uscc,
    valid_uscc,
)
from credit_service.api.cache import profiles
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import (
    AgencyCreateIn,
    AgencyPatchIn,
    AgencySearchArgs,
    PublicAgency,
    PublicAgencyHit,
    StaffAgency,
)
from credit_service.auth.permissions import Capability
from credit_service.core.errors import Conflict, NotFound, ValidationFailed

blp = ApiBlueprint("agencies", __name__, tag="机构",
                   description="机构查询（公开）与机构档案维护（工作人员）")

_PUBLIC_AGENCY = PublicAgency()

VERSION_ETAG_HEADER = {
    "description": "版本标签（形如 \"v3\"），PATCH 时可作为 If-Match 回传",
    "schema": {"type": "string"},
}


@blp.route("/agencies")
class Agencies(MethodView):
    @blp.etag
    @blp.arguments(AgencySearchArgs, location="query", as_kwargs=True)
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicAgencyHit(many=True), headers={"X-Pagination": PAGINATION_HEADER})
    def get(self, page, per_page, q=None, grade=None, list=None):  # noqa: A002 - query name
        """按名称（含曾用名、部分中文名称）、统一社会信用代码或许可证号查询机构

        不返回任何个人信息（联系电话、身份证号等）。
        """
        hits, headers = presenters.search(q, page, per_page, grade=grade, list_kind=list)
        return hits, headers

    @staff_only(blp, Capability.ENTER)
    @blp.arguments(AgencyCreateIn)
    @blp.response(201, StaffAgency, headers={"ETag": VERSION_ETAG_HEADER})
    @blp.alt_response(409, schema=ErrorSchema, description="该统一社会信用代码已登记")
    def post(self, data):
        """登记机构（录入员及以上）"""
        agency = create_agency(data, presenters.actor())
        return agency, 201, {"ETag": f'"v{agency.version}"'}


@blp.route("/agencies/<uscc>", parameters=[USCC_PATH_PARAMETER])
class AgencyDetail(MethodView):
    @blp.etag
    @blp.response(200, PublicAgency)
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该机构")
    @blp.alt_response(422, schema=ErrorSchema, description="统一社会信用代码无效")
    def get(self, uscc):
        """机构公开信用档案：等级及说明、名单状态、失信记录、守信记录、许可证、年报

        响应头 `ETag`：带 `If-None-Match` 重复请求未变化时返回 304；工作人员修改该机构
        （PATCH）时也可作为 `If-Match` 回传，档案自读取后有变化则返回 409。
        """
        code = valid_uscc(uscc)
        stamp = profiles.stamp(code)
        if stamp is None:
            raise NotFound(f"未找到统一社会信用代码为 {code} 的机构")
        blp.set_etag(stamp)  # 304 here when the client's copy is current
        # the ETag flask-smorest derives from the stamp, for the WSGI fast path
        body = profiles.body(code, stamp, ApiBlueprint._generate_etag(stamp), lambda: (
            current_app.json.dumps(_PUBLIC_AGENCY.dump(
                presenters.public_profile(agency_by_uscc(code)))).encode()))
        return current_app.response_class(body, mimetype="application/json")

    @staff_only(blp, Capability.ENTER)
    @blp.arguments(AgencyPatchIn)
    @blp.response(200, StaffAgency, headers={"ETag": VERSION_ETAG_HEADER})
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该机构")
    @blp.alt_response(409, schema=ErrorSchema,
                      description="版本已过期（响应中 current_version 为当前版本）")
    @blp.doc(parameters=[{
        "in": "header", "name": "If-Match", "required": False,
        "description": "版本标签（\"v3\"）、版本号，或 GET 该机构时返回的 ETag"
                       "（档案自读取后有任何变化即返回 409）；也可在请求体中提交 version",
        "schema": {"type": "string"},
    }])
    def patch(self, data, uscc):
        """修改机构信息（更名时自动保留曾用名）；乐观锁：If-Match 或 version"""
        agency = agency_by_uscc(uscc)
        expected = data.pop("version", None)
        if expected is None:
            expected = _version_from_if_match(agency)
        agency = update_agency(agency, data, presenters.actor(), expected)
        return agency, 200, {"ETag": f'"v{agency.version}"'}


_IF_MATCH = re.compile(r'^(?:W/)?"?v?(\d{1,9})"?$')
_PROFILE_ETAG = re.compile(r'^(?:W/)?"?([0-9a-f]{40})"?$')


def _version_from_if_match(agency) -> int | None:
    """The version an If-Match stands for: a write's ``"v3"`` (or ``3``), or the ETag of
    ``GET /agencies/<uscc>`` — that one names the whole public profile, so it stands for the
    current version only while the profile is unchanged; otherwise 409 with the current
    version, as for any stale write."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        return None
    match = _IF_MATCH.match(header)
    if match is not None:
        return int(match.group(1))
    match = _PROFILE_ETAG.match(header)
    if match is None:
        raise ValidationFailed("If-Match 请求头格式无效", {"If-Match": [
            "应为版本标签（如 \"v3\"）、版本号，或读取该机构时返回的 ETag"]})
    stamp = profiles.stamp(agency.uscc, fresh=True)
    if match.group(1) == ApiBlueprint._generate_etag(stamp):
        return agency.version
    raise Conflict(
        f"该机构档案自您读取后已有变化（当前版本 {agency.version}），"
        "请重新读取最新内容后再提交，您填写的内容已保留。",
        current_version=agency.version,
    )
