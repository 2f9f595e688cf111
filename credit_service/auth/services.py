"""Staff accounts, sign-in with temporary lockout, and API bearer tokens.

Every write goes through a ``@transactional`` service here and leaves exactly one audit
row. Services never read ``flask.request``: the client address reaches the audit log
through ``audit.context`` (bound per request by the web layer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from contextlib import nullcontext

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from credit_service.audit.context import acting_as, current_channel
from credit_service.audit.services import record_audit, snapshot
from credit_service.auth.models import ApiToken, User
from credit_service.core.db import as_utc, transactional, utcnow
from credit_service.core.enums import Department, Role
from credit_service.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from credit_service.extensions import db

TOKEN_PREFIX = "cs_"
# Fields of a user that may appear in the audit log (never the password hash).
USER_AUDIT_FIELDS = ["id", "username", "display_name", "role", "department", "active",
                     "failed_logins", "locked_until"]
TOKEN_AUDIT_FIELDS = ["id", "user_id", "label", "prefix", "created_at", "revoked_at"]
MIN_PASSWORD_LENGTH = 10
# A hash to compare against when the username is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class LoginFailed(PermissionDenied):
    """Sign-in refused; ``message`` is safe to show (it never says which part was wrong)."""

    status = 401


def _user_snapshot(user: User) -> dict:
    return snapshot(user, USER_AUDIT_FIELDS)


# --------------------------------------------------------------------------- validation


def password_problems(password: str, username: str = "") -> list[str]:
    """Chinese reasons a password is too weak (empty list when acceptable)."""
    problems = []
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(f"密码至少需要{MIN_PASSWORD_LENGTH}个字符")
    if password and not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        problems.append("密码须同时包含字母和数字")
    if password and username and username.lower() in password.lower():
        problems.append("密码不能包含用户名")
    return problems


def generate_password() -> str:
    """A random password that passes :func:`password_problems` (shown once)."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if not password_problems(candidate):
            return candidate


def _clean_user_fields(data: Mapping, errors: dict, *, creating: bool) -> dict:
    out: dict = {}
    if creating or "username" in data:
        username = str(data.get("username") or "").strip()
        if not username:
            errors.setdefault("username", []).append("用户名不能为空")
        elif len(username) > 64 or not all(c.isalnum() or c in "._-" for c in username):
            errors.setdefault("username", []).append("用户名只能包含字母、数字和 . _ -，最长64位")
        else:
            out["username"] = username
    if creating or "display_name" in data:
        name = str(data.get("display_name") or "").strip()
        if not name and creating:
            name = out.get("username", "")
        if not name:
            errors.setdefault("display_name", []).append("姓名不能为空")
        elif len(name) > 64:
            errors.setdefault("display_name", []).append("姓名最长64个字符")
        else:
            out["display_name"] = name
    if creating or "role" in data:
        try:
            out["role"] = Role(data.get("role"))
        except ValueError:
            errors.setdefault("role", []).append("请选择角色（录入员、审核员或管理员）")
    if creating or "department" in data:
        try:
            out["department"] = Department(data.get("department"))
        except ValueError:
            errors.setdefault("department", []).append("请选择所属科室")
    if "active" in data:
        out["active"] = bool(data.get("active"))
    return out


# --------------------------------------------------------------------------- users


@transactional
def create_user(data: Mapping, actor=None) -> User:
    """Create a staff account. ``data``: username, display_name, role, department, password.

    The password is hashed with werkzeug's default (scrypt); it is never stored or logged.
    """
    errors: dict[str, list[str]] = {}
    values = _clean_user_fields(data, errors, creating=True)
    password = str(data.get("password") or "")
    problems = password_problems(password, values.get("username", ""))
    if problems:
        errors["password"] = problems
    if "username" in values and db.session.scalar(
        select(User.id).where(func.lower(User.username) == values["username"].lower())
    ):
        errors.setdefault("username", []).append("该用户名已被使用")
    if errors:
        raise ValidationFailed("账号信息未通过校验", errors)
    values.pop("active", None)
    user = User(**values, password_hash=generate_password_hash(password), active=True)
    db.session.add(user)
    db.session.flush()
    record_audit("user.create", user, actor=actor, after=_user_snapshot(user))
    return user


@transactional
def update_user(user: User, data: Mapping, actor) -> User:
    """Change display name, role, department or active flag (admin).

    An admin cannot demote or deactivate themselves, so the bureau never loses its last way in.
    """
    errors: dict[str, list[str]] = {}
    values = _clean_user_fields(data, errors, creating=False)
    values.pop("username", None)
    if actor is not None and actor.id == user.id:
        if values.get("role", user.role) != user.role:
            errors.setdefault("role", []).append("不能修改自己的角色")
        if values.get("active", True) is False:
            errors.setdefault("active", []).append("不能停用自己的账号")
    if errors:
        raise ValidationFailed("账号信息未通过校验", errors)
    before = _user_snapshot(user)
    for key, value in values.items():
        setattr(user, key, value)
    if values.get("active") is True:
        user.failed_logins = 0
        user.locked_until = None
    db.session.flush()
    record_audit("user.update", user, actor=actor, before=before, after=_user_snapshot(user))
    return user


def deactivate_user(user: User, actor) -> User:
    """Deactivate an account: sessions and API tokens stop working at once."""
    return update_user(user, {"active": False}, actor)


@transactional
def change_password(user: User, current_password: str, new_password: str, actor=None) -> User:
    errors: dict[str, list[str]] = {}
    if not check_password_hash(user.password_hash, current_password or ""):
        errors["current_password"] = ["当前密码不正确"]
    problems = password_problems(new_password, user.username)
    if problems:
        errors["new_password"] = problems
    elif current_password and new_password == current_password:
        errors["new_password"] = ["新密码不能与当前密码相同"]
    if errors:
        raise ValidationFailed("密码未修改", errors)
    user.password_hash = generate_password_hash(new_password)
    record_audit("user.password_change", user, actor=actor or user,
                 after={"id": user.id, "username": user.username})
    return user


@transactional
def reset_password(user: User, actor) -> str:
    """Admin reset: a new random password, returned once to be handed over in person."""
    password = generate_password()
    user.password_hash = generate_password_hash(password)
    user.failed_logins = 0
    user.locked_until = None
    record_audit("user.password_reset", user, actor=actor,
                 after={"id": user.id, "username": user.username})
    return password


def users_by_id(ids) -> dict[int, User]:
    """The users with these ids (None ignored), keyed by id, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("未找到该账号")
    return user


def user_by_username(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == (username or "").strip().lower())
    )


# --------------------------------------------------------------------------- sign-in


def is_locked(user: User) -> bool:
    """Whether the account is inside a temporary lockout right now."""
    locked_until = as_utc(user.locked_until)
    return locked_until is not None and locked_until > utcnow()


@transactional
def unlock_user(user: User, actor) -> User:
    """Admin: end a temporary lockout before it expires."""
    if not is_locked(user) and not user.failed_logins:
        return user
    before = _user_snapshot(user)
    user.locked_until = None
    user.failed_logins = 0
    record_audit("user.unlock", user, actor=actor, before=before, after=_user_snapshot(user))
    return user


def lockout_settings() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("LOGIN_MAX_FAILURES", 5)), int(config.get("LOGIN_LOCKOUT_MINUTES", 15))


def authenticate(username: str, password: str, client_addr: str | None = None) -> User:
    """Check a username and password; return the user or raise :class:`LoginFailed`.

    After ``LOGIN_MAX_FAILURES`` consecutive failures the account is locked for
    ``LOGIN_LOCKOUT_MINUTES`` (even the right password is refused meanwhile). Failures
    and successes are committed and audited before the outcome is reported.
    """
    with acting_as(current_channel(), client_addr) if client_addr else nullcontext():
        user = user_by_username(username)
        if user is None:
            check_password_hash(_DUMMY_HASH, password or "")  # same cost as a real check
            raise LoginFailed("用户名或密码错误")
        error = _check_credentials(user, password or "")
    if error:
        raise LoginFailed(error)
    return user


@transactional
def _check_credentials(user: User, password: str) -> str | None:
    now = utcnow()
    max_failures, minutes = lockout_settings()
    locked_until = as_utc(user.locked_until)
    if locked_until is not None and locked_until > now:
        remaining = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        return f"登录失败次数过多，账号已临时锁定，请约{remaining}分钟后再试"
    if not check_password_hash(user.password_hash, password):
        before = _user_snapshot(user)
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + dt.timedelta(minutes=minutes)
            user.failed_logins = 0
            record_audit("user.locked", user, actor=None, before=before, after=_user_snapshot(user))
            return f"登录失败次数过多，账号已临时锁定{minutes}分钟"
        record_audit("user.login_failed", user, actor=None, before=before,
                     after=_user_snapshot(user))
        return "用户名或密码错误"
    if not user.active:
        return "该账号已停用，请联系管理员"
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record_audit("user.login", user, actor=user, after={"id": user.id, "username": user.username})
    return None


def record_logout(user: User) -> None:
    """Logging out changes no data; it is not a write and leaves no audit row."""
    return None


# --------------------------------------------------------------------------- API tokens


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


@transactional
def issue_token(user: User, label: str, actor) -> str:
    """Issue an API token for ``user``; the plaintext is returned once and never stored.

    Only the owner or an admin may issue; deactivated accounts get none.
    """
    from credit_service.auth.permissions import Capability, can

    if actor is not None and actor.id != user.id and not can(actor, Capability.ADMIN):
        raise PermissionDenied("只能为自己的账号签发令牌")
    if not user.active:
        raise Conflict("该账号已停用，不能签发令牌")
    label = (label or "").strip()
    if len(label) > 100:
        raise ValidationFailed("令牌信息未通过校验", {"label": ["用途说明最长100个字符"]})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, label=label or "API 令牌", token_hash=hash_token(plaintext),
                     prefix=plaintext[:10], created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record_audit("api_token.issue", token, actor=actor,
                 after=snapshot(token, TOKEN_AUDIT_FIELDS))
    return plaintext


@transactional
def revoke_token(token: ApiToken, actor) -> ApiToken:
    """Revoke a token (owner or admin). Revoking twice is a conflict, not a silent no-op."""
    from credit_service.auth.permissions import Capability, can

    if actor is not None and actor.id != token.user_id and not can(actor, Capability.ADMIN):
        raise PermissionDenied("只能撤销自己的令牌")
    if token.revoked_at is not None:
        raise Conflict("该令牌已撤销")
    before = snapshot(token, TOKEN_AUDIT_FIELDS)
    token.revoked_at = utcnow()
    record_audit("api_token.revoke", token, actor=actor, before=before,
                 after=snapshot(token, TOKEN_AUDIT_FIELDS))
    return token


def get_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("未找到该令牌")
    return token


# Writing last_used_at on every API call would turn each read into a write; once a minute
# is precise enough to tell whether a token is still in use.
_LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def user_for_token(plaintext: str) -> User | None:
    """The active user owning an unrevoked token, or None. Updates ``last_used_at``
    (bookkeeping only, not audited)."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    last = as_utc(token.last_used_at)
    if last is None or now - last >= _LAST_USED_GRANULARITY:
        _touch_token(token, now)
    return token.user


@transactional
def _touch_token(token: ApiToken, now: dt.datetime) -> None:
    token.last_used_at = now


def tokens_of(user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))
