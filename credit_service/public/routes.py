"""Public pages (SPEC.md §6, §7): home, search, agency profile and credit report, the
red and black lists with their files, verification, and the rules page. Read only."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select

from credit_service.api.cache import profiles
from credit_service.core.enums import Grade
from credit_service.documents import services as documents
from credit_service.extensions import db
from credit_service.feed.models import ChangeEvent
from credit_service.public import services
from credit_service.public.documents import COLUMNS, LIST_TITLES
from credit_service.public.web import send_document

bp = Blueprint("public", __name__, template_folder="templates")

LIST_KIND = "any(red, black)"
FILE_FORMAT = "any(pdf, csv, json, xlsx)"


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except (TypeError, ValueError):
        return default


@bp.get("/")
def index():
    latest = db.session.scalars(
        select(ChangeEvent).order_by(ChangeEvent.occurred_at.desc(), ChangeEvent.id.desc())
        .limit(10)).all()
    return render_template("public/index.html", counts=services.home_counts(), latest=latest)


@bp.get("/agencies")
def search():
    q = request.args.get("q", "")
    grade = request.args.get("grade") or None
    if grade not in {g.value for g in Grade}:
        grade = None
    result = None
    if q.strip() or grade:
        result = services.search_agencies(q, _int_arg("page", 1), 20, grade=grade)
    return render_template("public/search.html", q=q, grade=grade, result=result)


@bp.get("/agencies/<uscc>")
def profile(uscc: str):
    """The profile page, rendered once per profile stamp and then served from the per-worker
    cache the JSON profile uses (same for every visitor; see credit_service.api.cache)."""
    code = uscc.upper()
    stamp = profiles.stamp(code)
    if stamp is None:
        abort(404)
    etag = hashlib.sha1(f"html:{stamp}".encode()).hexdigest()
    if etag in request.if_none_match:
        return current_app.response_class(status=304, headers={"ETag": f'"{etag}"'})
    body = profiles.body(
        code, stamp, etag, lambda: render_template(
            "public/profile.html", p=services.agency_profile(services.get_agency(code))).encode(),
        kind="html", keep=not session.get("_flashes"))  # a visitor's own message: not cached
    return current_app.response_class(body, mimetype="text/html", headers={"ETag": f'"{etag}"'})


@bp.get("/agencies/<uscc>/report.pdf")
def credit_report(uscc: str):
    agency = services.get_agency(uscc)
    if agency is None:
        abort(404)
    document = documents.ensure_document("credit_report.pdf", agency.uscc)
    return send_document(document, f"信用报告-{agency.uscc}.pdf")


@bp.get(f"/lists/<{LIST_KIND}:kind>")
def list_page(kind: str):
    return render_template("public/list.html", kind=kind, title=LIST_TITLES[kind],
                           columns=COLUMNS[kind], rows=services.list_rows(kind))


@bp.get(f"/lists/<{LIST_KIND}:kind>.<{FILE_FORMAT}:fmt>")
def list_file(kind: str, fmt: str):
    document = documents.ensure_document(f"{kind}_list.{fmt}", "")
    return send_document(document, f"{LIST_TITLES[kind]}.{fmt}")


@bp.route("/verify", methods=["GET", "POST"])
def verify_form():
    code = (request.values.get("code") or "").strip()
    if code:
        return redirect(url_for("public.verify", code=code))
    return render_template("public/verify.html", result=None, code="")


@bp.route("/verify/<code>", methods=["GET", "POST"])
def verify(code: str):
    upload = request.files.get("file") if request.method == "POST" else None
    content = upload.read() if upload else None
    result = documents.verify(code, content=content)
    status = 200 if result.document is not None else 404
    kinds = documents.registered_kinds()
    label = ""
    if result.document is not None:
        registration = kinds.get(result.document.kind)
        label = registration.label if registration else ""
    return render_template("public/verify.html", result=result, code=code,
                           kind_label=label), status


@bp.get("/rules")
def rules():
    from credit_service.core.catalog import get_catalog
    from credit_service.grading.services import active_ruleset, get_rulesets

    return render_template("public/rules.html", ruleset=active_ruleset(),
                           rulesets=get_rulesets(), catalog=get_catalog())


LINE_KINDS = {
    "deduction": "扣分", "bonus": "加分", "veto": "一票否决", "cap": "封顶",
    "threshold": "等级线", "quota": "比例限制", "new": "新设机构", "info": "说明",
}
RULE_PARAMS = {
    "base": "基础分", "points": "分值", "window_months": "有效期（月）", "months": "月数",
    "count": "次数", "max_months": "最长（月）", "min_score": "最低分",
    "clean_months": "无处罚月数", "a_plus_max": "A+ 比例上限", "a_and_above_max": "A 及以上比例上限",
    "supervised_as": "按等级监管", "ratios": "抽查比例", "due_month": "截止月",
    "due_day": "截止日", "exclude_penalty_kinds": "不计为处罚",
}


@bp.app_template_filter("grade_label")
def grade_label(code) -> str:
    try:
        return Grade(getattr(code, "value", code)).label
    except ValueError:
        return str(code or "")


@bp.app_template_filter("line_kind")
def line_kind(kind) -> str:
    return LINE_KINDS.get(kind, kind or "")


@bp.app_template_filter("rule_param")
def rule_param(name) -> str:
    return RULE_PARAMS.get(name, name)


@bp.app_template_filter("rule_value")
def rule_value(value) -> str:
    from credit_service.core.enums import PenaltyKind

    if isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, dict):
        return "，".join(f"{k} {rule_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        labels = []
        for item in value:
            try:
                labels.append(PenaltyKind(item).label)
            except ValueError:
                labels.append(str(item))
        return "、".join(labels)
    return str(value)
