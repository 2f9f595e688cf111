"""``/api/v1/agencies/<uscc>/assessments``: grade history, and the grade on a past date."""

from __future__ import annotations

from flask.views import MethodView

from credit_service.api import presenters
from credit_service.api.base import (
    PAGINATION_HEADER,
    USCC_PATH_PARAMETER,
    ApiBlueprint,
    PageArgs,
    agency_by_uscc,
    pagination_headers,
)
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import AssessmentArgs, PublicAssessment

blp = ApiBlueprint("assessments", __name__, tag="信用评价",
                   description="信用等级历史；as_of 查询某一日期当天的等级")


@blp.route("/agencies/<uscc>/assessments", parameters=[USCC_PATH_PARAMETER])
class Assessments(MethodView):
    @blp.etag
    @blp.arguments(AssessmentArgs, location="query", as_kwargs=True)
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicAssessment(many=True),
                  headers={"X-Pagination": PAGINATION_HEADER})
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该机构")
    @blp.alt_response(422, schema=ErrorSchema, description="统一社会信用代码或参数无效")
    def get(self, uscc, page, per_page, as_of=None):
        """信用评价历史（新到旧）

        不带 `as_of`：每次分数或等级变化一条。带 `as_of=YYYY-MM-DD`：只返回该日当天有效的
        一条评价（该日尚无评价时为空数组）。
        """
        agency = agency_by_uscc(uscc)
        if as_of is not None:
            found = presenters.assessment_on(agency, as_of)
            items = [found] if found is not None else []
            return items, pagination_headers(len(items), 1, per_page)
        return presenters.assessment_history(agency, page, per_page)
