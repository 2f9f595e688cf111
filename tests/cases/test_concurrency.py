"""Two applications submitted at the same moment get distinct, consecutive case numbers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.jobs.test_concurrency import _run_twice_concurrently

D = dt.date


def test_concurrent_submissions_get_distinct_numbers(committed_app):
    from credit_service.agencies.models import Agency
    from credit_service.cases.models import Case
    from credit_service.cases.services import submit_case
    from credit_service.extensions import db
    from tests.fixtures.agencies import make_uscc

    agencies = []
    for n in (1, 2):
        agency = Agency(uscc=make_uscc(880000 + n), name=f"并发申请机构{n}", legal_rep_name="赵六",
                        address="济源市", established_on=D(2015, 1, 1), is_job_agency=True)
        db.session.add(agency)
        agencies.append(agency)
    db.session.commit()
    usccs = iter([a.uscc for a in agencies])
    db.session.remove()

    def submit():
        case, _ = submit_case({"kind": "objection", "subject": "grade", "uscc": next(usccs),
                               "applicant_name": "赵六", "applicant_contact": "x",
                               "statement": "对信用等级有异议，请重新评价。",
                               "submitted_on": D(2026, 5, 6)})
        return case.number

    numbers = _run_twice_concurrently(committed_app, submit)
    assert sorted(numbers) == ["JY2026-000001", "JY2026-000002"]
    assert sorted(db.session.scalars(select(Case.number))) == sorted(numbers)
