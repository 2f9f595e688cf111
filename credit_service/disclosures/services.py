"""Major-case disclosure (重大劳动保障违法行为社会公布, 人社部令第29号).

29号令 art.5 names seven kinds of major case; art.6 fixes what is published — the
violator's full name, USCC and address, the legal representative's name, the main facts
and the handling — and art.7 forbids publishing state or business secrets or personal
privacy. City and county bureaus publish every quarter (art.8); ad-hoc publication is
allowed. Drafting is idempotent (the scheduler may run it more than once); a reviewer
who did not draft approves; publishing makes the page, the PDF and a change-feed entry.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from credit_service.agencies.models import Agency
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.permissions import Capability, authorize, require_other_person
from credit_service.core.db import transactional, utcnow
from credit_service.core.enums import ChangeKind, DisclosureState, RecordStatus
from credit_service.core.errors import Conflict, NotFound, StaleWrite, ValidationFailed
from credit_service.core.web import today_local
from credit_service.disclosures.models import Disclosure, DisclosureEntry
from credit_service.extensions import db
from credit_service.feed.services import record_change
from credit_service.records.models import Record

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
AD_HOC = re.compile(r"^(\d{4})-ad-(\d{2})$")


def quarter_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    match = QUARTER.match(period or "")
    if not match:
        return None
    year, quarter = int(match[1]), int(match[2])
    starts = dt.date(year, 3 * quarter - 2, 1)
    ends = (dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
            - dt.timedelta(days=1))
    return starts, ends


def period_label(period: str) -> str:
    match = QUARTER.match(period or "")
    if match:
        return f"{match[1]}年第{'一二三四'[int(match[2]) - 1]}季度"
    match = AD_HOC.match(period or "")
    if match:
        return f"{match[1]}年第{int(match[2])}次专项公布"
    return period


def _bounds(period: str, starts_on, ends_on) -> tuple[dt.date, dt.date]:
    bounds = quarter_bounds(period)
    if bounds is not None:
        return bounds
    if not AD_HOC.match(period or ""):
        raise ValidationFailed("公布期格式有误", errors={
            "period": ["请填写季度（如 2026Q3）或专项公布编号（如 2026-ad-01）"]})
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise ValidationFailed("专项公布须填写起止日期", errors={
            "starts_on": ["请填写开始日期"], "ends_on": ["结束日期不得早于开始日期"]})
    return starts_on, ends_on


def get_disclosure(period: str) -> Disclosure:
    disclosure = db.session.scalar(select(Disclosure).where(Disclosure.period == period))
    if disclosure is None:
        raise NotFound("未找到该期社会公布")
    return disclosure


def published_disclosures() -> list[Disclosure]:
    return list(db.session.scalars(
        select(Disclosure).where(Disclosure.state == DisclosureState.PUBLISHED)
        .order_by(Disclosure.ends_on.desc(), Disclosure.period.desc())))


def all_disclosures() -> list[Disclosure]:
    return list(db.session.scalars(
        select(Disclosure).order_by(Disclosure.ends_on.desc(), Disclosure.period.desc())))


def _handling(record: Record) -> str:
    """相关处理情况: the decision as the public may read it (no staff, no notes)."""
    penalty = record.penalty_kind.label
    if record.fine_amount:
        penalty += f" {record.fine_amount:,.2f} 元"
    text = (f"{record.authority}于{record.decided_on.year}年{record.decided_on.month}月"
            f"{record.decided_on.day}日作出处理决定（{record.decision_number}）：{penalty}")
    if record.corrected_on:
        text += f"；已于{record.corrected_on.isoformat()}整改"
    return text + "。"


def _entry_for(record: Record, agency: Agency) -> DisclosureEntry:
    return DisclosureEntry(
        record_id=record.id, agency_name=agency.name, uscc=agency.uscc,
        address=agency.address, legal_rep_name=agency.legal_rep_name,
        major_case_kind=record.major_case_kind, main_facts=record.facts,
        handling=_handling(record),
    )


def qualifying_records(starts_on: dt.date, ends_on: dt.date) -> list[Record]:
    """Confirmed records with a major-case kind decided in the period (29号令 art.5)."""
    return list(db.session.scalars(
        select(Record).where(Record.status == RecordStatus.CONFIRMED,
                             Record.major_case_kind.is_not(None),
                             Record.decided_on >= starts_on, Record.decided_on <= ends_on)
        .order_by(Record.decided_on, Record.id)))


@transactional
def draft_disclosure(period: str, actor=None, *, starts_on: dt.date | None = None,
                     ends_on: dt.date | None = None) -> Disclosure:
    """Create the draft for ``period`` or bring an existing draft up to date.

    Idempotent: running it twice adds nothing twice; an approved or published
    disclosure is never changed (its text is what the reviewer approved).
    """
    if actor is not None:
        authorize(actor, Capability.ENTER)
    period = (period or "").strip()
    disclosure = db.session.scalar(select(Disclosure).where(Disclosure.period == period))
    if disclosure is not None and disclosure.state != DisclosureState.DRAFT:
        return disclosure
    if disclosure is None:
        starts, ends = _bounds(period, starts_on, ends_on)
        disclosure = Disclosure(period=period, starts_on=starts, ends_on=ends,
                                state=DisclosureState.DRAFT,
                                drafted_by_id=getattr(actor, "id", None))
        db.session.add(disclosure)
        db.session.flush()
        action = "disclosure.drafted"
    else:
        action = "disclosure.refreshed"
    before = {"entries": sorted(e.record_id for e in disclosure.entries)}
    existing = {entry.record_id for entry in disclosure.entries}
    excluded = set(disclosure_exclusions(disclosure))
    for record in qualifying_records(disclosure.starts_on, disclosure.ends_on):
        if record.id in existing or record.id in excluded:
            continue
        disclosure.entries.append(_entry_for(record, record.agency))
    # A record revoked since drafting no longer belongs in the disclosure.
    qualifying = {r.id for r in qualifying_records(disclosure.starts_on, disclosure.ends_on)}
    for entry in list(disclosure.entries):
        if entry.record_id not in qualifying:
            disclosure.entries.remove(entry)
    db.session.flush()
    after = {"entries": sorted(e.record_id for e in disclosure.entries)}
    if action == "disclosure.drafted" or before != after:
        record_audit(action, disclosure, actor=actor, before=before, after=after)
    return disclosure


def disclosure_exclusions(disclosure: Disclosure) -> list[int]:
    """Record ids a reviewer took out of this draft (kept in the audit log)."""
    from credit_service.audit.models import AuditEvent

    rows = db.session.scalars(
        select(AuditEvent.after).where(AuditEvent.action == "disclosure.entry_removed",
                                       AuditEvent.object_type == "disclosures",
                                       AuditEvent.object_id == str(disclosure.id)))
    return [row.get("record_id") for row in rows if row]


def _check_version(disclosure: Disclosure, expected_version) -> None:
    if expected_version is not None and int(expected_version) != disclosure.version:
        raise StaleWrite(disclosure, int(expected_version))


@transactional
def remove_entry(disclosure: Disclosure, entry_id: int, actor, expected_version=None) -> None:
    """Take a case out of a draft (e.g. it touches personal privacy, 29号令 art.7)."""
    authorize(actor, Capability.REVIEW)
    _check_version(disclosure, expected_version)
    if disclosure.state != DisclosureState.DRAFT:
        raise Conflict("只有草稿可以调整条目")
    entry = next((e for e in disclosure.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound("未找到该条目")
    disclosure.entries.remove(entry)
    disclosure.updated_at = utcnow()
    db.session.flush()
    record_audit("disclosure.entry_removed", disclosure, actor=actor,
                 after={"record_id": entry.record_id, "agency_name": entry.agency_name})


@transactional
def approve_disclosure(disclosure: Disclosure, actor, expected_version=None) -> Disclosure:
    """A reviewer other than the drafter approves the draft as it stands."""
    authorize(actor, Capability.REVIEW)
    _check_version(disclosure, expected_version)
    if disclosure.state != DisclosureState.DRAFT:
        raise Conflict(f"当前状态为“{disclosure.state.label}”，不能审核")
    require_other_person(actor, disclosure.drafted_by_id, "审核社会公布")
    before = snapshot(disclosure)
    disclosure.state = DisclosureState.APPROVED
    disclosure.approved_by_id = actor.id
    disclosure.approved_at = utcnow()
    db.session.flush()
    record_audit("disclosure.approved", disclosure, actor=actor, before=before,
                 after=snapshot(disclosure))
    return disclosure


@transactional
def publish_disclosure(disclosure: Disclosure, actor, expected_version=None,
                       on: dt.date | None = None) -> Disclosure:
    """Publish an approved disclosure: public page, PDF and a change-feed entry."""
    authorize(actor, Capability.REVIEW)
    _check_version(disclosure, expected_version)
    if disclosure.state != DisclosureState.APPROVED:
        raise Conflict("须先审核通过才能公布")
    before = snapshot(disclosure)
    disclosure.state = DisclosureState.PUBLISHED
    disclosure.published_on = on or today_local()
    db.session.flush()
    label = period_label(disclosure.period)
    record_change(ChangeKind.DISCLOSURE_PUBLISHED, subject=f"disclosure:{disclosure.period}",
                  title=f"公布{label}重大劳动保障违法行为（{len(disclosure.entries)} 件）")
    record_audit("disclosure.published", disclosure, actor=actor, before=before,
                 after=snapshot(disclosure))
    from credit_service.disclosures.documents import build_disclosure_pdf
    from credit_service.documents.services import publish_document

    publish_document("disclosure.pdf", disclosure.period, build_disclosure_pdf(disclosure.period))
    return disclosure
