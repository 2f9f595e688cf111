"""Draw plans against the database (SQLite and PostgreSQL give the same draw), results,
publication, the conflict rule, campaigns and the public page."""

from __future__ import annotations

import datetime as dt

import pytest

from credit_service.core.enums import Grade, InspectionOutcome, PenaltyKind, RecordStatus
from credit_service.core.errors import Conflict, ValidationFailed
from credit_service.inspections import services
from credit_service.inspections.draw import draw
from tests.fixtures.agencies import make_uscc
from tests.inspections.test_draw import AGENCIES, GOLDEN, RATIOS

DRAW_DAY = dt.date(2021, 5, 6)


@pytest.fixture
def graded_agencies(create_agency):
    return [create_agency(uscc=uscc, current_grade=Grade(grade), name=f"济源测试机构{i}")
            for i, (uscc, grade) in enumerate(AGENCIES)]


def _plan(inspectors, actor, **kw):
    values = dict(name="2021年第一批双随机抽查", starts_on=dt.date(2021, 5, 1),
                  ends_on=dt.date(2021, 5, 25), inspector_ids=[u.id for u in inspectors],
                  actor=actor, ratios=RATIOS)
    values.update(kw)
    return services.create_plan(**values)


def test_same_seed_same_draw_on_this_database(graded_agencies, inspectors, reviewer):
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer, seed="jiyuan-2021-demo")
    stored = sorted((t.agency.uscc, t.grade.value) for t in plan.targets)
    assert stored == [(u, g) for u, g, _ in GOLDEN]
    ids = sorted(u.id for u in inspectors)
    # the draw runs on the per-plan pseudonymous numbers 1..5 (account ids in order)
    expected = draw("jiyuan-2021-demo", AGENCIES, RATIOS, [1, 2, 3, 4, 5])
    assert sorted((t.agency.uscc, tuple(t.inspector_ids)) for t in plan.targets) == \
        [(t.uscc, tuple(ids[k - 1] for k in t.inspector_ids)) for t in expected.targets]
    assert plan.seed == "jiyuan-2021-demo"
    report = services.replay_draw(plan)
    assert report.result == expected and report.consistent


def test_sample_preview_matches_draw(graded_agencies, inspectors, reviewer):
    plan = _plan(inspectors, reviewer)
    preview = services.sample_preview(plan)
    services.run_draw(plan, reviewer, seed="any")
    assert preview == list(services.replay_draw(plan).result.samples)
    assert [(s.grade, s.eligible, s.sample_size) for s in preview] == [
        ("A+", 2, 1), ("A", 2, 1), ("B", 12, 2), ("C", 4, 2), ("D", 4, 4), ("NEW", 2, 1)]


def test_plan_seed_announced_beforehand_is_used(graded_agencies, inspectors, reviewer):
    plan = _plan(inspectors, reviewer, seed="announced")
    with pytest.raises(ValidationFailed):
        services.run_draw(plan, reviewer, seed="other")
    services.run_draw(plan, reviewer)
    assert plan.seed == "announced"


def test_draw_only_once_and_random_seed_when_none(graded_agencies, inspectors, reviewer):
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer)
    assert plan.seed and len(plan.seed) == 32
    with pytest.raises(Conflict):
        services.run_draw(plan, reviewer)


def test_scope_kinds_and_districts(create_agency, inspectors, reviewer):
    inside = create_agency(is_job_agency=False, is_dispatch=True, district="玉泉街道",
                           current_grade=Grade.D)
    create_agency(is_job_agency=True, district="玉泉街道", current_grade=Grade.D)
    create_agency(is_job_agency=False, is_dispatch=True, district="沁园街道", current_grade=Grade.D)
    plan = _plan(inspectors, reviewer, scope_kinds=["dispatch"], scope_districts=["玉泉街道"])
    assert [a.id for a in services.eligible_agencies(plan)] == [inside.id]


def test_conflict_rule(create_agency, create_record, inspectors, reviewer):
    target = create_agency(uscc=make_uscc(777), current_grade=Grade.D)
    a, b, c, d, e = inspectors
    create_record(target, entered_by_id=a.id, decided_on=dt.date(2020, 9, 1),
                  occurred_on=dt.date(2020, 8, 1))
    create_record(target, entered_by_id=b.id, status=RecordStatus.REVOKED,
                  decided_on=dt.date(2021, 1, 10), occurred_on=dt.date(2021, 1, 2))
    # created_at is "now" (2026), so both dates are checked — only records entered and
    # decided long ago are ignored
    conflicts = services.conflicts_for([target], [u.id for u in inspectors],
                                       DRAW_DAY - dt.timedelta(days=365))
    assert conflicts == {target.uscc: {a.id, b.id}}
    for seed in ("s1", "s2", "s3", "s4", "s5", "s6"):
        result = draw(seed, [(target.uscc, "D")], RATIOS, [u.id for u in inspectors], conflicts)
        assert not set(result.targets[0].inspector_ids) & {a.id, b.id}
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer, seed="s1")
    assert not set(plan.targets[0].inspector_ids) & {a.id, b.id}


def test_conflict_window_is_365_days(app, db, create_agency, create_record, inspectors):
    from credit_service.records.models import Record

    target = create_agency(current_grade=Grade.D)
    record = create_record(target, entered_by_id=inspectors[0].id,
                           decided_on=dt.date(2020, 5, 5), occurred_on=dt.date(2020, 5, 1))
    db.session.query(Record).filter_by(id=record.id).update(
        {"created_at": dt.datetime(2020, 5, 5, tzinfo=dt.UTC)})
    ids = [u.id for u in inspectors]
    assert services.conflicts_for([target], ids, dt.date(2020, 5, 5)) == {target.uscc: {ids[0]}}
    assert services.conflicts_for([target], ids, dt.date(2020, 5, 6)) == {}


def test_plan_validation(db, inspectors, reviewer):
    db.session.commit()
    with pytest.raises(ValidationFailed) as exc:
        services.create_plan(name="", starts_on=dt.date(2021, 5, 2), ends_on=dt.date(2021, 5, 1),
                             inspector_ids=[inspectors[0].id], actor=reviewer)
    assert {"name", "ends_on", "inspector_ids"} <= set(exc.value.errors)


def test_results_open_draft_records_and_publication(app, graded_agencies, inspectors, reviewer,
                                                    clerk, client):
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer, seed="jiyuan-2021-demo")
    with pytest.raises(Conflict):  # not drawn yet
        services.publish_plan(_plan(inspectors, reviewer), reviewer)
    first, second = plan.targets[0], plan.targets[1]
    with pytest.raises(ValidationFailed):
        services.record_result(first, InspectionOutcome.PROBLEMS_FOUND, "发现问题", clerk,
                               inspected_on=dt.date(2021, 5, 10))
    services.record_result(first, InspectionOutcome.NO_PROBLEM, "未发现违法违规行为", clerk,
                           inspected_on=dt.date(2021, 5, 10))
    finding = {
        "violation_code": "rebate_price_manipulation", "facts": "以“返费”方式招揽求职者",
        "occurred_on": dt.date(2021, 4, 20), "decided_on": dt.date(2021, 5, 12),
        "decision_number": "济人社监责〔2021〕8号", "authority": "济源示范区人力资源和社会保障局",
        "penalty_kind": PenaltyKind.RECTIFICATION_ORDER,
    }
    services.record_result(second, "problems_found", "发现以“返费”方式招揽求职者，已责令改正",
                           clerk, findings=[finding], inspected_on=dt.date(2021, 5, 12))
    from credit_service.extensions import db
    from credit_service.records.models import Record

    record = db.session.get(Record, second.record_ids[0])
    assert record.status == RecordStatus.DRAFT
    assert record.agency_id == second.agency_id
    assert record.source.value == "inspection"
    assert record.entered_by_id == clerk.id
    with pytest.raises(Conflict):
        services.record_result(first, "no_problem", "again", clerk)

    assert client.get(f"/inspections/{plan.id}").status_code == 404
    services.publish_plan(plan, reviewer, on=dt.date(2021, 5, 7))
    page = client.get(f"/inspections/{plan.id}").get_data(as_text=True)
    assert "jiyuan-2021-demo" in page
    assert second.agency.uscc in page and second.agency.name in page
    assert "发现以“返费”方式招揽求职者" in page
    for user in inspectors + [reviewer, clerk]:
        assert user.display_name not in page
    assert "13800138000" not in page and "410881198001011234" not in page
    assert plan.name in client.get("/inspections").get_data(as_text=True)
    found = client.get("/inspections?q=" + second.agency.uscc).get_data(as_text=True)
    assert "发现以“返费”方式招揽求职者" in found
    assert services.published_targets_for(second.agency.name[:6])
    assert services.published_targets_for("不存在的机构名称") == []


def test_cli_draw(app, runner, graded_agencies, inspectors, reviewer):
    plan = _plan(inspectors, reviewer)
    result = runner.invoke(args=["credit", "draw", "--plan", str(plan.id), "--seed",
                                 "jiyuan-2021-demo"])
    assert result.exit_code == 0, result.output
    assert "jiyuan-2021-demo" in result.output
    for uscc, _, _ in GOLDEN:
        assert uscc in result.output
    again = runner.invoke(args=["credit", "draw", "--plan", str(plan.id)])
    assert again.exit_code != 0 and "不能重新抽取" in again.output
    replay = runner.invoke(args=["credit", "draw", "--plan", str(plan.id), "--replay"])
    assert replay.exit_code == 0 and "一致" in replay.output


def test_campaign_phases_and_deadlines(clerk):
    campaign = services.create_jiyuan_2021_campaign(clerk)
    assert [p.ends_on for p in campaign.phases] == [
        dt.date(2021, 5, 25), dt.date(2021, 4, 30), dt.date(2021, 6, 15), dt.date(2021, 10, 13)]
    upcoming = services.upcoming_phase_deadlines(dt.date(2021, 5, 26))
    assert [(d.phase_name[:5], d.ends_on, d.days_left, d.in_progress) for d in upcoming] == [
        ("阶段性评估", dt.date(2021, 6, 15), 20, False),
        ("总结评估（", dt.date(2021, 10, 13), 140, False),
    ]
    soon = services.upcoming_phase_deadlines(dt.date(2021, 4, 20), within_days=30)
    assert [d.ends_on for d in soon] == [dt.date(2021, 4, 30)]
    assert soon[0].in_progress


def test_self_inspection_upsert(clerk, dummy_agency):
    campaign = services.create_jiyuan_2021_campaign(clerk)
    with pytest.raises(ValidationFailed):
        services.record_self_inspection(campaign, dummy_agency, submitted_on=dt.date(2021, 4, 20),
                                        rebate_found=True, problems="", rectified=False,
                                        actor=clerk)
    services.record_self_inspection(campaign, dummy_agency, submitted_on=dt.date(2021, 4, 20),
                                    rebate_found=False, problems="", rectified=False, actor=clerk)
    item = services.record_self_inspection(
        campaign, dummy_agency, submitted_on=dt.date(2021, 4, 22), rebate_found=True,
        problems="向求职者承诺入职返费", rectified=True, actor=clerk)
    assert [i for i, _ in services.self_inspections(campaign)] == [item]
    assert item.rebate_found and item.submitted_on == dt.date(2021, 4, 22)


def test_enforcement_action_validation(db, clerk):
    db.session.commit()  # a failing service rolls back to the last commit (savepoint here)
    with pytest.raises(ValidationFailed) as exc:
        services.record_enforcement_action(kind="nope", held_on=dt.date(2021, 5, 1),
                                           description="", actor=clerk, agencies_checked=-1)
    assert {"kind", "description", "agencies_checked"} <= set(exc.value.errors)
    action = services.record_enforcement_action(
        kind="employer_guidance", held_on=dt.date(2021, 5, 1), description="指导某代工企业规范用工",
        actor=clerk)
    assert services.enforcement_actions(dt.date(2021, 5, 1), dt.date(2021, 5, 1)) == [action]


@pytest.mark.parametrize("inspected_on, message", [
    (dt.date(2021, 5, 26), "检查日期不能晚于计划结束日期"),
    (dt.date(2021, 4, 30), "检查日期不能早于计划开始日期"),
])
def test_result_date_within_the_plan(db, graded_agencies, inspectors, reviewer, clerk,
                                     inspected_on, message):
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer, seed="dates")
    db.session.commit()  # a failing service rolls back to the last commit (savepoint here)
    target = plan.targets[0]
    with pytest.raises(ValidationFailed) as exc:
        services.record_result(target, "no_problem", "未发现问题", clerk, inspected_on=inspected_on)
    assert message in exc.value.errors["inspected_on"][0]
    assert target.outcome == InspectionOutcome.PENDING
    services.record_result(target, "no_problem", "未发现问题", clerk,
                           inspected_on=dt.date(2021, 5, 25))
    assert target.inspected_on == dt.date(2021, 5, 25)


def test_result_date_not_in_the_future(db, create_agency, inspectors, reviewer, clerk,
                                       monkeypatch, login):
    create_agency(current_grade=Grade.D, district="坡头镇")
    plan = _plan(inspectors, reviewer, scope_districts=["坡头镇"], ends_on=dt.date(2021, 12, 31))
    services.run_draw(plan, reviewer, seed="future")
    db.session.commit()
    monkeypatch.setattr(services, "_today", lambda: dt.date(2021, 6, 1))
    target = plan.targets[0]
    with pytest.raises(ValidationFailed) as exc:
        services.record_result(target, "no_problem", "未发现问题", clerk,
                               inspected_on=dt.date(2021, 6, 2))
    assert exc.value.errors["inspected_on"] == ["检查日期不能晚于今天"]
    # the staff form answers 422 with the field message
    resp = login(clerk).post(f"/staff/inspections/targets/{target.id}/result", data={
        "outcome": "no_problem", "summary": "未发现问题", "inspected_on": "2021-06-03"})
    assert resp.status_code == 422 and "检查日期不能晚于今天" in resp.get_data(as_text=True)
    resp = login(clerk).post(f"/staff/inspections/targets/{target.id}/result", data={
        "outcome": "no_problem", "summary": "未发现问题", "inspected_on": "2022-01-01"})
    assert resp.status_code == 422 and "检查日期不能晚于计划结束日期" in resp.get_data(as_text=True)


def test_jiyuan_phases_follow_the_seed_plan():
    """§四 of the seed plan: 自查 4月中下旬 (中旬 = 11th–20th), 集中整治 4月–5月25日,
    阶段性评估 by 6月15日, 总结评估 by 10月13日."""
    from pathlib import Path

    seed = Path(__file__).resolve().parents[2] / "docs" / "seed" / \
        "jiyuan-rectification-plan-2021.txt"
    text = seed.read_text(encoding="utf-8")
    for phrase in ("开展自查(4月中下旬)", "集中整治(4月-5月25日)", "于6月15日前", "于10月13日前"):
        assert phrase in text
    assert [(s, e) for _, s, e in services.JIYUAN_2021_PHASES] == [
        (dt.date(2021, 4, 11), dt.date(2021, 4, 30)),
        (dt.date(2021, 4, 1), dt.date(2021, 5, 25)),
        (dt.date(2021, 6, 1), dt.date(2021, 6, 15)),
        (dt.date(2021, 10, 1), dt.date(2021, 10, 13)),
    ]
