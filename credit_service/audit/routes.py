"""Admins browse the append-only audit log at /staff/audit (read only: there is no
update or delete route, and on PostgreSQL a trigger refuses both)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from credit_service.audit.models import AuditEvent
from credit_service.auth.models import User
from credit_service.auth.permissions import Capability, require
from credit_service.core.web import SHANGHAI
from credit_service.extensions import db
from credit_service.staff.web import paginate

bp = Blueprint("audit", __name__, url_prefix="/staff/audit", template_folder="templates")

PER_PAGE = 50

# Chinese names of the actions written by the features; unknown actions show their code.
ACTION_LABELS = {
    "agency.create": "登记机构", "agency.update": "修改机构信息",
    "licence.create": "登记证照", "licence.update": "修改证照",
    "annual_report.create": "登记年度报告", "annual_report.update": "更正年度报告",
    "record.create": "录入失信记录（草稿）", "record.update": "修改失信记录草稿",
    "record.confirm": "确认失信记录", "record.revoke": "撤销失信记录",
    "record.overturn": "失信记录被复议/诉讼撤销", "record.corrected": "登记整改情况",
    "record.repair": "信用修复", "honour.create": "录入守信记录", "honour.revoke": "撤销守信记录",
    "assessment.create": "信用等级重新计算", "import.commit": "批量导入",
    "user.create": "创建账号", "user.update": "修改账号", "user.login": "登录",
    "user.login_failed": "登录失败", "user.locked": "账号临时锁定", "user.unlock": "解除锁定",
    "user.password_change": "修改密码", "user.password_reset": "重置密码",
    "api_token.issue": "签发 API 令牌", "api_token.revoke": "撤销 API 令牌",
    "listing.propose_revocation": "提议撤销诚信示范机构", "case.submit": "提交异议/修复申请",
    "case.review": "受理审查案件", "case.decide": "作出案件决定",
    "disclosure.approved": "审核社会公布", "disclosure.published": "发布社会公布",
    "document.published": "生成文书", "grading.regrade_all": "全量重新评价",
    "evaluation_round.publish": "发布年度评价", "job.run_manual": "手动运行定时任务",
    "reminder.dismiss": "提醒标记已处理",
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("listing."):
        return f"名单程序：{action.split('.', 1)[1]}"
    return action


@bp.app_template_filter("audit_action")
def _audit_action_filter(action: str) -> str:
    return action_label(action)


def object_url(event: AuditEvent) -> str | None:
    """A staff page for the logged object, where one exists."""
    if not event.object_id or not event.object_id.isdigit():
        return None
    if event.object_type == "records":
        return url_for("records.detail", record_id=int(event.object_id))
    if event.object_type == "users":
        return url_for("auth.user_edit", user_id=int(event.object_id))
    if event.object_type == "listings":
        return url_for("lists_staff.detail", listing_id=int(event.object_id))
    if event.object_type == "agencies":
        from credit_service.agencies.models import Agency

        agency = db.session.get(Agency, int(event.object_id))
        return url_for("agencies.file", uscc=agency.uscc) if agency else None
    return None


def _day(name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _utc(day: dt.date) -> dt.datetime:
    """Local midnight of ``day`` in UTC (SQLite stores the UTC wall time without offset)."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def _filtered():
    args = request.args
    query = select(AuditEvent)
    if args.get("actor_id", "").isdigit():
        query = query.where(AuditEvent.actor_id == int(args["actor_id"]))
    if args.get("action"):
        action = args["action"].strip()
        query = query.where(AuditEvent.action.like(f"{action}%") if action.endswith(".")
                            else AuditEvent.action == action)
    if args.get("object_type"):
        query = query.where(AuditEvent.object_type == args["object_type"])
    if args.get("object_id"):
        query = query.where(AuditEvent.object_id == args["object_id"].strip())
    if args.get("client_addr"):
        query = query.where(AuditEvent.client_addr == args["client_addr"].strip())
    # Dates are local (Asia/Shanghai) days; the column is UTC.
    since, until = _day("since"), _day("until")
    if since:
        query = query.where(AuditEvent.at >= _utc(since))
    if until:
        query = query.where(AuditEvent.at < _utc(until + dt.timedelta(days=1)))
    return query.order_by(AuditEvent.id.desc())


@bp.get("")
@require(Capability.ADMIN)
def index():
    page = paginate(_filtered(), PER_PAGE)
    actor_ids = {e.actor_id for e in page.items if e.actor_id}
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} \
        if actor_ids else {}
    return render_template(
        "audit/index.html", page=page, actors=actors, args=request.args,
        users=db.session.scalars(select(User).order_by(User.username)).all(),
        actions=db.session.scalars(select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)).all(),
        object_types=db.session.scalars(select(AuditEvent.object_type).distinct()
                                        .order_by(AuditEvent.object_type)).all(),
    )


@bp.get("/<int:event_id>")
@require(Capability.ADMIN)
def detail(event_id: int):
    from credit_service.core.errors import NotFound

    event = db.session.get(AuditEvent, event_id)
    if event is None:
        raise NotFound("未找到该日志")
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    rows = [(k, before.get(k), after.get(k), before.get(k) != after.get(k)) for k in keys]
    return render_template("audit/detail.html", event=event, actor=actor, rows=rows,
                           object_url=object_url(event))
