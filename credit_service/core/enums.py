"""Every enum the service stores, each member with its Chinese label.

Values are stable English codes (API, database); ``.label`` is what the UI shows.
"""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    label: str

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class AgencyKind(LabelledEnum):
    JOB_AGENCY = "job_agency", "职业中介"
    DISPATCH = "dispatch", "劳务派遣"
    OTHER_HR = "other_hr", "其他人力资源服务"


class AgencyStatus(LabelledEnum):
    OPERATING = "operating", "存续"
    DEREGISTERED = "deregistered", "注销"


class LicenceKind(LabelledEnum):
    HR_SERVICE = "hr_service", "人力资源服务许可证"
    DISPATCH = "dispatch", "劳务派遣经营许可证"
    FILING = "filing", "备案凭证"


class LicenceStatus(LabelledEnum):
    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已吊销"
    SUSPENDED = "suspended", "暂扣"


class Severity(LabelledEnum):
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"


class RecordStatus(LabelledEnum):
    DRAFT = "draft", "待审核"
    CONFIRMED = "confirmed", "已确认"
    REVOKED = "revoked", "已撤销"
    OVERTURNED = "overturned", "已被撤销（复议/诉讼）"


class PenaltyKind(LabelledEnum):
    RECTIFICATION_ORDER = "rectification_order", "责令改正"
    WARNING = "warning", "警告"
    CRITICISM = "criticism", "通报批评"
    FINE = "fine", "罚款"
    CONFISCATION = "confiscation", "没收违法所得"
    LICENCE_SUSPENDED = "licence_suspended", "暂扣许可证"
    LICENCE_REVOKED = "licence_revoked", "吊销许可证"
    CLOSURE = "closure", "责令停业/关闭"
    CRIMINAL = "criminal", "移送司法机关/追究刑事责任"
    DISPUTE_LOST_PARTLY = "dispute_lost_partly", "劳动争议部分败诉"
    DISPUTE_LOST_FULLY = "dispute_lost_fully", "劳动争议全部败诉"


class RecordSource(LabelledEnum):
    INSPECTION = "inspection", "监察检查"
    COMPLAINT = "complaint", "投诉举报"
    REFERRAL = "referral", "部门移送"
    SELF_INSPECTION = "self_inspection", "机构自查"
    CAMPAIGN = "campaign", "专项行动"


class MajorCaseKind(LabelledEnum):
    """人社部令第29号 art.5, the seven kinds of major violations."""

    WAGE_ARREARS = "wage_arrears", "克扣、无故拖欠劳动报酬数额较大或拒不支付劳动报酬"
    SOCIAL_INSURANCE = "social_insurance", "不依法参加社会保险或缴纳社会保险费，情节严重"
    WORKING_HOURS = "working_hours", "违反工作时间和休息休假规定，情节严重"
    SPECIAL_PROTECTION = "special_protection", "违反女职工和未成年工特殊劳动保护规定，情节严重"
    CHILD_LABOUR = "child_labour", "违反禁止使用童工规定"
    SERIOUS_SOCIAL_IMPACT = "serious_social_impact", "因劳动保障违法行为造成严重不良社会影响"
    OTHER_MAJOR = "other_major", "其他重大劳动保障违法行为"


class HonourKind(LabelledEnum):
    RED_LIST = "red_list", "诚信服务示范机构"
    AWARD = "award", "表彰奖励"
    HARMONY_MODEL = "harmony_model", "和谐劳动关系示范单位"


class HonourLevel(LabelledEnum):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"


class Grade(LabelledEnum):
    A_PLUS = "A+", "A+（优秀）"
    A = "A", "A（良好）"
    B = "B", "B（合格）"
    C = "C", "C（较差）"
    D = "D", "D（差）"
    NEW = "NEW", "未评（新设机构）"


class ListKind(LabelledEnum):
    RED = "red", "诚信服务示范机构名单"
    BLACK = "black", "严重违法失信名单"


class ListingState(LabelledEnum):
    # black list (45号令 procedure)
    PROPOSED = "proposed", "拟列入"
    NOTIFIED = "notified", "已告知"
    OBJECTION = "objection", "异议核实中"
    DECIDED = "decided", "已决定列入"
    PUBLISHED = "published", "已公布"
    REMOVED = "removed", "已移出"
    NOT_LISTED = "not_listed", "不予列入"
    WITHDRAWN = "withdrawn", "已撤回"
    # red list
    NOMINATED = "nominated", "已推荐"
    PUBLICITY = "publicity", "公示中"
    DESIGNATED = "designated", "已认定"
    EXPIRED = "expired", "已到期"
    REVOKED = "revoked", "已撤销"


class CaseKind(LabelledEnum):
    OBJECTION = "objection", "异议申请"
    REPAIR = "repair", "信用修复申请"


class CaseSubject(LabelledEnum):
    RECORD = "record", "失信记录"
    LISTING = "listing", "名单列入"
    GRADE = "grade", "信用等级"
    EARLY_REMOVAL = "early_removal", "提前移出严重违法失信名单"


class CaseState(LabelledEnum):
    SUBMITTED = "submitted", "已提交"
    REVIEWING = "reviewing", "审查中"
    ACCEPTED = "accepted", "已支持"
    REJECTED = "rejected", "不予支持"


class DisclosureState(LabelledEnum):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已公布"


class Role(LabelledEnum):
    CLERK = "clerk", "录入员"
    REVIEWER = "reviewer", "审核员"
    ADMIN = "admin", "管理员"


class Department(LabelledEnum):
    EMPLOYMENT_PROMOTION = "employment_promotion", "就业促进办"
    LABOUR_INSPECTION = "labour_inspection", "劳动保障监察局"
    PETITIONS = "petitions", "信访维权科"
    EMPLOYMENT_SERVICE = "employment_service", "就业服务局"


class ChangeKind(LabelledEnum):
    LISTED = "listed", "列入名单"
    REMOVED = "removed", "移出名单"
    GRADE_CHANGED = "grade_changed", "信用等级变化"
    DISCLOSURE_PUBLISHED = "disclosure_published", "重大违法案件公布"


class InspectionOutcome(LabelledEnum):
    PENDING = "pending", "待检查"
    NO_PROBLEM = "no_problem", "未发现问题"
    PROBLEMS_FOUND = "problems_found", "发现问题"
