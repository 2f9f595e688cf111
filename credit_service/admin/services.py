"""Admin use cases over rule sets and scheduled jobs.

Rule sets are files under ``RULES_DIR`` (reviewed and versioned like code, so a rule change
is always a new, dated version that never rewrites earlier assessments). Admins see every
version and can check a candidate file against the same validator the engine uses before it
is added; there is deliberately no upload that activates rules from the browser.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from credit_service.audit.services import record_audit
from credit_service.core.db import transactional
from credit_service.core.errors import NotFound, ValidationFailed
from credit_service.core.web import SHANGHAI, today_local
from credit_service.extensions import db
from credit_service.jobs.models import JobRun
from scoring.rules import RuleSet, RuleSetError, parse_ruleset

MAX_RULE_FILE = 256 * 1024

JOB_LABELS = {
    "expire": ("到期处理", "名单到期移出、守信/失信记录有效期届满后重新评价（每日一次）"),
    "remind": ("期限提醒", "为名单程序、案件等即将到期的期限生成工作台提醒（每日一次）"),
    "publish": ("文件生成", "生成缺失的公示文件，重新生成内容已变化的文件（PDF 只在后台生成，"
                "不在网页请求中运行；手动执行请用命令行 flask credit publish）"),
    "disclose": ("社会公布草稿", "季度结束后起草重大劳动保障违法行为社会公布（人社部令第29号）"),
}


# Jobs an admin may run from the browser: not "publish", which renders PDFs (never on a
# web request, SPEC §6); it runs every minute anyway and by hand as `flask credit publish`.
WEB_RUNNABLE = frozenset({"expire", "remind", "disclose"})


@dataclass
class RuleSetRow:
    ruleset: RuleSet
    in_force: bool
    future: bool


@dataclass
class JobRow:
    id: str
    label: str
    description: str
    schedule: str
    next_run: dt.datetime | None
    runs: list = field(default_factory=list)
    runnable: bool = False


def rule_set_rows(on: dt.date | None = None) -> list[RuleSetRow]:
    from credit_service.grading.services import get_rulesets

    on = on or today_local()
    versions = get_rulesets().versions
    current = max((r for r in versions if r.effective_from <= on),
                  key=lambda r: r.effective_from, default=None)
    return [RuleSetRow(r, r is current, r.effective_from > on) for r in versions]


def check_rule_file(filename: str, data: bytes) -> RuleSet:
    """Validate a candidate rule-set file exactly as start-up would; nothing is stored."""
    from credit_service.grading.services import get_rulesets

    if not data:
        raise ValidationFailed("请选择规则集文件", {"file": ["请选择规则集文件（.toml）"]})
    if len(data) > MAX_RULE_FILE:
        raise ValidationFailed("文件过大", {"file": ["规则集文件不应超过 256 KB"]})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed("文件编码错误", {"file": ["规则集文件应为 UTF-8 编码的 TOML"]}) from None
    try:
        candidate = parse_ruleset(text, source=filename or "上传文件")
    except RuleSetError as exc:
        raise ValidationFailed("规则集校验未通过", {"file": [str(exc)]}) from None
    for existing in get_rulesets().versions:
        if existing.version == candidate.version:
            raise ValidationFailed("版本号重复", {"file": [
                f"版本号 {candidate.version} 已被 {existing.source_file} 使用，请提高版本号"]})
        if existing.effective_from == candidate.effective_from:
            raise ValidationFailed("生效日期重复", {"file": [
                f"生效日期 {candidate.effective_from} 与 {existing.source_file} 相同"]})
    return candidate


def _describe(cron: dict) -> str:
    hour, minute = cron.get("hour"), cron.get("minute", 0)
    if minute == "*":
        return "每分钟（无数据写入时只做一次轻量检查）"
    if hour is None:
        return f"每小时第 {minute} 分"
    return f"每天 {int(hour):02d}:{int(minute):02d}"


def job_rows(now: dt.datetime | None = None, runs_per_job: int = 5) -> list[JobRow]:
    from credit_service.jobs.scheduler import SCHEDULE

    now = now or dt.datetime.now(SHANGHAI)
    rows = []
    for job_id, _name, cron in SCHEDULE:
        label, description = JOB_LABELS.get(job_id, (job_id, ""))
        trigger = CronTrigger(timezone=SHANGHAI, **cron)
        runs = db.session.scalars(select(JobRun).where(JobRun.job == job_id)
                                  .order_by(JobRun.id.desc()).limit(runs_per_job)).all()
        rows.append(JobRow(job_id, label, description, _describe(cron),
                           trigger.get_next_fire_time(None, now), list(runs),
                           job_id in WEB_RUNNABLE))
    return rows


def run_job_now(job_id: str, actor) -> dict | None:
    """Run one scheduled job in this process, as the scheduler would (so it claims the same
    (job, period) row: a period already done is not done again). Audited with the result."""
    from credit_service.jobs import services as jobs
    from credit_service.jobs.scheduler import SCHEDULE

    names = {job: name for job, name, _cron in SCHEDULE if job in WEB_RUNNABLE}
    if job_id not in names:
        raise NotFound(f"没有可在此运行的定时任务 {job_id}")
    result = getattr(jobs, names[job_id])()
    _audit_manual_run(job_id, result, actor)
    return result


@transactional
def _audit_manual_run(job_id: str, result: dict | None, actor) -> None:
    # Channel and client address are the caller's (the job itself ran as "job:<id>").
    record_audit("job.run_manual", actor=actor, object_type="jobs", object_id=job_id,
                 after={"job": job_id, "result": result, "skipped": result is None})
