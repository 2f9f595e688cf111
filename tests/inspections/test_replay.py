"""A published draw can be re-run by anyone: its inputs are stored at draw time and
published (without personal data), and a replay uses them — not today's data."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from credit_service.core.enums import Grade
from credit_service.inspections import services
from credit_service.inspections.draw import draw
from scoring.rules import DEFAULT_RULES_DIR
from tests.fixtures.agencies import make_uscc
from tests.inspections.test_draw import AGENCIES, RATIOS

SEED = "jiyuan-2021-replay"


@pytest.fixture
def graded_agencies(create_agency):
    return [create_agency(uscc=uscc, current_grade=Grade(grade), name=f"济源复核机构{i}")
            for i, (uscc, grade) in enumerate(AGENCIES)]


def _plan(inspectors, actor, **kw):
    values = dict(name="2021年第二批双随机抽查", starts_on=dt.date(2021, 5, 1),
                  ends_on=dt.date(2021, 5, 25), inspector_ids=[u.id for u in inspectors],
                  actor=actor, ratios=RATIOS)
    values.update(kw)
    return services.create_plan(**values)


@pytest.fixture
def drawn(db, graded_agencies, inspectors, reviewer, create_record):
    # inspector 0 recorded a case against a D agency → a published conflict pair
    d_agency = next(a for a in graded_agencies if a.current_grade == Grade.D)
    create_record(d_agency, entered_by_id=inspectors[0].id, decided_on=dt.date(2021, 3, 1),
                  occurred_on=dt.date(2021, 2, 1))
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer, seed=SEED)
    services.publish_plan(plan, reviewer, on=dt.date(2021, 5, 2))
    return plan, d_agency


def test_snapshot_holds_the_inputs_at_draw_time(drawn, inspectors):
    plan, d_agency = drawn
    snap = plan.draw_snapshot
    assert snap["seed"] == SEED == plan.seed
    assert snap["agencies"] == sorted([list(a) for a in AGENCIES])
    assert snap["inspectors"] == [1, 2, 3, 4, 5]
    number = services.inspector_numbers(plan)
    assert snap["conflicts"] == [[d_agency.uscc, number[inspectors[0].id]]]
    assert snap["ratios"]["B"] == "0.15" and snap["ratios"]["NEW"] == "0.15"
    assert services.draw_from_snapshot(snap) == draw(
        SEED, AGENCIES, RATIOS, [1, 2, 3, 4, 5], {d_agency.uscc: [number[inspectors[0].id]]})


def test_replay_is_consistent_after_a_regrade(db, drawn, runner):
    plan, _ = drawn
    # every drawn agency changes grade after the draw (as a regrade would do)
    for target in plan.targets:
        target.agency.current_grade = Grade.A_PLUS if target.grade != Grade.A_PLUS else Grade.D
    db.session.flush()
    report = services.replay_draw(plan)
    assert report.consistent and report.same_targets and report.same_pairings
    result = runner.invoke(args=["credit", "draw", "--plan", str(plan.id), "--replay"])
    assert result.exit_code == 0, result.output
    assert "结果与保存结果一致" in result.output and "人员配对：一致" in result.output


@pytest.mark.parametrize("tamper, targets_same", [
    (lambda s: s["agencies"].__setitem__(0, [s["agencies"][0][0], "D"]), False),
    (lambda s: s["conflicts"].clear(), None),
    (lambda s: s.__setitem__("inspectors", [1, 2, 3, 4]), None),
    (lambda s: s.__setitem__("seed", "another seed"), False),
])
def test_tampered_snapshot_is_inconsistent(db, drawn, runner, tamper, targets_same):
    plan, _ = drawn
    snap = copy.deepcopy(plan.draw_snapshot)
    tamper(snap)
    plan.draw_snapshot = snap
    db.session.flush()
    report = services.replay_draw(plan)
    assert not report.consistent
    if targets_same is not None:
        assert report.same_targets is targets_same
    result = runner.invoke(args=["credit", "draw", "--plan", str(plan.id), "--replay"])
    assert result.exit_code == 1 and "不一致" in result.output


def test_replay_compares_pairings_not_only_targets(db, drawn):
    plan, _ = drawn
    first = plan.targets[0]
    numbers = services.inspector_numbers(plan)
    others = [uid for uid in numbers if uid not in first.inspector_ids]
    first.inspector_ids = sorted([first.inspector_ids[0], others[0]])
    db.session.flush()
    report = services.replay_draw(plan)
    assert report.same_targets and not report.same_pairings and not report.consistent


def test_public_page_publishes_inputs_without_names(drawn, client, inspectors, reviewer):
    plan, d_agency = drawn
    page = client.get(f"/inspections/{plan.id}").get_data(as_text=True)
    for uscc, _grade in AGENCIES:  # every eligible agency, drawn or not
        assert uscc in page
    assert 'id="eligible-NEW"' in page and 'id="eligible-D"' in page
    assert "未评 级：2 家" in page and "D 级：4 家" in page
    assert "共 5 名：1 号、2 号、3 号、4 号、5 号" in page
    number = services.inspector_numbers(plan)[inspectors[0].id]
    assert f"<td>{d_agency.uscc}</td><td>{number} 号</td>" in page
    # the complete algorithm, including the load-first tie-break of draw.py
    for phrase in ("HMAC(“agency|” + 统一社会信用代码)",
                   "HMAC(“inspector|” + 统一社会信用代码 + “|” + 人员编号)",
                   "（该人员此前已分到的检查对象数，该值，人员编号）升序",
                   "按统一社会信用代码升序逐家处理", "十进制精确计算", "按 B 级监管"):
        assert phrase in page
    for user in inspectors + [reviewer]:
        assert user.display_name not in page
    assert f"/inspections/{plan.id}/draw.json" in page


def test_downloadable_snapshot_reruns_to_the_published_result(drawn, client, inspectors):
    plan, _ = drawn
    resp = client.get(f"/inspections/{plan.id}/draw.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    text = resp.get_data(as_text=True)
    data = json.loads(text)
    assert "inspector_user_ids" not in data
    for user in inspectors:
        assert user.display_name not in text
    # anyone can re-run it: the same draw function on the file alone
    conflicts: dict[str, list[int]] = {}
    for uscc, n in data["conflicts"]:
        conflicts.setdefault(uscc, []).append(n)
    again = draw(data["seed"], data["agencies"], data["ratios"], data["inspectors"], conflicts)
    assert [{"uscc": t.uscc, "grade": t.grade, "inspectors": list(t.inspector_ids)}
            for t in again.targets] == data["targets"]


def test_unpublished_snapshot_is_not_public(db, graded_agencies, inspectors, reviewer, client):
    plan = _plan(inspectors, reviewer)
    services.run_draw(plan, reviewer, seed=SEED)
    assert client.get(f"/inspections/{plan.id}/draw.json").status_code == 404


# ------------------------------------------------ gap 3: conflict window, NEW ratio


def test_conflict_window_counts_back_from_the_plan_start(db, create_agency, create_record,
                                                         inspectors, reviewer):
    from credit_service.records.models import Record

    target = create_agency(uscc=make_uscc(901), current_grade=Grade.D)
    record = create_record(target, entered_by_id=inspectors[0].id,
                           decided_on=dt.date(2020, 5, 10), occurred_on=dt.date(2020, 5, 1))
    db.session.query(Record).filter_by(id=record.id).update(
        {"created_at": dt.datetime(2020, 5, 10, tzinfo=dt.UTC)})
    # plan starts 2021-05-01: the 2020-05-10 record is within 365 days of the start, though
    # years before the day the draw is run
    plan = _plan(inspectors, reviewer, scope_districts=[target.district])
    services.run_draw(plan, reviewer, seed="window")
    number = services.inspector_numbers(plan)[inspectors[0].id]
    assert plan.draw_snapshot["conflict_window"]["since"] == "2020-05-01"
    assert [target.uscc, number] in plan.draw_snapshot["conflicts"]
    drawn = next(t for t in plan.targets if t.agency_id == target.id)
    assert inspectors[0].id not in drawn.inspector_ids
    # a plan starting a year later no longer sees it
    later = _plan(inspectors, reviewer, starts_on=dt.date(2021, 6, 1),
                  ends_on=dt.date(2021, 6, 30), scope_districts=[target.district])
    services.run_draw(later, reviewer, seed="window")
    assert later.draw_snapshot["conflicts"] == []


@pytest.fixture
def new_supervised_as_c(app, tmp_path, monkeypatch):
    """A rule set that supervises new agencies as C."""
    text = (DEFAULT_RULES_DIR / "2026-01-01.toml").read_text(encoding="utf-8")
    assert 'supervised_as = "B"' in text
    (tmp_path / "2026-01-01.toml").write_text(text.replace('supervised_as = "B"',
                                                           'supervised_as = "C"'),
                                              encoding="utf-8")
    monkeypatch.setitem(app.config, "RULES_DIR", str(tmp_path))
    monkeypatch.delitem(app.extensions, "credit_rulesets", raising=False)
    yield
    app.extensions.pop("credit_rulesets", None)


def test_new_agencies_take_the_rule_sets_supervised_as(new_supervised_as_c, create_agency,
                                                       inspectors, reviewer, client):
    on = dt.date(2026, 6, 1)
    assert services.new_agency_supervised_as(on) == "C"
    ratios = services.supervision_ratios(on)
    assert ratios["NEW"] == ratios["C"] == 0.40
    create_agency(current_grade=Grade.NEW, district="承留镇")
    create_agency(current_grade=Grade.NEW, district="承留镇")
    create_agency(current_grade=Grade.NEW, district="承留镇")
    # a plan whose ratios lack "NEW" (e.g. entered before NEW was listed) still follows the rule
    plan = _plan(inspectors, reviewer, starts_on=on, ends_on=dt.date(2026, 6, 30),
                 scope_districts=["承留镇"], ratios={k: v for k, v in RATIOS.items() if k != "NEW"})
    services.run_draw(plan, reviewer, seed="new")
    assert plan.draw_snapshot["new_agency_supervised_as"] == "C"
    assert plan.draw_snapshot["ratios"]["NEW"] == "0.4"
    assert len(plan.targets) == 2  # ceil(0.4 × 3), not ceil(0.15 × 3) = 1
    services.publish_plan(plan, reviewer, on=on)
    assert "按 C 级监管" in client.get(f"/inspections/{plan.id}").get_data(as_text=True)


def test_ratio_for_does_not_assume_b():
    from credit_service.inspections.draw import DrawError, ratio_for

    ratios = {"B": 0.15, "C": 0.4}
    assert str(ratio_for("NEW", ratios, "C")) == "0.4"
    with pytest.raises(DrawError):
        ratio_for("NEW", ratios)
