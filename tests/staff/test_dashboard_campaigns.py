"""The dashboard shows campaign phase deadlines from the inspections feature."""

import datetime as dt

from credit_service.inspections.models import Campaign, CampaignPhase


def test_dashboard_lists_campaign_phase_due_soon(app, db, client, clerk, monkeypatch):
    from credit_service.staff import dashboard

    today = dt.date(2021, 6, 1)
    monkeypatch.setattr(dashboard, "today_local", lambda: today)
    campaign = Campaign(name="劳务中介专项整治行动", year=2021)
    campaign.phases = [
        CampaignPhase(name="阶段性评估报送", starts_on=dt.date(2021, 6, 1), ends_on=dt.date(2021, 6, 15)),
        CampaignPhase(name="总结评估报送", starts_on=dt.date(2021, 10, 1), ends_on=dt.date(2021, 10, 13)),
    ]
    db.session.add(campaign)
    db.session.flush()

    board = dashboard.build(clerk)

    names = [p.phase_name for p in board.campaign_phases.items]
    assert names == ["阶段性评估报送"]  # October is beyond 60 days
    assert board.campaign_phases.items[0].days_left == 14
