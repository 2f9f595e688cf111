"""Sign-in, sign-out, password change, user administration and API tokens (/staff/...).

``init_app`` wires Flask-Login: the session ``user_loader``, the ``request_loader`` that
accepts ``Authorization: Bearer <token>`` (so the API sees ``current_user``), and the
login view for anonymous visitors of staff pages.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from credit_service.auth import services
from credit_service.auth.models import User
from credit_service.auth.permissions import Capability, require
from credit_service.core.enums import Department, Role
from credit_service.core.errors import DomainError, ValidationFailed
from credit_service.extensions import db, limiter, login_manager
from credit_service.staff.web import actor, form_values, paginate

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")

LOGIN_RATE_LIMIT = "10 per minute;60 per hour"


def init_app(app) -> None:
    from credit_service.staff.web import register_template_context

    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录工作人员账号"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_request)
    login_manager.unauthorized_handler(_unauthorized)
    register_template_context(app)
    app.register_blueprint(bp)


def _load_user(user_id: str):
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    # A deactivated account's session ends at once (it becomes anonymous).
    return user if user is not None and user.active else None


def _load_user_from_request(req):
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return services.user_for_token(token.strip())


def _unauthorized():
    from credit_service.core.web import error_payload, wants_json

    if wants_json() or request.headers.get("Authorization"):
        return error_payload(401, "请先登录或提供有效的 API 令牌"), 401
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _no_store(body: str):
    """Pages showing a secret once must not be kept by the browser or a proxy."""
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths under /staff are followed after sign-in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/staff") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("staff.dashboard")


# --------------------------------------------------------------------------- sign-in


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = {"username": request.form.get("username", "").strip()}
        try:
            user = services.authenticate(form["username"], request.form.get("password", ""),
                                         request.remote_addr)
        except DomainError as exc:
            errors, status = {"_": [exc.message]}, exc.status
        else:
            login_user(user)
            flash(f"欢迎，{user.display_name}", "info")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, errors=errors), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "POST":
        logout_user()
        flash("已安全退出", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html")


@bp.route("/password", methods=["GET", "POST"])
@require(Capability.VIEW)
def password():
    errors, status = {}, 200
    if request.method == "POST":
        if request.form.get("new_password") != request.form.get("confirm_password"):
            errors, status = {"confirm_password": ["两次输入的新密码不一致"]}, 422
        else:
            try:
                services.change_password(actor(), request.form.get("current_password", ""),
                                         request.form.get("new_password", ""), actor())
            except ValidationFailed as exc:
                errors, status = exc.errors, exc.status
            else:
                flash("密码已修改", "info")
                return redirect(url_for("staff.dashboard"))
    return render_template("auth/password.html", errors=errors, form={}), status


# --------------------------------------------------------------------------- users (admin)


def _user_choices():
    return {"roles": Role.choices(), "departments": Department.choices()}


@bp.get("/users")
@require(Capability.ADMIN)
def users():
    page = paginate(select(User).order_by(User.active.desc(), User.department, User.username))
    return render_template("auth/users.html", page=page, is_locked=services.is_locked)


@bp.route("/users/new", methods=["GET", "POST"])
@require(Capability.ADMIN)
def user_new():
    form, errors, status, generated = {}, {}, 200, None
    if request.method == "POST":
        form = form_values()
        data = dict(form)
        if not data.get("password"):
            data["password"] = generated = services.generate_password()
        try:
            user = services.create_user(data, actor())
        except ValidationFailed as exc:
            errors, status, generated = exc.errors, exc.status, None
        else:
            return _no_store(render_template("auth/user_created.html", user=user, password=generated))
    form.pop("password", None)
    return render_template("auth/user_form.html", form=form, errors=errors, user=None,
                           **_user_choices()), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require(Capability.ADMIN)
def user_edit(user_id: int):
    user = services.get_user(user_id)
    form = {"display_name": user.display_name, "role": user.role.value,
            "department": user.department.value}
    errors, status = {}, 200
    if request.method == "POST":
        form = form_values()
        try:
            services.update_user(user, {k: form.get(k) for k in ("display_name", "role", "department")},
                                 actor())
        except ValidationFailed as exc:
            errors, status = exc.errors, exc.status
        else:
            flash(f"已保存账号 {user.username}", "info")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, errors=errors, user=user,
                           tokens=services.tokens_of(user), **_user_choices()), status


@bp.post("/users/<int:user_id>/active")
@require(Capability.ADMIN)
def user_set_active(user_id: int):
    user = services.get_user(user_id)
    active = request.form.get("active") == "1"
    services.update_user(user, {"active": active}, actor())
    flash(f"账号 {user.username} 已{'启用' if active else '停用'}", "info")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/unlock")
@require(Capability.ADMIN)
def user_unlock(user_id: int):
    user = services.get_user(user_id)
    services.unlock_user(user, actor())
    flash(f"账号 {user.username} 已解除锁定", "info")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/reset-password")
@require(Capability.ADMIN)
def user_reset_password(user_id: int):
    user = services.get_user(user_id)
    password = services.reset_password(user, actor())
    return _no_store(render_template("auth/user_created.html", user=user, password=password,
                                     reset=True))


# --------------------------------------------------------------------------- API tokens


@bp.get("/tokens")
@require(Capability.VIEW)
def tokens():
    from credit_service.auth.permissions import can

    mine = services.tokens_of(actor())
    others = [t for t in services.tokens_of() if t.user_id != current_user.id] \
        if can(current_user, Capability.ADMIN) else []
    return render_template("auth/tokens.html", mine=mine, others=others, errors={}, form={})


@bp.post("/tokens")
@require(Capability.VIEW)
def token_issue():
    owner = actor()
    user_id = request.form.get("user_id")
    if user_id and user_id.isdigit() and int(user_id) != owner.id:
        owner = services.get_user(int(user_id))  # the service allows this to admins only
    try:
        plaintext = services.issue_token(owner, request.form.get("label", ""), actor())
    except ValidationFailed as exc:
        return render_template("auth/tokens.html", mine=services.tokens_of(actor()), others=[],
                               errors=exc.errors, form=form_values()), exc.status
    return _no_store(render_template("auth/token_issued.html", owner=owner, token=plaintext))


@bp.post("/tokens/<int:token_id>/revoke")
@require(Capability.VIEW)
def token_revoke(token_id: int):
    token = services.get_token(token_id)
    services.revoke_token(token, actor())
    flash(f"令牌 {token.prefix}… 已撤销", "info")
    return redirect(request.form.get("back") if request.form.get("back", "").startswith("/staff/")
                    else url_for("auth.tokens"))
