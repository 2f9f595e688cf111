"""``/api/v1/lists/red`` and ``/api/v1/lists/black``: the lists as the public site shows
them (the public feature's ``black_list_rows`` / ``red_list_rows``), paged."""

from __future__ import annotations

from flask.views import MethodView

from credit_service.api.base import PAGINATION_HEADER, ApiBlueprint, PageArgs, pagination_headers
from credit_service.api.schemas import ListArgs, PublicBlackListEntry, PublicRedListEntry
from credit_service.core.enums import HonourLevel
from credit_service.public.services import black_list_rows, red_list_rows

blp = ApiBlueprint("lists", __name__, tag="名单",
                   description="诚信服务示范机构名单（红名单）与严重违法失信名单（黑名单）")

_LEVEL_BY_LABEL = {level.label: level for level in HonourLevel}


def _page(rows: list[dict], q, page: int, per_page: int):
    q = (q or "").strip()
    if q:
        rows = [row for row in rows if q in row["name"] or row["uscc"] == q.upper()]
    start = (page - 1) * per_page
    return rows[start:start + per_page], pagination_headers(len(rows), page, per_page)


@blp.route("/lists/black")
class BlackList(MethodView):
    @blp.etag
    @blp.arguments(ListArgs, location="query", as_kwargs=True)
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicBlackListEntry(many=True),
                  headers={"X-Pagination": PAGINATION_HEADER})
    def get(self, page, per_page, q=None):
        """严重违法失信名单（已公布的条目，按列入日期新到旧）

        只含人社部令第45号要求公开的字段：名称、信用代码、地址、法定代表人姓名、事由、依据、
        决定机关、文书号、列入日期、届满日期、最早可申请提前移出日期。
        """
        return _page(black_list_rows(), q, page, per_page)


@blp.route("/lists/red")
class RedList(MethodView):
    @blp.etag
    @blp.arguments(ListArgs, location="query", as_kwargs=True)
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicRedListEntry(many=True), headers={"X-Pagination": PAGINATION_HEADER})
    def get(self, page, per_page, q=None):
        """诚信服务示范机构名单：本地认定并公布的，以及有效的国家级、省级认定"""
        rows = [{**row, "level": _LEVEL_BY_LABEL[row["level"]], "level_label": row["level"]}
                for row in red_list_rows()]
        return _page(rows, q, page, per_page)
