"""Public case form and tracker; staff review and decision pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from credit_service.core.enums import CaseState, RecordStatus

D = dt.date


def _form(agency, **extra):
    data = {"application_type": "objection_record", "uscc": agency.uscc,
            "applicant_name": "李四", "applicant_contact": "13900000000",
            "statement": "该处罚所认定的事实与实际情况不符，请予核实。"}
    data.update(extra)
    return data


def test_public_form_and_tracker(db, client, dummy_agency, create_record):
    from credit_service.cases.models import Case

    record = create_record(dummy_agency)
    assert client.get("/cases/new").status_code == 200
    response = client.post("/cases/new", data=_form(
        dummy_agency, record_decision_number=record.decision_number))
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    case = db.session.scalar(select(Case))
    assert case.number in page and case.record_id == record.id
    token = page.split("<code>")[1].split("</code>")[0]

    public = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "已提交" in public and str(case.deadline) in public
    assert "13900000000" not in public and "事实与实际情况不符" not in public
    wrong = client.post(f"/cases/{case.number}", data={"token": "nope"})
    assert wrong.status_code == 403
    right = client.post(f"/cases/{case.number}", data={"token": token}).get_data(as_text=True)
    assert "事实与实际情况不符" in right and "13900000000" not in right
    assert client.get("/cases/JY2026-999999").status_code == 404
    assert client.get("/cases/garbage").status_code == 404


def test_public_form_errors(db, client, dummy_agency):
    db.session.commit()
    response = client.post("/cases/new", data={"application_type": "repair_record",
                                               "uscc": dummy_agency.uscc})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写整改完成日期" in page and "信用修复须作出书面信用承诺" in page


def test_clerk_cannot_decide(as_user, clerk, dummy_agency):
    from credit_service.cases.services import submit_case

    case, _ = submit_case({"kind": "objection", "subject": "grade", "uscc": dummy_agency.uscc,
                           "applicant_name": "李四", "applicant_contact": "x",
                           "statement": "对信用等级有异议，请重新评价。"})
    response = as_user(clerk).post(f"/staff/cases/{case.number}/decision",
                                   data={"outcome": "accept", "confirmed": "1"})
    assert response.status_code == 403
    assert case.state == CaseState.SUBMITTED


def test_staff_decides_with_confirmation(db, as_user, reviewer, dummy_agency, create_record):
    from credit_service.cases.services import submit_case

    record = create_record(dummy_agency)
    case, _ = submit_case({"kind": "objection", "subject": "record", "uscc": dummy_agency.uscc,
                           "record_id": record.id, "applicant_name": "李四",
                           "applicant_contact": "x", "statement": "认定事实有误，请予核实撤销。",
                           "submitted_on": D(2026, 2, 13)})
    c = as_user(reviewer)
    assert case.number in c.get("/staff/cases").get_data(as_text=True)
    detail = c.get(f"/staff/cases/{case.number}").get_data(as_text=True)
    assert "作出决定" in detail and "李四" in detail
    form = {"outcome": "accept", "date": "2026-02-24", "reasons": "经核实认定主体有误",
            "version": str(case.version)}
    confirm = c.post(f"/staff/cases/{case.number}/decision", data=form)
    assert "请确认" in confirm.get_data(as_text=True) and case.state == CaseState.SUBMITTED
    done = c.post(f"/staff/cases/{case.number}/decision", data={**form, "confirmed": "1"})
    assert done.status_code == 303
    assert case.state == CaseState.ACCEPTED and record.status == RecordStatus.REVOKED
    again = c.post(f"/staff/cases/{case.number}/decision", data={**form, "confirmed": "1"})
    assert again.status_code == 409


def test_public_form_is_rate_limited(tmp_path):
    """A second app with Flask-Limiter on (the testing config has it off)."""
    from config import TestingConfig
    from credit_service import create_app
    from credit_service.extensions import db, limiter

    config = TestingConfig(tmp_path)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    config.RATELIMIT_ENABLED = True
    config.CASE_FORM_RATE_LIMIT = "2 per minute"
    app = create_app(config)
    try:
        client = app.test_client()
        for _ in range(2):
            assert client.post("/cases/new", data={}).status_code == 422
        assert client.post("/cases/new", data={}).status_code == 429
        assert client.get("/cases/new").status_code == 200  # only submissions count
    finally:
        limiter.reset()
        limiter.enabled = False
        with app.app_context():
            db.engine.dispose()


def test_public_form_needs_csrf_token(tmp_path):
    from config import TestingConfig
    from credit_service import create_app
    from credit_service.extensions import db

    config = TestingConfig(tmp_path)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    config.WTF_CSRF_ENABLED = True
    app = create_app(config)
    try:
        client = app.test_client()
        assert 'name="csrf_token"' in client.get("/cases/new").get_data(as_text=True)
        assert client.post("/cases/new", data={"uscc": "x"}).status_code == 400
    finally:
        with app.app_context():
            db.engine.dispose()


def _wrong_check_character(uscc: str) -> str:
    from credit_service.core.uscc import ALPHABET

    return uscc[:17] + next(c for c in ALPHABET if c != uscc[17])


def test_public_form_checks_the_uscc_before_looking_it_up(db, client, dummy_agency):
    from credit_service.core.uscc import InvalidUSCC, validate_uscc

    db.session.commit()
    wrong = _wrong_check_character(dummy_agency.uscc)
    with pytest.raises(InvalidUSCC) as expected:
        validate_uscc(wrong)
    response = client.post("/cases/new", data=_form(dummy_agency, uscc=wrong))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert str(expected.value) in page and "校验位错误" in page
    assert "未找到" not in page
    # lower case and spaces are normalised, a valid unknown code is "not found"
    from tests.fixtures.agencies import make_uscc

    unknown = client.post("/cases/new", data=_form(dummy_agency, uscc=make_uscc(999)))
    assert unknown.status_code == 422 and "未找到" in unknown.get_data(as_text=True)


def test_service_puts_the_uscc_message_on_the_field(db, dummy_agency):
    from credit_service.cases.services import submit_case
    from credit_service.core.errors import ValidationFailed

    db.session.commit()
    data = {"kind": "objection", "subject": "grade", "applicant_name": "李四",
            "applicant_contact": "x", "statement": "对信用等级有异议，请重新评价。"}
    for uscc, message in ((_wrong_check_character(dummy_agency.uscc), "校验位错误"),
                          ("9141900112345", "应为18位"), ("", "不能为空")):
        with pytest.raises(ValidationFailed) as exc:
            submit_case({**data, "uscc": uscc})
        assert list(exc.value.errors) == ["uscc"]
        assert message in exc.value.errors["uscc"][0]
    case, _ = submit_case({**data, "uscc": " " + dummy_agency.uscc.lower() + " "})
    assert case.agency_id == dummy_agency.id
