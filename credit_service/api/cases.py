"""Cases: public objections and repair applications (rate-limited), staff decisions."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from credit_service.api import presenters
from credit_service.api.auth import staff_only
from credit_service.api.base import ApiBlueprint
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import CaseCreateIn, CaseDecisionIn, PublicCaseReceipt, StaffCase
from credit_service.auth.permissions import Capability
from credit_service.cases.services import decide_case, get_case, submit_case
from credit_service.core.web import today_local
from credit_service.extensions import limiter

blp = ApiBlueprint("cases", __name__, tag="异议与信用修复",
                   description="机构提交异议、信用修复申请（公开，限流）；审核员作出决定")

DEFAULT_CASE_LIMIT = "5 per minute;30 per day"


def case_submission_limit() -> str:
    return current_app.config.get("API_CASE_RATE_LIMIT", DEFAULT_CASE_LIMIT)


RETRY_AFTER_HEADER = {"description": "多少秒后可以重试", "schema": {"type": "integer"}}


@blp.route("/cases")
class Cases(MethodView):
    decorators = [limiter.limit(case_submission_limit, methods=["POST"])]

    @blp.arguments(CaseCreateIn)
    @blp.response(201, PublicCaseReceipt)
    @blp.alt_response(429, schema=ErrorSchema, description="提交过于频繁",
                      headers={"Retry-After": RETRY_AFTER_HEADER})
    def post(self, data):
        """提交异议或信用修复申请（无需登录；同一来源限流）

        返回公开的案件编号和只显示一次的查询令牌。申请人及联系方式不会公开。
        """
        case, token = submit_case(data)
        return presenters.case_receipt(case, token), 201


@blp.route("/cases/<number>/decision",
           parameters=[{"in": "path", "name": "number", "required": True,
                        "description": "公开案件编号",
                        "schema": {"type": "string", "pattern": "^[0-9A-Za-z-]{1,32}$",
                                   "example": "YY2026-000001"}}])
class CaseDecision(MethodView):
    @staff_only(blp, Capability.REVIEW)
    @blp.arguments(CaseDecisionIn)
    @blp.response(200, StaffCase)
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该案件")
    @blp.alt_response(409, schema=ErrorSchema, description="案件已办结，或版本已过期")
    def post(self, data, number):
        """对异议或信用修复申请作出决定（审核员），效果在同一事务中生效"""
        case = get_case(number)
        decide_case(case, presenters.actor(), accepted=data["accepted"],
                    reasons=data["reasons"], on=data.get("date") or today_local(),
                    expected_version=data.get("version"),
                    document_number=data.get("document_number"))
        return case
