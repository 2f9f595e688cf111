"""Every staff page of this feature renders with real objects (the matrix uses dummy ids)."""

from __future__ import annotations

import datetime as dt

from credit_service.agencies.models import Licence
from credit_service.auth import services as auth_services
from credit_service.core.enums import LicenceKind, RecordStatus


def test_pages_render_for_admin(db, login, admin, clerk, dummy_agency, create_record, create_honour):
    licence = Licence(agency=dummy_agency, kind=LicenceKind.DISPATCH, number="L-9", issuer="局",
                      issued_on=dt.date(2021, 1, 1))
    db.session.add(licence)
    draft = create_record(dummy_agency, status=RecordStatus.DRAFT, entered_by_id=clerk.id)
    confirmed = create_record(dummy_agency)
    honour = create_honour(dummy_agency)
    auth_services.issue_token(clerk, "t", clerk)
    client = login(admin)
    u = dummy_agency.uscc
    for url in [
        "/staff/", "/staff/agencies", "/staff/agencies?grade=B&kind=dispatch&status=operating&q=x",
        "/staff/agencies?missing_report=2024", "/staff/agencies/new", f"/staff/agencies/{u}",
        f"/staff/agencies/{u}/edit", f"/staff/agencies/{u}/licences/new",
        f"/staff/agencies/{u}/licences/{licence.id}", f"/staff/agencies/{u}/annual-reports/new",
        f"/staff/agencies/{u}/records/new", f"/staff/agencies/{u}/honours/new",
        "/staff/records", "/staff/records?status=draft&q=济", f"/staff/records/{draft.id}",
        f"/staff/records/{draft.id}/edit", f"/staff/records/{confirmed.id}",
        f"/staff/records/{confirmed.id}/revoke", f"/staff/honours/{honour.id}/revoke",
        "/staff/imports", "/staff/imports/templates/records.csv", "/staff/audit",
        "/staff/audit?since=2020-01-01&until=2099-01-01&action=agency.", "/staff/users",
        "/staff/users/new", f"/staff/users/{clerk.id}", "/staff/tokens", "/staff/password",
        "/staff/logout",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype == "text/html":
            assert "<!doctype html>" in response.get_data(as_text=True)[:50], url


def test_licence_page_of_another_agency_is_404(db, login, clerk, dummy_agency, create_agency):
    other = create_agency()
    licence = Licence(agency=other, kind=LicenceKind.DISPATCH, number="L-10", issuer="局",
                      issued_on=dt.date(2021, 1, 1))
    db.session.add(licence)
    client = login(clerk)
    assert client.get(f"/staff/agencies/{dummy_agency.uscc}/licences/{licence.id}").status_code == 404


def test_rectification_and_repair_through_the_page(db, login, reviewer, dummy_agency, create_record):
    record = create_record(dummy_agency)
    client = login(reviewer)
    response = client.post(f"/staff/records/{record.id}/corrected", data={
        "rectify_by": "2026-02-20", "corrected_on": "2025-01-01", "version": record.version})
    assert response.status_code == 422
    assert "不能早于违法行为发生日期" in response.get_data(as_text=True)
    assert client.post(f"/staff/records/{record.id}/corrected", data={
        "rectify_by": "2026-02-20", "corrected_on": "2026-02-18",
        "version": record.version}).status_code == 302
    assert record.corrected_on == dt.date(2026, 2, 18)
    stale = client.post(f"/staff/records/{record.id}/repair", data={
        "repaired_on": "2026-05-01", "version": "1"})
    assert stale.status_code == 409 and reviewer.display_name in stale.get_data(as_text=True)
    assert client.post(f"/staff/records/{record.id}/repair", data={
        "repaired_on": "2026-05-01", "version": record.version}).status_code == 302
    assert record.repaired_on == dt.date(2026, 5, 1)


def test_unchecked_box_stays_unchecked_after_an_error(login, clerk, dummy_agency):
    client = login(clerk)
    response = client.post(f"/staff/agencies/{dummy_agency.uscc}/records/new", data={"facts": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'name="refused_to_comply" value="1">' in page  # not "checked"
