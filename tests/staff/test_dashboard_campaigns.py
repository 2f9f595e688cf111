"""The dashboard shows the current (or most recent) campaign's phases, each with its
status (past / current / upcoming) and deadline, from the inspections feature."""

import datetime as dt
import re

import pytest

from credit_service.inspections import services as inspections
from credit_service.inspections.models import Campaign, CampaignPhase


def _campaign(db, name, year, phases):
    campaign = Campaign(name=name, year=year)
    campaign.phases = [CampaignPhase(name=n, starts_on=s, ends_on=e) for n, s, e in phases]
    db.session.add(campaign)
    db.session.flush()
    return campaign


@pytest.fixture
def jiyuan(db, clerk):
    return inspections.create_jiyuan_2021_campaign(clerk)


def _today(monkeypatch, day):
    from credit_service.staff import dashboard

    monkeypatch.setattr(dashboard, "today_local", lambda: day)


def test_board_lists_every_phase_with_status(db, clerk, jiyuan, monkeypatch):
    from credit_service.staff import dashboard

    _today(monkeypatch, dt.date(2021, 6, 1))
    board = dashboard.build(clerk)
    assert board.campaign.name == "济源示范区劳务中介专项整治行动"
    got = [(p.name[:4], p.status, p.ends_on) for p in board.campaign_phases.items]
    assert got == [
        ("集中整治", "past", dt.date(2021, 5, 25)),
        ("开展自查", "past", dt.date(2021, 4, 30)),
        ("阶段性评", "current", dt.date(2021, 6, 15)),
        ("总结评估", "upcoming", dt.date(2021, 10, 13)),  # beyond 60 days, still shown
    ]
    assert board.campaign_phases.total == 2  # phases not yet past
    assert board.campaign_phases.items[2].days_left == 14


def test_dashboard_html_shows_phases_status_and_deadlines(login, clerk, jiyuan, monkeypatch):
    _today(monkeypatch, dt.date(2021, 6, 1))
    html = login(clerk).get("/staff/").get_data(as_text=True)
    section = html[html.index('id="s-campaigns"'):html.index('id="s-reminders"')]
    assert "济源示范区劳务中介专项整治行动" in section
    assert f'/staff/inspections/campaigns/{jiyuan.id}' in section
    rows = re.findall(r'<tr class="phase-(\w+)"><td>([^<]+)</td>.*?</tr>', section, re.S)
    assert [(status, name[:4]) for status, name in rows] == [
        ("past", "集中整治"), ("past", "开展自查"), ("current", "阶段性评"), ("upcoming", "总结评估")]
    assert "2021年6月15日" in section and "2021年10月13日" in section and "2021年4月30日" in section
    assert "已结束" in section and "进行中（剩 14 天）" in section and "未开始（122 天后开始）" in section


def test_most_recent_campaign_after_it_ended_and_next_before_any(db, clerk, monkeypatch):
    from credit_service.staff import dashboard

    _today(monkeypatch, dt.date(2021, 1, 1))
    assert dashboard.build(clerk).campaign is None
    old = _campaign(db, "2020年清理整顿", 2020, [("执法", dt.date(2020, 3, 1), dt.date(2020, 5, 1))])
    new = _campaign(db, "2021年专项整治", 2021, [("自查", dt.date(2021, 4, 11), dt.date(2021, 4, 30))])
    board = dashboard.build(clerk)  # 2021-01-01: 2020 campaign is the most recent
    assert board.campaign.campaign_id == old.id and board.campaign.finished
    assert [p.status for p in board.campaign_phases.items] == ["past"]
    _today(monkeypatch, dt.date(2021, 4, 20))
    board = dashboard.build(clerk)
    assert board.campaign.campaign_id == new.id
    assert [(p.status, p.days_left) for p in board.campaign_phases.items] == [("current", 10)]
    assert inspections.current_campaign_status(dt.date(2019, 1, 1)).campaign_id == old.id

