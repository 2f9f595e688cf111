"""``/api/v1/lists/red`` and ``/api/v1/lists/black``: the published list entries."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from credit_service.agencies.models import Agency
from credit_service.api import presenters
from credit_service.api.base import PAGINATION_HEADER, ApiBlueprint, PageArgs, paginate
from credit_service.api.schemas import ListArgs, PublicListEntry
from credit_service.core.enums import ListKind
from credit_service.lists.models import Listing

blp = ApiBlueprint("lists", __name__, tag="名单",
                   description="诚信服务示范机构名单（红名单）与严重违法失信名单（黑名单）")


def _entries(list_kind: ListKind, q, page: int, per_page: int):
    statement = (
        select(Listing).join(Listing.agency).options(contains_eager(Listing.agency))
        .where(Listing.list_kind == list_kind,
               Listing.state.in_(presenters.PUBLIC_LIST_STATES[list_kind]))
        .order_by(Listing.decided_on.desc(), Listing.id.desc())
    )
    q = (q or "").strip()
    if q:
        statement = statement.where(or_(Agency.name.contains(q, autoescape=True),
                                        Agency.uscc == q.upper()))
    listings, headers = paginate(statement, page, per_page)
    return [presenters.list_entry(listing) for listing in listings], headers


@blp.route("/lists/black")
class BlackList(MethodView):
    @blp.etag
    @blp.arguments(ListArgs, location="query", as_kwargs=True)
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicListEntry(many=True), headers={"X-Pagination": PAGINATION_HEADER})
    def get(self, page, per_page, q=None):
        """严重违法失信名单（已公布的条目，按列入日期新到旧）

        只含人社部令第45号要求公开的字段：名称、信用代码、地址、法定代表人姓名、事由、依据、
        决定机关、文书号、列入日期、届满日期、最早可申请提前移出日期。
        """
        return _entries(ListKind.BLACK, q, page, per_page)


@blp.route("/lists/red")
class RedList(MethodView):
    @blp.etag
    @blp.arguments(ListArgs, location="query", as_kwargs=True)
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicListEntry(many=True), headers={"X-Pagination": PAGINATION_HEADER})
    def get(self, page, per_page, q=None):
        """诚信服务示范机构名单（已公布的条目，按认定日期新到旧）"""
        return _entries(ListKind.RED, q, page, per_page)
