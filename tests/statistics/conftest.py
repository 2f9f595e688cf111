"""Statistics fixtures: the hand-counted ``world`` behind the 附件2 table tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def world(db, create_agency, create_record, create_honour, clerk):
    """A hand-counted data set for the period 2021-04-01 … 2021-06-15 (counts in test_table)."""
    import datetime as dt

    from credit_service.agencies.models import AnnualReport
    from credit_service.core.enums import (
        AgencyStatus,
        Grade,
        HonourKind,
        HonourLevel,
        InspectionOutcome,
        ListingState,
        ListKind,
        RecordStatus,
    )
    from credit_service.inspections import services as insp
    from credit_service.inspections.models import InspectionPlan, InspectionTarget
    from credit_service.lists.models import Listing

    d = dt.date
    a1 = create_agency(name="甲职业中介", is_job_agency=True)
    a2 = create_agency(name="乙劳务派遣", is_job_agency=False, is_dispatch=True)
    a3 = create_agency(name="丙兼营", is_job_agency=True, is_dispatch=True)
    a4 = create_agency(name="丁新设", is_job_agency=False, is_other_hr=True,
                       established_on=d(2021, 7, 1))
    a5 = create_agency(name="戊已注销", is_job_agency=False, is_dispatch=True,
                       status=AgencyStatus.DEREGISTERED)
    a6 = create_agency(name="己职业中介", is_job_agency=True, established_on=d(2018, 1, 1))

    for agency, year, publicised in [(a1, 2020, True), (a2, 2020, True), (a3, 2020, False),
                                     (a6, 2019, True), (a5, 2020, True), (a4, 2021, True)]:
        db.session.add(AnnualReport(agency_id=agency.id, year=year, publicised=publicised,
                                    submitted_on=d(year + 1, 3, 1), on_time=True))

    campaign = insp.create_jiyuan_2021_campaign(clerk)
    for agency, on, rebate in [(a1, d(2021, 4, 20), True), (a2, d(2021, 4, 21), False),
                               (a6, d(2021, 6, 20), True)]:
        insp.record_self_inspection(campaign, agency, submitted_on=on, rebate_found=rebate,
                                    problems="承诺入职返费" if rebate else "", rectified=False,
                                    actor=clerk)
    rebate = dict(violation_code="rebate_price_manipulation", occurred_on=d(2021, 4, 1))
    create_record(a3, decided_on=d(2021, 5, 10), **rebate)
    create_record(a2, decided_on=d(2021, 5, 10), status=RecordStatus.DRAFT, **rebate)
    create_record(a1, decided_on=d(2021, 5, 1), **rebate)
    create_record(a6, decided_on=d(2021, 5, 1), occurred_on=d(2021, 4, 1))
    create_record(a5, decided_on=d(2021, 3, 31), violation_code="rebate_price_manipulation",
                  occurred_on=d(2021, 3, 1))

    plan = InspectionPlan(name="2021年双随机", starts_on=d(2021, 4, 1), ends_on=d(2021, 6, 30),
                          ratios={}, seed="s", drawn_at=dt.datetime(2021, 4, 1, tzinfo=dt.UTC))
    db.session.add(plan)
    db.session.flush()
    for agency, outcome, on in [(a1, InspectionOutcome.NO_PROBLEM, d(2021, 5, 10)),
                                (a2, InspectionOutcome.PENDING, None),
                                (a3, InspectionOutcome.PROBLEMS_FOUND, d(2021, 6, 20)),
                                (a6, InspectionOutcome.NO_PROBLEM, d(2021, 4, 1))]:
        db.session.add(InspectionTarget(plan_id=plan.id, agency_id=agency.id, grade=Grade.B,
                                        inspector_ids=[], outcome=outcome, inspected_on=on))

    for kind, on, checked, cases in [("national_campaign", d(2021, 4, 15), 10, 2),
                                     ("national_campaign", d(2021, 5, 20), 5, 0),
                                     ("national_campaign", d(2021, 3, 31), 7, 7),
                                     ("key_period", d(2021, 6, 15), 3, 1),
                                     ("employer_guidance", d(2021, 4, 2), 0, 0),
                                     ("employer_guidance", d(2021, 5, 2), 0, 0),
                                     ("employer_guidance", d(2021, 6, 2), 0, 0),
                                     ("employer_guidance", d(2021, 6, 16), 0, 0)]:
        insp.record_enforcement_action(kind=kind, held_on=on, description="情况说明",
                                       agencies_checked=checked, cases_found=cases, actor=clerk)

    P, M = HonourLevel.PROVINCIAL, HonourLevel.MUNICIPAL
    create_honour(a1, level=P, granted_on=d(2020, 6, 1), valid_until=d(2023, 5, 31))
    create_honour(a2, level=P, granted_on=d(2021, 7, 1))
    create_honour(a3, level=P, granted_on=d(2019, 1, 1), revoked_on=d(2021, 3, 1))
    create_honour(a6, level=M, granted_on=d(2021, 5, 1))
    create_honour(a1, level=M, granted_on=d(2018, 4, 1), valid_until=d(2021, 3, 31))
    create_honour(a2, level=M, granted_on=d(2020, 1, 1), revoked_on=d(2021, 5, 1))
    create_honour(a3, level=P, kind=HonourKind.AWARD, granted_on=d(2021, 1, 1))

    for agency, kind, state, published, ended in [
        (a5, ListKind.BLACK, ListingState.PUBLISHED, d(2021, 2, 1), None),
        (a2, ListKind.BLACK, ListingState.PUBLISHED, d(2021, 7, 1), None),
        (a3, ListKind.BLACK, ListingState.REMOVED, d(2020, 1, 1), d(2021, 4, 10)),
        (a6, ListKind.BLACK, ListingState.WITHDRAWN, None, d(2021, 5, 1)),
        (a1, ListKind.RED, ListingState.PUBLISHED, d(2021, 5, 1), None),
    ]:
        db.session.add(Listing(agency_id=agency.id, list_kind=kind, state=state, reason="事由",
                               proposed_on=d(2019, 12, 1), published_on=published,
                               ended_on=ended))
    db.session.flush()
    db.session.commit()
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "a6": a6}
