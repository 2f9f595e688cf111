"""Staff pages under /staff/inspections and the public 抽查结果公示 page /inspections."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from credit_service.auth.models import User
from credit_service.auth.permissions import Capability, require
from credit_service.core.catalog import get_catalog
from credit_service.core.enums import AgencyKind, InspectionOutcome, PenaltyKind
from credit_service.core.errors import Conflict, ValidationFailed
from credit_service.core.web import today_local
from credit_service.extensions import db
from credit_service.inspections import draw as draw_engine
from credit_service.inspections import services
from credit_service.inspections.models import InspectionPlan
from credit_service.inspections.web import actor, parse_date, parse_int, staff_layout

bp = Blueprint("inspections", __name__, template_folder="templates")


@bp.context_processor
def _layout():
    return {"staff_layout": staff_layout()}


# ------------------------------------------------------------------ staff: plans


@bp.get("/staff/inspections")
@require(Capability.VIEW)
def staff_index():
    plans = db.session.scalars(select(InspectionPlan).order_by(InspectionPlan.id.desc())).all()
    deadlines = services.upcoming_phase_deadlines(today_local(), within_days=60)
    return render_template("inspections/staff_index.html", plans=plans, deadlines=deadlines)


def _plan_form_context(form=None, errors=None):
    users = db.session.scalars(select(User).where(User.active.is_(True))
                               .order_by(User.department, User.id)).all()
    return {"users": users, "kinds": AgencyKind, "form": form or {}, "errors": errors or {},
            "campaigns": services.all_campaigns(), "ratios": services.supervision_ratios()}


@bp.route("/staff/inspections/new", methods=["GET", "POST"])
@require(Capability.REVIEW)
def staff_new_plan():
    if request.method == "GET":
        return render_template("inspections/plan_form.html", **_plan_form_context())
    form = request.form
    try:
        campaign_id = parse_int(form.get("campaign_id"), "campaign_id", 0)
        plan = services.create_plan(
            name=form.get("name", ""),
            starts_on=parse_date(form.get("starts_on"), "starts_on"),
            ends_on=parse_date(form.get("ends_on"), "ends_on"),
            inspector_ids=[int(i) for i in form.getlist("inspector_ids") if i.isdigit()],
            scope_kinds=form.getlist("scope_kinds"),
            scope_districts=form.get("scope_districts", "").replace("，", ",").split(","),
            campaign=services.get_campaign(campaign_id) if campaign_id else None,
            seed=form.get("seed") or None,
            actor=actor(),
        )
    except ValidationFailed as exc:
        return render_template("inspections/plan_form.html",
                               **_plan_form_context(form, exc.errors)), 422
    flash("抽查计划已创建", "success")
    return redirect(url_for("inspections.staff_plan", plan_id=plan.id))


@bp.get("/staff/inspections/<int:plan_id>")
@require(Capability.VIEW)
def staff_plan(plan_id: int):
    plan = services.get_plan(plan_id)
    inspectors = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([pi.user_id for pi in plan.inspectors])))}
    preview = services.sample_preview(plan) if plan.drawn_at is None else None
    return render_template("inspections/staff_plan.html", plan=plan, inspectors=inspectors,
                           preview=preview)


@bp.post("/staff/inspections/<int:plan_id>/draw")
@require(Capability.REVIEW)
def staff_draw(plan_id: int):
    plan = services.get_plan(plan_id)
    services.run_draw(plan, actor(), seed=request.form.get("seed") or None)
    flash(f"已完成抽取，随机种子：{plan.seed}", "success")
    return redirect(url_for("inspections.staff_plan", plan_id=plan.id))


@bp.post("/staff/inspections/<int:plan_id>/publish")
@require(Capability.REVIEW)
def staff_publish(plan_id: int):
    services.publish_plan(services.get_plan(plan_id), actor())
    flash("抽查计划及结果已公示", "success")
    return redirect(url_for("inspections.staff_plan", plan_id=plan_id))


def _findings_from_form(form) -> list[dict]:
    findings = []
    for i in range(3):
        code = form.get(f"finding-{i}-violation_code", "").strip()
        if not code:
            continue
        findings.append({
            "violation_code": code,
            "facts": form.get(f"finding-{i}-facts", ""),
            "occurred_on": parse_date(form.get(f"finding-{i}-occurred_on"), f"finding-{i}-occurred_on"),
            "decided_on": parse_date(form.get(f"finding-{i}-decided_on"), f"finding-{i}-decided_on"),
            "decision_number": form.get(f"finding-{i}-decision_number", ""),
            "authority": form.get(f"finding-{i}-authority", ""),
            "penalty_kind": form.get(f"finding-{i}-penalty_kind", ""),
            "fine_amount": form.get(f"finding-{i}-fine_amount") or "0",
        })
    return findings


@bp.route("/staff/inspections/targets/<int:target_id>/result", methods=["GET", "POST"])
@require(Capability.ENTER)
def staff_result(target_id: int):
    target = services.get_target(target_id)
    context = {"target": target, "catalog": get_catalog(), "penalties": PenaltyKind,
               "outcomes": InspectionOutcome, "form": request.form, "errors": {}}
    if request.method == "GET":
        return render_template("inspections/result_form.html", **context)
    try:
        services.record_result(
            target, request.form.get("outcome") or InspectionOutcome.PENDING.value,
            request.form.get("summary", ""), actor(),
            findings=_findings_from_form(request.form),
            inspected_on=parse_date(request.form.get("inspected_on"), "inspected_on"),
        )
    except (ValidationFailed, Conflict) as exc:
        context["errors"] = exc.errors or {"outcome": [exc.message]}
        return render_template("inspections/result_form.html", **context), 422
    flash("检查结果已录入" + ("，并已生成待审核的失信记录" if target.record_ids else ""), "success")
    return redirect(url_for("inspections.staff_plan", plan_id=target.plan_id))


# ------------------------------------------------- staff: campaigns, returns, actions


@bp.get("/staff/inspections/campaigns")
@require(Capability.VIEW)
def staff_campaigns():
    return render_template("inspections/campaigns.html", campaigns=services.all_campaigns(),
                           actions=services.enforcement_actions(),
                           kinds=services.EnforcementKind, errors={}, form={})


@bp.post("/staff/inspections/campaigns")
@require(Capability.ENTER)
def staff_create_campaign():
    if request.form.get("template") == "jiyuan2021":
        campaign = services.create_jiyuan_2021_campaign(actor())
    else:
        phases = []
        for i in range(6):
            name = request.form.get(f"phase-{i}-name", "").strip()
            if name:
                phases.append((name, parse_date(request.form.get(f"phase-{i}-starts_on"),
                                                f"phase-{i}-starts_on"),
                               parse_date(request.form.get(f"phase-{i}-ends_on"),
                                          f"phase-{i}-ends_on")))
        campaign = services.create_campaign(
            name=request.form.get("name", ""), year=parse_int(request.form.get("year"), "year"),
            phases=phases, actor=actor())
    flash("专项行动已创建", "success")
    return redirect(url_for("inspections.staff_campaign", campaign_id=campaign.id))


@bp.get("/staff/inspections/campaigns/<int:campaign_id>")
@require(Capability.VIEW)
def staff_campaign(campaign_id: int):
    campaign = services.get_campaign(campaign_id)
    return render_template("inspections/campaign.html", campaign=campaign,
                           returns=services.self_inspections(campaign), today=today_local(),
                           errors={}, form={})


@bp.post("/staff/inspections/campaigns/<int:campaign_id>/self-inspections")
@require(Capability.ENTER)
def staff_self_inspection(campaign_id: int):
    campaign = services.get_campaign(campaign_id)
    form = request.form
    try:
        services.record_self_inspection(
            campaign, services.find_agency(form.get("agency", "")),
            submitted_on=parse_date(form.get("submitted_on"), "submitted_on"),
            rebate_found=form.get("rebate_found") == "1", problems=form.get("problems", ""),
            rectified=form.get("rectified") == "1", actor=actor())
    except ValidationFailed as exc:
        return render_template("inspections/campaign.html", campaign=campaign,
                               returns=services.self_inspections(campaign), today=today_local(),
                               errors=exc.errors, form=form), 422
    flash("自查情况已记录", "success")
    return redirect(url_for("inspections.staff_campaign", campaign_id=campaign.id))


@bp.post("/staff/inspections/actions")
@require(Capability.ENTER)
def staff_enforcement_action():
    form = request.form
    try:
        services.record_enforcement_action(
            kind=form.get("kind", ""), held_on=parse_date(form.get("held_on"), "held_on"),
            description=form.get("description", ""),
            agencies_checked=parse_int(form.get("agencies_checked"), "agencies_checked"),
            cases_found=parse_int(form.get("cases_found"), "cases_found"), actor=actor())
    except ValidationFailed as exc:
        return render_template("inspections/campaigns.html", campaigns=services.all_campaigns(),
                               actions=services.enforcement_actions(),
                               kinds=services.EnforcementKind, errors=exc.errors, form=form), 422
    flash("已记录", "success")
    return redirect(url_for("inspections.staff_campaigns"))


# ------------------------------------------------------------- public: 抽查结果公示


@bp.get("/inspections")
def public_index():
    query = request.args.get("q", "")[:100]
    return render_template("inspections/public_index.html", plans=services.published_plans(),
                           query=query, found=services.published_targets_for(query))


@bp.get("/inspections/<int:plan_id>")
def public_plan(plan_id: int):
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None or plan.published_on is None:
        abort(404)
    snap = services.public_snapshot(plan)
    eligible: dict[str, list[str]] = {}
    for uscc, grade in (snap or {}).get("agencies", []):
        eligible.setdefault(grade, []).append(uscc)
    return render_template("inspections/public_plan.html", plan=plan, snap=snap,
                           eligible=eligible, pairings=services.public_pairings(plan),
                           grade_order=draw_engine.GRADE_ORDER)


@bp.get("/inspections/<int:plan_id>/draw.json")
def public_plan_json(plan_id: int):
    """The draw's inputs and stored result, to re-run the draw anywhere (no personal data)."""
    plan = db.session.get(InspectionPlan, plan_id)
    if plan is None or plan.published_on is None:
        abort(404)
    snap = services.public_snapshot(plan)
    if snap is None:
        abort(404)
    body = json.dumps(snap, ensure_ascii=False, indent=1, sort_keys=True)
    return current_app.response_class(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=inspection-draw-{plan.id}.json"})
