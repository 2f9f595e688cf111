"""Staff writes on an agency's file: violation records (失信记录) and honours (守信记录)."""

from __future__ import annotations

from flask.views import MethodView

from credit_service.api import presenters
from credit_service.api.auth import staff_only
from credit_service.api.base import (
    USCC_PATH_PARAMETER,
    ApiBlueprint,
    agency_by_uscc,
    get_or_404,
    id_path_parameter,
)
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import (
    HonourCreateIn,
    RecordCreateIn,
    StaffHonour,
    StaffRecord,
    VersionIn,
)
from credit_service.auth.permissions import Capability
from credit_service.records.models import Record
from credit_service.records.services import add_honour, confirm_record, record_violation

blp = ApiBlueprint("records", __name__, tag="失信记录",
                   description="录入失信记录（草稿）并由另一名审核员确认（四眼原则）")
honours_blp = ApiBlueprint("honours", __name__, tag="守信记录", description="录入守信记录")


@blp.route("/agencies/<uscc>/records", parameters=[USCC_PATH_PARAMETER])
class AgencyRecords(MethodView):
    @staff_only(blp, Capability.ENTER)
    @blp.arguments(RecordCreateIn)
    @blp.response(201, StaffRecord)
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该机构")
    @blp.alt_response(409, schema=ErrorSchema, description="同一机关的文书号已存在")
    def post(self, data, uscc):
        """录入失信记录（状态为待审核的草稿）"""
        record = record_violation(agency_by_uscc(uscc), data, presenters.actor())
        return presenters.staff_record(record), 201


@blp.route("/records/<int:record_id>/confirm",
           parameters=[id_path_parameter("record_id", "失信记录")])
class RecordConfirm(MethodView):
    @staff_only(blp, Capability.REVIEW)
    @blp.arguments(VersionIn)
    @blp.response(200, StaffRecord)
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该记录")
    @blp.alt_response(409, schema=ErrorSchema, description="记录不是草稿，或版本已过期")
    def post(self, data, record_id):
        """确认失信记录（审核员；录入人本人不能确认）"""
        record = get_or_404(Record, record_id, "失信记录")
        record = confirm_record(record, presenters.actor(), expected_version=data.get("version"))
        return presenters.staff_record(record)


@honours_blp.route("/agencies/<uscc>/honours", parameters=[USCC_PATH_PARAMETER])
class AgencyHonours(MethodView):
    @staff_only(honours_blp, Capability.ENTER)
    @honours_blp.arguments(HonourCreateIn)
    @honours_blp.response(201, StaffHonour)
    @honours_blp.alt_response(404, schema=ErrorSchema, description="未找到该机构")
    def post(self, data, uscc):
        """录入守信记录（表彰、国家级/省级诚信示范认定等）"""
        return add_honour(agency_by_uscc(uscc), data, presenters.actor()), 201
