"""Every kind of write that touches an agency's file regrades it through the service, in
the same transaction (issue 3 "regrade of the affected agency on every write"): each case
calls the real service function of its feature and checks the stored live assessment and
the agency's denormalised grade and score, exactly.

"Today" is AS_OF (tests/grading/conftest.py). The base agency was established in 2015 and
filed every annual report up to 2025 on time: clean, it scores 100 + 5 (clean record) = 105,
grade A. Steps dated before today (a listing decision, a designation) are regraded as of
their date and, through ``regrade_agency``, as of today as well.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from credit_service.core.enums import (
    HonourKind,
    HonourLevel,
    LicenceKind,
    ListKind,
    PenaltyKind,
    RecordSource,
    Severity,
)
from credit_service.grading import services as grading
from credit_service.grading.models import Assessment

from .conftest import AS_OF

D = dt.date
BUREAU = "济源示范区人力资源和社会保障局"


def _record_data(**overrides) -> dict:
    data = {
        "violation_code": "false_job_info", "severity": Severity.GENERAL.value,
        "facts": "在招聘平台发布与实际岗位不符的招聘信息", "occurred_on": D(2026, 9, 1),
        "decided_on": D(2026, 10, 1), "decision_number": "济人社监罚〔2026〕901号",
        "authority": BUREAU, "penalty_kind": PenaltyKind.FINE.value, "fine_amount": "5000",
        "source": RecordSource.INSPECTION.value,
    }
    data.update(overrides)
    return data


def _confirmed(ctx, **overrides):
    from credit_service.records.services import confirm_record, record_violation

    record = record_violation(ctx.agency, _record_data(**overrides), ctx.clerk)
    return confirm_record(record, ctx.reviewer)


def _national_honour(ctx):
    from credit_service.records.services import add_honour

    return add_honour(ctx.agency, {
        "kind": HonourKind.RED_LIST.value, "level": HonourLevel.NATIONAL.value,
        "title": "全国人力资源服务诚信示范机构", "issuer": "人力资源和社会保障部",
        "document_number": "人社部函〔2025〕88号", "granted_on": D(2025, 6, 1)}, ctx.clerk)


def _licence(ctx, issued_on):
    from credit_service.agencies.services import add_licence

    return add_licence(ctx.agency, {"kind": LicenceKind.HR_SERVICE.value, "number": "HR-4190-01",
                                    "issuer": BUREAU, "issued_on": issued_on}, ctx.clerk)


def _black_listing(ctx, record, *, decided_on, publish=True):
    """Proposed by the clerk, notified, decided (after the objection window) and
    published by the reviewer."""
    from credit_service.lists.services import apply_listing_event, propose_listing

    listing = propose_listing(ctx.agency, ListKind.BLACK, {
        "proposed_on": record.decided_on + dt.timedelta(days=5), "basis_record_id": record.id,
        "reason": "拖欠劳动者工资", "legal_basis": "《人力资源市场暂行条例》第四十二条"},
        ctx.clerk)
    apply_listing_event(listing, "notify", ctx.clerk, on=record.decided_on + dt.timedelta(days=7),
                        document_number="济人社告〔2026〕1号")
    apply_listing_event(listing, "decide", ctx.reviewer, on=decided_on,
                        document_number="济人社列〔2026〕1号")
    if publish:
        apply_listing_event(listing, "publish", ctx.reviewer, on=decided_on + dt.timedelta(days=1))
    return listing


# --------------------------------------------------------------------------- the cases
# Each: (setup(ctx) -> state for the write, write(ctx, state), expected (grade, score)
# before the write, expected (grade, score) after it).


def _confirm_setup(ctx):
    from credit_service.records.services import record_violation

    return record_violation(ctx.agency, _record_data(), ctx.clerk)  # a draft counts for nothing


def _confirm(ctx, record):
    from credit_service.records.services import confirm_record

    confirm_record(record, ctx.reviewer)  # general, 2026-10-01: −10, no clean-record bonus


def _revoke(ctx, record):
    from credit_service.records.services import revoke_record

    revoke_record(record, ctx.reviewer, "经行政复议决定撤销", on=D(2026, 11, 20))


def _repair(ctx, record):
    from credit_service.records.services import repair_record

    repair_record(record, ctx.reviewer, D(2026, 11, 1))


def _rectification_setup(ctx):
    return _confirmed(ctx, penalty_kind=PenaltyKind.RECTIFICATION_ORDER.value,
                      rectify_by=D(2026, 10, 31))


def _mark_corrected(ctx, record):
    from credit_service.records.services import mark_corrected

    mark_corrected(record, ctx.clerk, D(2026, 10, 20))  # on time: −2 instead of −10


def _revoke_honour(ctx, honour):
    from credit_service.records.services import revoke_honour

    revoke_honour(honour, ctx.clerk, D(2026, 11, 1), "认定被撤销")


def _update_licence(ctx, licence):
    from credit_service.agencies.services import update_licence

    update_licence(licence, {"issued_on": D(2015, 5, 1)}, ctx.clerk)  # entry error corrected


def _missing_report_setup(ctx):
    from credit_service.agencies.models import AnnualReport

    report = ctx.db.session.scalar(select(AnnualReport).where(
        AnnualReport.agency_id == ctx.agency.id, AnnualReport.year == 2025))
    ctx.db.session.delete(report)
    ctx.db.session.flush()
    ctx.db.session.expire(ctx.agency, ["annual_reports"])


def _file_report(ctx, _):
    from credit_service.agencies.services import record_annual_report

    record_annual_report(ctx.agency, {"year": 2025, "submitted_on": D(2026, 3, 20),
                                      "publicised": True}, ctx.clerk)


def _update_agency(ctx, _):
    from credit_service.agencies.services import update_agency

    # The establishment date was entered wrongly: founded 2026-06-01, under 12 months.
    update_agency(ctx.agency, {"established_on": D(2026, 6, 1)}, ctx.clerk, ctx.agency.version)


def _black_decision(ctx, record):
    # Decided a month before today: the history row is dated 2026-10-26, the live one today.
    _black_listing(ctx, record, decided_on=D(2026, 10, 26), publish=False)


def _listed_setup(ctx):
    record = _confirmed(ctx, decided_on=D(2026, 9, 1), occurred_on=D(2026, 8, 1))
    return _black_listing(ctx, record, decided_on=D(2026, 10, 26))


def _revoke_listing(ctx, listing):
    from credit_service.lists.services import apply_listing_event

    apply_listing_event(listing, "revoke", ctx.reviewer, on=D(2026, 11, 20),
                        reasons="列入决定经行政复议撤销")


def _early_removal_setup(ctx):
    record = _confirmed(ctx, decided_on=D(2026, 2, 2), occurred_on=D(2026, 1, 5))
    return _black_listing(ctx, record, decided_on=D(2026, 3, 2))


def _early_remove(ctx, listing):
    from credit_service.lists.services import apply_listing_event

    # 45号令 art.12: corrected, 6 months since, a written credit commitment.
    apply_listing_event(listing, "early_remove", ctx.reviewer, on=D(2026, 11, 20),
                        document_number="济人社移〔2026〕1号",
                        corrected_on=D(2026, 4, 1), commitment_received_on=D(2026, 5, 1))


def _red_designation(ctx, _):
    from credit_service.lists.services import apply_listing_event, propose_listing

    listing = propose_listing(ctx.agency, ListKind.RED, {"proposed_on": D(2026, 11, 2)}, ctx.clerk)
    apply_listing_event(listing, "publicise", ctx.clerk, on=D(2026, 11, 2))  # until 11-09
    apply_listing_event(listing, "designate", ctx.reviewer, on=D(2026, 11, 10),
                        document_number="济人社认〔2026〕5号")  # municipal honour +3


CASES = {
    # write: (setup, write, before, after)
    "record_confirm": (_confirm_setup, _confirm, ("A", 105), ("B", 90)),
    "revoke_record": (_confirmed, _revoke, ("B", 90), ("A", 105)),
    "repair_record": (
        lambda ctx: _confirmed(ctx, severity=Severity.SERIOUS.value, occurred_on=D(2025, 1, 1),
                               decided_on=D(2025, 1, 10)),
        _repair, ("C", 75), ("A", 105)),  # serious: −30 (+5: no record in 12 months), C cap
    "mark_corrected": (_rectification_setup, _mark_corrected, ("B", 90), ("B", 98)),
    "add_honour": (lambda ctx: None, lambda ctx, _: _national_honour(ctx), ("A", 105), ("A+", 115)),
    "revoke_honour": (_national_honour, _revoke_honour, ("A+", 115), ("A", 105)),
    "add_licence": (lambda ctx: None, lambda ctx, _: _licence(ctx, D(2026, 7, 1)),
                    ("A", 105), ("NEW", 105)),  # first licence under 12 months ago
    "update_licence": (lambda ctx: _licence(ctx, D(2026, 7, 1)), _update_licence,
                       ("NEW", 105), ("A", 105)),
    "record_annual_report": (_missing_report_setup, _file_report, ("C", 95), ("A", 105)),
    "update_agency": (lambda ctx: None, _update_agency, ("A", 105), ("NEW", 105)),
    "black_list_decision": (
        lambda ctx: _confirmed(ctx, decided_on=D(2026, 9, 1), occurred_on=D(2026, 8, 1)),
        _black_decision, ("B", 90), ("D", 90)),  # the veto while listed
    "listing_revocation": (_listed_setup, _revoke_listing, ("D", 90), ("B", 90)),
    "listing_early_removal": (_early_removal_setup, _early_remove, ("D", 90), ("B", 90)),
    "red_designation": (lambda ctx: None, _red_designation, ("A", 105), ("A", 108)),
}


@pytest.fixture
def ctx(app, db, graded_agency, clerk, reviewer, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_DOCUMENTS_ON_WRITE", False)  # no PDFs here
    return SimpleNamespace(db=db, agency=graded_agency(), clerk=clerk, reviewer=reviewer)


def _live(ctx):
    live = grading.current_assessment(ctx.agency)
    return live.id, live.as_of, live.grade.value, live.score


def _rows(ctx) -> int:
    return ctx.db.session.scalar(select(func.count()).select_from(Assessment)
                                 .where(Assessment.agency_id == ctx.agency.id))


@pytest.mark.parametrize("write", list(CASES))
def test_each_kind_of_write_regrades_through_the_service(ctx, write):
    setup, action, before, after = CASES[write]
    grading.regrade_agency(ctx.agency)
    state = setup(ctx)
    grading.regrade_agency(ctx.agency)  # for setups written without a service
    live_id, as_of, *grade_score = _live(ctx)
    assert (as_of, tuple(grade_score)) == (AS_OF, before)
    rows = _rows(ctx)

    action(ctx, state)  # the service regrades: nothing here calls the grading service

    new_id, as_of, *grade_score = _live(ctx)
    assert new_id != live_id and _rows(ctx) > rows  # a new row, written by the write
    assert (as_of, tuple(grade_score)) == (AS_OF, after)
    ctx.db.session.expire(ctx.agency)
    assert (ctx.agency.current_grade.value, ctx.agency.current_score) == after
    assert grading.regrade_agency(ctx.agency) is None  # already up to date
