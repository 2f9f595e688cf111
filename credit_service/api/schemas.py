"""Input and output schemas of the JSON API, one set per audience.

Output schemas are explicit whitelists (STYLE.md practice 7). ``Public*`` schemas are what the
public endpoints return and must never name a private attribute: contact phone, ID numbers,
applicant contact details, internal notes, staff users. ``Staff*`` schemas are returned only
to an authenticated staff token. Input schemas (``*In``) load into plain dicts whose keys are
the services' ``data`` keys; they reject unknown fields.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import fields as mf

from credit_service.api import fields as f
from credit_service.core.enums import (
    AgencyKind,
    AgencyStatus,
    CaseKind,
    CaseState,
    CaseSubject,
    ChangeKind,
    DisclosureState,
    Grade,
    HonourKind,
    HonourLevel,
    LicenceKind,
    LicenceStatus,
    ListingState,
    ListKind,
    MajorCaseKind,
    PenaltyKind,
    RecordSource,
    RecordStatus,
    Severity,
)
from credit_service.core.web import SHANGHAI

DATE_RANGE = "日期需在 1900-01-01 至 2199-12-31 之间"


def _plausible_date(value):
    if not (1900 <= value.year <= 2199):
        raise ma.ValidationError(DATE_RANGE)


def _known_violation_code(value: str) -> None:
    from credit_service.core.catalog import get_catalog

    if value not in get_catalog():
        raise ma.ValidationError("违法行为目录中没有该代码")


def Date(**kwargs):  # noqa: N802 - reads like a field class at the call sites
    validate_arg = kwargs.pop("validate", None) or []
    validators = [validate_arg] if callable(validate_arg) else list(validate_arg)
    return f.Date(validate=[_plausible_date, *validators], **kwargs)


def Label(attribute: str, description: str):  # noqa: N802
    """The Chinese label of an enum attribute (``grade.label``)."""
    return mf.String(attribute=f"{attribute}.label", allow_none=True, dump_only=True,
                     metadata={"description": description})


class LocalDateTime(mf.DateTime):
    """RFC 3339 with the Beijing offset. SQLite hands back naive datetimes; the app stores
    UTC, so a naive value is UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(SHANGHAI).isoformat()


class Out(ma.Schema):
    """Output schemas serialize only; ordered so JSON reads like the documentation."""

    class Meta:
        ordered = True


# --- agencies (public) ---------------------------------------------------------------------


class PublicFormerName(Out):
    name = mf.String(required=True)
    used_until = mf.Date(required=True, metadata={"description": "使用至"})


class PublicLicence(Out):
    kind = mf.Enum(LicenceKind, by_value=True, required=True)
    kind_label = Label("kind", "许可证类型（中文）")
    number = mf.String(required=True)
    issuer = mf.String(required=True)
    issued_on = mf.Date(required=True)
    valid_until = mf.Date(allow_none=True)
    status = mf.Enum(LicenceStatus, by_value=True, required=True)
    status_label = Label("status", "状态（中文）")


class PublicAnnualReport(Out):
    year = mf.Integer(required=True)
    submitted_on = mf.Date(allow_none=True)
    publicised = mf.Boolean(required=True, metadata={"description": "是否已公示"})
    on_time = mf.Boolean(required=True, metadata={"description": "是否按时报送"})


class PublicAssessment(Out):
    as_of = mf.Date(required=True, metadata={"description": "评价基准日"})
    grade = mf.Enum(Grade, by_value=True, required=True)
    grade_label = Label("grade", "信用等级（中文）")
    score = mf.Integer(required=True)
    ruleset_version = mf.String(required=True, metadata={"description": "评价规则版本"})
    explanation = mf.Dict(
        allow_none=True,
        metadata={"description": "评价说明：触发的每条规则（记录/荣誉、规则、分值、失效日期）"
                                 "以及决定等级的封顶/否决/配额"},
    )


class PublicListingBrief(Out):
    list_kind = mf.Enum(ListKind, by_value=True, required=True)
    list_label = Label("list_kind", "名单（中文）")
    state = mf.Enum(ListingState, by_value=True, required=True)
    state_label = Label("state", "状态（中文）")
    decided_on = mf.Date(allow_none=True, metadata={"description": "列入/认定日期"})
    decision_number = mf.String(allow_none=True)
    expires_on = mf.Date(allow_none=True)
    earliest_early_removal_on = mf.Date(
        allow_none=True, metadata={"description": "最早可申请提前移出日期（仅黑名单）"})


class PublicRecord(Out):
    id = mf.Integer(required=True)
    violation_code = mf.String(required=True)
    violation_name = mf.String(allow_none=True, metadata={"description": "违法行为类型（中文）"})
    legal_basis = mf.String(allow_none=True, metadata={"description": "违反条款与处罚依据"})
    severity = mf.Enum(Severity, by_value=True, required=True)
    severity_label = Label("severity", "严重程度（中文）")
    facts = mf.String(required=True, metadata={"description": "主要违法事实"})
    occurred_on = mf.Date(required=True)
    decided_on = mf.Date(required=True)
    decision_number = mf.String(required=True, metadata={"description": "文书号"})
    authority = mf.String(required=True, metadata={"description": "作出决定的机关"})
    penalty_kind = mf.Enum(PenaltyKind, by_value=True, required=True)
    penalty_label = Label("penalty_kind", "处罚种类（中文）")
    fine_amount = mf.String(required=True, metadata={"description": "罚款金额（元，字符串）"})
    corrected_on = mf.Date(allow_none=True, metadata={"description": "整改完成日期"})
    major_case_kind = mf.Enum(MajorCaseKind, by_value=True, allow_none=True)
    status = mf.Enum(RecordStatus, by_value=True, required=True)
    status_label = Label("status", "状态（中文）")


class PublicProfileRecord(PublicRecord):
    in_force_until = mf.Date(allow_none=True, metadata={
        "description": "影响信用评价/公示至（含当日）"})
    repair_eligible_from = mf.Date(allow_none=True, metadata={"description": "可申请信用修复之日"})
    points = mf.Integer(allow_none=True, metadata={"description": "当前评价中的扣分（负数）"})


class PublicHonour(Out):
    kind = mf.Enum(HonourKind, by_value=True, required=True)
    kind_label = Label("kind", "类型（中文）")
    level = mf.Enum(HonourLevel, by_value=True, required=True)
    level_label = Label("level", "级别（中文）")
    title = mf.String(required=True)
    issuer = mf.String(required=True)
    document_number = mf.String(required=True)
    granted_on = mf.Date(required=True)
    valid_until = mf.Date(allow_none=True)
    revoked_on = mf.Date(allow_none=True)


class PublicAgencySummary(Out):
    uscc = mf.String(required=True, metadata={"description": "统一社会信用代码"})
    name = mf.String(required=True)
    kinds = mf.List(mf.Enum(AgencyKind, by_value=True), required=True)
    legal_rep_name = mf.String(required=True, metadata={"description": "法定代表人姓名"})
    address = mf.String(required=True)
    district = mf.String(required=True)
    status = mf.Enum(AgencyStatus, by_value=True, required=True)
    status_label = Label("status", "登记状态（中文）")
    grade = mf.Enum(Grade, by_value=True, allow_none=True, attribute="current_grade",
                    metadata={"description": "当前信用等级；尚未评价时为 null"})
    grade_label = Label("current_grade", "当前信用等级（中文）")
    score = mf.Integer(allow_none=True, attribute="current_score")


class PublicAgencyHit(PublicAgencySummary):
    matched_on = mf.List(mf.String(), required=True, metadata={
        "description": "命中原因：name 名称、former_name 曾用名、uscc 信用代码、"
                       "licence_number 许可证/备案编号"})
    match_reasons = mf.List(mf.String(), required=True, metadata={"description": "命中原因（中文）"})


class PublicAgencyLinks(Out):
    profile = mf.String(required=True, metadata={"description": "公开信用档案页面"})
    report_pdf = mf.String(required=True, metadata={"description": "信用报告 PDF"})
    assessments = mf.String(required=True, metadata={"description": "评价历史（API）"})


class PublicAgency(PublicAgencySummary):
    established_on = mf.Date(required=True)
    registered_capital = mf.String(required=True, metadata={"description": "注册资本（元，字符串）"})
    former_names = mf.List(mf.Nested(PublicFormerName), required=True)
    assessment = mf.Nested(PublicAssessment, allow_none=True,
                           metadata={"description": "当前评价（含说明）"})
    listings = mf.List(mf.Nested(PublicListingBrief), required=True,
                       metadata={"description": "当前名单状态（已公布的红/黑名单条目）"})
    records = mf.List(mf.Nested(PublicProfileRecord), required=True,
                      metadata={"description": "公示期内已确认、未修复、未撤销的失信记录"})
    honours = mf.List(mf.Nested(PublicHonour), required=True)
    licences = mf.List(mf.Nested(PublicLicence), required=True)
    annual_reports = mf.List(mf.Nested(PublicAnnualReport), required=True)
    links = mf.Nested(PublicAgencyLinks, required=True)


# --- agencies (staff) ----------------------------------------------------------------------


class StaffAgency(PublicAgencySummary):
    id = mf.Integer(required=True)
    established_on = mf.Date(required=True)
    registered_capital = mf.String(required=True)
    contact_phone = mf.String(allow_none=True, metadata={"description": "联系电话（不公开）"})
    legal_rep_id_number = mf.String(allow_none=True,
                                    metadata={"description": "法定代表人身份证号（不公开）"})
    former_names = mf.List(mf.Nested(PublicFormerName), required=True)
    version = mf.Integer(required=True, metadata={"description": "版本号（乐观锁，修改时回传）"})
    created_at = LocalDateTime(required=True)
    updated_at = LocalDateTime(required=True)


class AgencySearchArgs(f.ChineseSchema):
    q = f.String(max_length=100, metadata={
        "description": "名称或曾用名的一部分、统一社会信用代码或许可证号"})
    grade = f.Enum(Grade, metadata={"description": "按当前信用等级筛选"})
    list = f.Enum(ListKind, metadata={"description": "仅列出当前在该名单上的机构"})


def _agency_fields(required: bool) -> dict:
    req = {"required": True} if required else {}
    return {
        "name": f.String(min_length=1, max_length=200, **req),
        "kinds": f.List(f.Enum(AgencyKind), validate=f.Length(min=1, max=3), **req,
                        metadata={"description": "机构类型，可多选"}),
        "legal_rep_name": f.String(min_length=1, max_length=64, **req),
        "address": f.String(min_length=1, max_length=300, **req),
        "district": f.String(max_length=64),
        "registered_capital": f.Money(metadata={"description": "注册资本（元）"}),
        "established_on": Date(**req),
        "status": f.Enum(AgencyStatus),
        "contact_phone": f.String(max_length=32, allow_none=True),
        "legal_rep_id_number": f.String(max_length=32, allow_none=True),
    }


AgencyCreateIn = f.ChineseSchema.from_dict(
    {"uscc": f.USCC(required=True), **_agency_fields(required=True)}, name="AgencyCreateIn"
)
AgencyPatchIn = f.ChineseSchema.from_dict(
    {
        **_agency_fields(required=False),
        "version": f.Integer(validate=f.Range(min=1, max=2**31 - 1), metadata={
            "description": "读取时的版本号；也可用 If-Match 请求头传递"}),
        "renamed_on": Date(metadata={"description": "更名时：原名称使用至（缺省为今天）"}),
    },
    name="AgencyPatchIn",
)


# --- assessments ---------------------------------------------------------------------------


class AssessmentArgs(f.ChineseSchema):
    as_of = Date(metadata={"description": "只返回该日期当天有效的评价（YYYY-MM-DD）"})


# --- lists ---------------------------------------------------------------------------------


class PublicBlackListEntry(Out):
    """SPEC.md §5.1 (45号令) public fields, nothing else."""

    name = mf.String(required=True)
    uscc = mf.String(required=True)
    address = mf.String(required=True)
    legal_rep_name = mf.String(required=True, metadata={"description": "法定代表人姓名"})
    reason = mf.String(required=True, metadata={"description": "列入事由（事实摘要）"})
    legal_basis = mf.String(required=True)
    authority = mf.String(required=True, metadata={"description": "作出决定的机关"})
    decision_number = mf.String(required=True, metadata={"description": "列入决定书文号"})
    listed_on = mf.Date(allow_none=True, metadata={"description": "列入日期"})
    expires_on = mf.Date(allow_none=True, metadata={"description": "届满日期"})
    earliest_early_removal_on = mf.Date(
        allow_none=True, attribute="early_removal_from",
        metadata={"description": "最早可申请提前移出日期"})


class PublicRedListEntry(Out):
    """Municipal designations made here and valid national/provincial red-list honours."""

    name = mf.String(required=True)
    uscc = mf.String(required=True)
    address = mf.String(required=True)
    legal_rep_name = mf.String(required=True, metadata={"description": "法定代表人姓名"})
    level = mf.Enum(HonourLevel, by_value=True, required=True)
    level_label = mf.String(required=True, metadata={"description": "级别（中文）"})
    issuer = mf.String(required=True, metadata={"description": "认定机关"})
    document_number = mf.String(required=True)
    granted_on = mf.Date(required=True, metadata={"description": "认定日期"})
    valid_until = mf.Date(allow_none=True, metadata={"description": "有效期至"})


class ListArgs(f.ChineseSchema):
    q = f.String(max_length=100, metadata={"description": "按机构名称或信用代码筛选"})


# --- listings (staff) ----------------------------------------------------------------------

LISTING_ACTIONS = ("notify", "object", "decide", "publish", "remove", "revoke", "withdraw",
                   # further steps of the lists service (45号令: 不予列入, 提前移出, 恢复列入;
                   # the red list's own names of notify/decide/remove)
                   "not_list", "early_remove", "reverse_removal", "publicise", "designate",
                   "expire")


class StaffListingEvent(Out):
    id = mf.Integer(required=True)
    action = mf.String(required=True)
    from_state = mf.Enum(ListingState, by_value=True, allow_none=True)
    to_state = mf.Enum(ListingState, by_value=True, required=True)
    on = mf.Date(required=True)
    document_number = mf.String(allow_none=True)
    reasons = mf.String(allow_none=True)
    actor_id = mf.Integer(allow_none=True)


class StaffListing(Out):
    id = mf.Integer(required=True)
    uscc = mf.String(required=True, attribute="agency.uscc")
    agency_name = mf.String(required=True, attribute="agency.name")
    list_kind = mf.Enum(ListKind, by_value=True, required=True)
    state = mf.Enum(ListingState, by_value=True, required=True)
    state_label = Label("state", "状态（中文）")
    basis_record_id = mf.Integer(allow_none=True)
    reason = mf.String(required=True)
    legal_basis = mf.String(required=True)
    authority = mf.String(required=True)
    proposed_on = mf.Date(required=True)
    proposed_by_id = mf.Integer(allow_none=True)
    notified_on = mf.Date(allow_none=True)
    objection_deadline = mf.Date(allow_none=True)
    publicity_ends_on = mf.Date(allow_none=True)
    decided_on = mf.Date(allow_none=True)
    decided_by_id = mf.Integer(allow_none=True)
    decision_number = mf.String(allow_none=True)
    published_on = mf.Date(allow_none=True)
    expires_on = mf.Date(allow_none=True)
    ended_on = mf.Date(allow_none=True)
    end_reason = mf.String(allow_none=True)
    version = mf.Integer(required=True)
    events = mf.List(mf.Nested(StaffListingEvent), required=True)


class ListingCreateIn(f.ChineseSchema):
    uscc = f.USCC(required=True)
    list_kind = f.Enum(ListKind, required=True)
    basis_record_id = f.Integer(allow_none=True, validate=f.Range(min=1, max=2**31 - 1),
                                metadata={"description": "所依据的失信记录（黑名单）"})
    reason = f.String(required=True, min_length=1, max_length=5000,
                      metadata={"description": "列入/推荐事由（公开的事实摘要）"})
    legal_basis = f.String(max_length=5000)
    authority = f.String(max_length=100)
    proposed_on = Date(metadata={"description": "提出日期，缺省为今天"})


class ListingEventIn(f.ChineseSchema):
    action = f.String(required=True, validate=f.OneOf(LISTING_ACTIONS), metadata={
        "description": "notify 告知、object 登记异议、decide 决定（列入/认定）、publish 公布、"
                       "remove 移出、revoke 撤销、withdraw 撤回"})
    date = Date(metadata={"description": "该步骤的日期，缺省为今天"})
    document_number = f.String(max_length=100, allow_none=True, metadata={"description": "文书号"})
    reasons = f.String(max_length=5000, allow_none=True)
    version = f.Integer(validate=f.Range(min=1, max=2**31 - 1),
                        metadata={"description": "读取时的版本号（乐观锁）"})
    corrected_on = Date(metadata={"description": "整改完成日期（not_list、early_remove）"})
    commitment_received_on = Date(metadata={
        "description": "收到书面信用承诺的日期（not_list、early_remove）"})


# --- records and honours (staff) -----------------------------------------------------------


class RecordCreateIn(f.ChineseSchema):
    violation_code = f.String(required=True, max_length=64, validate=[_known_violation_code],
                              metadata={"description": "违法行为目录中的代码"})
    severity = f.Enum(Severity, metadata={"description": "缺省取目录中的默认严重程度"})
    facts = f.String(required=True, min_length=1, max_length=10000)
    occurred_on = Date(required=True)
    decided_on = Date(required=True)
    decision_number = f.String(required=True, min_length=1, max_length=100)
    authority = f.String(required=True, min_length=1, max_length=100)
    penalty_kind = f.Enum(PenaltyKind, required=True)
    fine_amount = f.Money(metadata={"description": "罚款金额（元）"})
    rectify_by = Date(allow_none=True)
    corrected_on = Date(allow_none=True)
    refused_to_comply = f.Boolean()
    major_case_kind = f.Enum(MajorCaseKind, allow_none=True)
    source = f.Enum(RecordSource, required=True)
    internal_notes = f.String(max_length=10000, allow_none=True)


class StaffRecord(PublicRecord):
    agency_uscc = mf.String(required=True, attribute="agency.uscc")
    repaired_on = mf.Date(allow_none=True, metadata={"description": "信用修复日期"})
    rectify_by = mf.Date(allow_none=True)
    refused_to_comply = mf.Boolean(required=True)
    source = mf.Enum(RecordSource, by_value=True, required=True)
    status_reason = mf.String(allow_none=True)
    internal_notes = mf.String(allow_none=True)
    entered_by_id = mf.Integer(allow_none=True)
    confirmed_by_id = mf.Integer(allow_none=True)
    confirmed_at = LocalDateTime(allow_none=True)
    version = mf.Integer(required=True)


class VersionIn(f.ChineseSchema):
    version = f.Integer(validate=f.Range(min=1, max=2**31 - 1),
                        metadata={"description": "读取时的版本号（乐观锁）"})


class HonourCreateIn(f.ChineseSchema):
    kind = f.Enum(HonourKind, required=True)
    level = f.Enum(HonourLevel, required=True)
    title = f.String(required=True, min_length=1, max_length=200)
    issuer = f.String(required=True, min_length=1, max_length=100)
    document_number = f.String(required=True, min_length=1, max_length=100)
    granted_on = Date(required=True)
    valid_until = Date(allow_none=True)


class StaffHonour(PublicHonour):
    id = mf.Integer(required=True)
    agency_uscc = mf.String(required=True, attribute="agency.uscc")
    revoked_reason = mf.String(allow_none=True)
    listing_id = mf.Integer(allow_none=True)
    entered_by_id = mf.Integer(allow_none=True)


# --- cases ---------------------------------------------------------------------------------


class CaseCreateIn(f.ChineseSchema):
    kind = f.Enum(CaseKind, required=True, metadata={"description": "objection 异议；repair 信用修复"})
    subject = f.Enum(CaseSubject, required=True)
    uscc = f.USCC(required=True)
    record_id = f.Integer(allow_none=True, validate=f.Range(min=1, max=2**31 - 1))
    listing_id = f.Integer(allow_none=True, validate=f.Range(min=1, max=2**31 - 1))
    applicant_name = f.String(required=True, min_length=1, max_length=64,
                              metadata={"description": "申请人（不公开）"})
    applicant_contact = f.String(required=True, min_length=1, max_length=100,
                                 metadata={"description": "联系方式（不公开）"})
    statement = f.String(required=True, min_length=10, max_length=5000,
                         metadata={"description": "申请事实和理由（10–5000字）"})
    corrected_on = Date(allow_none=True, metadata={"description": "整改完成日期（信用修复）"})
    commitment = f.Boolean(metadata={"description": "已提交信用承诺书"})


class PublicCaseReceipt(Out):
    number = mf.String(required=True, metadata={"description": "公开案件编号"})
    token = mf.String(required=True, metadata={
        "description": "查询令牌：只在此显示一次，凭编号和令牌查询办理进度"})
    kind = mf.Enum(CaseKind, by_value=True, required=True)
    subject = mf.Enum(CaseSubject, by_value=True, required=True)
    state = mf.Enum(CaseState, by_value=True, required=True)
    state_label = Label("state", "状态（中文）")
    submitted_on = mf.Date(required=True)
    deadline = mf.Date(required=True, metadata={"description": "办理期限"})
    tracker = mf.String(required=True, metadata={"description": "进度查询页面"})


class CaseDecisionIn(f.ChineseSchema):
    accepted = f.Boolean(required=True, metadata={"description": "true 支持；false 不予支持"})
    reasons = f.String(required=True, min_length=1, max_length=10000)
    date = Date(metadata={"description": "决定日期，缺省为今天"})
    document_number = f.String(max_length=100, allow_none=True,
                               metadata={"description": "决定文书号，缺省为案件编号"})
    version = f.Integer(validate=f.Range(min=1, max=2**31 - 1))


class StaffCase(Out):
    number = mf.String(required=True)
    kind = mf.Enum(CaseKind, by_value=True, required=True)
    subject = mf.Enum(CaseSubject, by_value=True, required=True)
    uscc = mf.String(required=True, attribute="agency.uscc")
    record_id = mf.Integer(allow_none=True)
    listing_id = mf.Integer(allow_none=True)
    applicant_name = mf.String(required=True)
    applicant_contact = mf.String(required=True)
    statement = mf.String(required=True)
    submitted_on = mf.Date(required=True)
    deadline = mf.Date(required=True)
    state = mf.Enum(CaseState, by_value=True, required=True)
    state_label = Label("state", "状态（中文）")
    decided_on = mf.Date(allow_none=True)
    decision_reasons = mf.String(allow_none=True)
    decided_by_id = mf.Integer(allow_none=True)
    version = mf.Integer(required=True)


# --- disclosures ---------------------------------------------------------------------------


class PublicDisclosureEntry(Out):
    """29号令: name, USCC, address, legal representative, main facts, handling."""

    agency_name = mf.String(required=True)
    uscc = mf.String(required=True)
    address = mf.String(required=True)
    legal_rep_name = mf.String(required=True)
    major_case_kind = mf.Enum(MajorCaseKind, by_value=True, required=True)
    major_case_label = Label("major_case_kind", "重大违法行为类别（中文）")
    main_facts = mf.String(required=True)
    handling = mf.String(required=True)


class PublicDisclosureSummary(Out):
    period = mf.String(required=True, metadata={"description": "期别，如 2026Q3"})
    starts_on = mf.Date(required=True)
    ends_on = mf.Date(required=True)
    state = mf.Enum(DisclosureState, by_value=True, required=True)
    published_on = mf.Date(allow_none=True)
    entry_count = mf.Integer(required=True)
    pdf = mf.String(required=True, metadata={"description": "公布文件 PDF"})


class PublicDisclosure(PublicDisclosureSummary):
    entries = mf.List(mf.Nested(PublicDisclosureEntry), required=True)


# --- changes -------------------------------------------------------------------------------


class ChangesArgs(f.ChineseSchema):
    since = f.DateTime(metadata={
        "description": "只返回此时间之后的变化（ISO 8601；无时区视为北京时间）"})
    after_id = f.QueryInteger(validate=f.Range(min=0, max=2**63 - 1), metadata={
        "description": "只返回编号大于此值的变化（增量同步游标）"})
    limit = f.QueryInteger(load_default=100, validate=f.Range(min=1, max=500), metadata={
        "description": "每批最多条数（1–500）；取下一批时把本批最大的 id 作为 after_id"})


class PublicChange(Out):
    id = mf.Integer(required=True, metadata={"description": "稳定编号（递增）"})
    uid = mf.String(required=True, metadata={"description": "稳定标识 tag:URI，与 Atom 源一致"})
    kind = mf.Enum(ChangeKind, by_value=True, required=True)
    kind_label = Label("kind", "变化类型（中文）")
    occurred_at = LocalDateTime(required=True)
    uscc = mf.String(allow_none=True)
    agency_name = mf.String(allow_none=True)
    subject = mf.String(required=True)
    title = mf.String(required=True)
    detail = mf.String(required=True)


# --- verify --------------------------------------------------------------------------------


class PublicVerification(Out):
    code = mf.String(required=True)
    authentic = mf.Boolean(required=True, metadata={"description": "本系统签发的文件"})
    kind = mf.String(required=True)
    title = mf.String(required=True)
    media_type = mf.String(required=True)
    sha256 = mf.String(required=True)
    size = mf.Integer(required=True)
    generated_at = LocalDateTime(required=True)
    data_as_of = LocalDateTime(required=True)
    current = mf.Boolean(required=True, metadata={"description": "内容仍为最新"})
    superseded_at = LocalDateTime(allow_none=True, metadata={"description": "被新版本取代的时间"})
    changes_since = mf.List(mf.String(), required=True,
                            metadata={"description": "生成后发生的变化（如已移出名单）"})
    summary = mf.Dict(allow_none=True, metadata={"description": "文件所述内容的公开摘要"})


# --- imports -------------------------------------------------------------------------------


class ImportIn(f.ChineseSchema):
    kind = f.String(required=True, validate=f.OneOf(("agencies", "records")),
                    metadata={"description": "agencies 机构；records 失信记录"})
    dry_run = f.Boolean(load_default=False,
                        metadata={"description": "true：只校验并预览，不写入"})


class ImportResult(Out):
    kind = mf.String(required=True)
    filename = mf.String(required=True)
    dry_run = mf.Boolean(required=True)
    committed = mf.Boolean(required=True, metadata={"description": "是否已写入"})
    rows = mf.Integer(required=True, metadata={"description": "数据行数"})
    created = mf.Integer(required=True, metadata={"description": "新建的机构/记录数"})
    ids = mf.List(mf.Integer(), required=True, metadata={"description": "新建对象的编号"})
