"""``/api/v1/disclosures``: the published quarterly disclosures of major violations (29号令)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select

from credit_service.api.base import PAGINATION_HEADER, ApiBlueprint, PageArgs, paginate
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import PublicDisclosure, PublicDisclosureSummary
from credit_service.core.enums import DisclosureState
from credit_service.core.errors import NotFound
from credit_service.disclosures.models import Disclosure, DisclosureEntry
from credit_service.extensions import db

blp = ApiBlueprint("disclosures", __name__, tag="重大违法行为社会公布",
                   description="重大劳动保障违法行为社会公布（人社部令第29号），按期别归档")

PERIOD_PARAMETER = {"in": "path", "name": "period", "required": True,
                    "description": "期别，如 2026Q3（专项公布如 2026-ad-01）",
                    "schema": {"type": "string", "pattern": "^[0-9A-Za-z-]{1,16}$",
                               "example": "2026Q3"}}


def _with_counts(disclosures):
    if not disclosures:
        return []
    counts = dict(db.session.execute(
        select(DisclosureEntry.disclosure_id, func.count())
        .where(DisclosureEntry.disclosure_id.in_([d.id for d in disclosures]))
        .group_by(DisclosureEntry.disclosure_id)
    ).all())
    for disclosure in disclosures:
        disclosure.entry_count = counts.get(disclosure.id, 0)
        disclosure.pdf = f"/disclosures/{disclosure.period}.pdf"
    return disclosures


@blp.route("/disclosures")
class Disclosures(MethodView):
    @blp.etag
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicDisclosureSummary(many=True),
                  headers={"X-Pagination": PAGINATION_HEADER})
    def get(self, page, per_page):
        """已公布的各期社会公布（新到旧）"""
        statement = (select(Disclosure).where(Disclosure.state == DisclosureState.PUBLISHED)
                     .order_by(Disclosure.ends_on.desc(), Disclosure.id.desc()))
        items, headers = paginate(statement, page, per_page)
        return _with_counts(items), headers


@blp.route("/disclosures/<period>", parameters=[PERIOD_PARAMETER])
class DisclosureDetail(MethodView):
    @blp.etag
    @blp.response(200, PublicDisclosure)
    @blp.alt_response(404, schema=ErrorSchema, description="该期尚未公布或不存在")
    def get(self, period):
        """某一期社会公布：机构名称、信用代码、地址、法定代表人、主要违法事实、处理情况"""
        disclosure = db.session.scalar(
            select(Disclosure).where(Disclosure.period == period[:16],
                                     Disclosure.state == DisclosureState.PUBLISHED))
        if disclosure is None:
            raise NotFound("未找到该期已公布的社会公布")
        return _with_counts([disclosure])[0]
