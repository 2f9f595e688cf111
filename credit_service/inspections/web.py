"""Small view helpers shared by the inspections and statistics pages."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from jinja2 import TemplateNotFound

from credit_service.core.errors import ValidationFailed


def staff_layout() -> str:
    """``staff/base.html`` once the staff workspace provides it, else the public base."""
    try:
        current_app.jinja_env.get_template("staff/base.html")
    except TemplateNotFound:
        return "base.html"
    return "staff/base.html"


def actor():
    from flask_login import current_user

    return current_user._get_current_object()


def parse_date(value: str | None, field: str, *, required: bool = True) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed("日期未填写", {field: ["请填写日期（格式 2021-04-01）"]})
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("日期格式有误", {field: ["日期格式应为 YYYY-MM-DD"]}) from None


def parse_int(value: str | None, field: str, default: int = 0) -> int:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed("数字格式有误", {field: ["须为整数"]}) from None
