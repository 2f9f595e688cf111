"""The dashboard's "what needs me" sections that come from the list and case procedures:
listings waiting for a step with their deadline, cases near their deadline, black-list
candidates flagged by the rules, and red-list revocation proposals — each linked."""

from __future__ import annotations

import datetime as dt

from credit_service.core.enums import Severity
from credit_service.core.signals import record_confirmed
from credit_service.staff import dashboard
from tests.lists.conftest import (  # noqa: F401
    _documents_off_the_write_path,
    as_user,
    clock,
    nominate_red,
    propose_black,
    red_agency,
    step,
    veto_record,
)

D = dt.date
TODAY = D(2026, 11, 23)


# The list fixtures are imported above, so their parameters "redefine" them (F811).
def test_list_and_case_sections(db, monkeypatch, clock, login, clerk, reviewer, dummy_agency, veto_record, propose_black, step, red_agency, nominate_red, create_agency, create_record):  # noqa: F811, E501
    from credit_service.cases.services import submit_case

    # a black-list procedure waiting for its objection window (served 2026-11-16)
    black = propose_black(dummy_agency, veto_record, on=D(2026, 11, 13))
    step(black, "notify", clerk, D(2026, 11, 16))
    # a candidate nobody has proposed yet: a confirmed child-labour (veto) record
    candidate = create_agency(name="待研判的否决机构")
    create_record(candidate, violation_code="child_labour", severity=Severity.SERIOUS,
                  occurred_on=D(2026, 9, 1), decided_on=D(2026, 10, 9))
    # a published red listing whose agency then had a violation confirmed
    red = nominate_red(red_agency)
    step(red, "publicise", clerk, D(2026, 9, 30))
    step(red, "designate", reviewer, D(2026, 10, 14), document_number="济人社信〔2026〕8号")
    step(red, "publish", reviewer, D(2026, 10, 15))
    record = create_record(red_agency, occurred_on=D(2026, 11, 1), decided_on=D(2026, 11, 20))
    record_confirmed.send(record, actor=reviewer)
    # an objection submitted a week ago: due within the warning days
    case, _token = submit_case({
        "kind": "objection", "subject": "record", "uscc": dummy_agency.uscc,
        "record_id": veto_record.id, "applicant_name": "李四", "applicant_contact": "13900000000",
        "statement": "该处罚所认定的事实与实际情况不符，请予核实。", "submitted_on": D(2026, 11, 16)})
    db.session.commit()

    clock.set(TODAY)
    monkeypatch.setattr(dashboard, "today_local", lambda: TODAY)
    board = dashboard.build(reviewer)
    assert [listing.id for listing in board.listings.items] == [black.id]
    assert [c.number for c in board.cases.items] == [case.number]
    assert [c.agency.name for c in board.candidates.items] == ["待研判的否决机构"]
    assert [(listing.id, event.on) for listing, event in board.revocations.items] == \
        [(red.id, D(2026, 11, 20))]

    page = login(reviewer).get("/staff/").get_data(as_text=True)
    assert f'href="/staff/lists/{black.id}">{dummy_agency.name}</a>' in page
    assert f"异议期截止 {black.objection_deadline.year}年" in page
    assert f'href="/staff/cases/{case.number}">{case.number}</a>' in page
    assert "待研判的否决机构" in page and "一票否决" in page
    assert f'href="/staff/lists/{red.id}">{red_agency.name}</a>' in page
