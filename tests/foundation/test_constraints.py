"""The database itself rejects impossible data (SPEC §3): the constraints live in the
schema built by the migration chain, not only in Python validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from credit_service.agencies.models import Agency, AnnualReport, Licence
from credit_service.core.enums import LicenceKind
from credit_service.lists.models import Listing
from credit_service.records.models import Honour, Record
from tests.fixtures.agencies import make_uscc


def rejected(db, make) -> IntegrityError:
    """Flush the object(s) ``make()`` adds inside a savepoint; return the database error."""
    with pytest.raises(IntegrityError) as info:
        with db.session.begin_nested():
            make()
            db.session.flush()
    return info.value


def rejected_sql(db, sql: str, **params) -> IntegrityError:
    with pytest.raises(IntegrityError) as info:
        with db.session.begin_nested():
            db.session.execute(sa.text(sql), params)
    return info.value


def test_duplicate_uscc_is_rejected(db, create_agency):
    agency = create_agency()
    error = rejected(db, lambda: create_agency(uscc=agency.uscc))
    assert "uscc" in str(error.orig).lower() or "unique" in str(error.orig).lower()


def test_record_for_missing_agency_is_rejected(db, create_record, dummy_agency):
    ghost = Agency(id=987654, uscc=make_uscc(987654))
    error = rejected(db, lambda: create_record(ghost))
    assert "foreign key" in str(error.orig).lower()


@pytest.mark.parametrize(
    ("column", "value"),
    [("severity", "catastrophic"), ("status", "lost"), ("penalty_kind", "flogging"),
     ("source", "rumour"), ("major_case_kind", "minor_annoyance")],
)
def test_unknown_enum_value_is_rejected_by_check_constraint(db, create_record, dummy_agency,
                                                            column, value):
    record = create_record(dummy_agency)
    # Raw SQL: the ORM's own enum validation is bypassed, the CHECK constraint is not.
    error = rejected_sql(db, f"UPDATE records SET {column} = :v WHERE id = :id",
                         v=value, id=record.id)
    assert "check" in str(error.orig).lower()


def test_agency_status_enum_is_checked(db, dummy_agency):
    rejected_sql(db, "UPDATE agencies SET status = 'vanished' WHERE id = :id", id=dummy_agency.id)


def test_negative_fine_is_rejected(db, create_record, dummy_agency):
    rejected(db, lambda: create_record(dummy_agency, fine_amount=Decimal("-1")))


def test_decision_before_violation_is_rejected(db, create_record, dummy_agency):
    rejected(db, lambda: create_record(dummy_agency, occurred_on=dt.date(2026, 3, 1),
                                       decided_on=dt.date(2026, 2, 1)))


def test_repair_before_decision_is_rejected(db, create_record, dummy_agency):
    rejected(db, lambda: create_record(dummy_agency, repaired_on=dt.date(2026, 1, 1)))


def test_duplicate_decision_number_of_one_authority_is_rejected(db, create_record, dummy_agency):
    record = create_record(dummy_agency)
    rejected(db, lambda: create_record(dummy_agency, decision_number=record.decision_number))


def test_licence_valid_until_before_issue_is_rejected(db, dummy_agency):
    def make():
        db.session.add(Licence(agency_id=dummy_agency.id, kind=LicenceKind.HR_SERVICE,
                               number="豫人服证字〔2026〕第1号", issuer="济源示范区人力资源和社会保障局",
                               issued_on=dt.date(2026, 5, 1), valid_until=dt.date(2026, 4, 30)))

    rejected(db, make)


def test_honour_valid_until_before_grant_is_rejected(db, create_honour, dummy_agency):
    rejected(db, lambda: create_honour(dummy_agency, granted_on=dt.date(2025, 6, 1),
                                       valid_until=dt.date(2025, 5, 1)))


def test_agency_needs_at_least_one_kind(db, create_agency):
    rejected(db, lambda: create_agency(is_job_agency=False, is_dispatch=False, is_other_hr=False))


def test_negative_registered_capital_is_rejected(db, create_agency):
    rejected(db, lambda: create_agency(registered_capital=Decimal("-100")))


def test_uscc_must_have_18_characters(db, create_agency):
    rejected(db, lambda: create_agency(uscc="91419001ABC"))


def test_annual_report_year_range_and_uniqueness(db, dummy_agency):
    rejected(db, lambda: db.session.add(AnnualReport(agency_id=dummy_agency.id, year=1899)))
    db.session.add(AnnualReport(agency_id=dummy_agency.id, year=2025))
    db.session.flush()
    rejected(db, lambda: db.session.add(AnnualReport(agency_id=dummy_agency.id, year=2025)))


def test_listing_expiry_before_decision_is_rejected(db, dummy_agency):
    def make():
        db.session.add(Listing(agency_id=dummy_agency.id, list_kind="black", state="decided",
                               reason="测试", proposed_on=dt.date(2026, 1, 5),
                               decided_on=dt.date(2026, 2, 1), expires_on=dt.date(2026, 1, 31)))

    rejected(db, make)


def test_valid_rows_are_accepted(db, create_record, create_honour, dummy_agency):
    """The same factories with consistent values pass, so the rejections above are
    caused by the one bad value each."""
    record = create_record(dummy_agency)
    honour = create_honour(dummy_agency)
    assert db.session.get(Record, record.id) is record
    assert db.session.get(Honour, honour.id) is honour
