from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import MajorCaseKind, Severity


@pytest.fixture
def major_case(create_agency, create_record):
    agency = create_agency(name="济源市欠薪劳务派遣有限公司", legal_rep_name="钱七",
                           address="河南省济源市北海路2号", contact_phone="13711112222",
                           legal_rep_id_number="410881199003034567")
    record = create_record(agency, severity=Severity.SERIOUS, occurred_on=dt.date(2026, 7, 1),
                           decided_on=dt.date(2026, 8, 15),
                           facts="克扣 20 名派遣人员工资 18 万元，经责令限期支付仍未支付",
                           major_case_kind=MajorCaseKind.WAGE_ARREARS)
    return agency, record


@pytest.fixture
def login(app, client):
    from credit_service.auth.models import User
    from credit_service.extensions import db, login_manager

    if login_manager._user_callback is None:
        login_manager.user_loader(lambda uid: db.session.get(User, int(uid)))

    def _login(user):
        from flask import g

        # Requests reuse the test's app context, so Flask-Login's cached user must go.
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return _login
