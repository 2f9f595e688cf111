"""Staff page /staff/statistics: period, manual entries, downloads."""

from __future__ import annotations

import io


def test_anonymous_refused(client):
    assert client.get("/staff/statistics").status_code in (302, 401)
    assert client.get("/staff/statistics.xlsx").status_code in (302, 401)


def test_page_entries_and_downloads(world, login, clerk):
    client = login(clerk)
    q = "?from=2021-04-01&to=2021-06-15"
    page = client.get("/staff/statistics" + q).get_data(as_text=True)
    assert "省级 1 家，市级 2 家" in page and "系统统计" in page and "未填报" in page
    bad = client.post("/staff/statistics/entries" + q, data={"value-association_trainings": "两"})
    assert bad.status_code == 422
    resp = client.post("/staff/statistics/entries" + q, data={
        "value-association_count": "2", "note-association_count": "协会报送",
        "value-association_trainees": "120"})
    assert resp.status_code == 302
    page = client.get("/staff/statistics" + q).get_data(as_text=True)
    assert "人工填报" in page and clerk.display_name in page and "协会报送" in page
    xlsx = client.get("/staff/statistics.xlsx" + q)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws["C18"].value == "120 人次"
    pdf = client.get("/staff/statistics.pdf" + q)
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    assert client.get("/staff/statistics?from=2021-06-15&to=2021-04-01").status_code == 422


def test_default_period_is_the_next_report_due():
    import datetime as dt

    from credit_service.statistics.routes import default_period

    assert default_period(dt.date(2021, 5, 6)) == (dt.date(2021, 1, 1), dt.date(2021, 6, 15))
    assert default_period(dt.date(2021, 6, 15)) == (dt.date(2021, 1, 1), dt.date(2021, 6, 15))
    assert default_period(dt.date(2021, 6, 16)) == (dt.date(2021, 1, 1), dt.date(2021, 10, 13))
    assert default_period(dt.date(2021, 12, 31)) == (dt.date(2021, 1, 1), dt.date(2021, 10, 13))


def test_page_defaults_to_the_june_interim_table(world, login, clerk, monkeypatch):
    import datetime as dt

    from credit_service.statistics import routes

    monkeypatch.setattr(routes, "today_local", lambda: dt.date(2021, 5, 20))
    page = login(clerk).get("/staff/statistics").get_data(as_text=True)
    assert 'name="from" value="2021-01-01"' in page and 'name="to" value="2021-06-15"' in page
