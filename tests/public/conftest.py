"""A small published world made by factories: agencies with records, a black listing,
a red-list honour, licences, former names, assessments and a change entry."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import (
    ChangeKind,
    LicenceKind,
    ListingState,
    ListKind,
    MajorCaseKind,
    PenaltyKind,
    Severity,
)

HOSTILE = '<script>alert("x")</script>恶意&"名称'


@pytest.fixture
def world(db, create_agency, create_record, create_honour):
    from credit_service.agencies.models import FormerName, Licence
    from credit_service.feed.services import record_change
    from credit_service.grading.services import regrade_agency
    from credit_service.lists.models import Listing

    today = dt.date.today()
    bad = create_agency(name="济源市黑石劳务派遣有限公司", legal_rep_name="王五",
                        address="河南省济源市黑石路8号", is_dispatch=True,
                        contact_phone="13912345678", legal_rep_id_number="410881197002023456")
    record = create_record(bad, violation_code="wage_arrears" if False else "false_job_info",
                           severity=Severity.SERIOUS, decided_on=today - dt.timedelta(days=40),
                           occurred_on=today - dt.timedelta(days=60),
                           facts="拖欠 35 名劳务派遣人员工资共计 42 万元",
                           major_case_kind=MajorCaseKind.WAGE_ARREARS,
                           penalty_kind=PenaltyKind.FINE)
    listing = Listing(agency_id=bad.id, list_kind=ListKind.BLACK, state=ListingState.PUBLISHED,
                      basis_record_id=record.id, reason="拖欠劳动报酬，经责令仍不支付",
                      legal_basis="《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条",
                      authority="济源示范区人力资源和社会保障局",
                      proposed_on=today - dt.timedelta(days=30),
                      decided_on=today - dt.timedelta(days=10),
                      decision_number="济人社失信决〔2026〕7号",
                      published_on=today - dt.timedelta(days=9),
                      expires_on=today + dt.timedelta(days=3 * 365))
    db.session.add(listing)

    good = create_agency(name="济源市华夏人力资源服务有限公司", legal_rep_name="李四",
                         address="河南省济源市济水大街100号",
                         established_on=dt.date(2010, 1, 1))
    db.session.add(FormerName(agency_id=good.id, name="济源市旧日职业介绍所",
                              used_until=dt.date(2018, 5, 1)))
    db.session.add(Licence(agency_id=good.id, kind=LicenceKind.HR_SERVICE,
                           number="豫人服证字〔2019〕4190010012号",
                           issuer="济源示范区人力资源和社会保障局",
                           issued_on=dt.date(2019, 6, 1), valid_until=dt.date(2029, 5, 31)))
    create_honour(good)
    hostile = create_agency(name=HOSTILE, legal_rep_name="赵六")
    db.session.flush()
    for agency in (bad, good, hostile):
        regrade_agency(agency)
    record_change(ChangeKind.LISTED, subject=f"listing:{listing.id}",
                  title=f"{bad.name} 列入严重违法失信名单", agency=bad)
    db.session.flush()
    return {"bad": bad, "good": good, "hostile": hostile, "record": record, "listing": listing}


# Private data the fixtures put in: none of it may appear on a public page or file.
PRIVATE = ["13912345678", "410881197002023456", "13800138000", "410881198001011234"]


@pytest.fixture
def staff_names(clerk, reviewer, admin):
    return [clerk.display_name, reviewer.display_name, admin.display_name]
