"""Agency and record services: validation, versions, four eyes, signals, one audit row each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from credit_service.agencies import services as agencies
from credit_service.core import signals
from credit_service.core.enums import (
    AgencyKind,
    MajorCaseKind,
    PenaltyKind,
    RecordStatus,
    Severity,
)
from credit_service.core.errors import Conflict, PermissionDenied, StaleWrite, ValidationFailed
from credit_service.records import services as records
from tests.fixtures.agencies import make_uscc


def agency_data(**overrides):
    data = {
        "uscc": make_uscc(900001), "name": "济源市新星人力资源服务有限公司",
        "kinds": ["job_agency", "dispatch"], "legal_rep_name": "李明",
        "address": "济源市济水大街100号", "district": "济水街道",
        "registered_capital": "2,000,000", "established_on": "2016/5/8",
    }
    data.update(overrides)
    return data


def record_data(**overrides):
    data = {
        "violation_code": "false_job_info", "facts": "发布虚假招聘信息",
        "occurred_on": "2026-01-05", "decided_on": "2026年2月10日",
        "decision_number": "济人社监罚〔2026〕7号", "authority": "济源示范区人力资源和社会保障局",
        "penalty_kind": "fine", "fine_amount": "5000", "source": "inspection",
    }
    data.update(overrides)
    return data


def test_create_agency_parses_strings(db, clerk, audit_rows):
    agency = agencies.create_agency(agency_data(), clerk)
    assert agency.kinds == [AgencyKind.JOB_AGENCY, AgencyKind.DISPATCH]
    assert agency.registered_capital == Decimal("2000000.00")
    assert agency.established_on == dt.date(2016, 5, 8)
    rows = audit_rows(agency)
    assert [r.action for r in rows] == ["agency.create"]
    assert rows[0].actor_id == clerk.id


def test_create_agency_accepts_typed_values(db, clerk):
    agency = agencies.create_agency(agency_data(kinds=[AgencyKind.OTHER_HR],
                                                established_on=dt.date(2020, 1, 1),
                                                registered_capital=Decimal("10")), clerk)
    assert agency.is_other_hr and not agency.is_job_agency


def test_agency_validation_messages(db, clerk):
    with pytest.raises(ValidationFailed) as err:
        agencies.create_agency(agency_data(uscc="91419001MA12345678", name="", kinds=[],
                                           established_on="2099-13-01",
                                           registered_capital="-5"), clerk)
    errors = err.value.errors
    assert "校验位" in errors["uscc"][0] or "统一社会信用代码" in errors["uscc"][0]
    assert errors["name"] == ["请填写机构名称"]
    assert errors["kinds"] == ["请至少选择一项机构类型"]
    assert "有效日期" in errors["established_on"][0]
    assert "负数" in errors["registered_capital"][0]


def test_duplicate_uscc_is_conflict(db, clerk, dummy_agency):
    with pytest.raises(Conflict) as err:
        agencies.create_agency(agency_data(uscc=dummy_agency.uscc), clerk)
    assert "uscc" in err.value.errors


def test_rename_keeps_former_name(db, clerk, dummy_agency, audit_rows):
    old = dummy_agency.name
    agencies.update_agency(dummy_agency, {"name": "济源市更名后公司"}, clerk, dummy_agency.version)
    assert dummy_agency.name == "济源市更名后公司"
    assert [f.name for f in dummy_agency.former_names] == [old]
    assert dummy_agency.version == 2
    assert [r.action for r in audit_rows(dummy_agency)] == ["agency.update"]


def test_update_without_change_writes_nothing(db, clerk, dummy_agency, audit_rows):
    agencies.update_agency(dummy_agency, {"name": dummy_agency.name}, clerk, dummy_agency.version)
    assert audit_rows(dummy_agency) == []
    assert dummy_agency.version == 1


def test_stale_update_names_who_changed_it(db, clerk, reviewer, dummy_agency):
    agencies.update_agency(dummy_agency, {"address": "新地址1号"}, reviewer, 1)
    with pytest.raises(StaleWrite) as err:
        agencies.update_agency(dummy_agency, {"address": "另一个地址"}, clerk, 1)
    assert err.value.extra["changed_by"] == reviewer.display_name
    assert err.value.status == 409
    assert dummy_agency.address == "新地址1号"


def test_uscc_cannot_change(db, clerk, dummy_agency):
    with pytest.raises(ValidationFailed) as err:
        agencies.update_agency(dummy_agency, {"uscc": make_uscc(5)}, clerk, None)
    assert "uscc" in err.value.errors


def test_licence_and_annual_report(db, clerk, dummy_agency, audit_rows):
    licence = agencies.add_licence(dummy_agency, {
        "kind": "hr_service", "number": "豫人服证字〔2020〕001号", "issuer": "济源示范区人社局",
        "issued_on": "2020-01-01", "valid_until": "2025-12-31"}, clerk)
    assert [r.action for r in audit_rows(licence)] == ["licence.create"]
    with pytest.raises(ValidationFailed) as err:
        agencies.add_licence(dummy_agency, {
            "kind": "人力资源服务许可证", "number": licence.number, "issuer": licence.issuer,
            "issued_on": "2021-01-01", "valid_until": "2020-01-01"}, clerk)
    assert set(err.value.errors) == {"number", "valid_until"}
    agencies.update_licence(licence, {"valid_until": "2030-12-31"}, clerk)
    assert licence.valid_until == dt.date(2030, 12, 31)
    report = agencies.record_annual_report(dummy_agency, {"year": "2024", "submitted_on": "2025-03-20",
                                                          "publicised": "是"}, clerk)
    assert report.on_time and report.publicised
    late = agencies.record_annual_report(dummy_agency, {"year": 2023, "submitted_on": "2024-05-01"}, clerk)
    assert late.on_time is False
    again = agencies.record_annual_report(dummy_agency, {"year": 2024, "submitted_on": "2025-03-20",
                                                         "publicised": "否"}, clerk)
    assert again is report and report.publicised is False
    assert [r.action for r in audit_rows(report)] == ["annual_report.create", "annual_report.update"]


def test_record_defaults_from_catalog(app, db, clerk, dummy_agency):
    from credit_service.core.catalog import get_catalog

    code, vtype = next((c, v) for c, v in get_catalog().items() if v.major_case_kind)
    record = records.record_violation(dummy_agency, record_data(violation_code=code), clerk)
    assert record.status == RecordStatus.DRAFT
    assert record.severity == vtype.default_severity
    assert record.major_case_kind == vtype.major_case_kind
    assert record.entered_by_id == clerk.id
    other = records.record_violation(dummy_agency, record_data(
        violation_code=code, decision_number="X-2", severity="minor", major_case_kind="none"), clerk)
    assert other.severity == Severity.MINOR and other.major_case_kind is None


def test_record_validation_messages(db, clerk, dummy_agency):
    with pytest.raises(ValidationFailed) as err:
        records.record_violation(dummy_agency, record_data(
            violation_code="nope", occurred_on="2026-03-01", decided_on="2026-02-01",
            penalty_kind="fine", fine_amount="0", source=""), clerk)
    errors = err.value.errors
    assert "违法行为目录中没有" in errors["violation_code"][0]
    assert errors["source"] == ["请选择线索来源"]
    assert "不能早于" in errors["decided_on"][0]
    assert "罚款金额" in errors["fine_amount"][0]


def test_duplicate_decision_number(db, clerk, dummy_agency, create_agency):
    records.record_violation(dummy_agency, record_data(), clerk)
    with pytest.raises(Conflict) as err:
        records.record_violation(create_agency(), record_data(), clerk)
    assert "decision_number" in err.value.errors


def test_four_eyes_and_confirmation(db, clerk, reviewer, dummy_agency, audit_rows):
    received = []
    handler = lambda sender, **kw: received.append((sender, kw["actor"]))  # noqa: E731
    signals.record_confirmed.connect(handler)
    try:
        record = records.record_violation(dummy_agency, record_data(), reviewer)
        with pytest.raises(PermissionDenied) as err:
            records.confirm_record(record, reviewer, record.version)
        assert "四眼原则" in err.value.message
        with pytest.raises(PermissionDenied):
            records.confirm_record(record, clerk)  # a clerk may not confirm at all
        other = records.record_violation(dummy_agency, record_data(decision_number="B-1"), clerk)
        records.confirm_record(other, reviewer, other.version)
    finally:
        signals.record_confirmed.disconnect(handler)
    assert other.status == RecordStatus.CONFIRMED and other.confirmed_by_id == reviewer.id
    assert received == [(other, reviewer)]
    assert [r.action for r in audit_rows(other)] == ["record.create", "record.confirm"]
    with pytest.raises(Conflict):
        records.confirm_record(other, reviewer)


def test_update_draft_and_stale(db, clerk, reviewer, dummy_agency):
    record = records.record_violation(dummy_agency, record_data(), clerk)
    records.update_record(record, {"facts": "补充事实"}, clerk, 1)
    assert record.facts == "补充事实" and record.version == 2
    with pytest.raises(StaleWrite):
        records.update_record(record, {"facts": "旧版本上的修改"}, reviewer, 1)
    records.confirm_record(record, reviewer)
    with pytest.raises(Conflict):
        records.update_record(record, {"facts": "确认后不能改"}, clerk, record.version)


def test_revoke_overturn_correct_repair(db, clerk, reviewer, dummy_agency, audit_rows):
    revoked, repaired = [], []
    h1 = lambda sender, **kw: revoked.append(kw["overturned"])  # noqa: E731
    h2 = lambda sender, **kw: repaired.append(sender)  # noqa: E731
    signals.record_revoked.connect(h1)
    signals.record_repaired.connect(h2)
    try:
        a = records.record_violation(dummy_agency, record_data(decision_number="R-1"), clerk)
        b = records.record_violation(dummy_agency, record_data(decision_number="R-2"), clerk)
        for r in (a, b):
            records.confirm_record(r, reviewer)
        with pytest.raises(ValidationFailed) as err:
            records.revoke_record(a, reviewer, "", dt.date(2026, 3, 1))
        assert err.value.errors["reason"] == ["请填写理由"]
        records.revoke_record(a, reviewer, "复议决定撤销", dt.date(2026, 3, 1), overturned=True)
        assert a.status == RecordStatus.OVERTURNED and a.status_changed_on == dt.date(2026, 3, 1)
        with pytest.raises(Conflict):
            records.revoke_record(a, reviewer, "再次", dt.date(2026, 3, 2))
        records.mark_corrected(b, clerk, "2026-02-20", rectify_by="2026-02-28")
        assert b.corrected_on == dt.date(2026, 2, 20) and b.rectify_by == dt.date(2026, 2, 28)
        records.repair_record(b, reviewer, dt.date(2026, 4, 1))
        assert b.repaired_on == dt.date(2026, 4, 1)
    finally:
        signals.record_revoked.disconnect(h1)
        signals.record_repaired.disconnect(h2)
    assert revoked == [True] and repaired == [b]
    assert [r.action for r in audit_rows(b)] == ["record.create", "record.confirm",
                                                 "record.corrected", "record.repair"]


def test_honours(db, clerk, dummy_agency, audit_rows):
    honour = records.add_honour(dummy_agency, {
        "kind": "award", "level": "省级", "title": "河南省人力资源服务先进单位",
        "issuer": "河南省人社厅", "document_number": "豫人社〔2025〕9号", "granted_on": "2025-06-01"}, clerk)
    with pytest.raises(Conflict):
        records.add_honour(dummy_agency, {
            "kind": "award", "level": "provincial", "title": "重复", "issuer": "河南省人社厅",
            "document_number": "豫人社〔2025〕9号", "granted_on": "2025-06-01"}, clerk)
    with pytest.raises(ValidationFailed) as err:
        records.revoke_honour(honour, clerk, "2025-01-01", "弄虚作假")
    assert "不能早于授予日期" in err.value.errors["on"][0]
    records.revoke_honour(honour, clerk, "2026-01-01", "弄虚作假")
    assert honour.revoked_on == dt.date(2026, 1, 1)
    assert [r.action for r in audit_rows(honour)] == ["honour.create", "honour.revoke"]


def test_penalty_kind_label_accepted(db, clerk, dummy_agency):
    record = records.record_violation(dummy_agency, record_data(penalty_kind="警告", fine_amount="",
                                                                major_case_kind=MajorCaseKind.WAGE_ARREARS.value), clerk)
    assert record.penalty_kind == PenaltyKind.WARNING and record.fine_amount == 0
