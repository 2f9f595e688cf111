"""Field parsing shared by the staff forms, the imports and the API.

The services validate every ``data`` dict with a :class:`Cleaner`, so the same rules
(and the same Chinese messages) apply whether a value arrives as a form string, a CSV
cell, an XLSX cell (``datetime``, ``float``) or an already-typed API value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from credit_service.core.errors import ValidationFailed

MAX_MONEY = Decimal(10) ** 12
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"1", "true", "yes", "y", "on", "是", "有", "√", "t"}
_FALSE = {"0", "false", "no", "n", "off", "否", "无", "", "f"}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value) -> dt.date:
    """A date from ``date``/``datetime`` or text like 2026-01-05, 2026/1/5, 2026年1月5日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)  # ValueError for 2026-02-30
    raise ValueError(text)


class Cleaner:
    """Collects typed values and field-level Chinese errors for one ``data`` dict.

    With ``partial=True`` (edits) only the keys present in ``data`` are checked.
    """

    def __init__(self, data: Mapping, *, partial: bool = False):
        self.data = data
        self.partial = partial
        self.values: dict = {}
        self.errors: dict[str, list[str]] = {}

    # -- bookkeeping
    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def wanted(self, name: str) -> bool:
        return not self.partial or name in self.data

    def raw(self, name: str):
        return self.data.get(name)

    def done(self, message: str = "提交的数据未通过校验") -> dict:
        if self.errors:
            raise ValidationFailed(message, self.errors)
        return self.values

    def _missing(self, name: str, label: str, required: bool) -> bool:
        """True if the value is absent; records an error when it was required."""
        if _blank(self.raw(name)):
            if required:
                self.fail(name, f"请填写{label}")
            elif name in self.data:
                self.values[name] = None
            return True
        return False

    # -- field kinds
    def text(self, name: str, label: str, *, required: bool = False, max_length: int = 200,
             empty_as: str | None = None) -> None:
        if not self.wanted(name):
            return
        if _blank(self.raw(name)):
            if required:
                self.fail(name, f"请填写{label}")
            elif name in self.data or not self.partial:
                self.values[name] = empty_as
            return
        value = str(self.raw(name)).strip()
        if len(value) > max_length:
            self.fail(name, f"{label}最长{max_length}个字符，当前{len(value)}个")
        elif any(ord(c) < 32 and c not in "\r\n\t" for c in value):
            self.fail(name, f"{label}含有不可见的控制字符")
        else:
            self.values[name] = value

    def date(self, name: str, label: str, *, required: bool = False) -> None:
        if not self.wanted(name) or self._missing(name, label, required):
            return
        try:
            value = parse_date(self.raw(name))
        except (ValueError, TypeError):
            self.fail(name, f"{label}不是有效日期，请按“2026-01-31”的格式填写")
            return
        if not 1900 <= value.year <= 2199:
            self.fail(name, f"{label}需在1900年至2199年之间")
            return
        self.values[name] = value

    def decimal(self, name: str, label: str, *, required: bool = False, default=None,
                maximum: Decimal = MAX_MONEY) -> None:
        if not self.wanted(name):
            return
        if _blank(self.raw(name)):
            if required:
                self.fail(name, f"请填写{label}")
            elif default is not None and (name in self.data or not self.partial):
                self.values[name] = Decimal(default)
            return
        raw = self.raw(name)
        text = str(raw).strip().replace(",", "").replace("，", "")
        if isinstance(raw, float):
            text = repr(raw)
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.fail(name, f"{label}应为数字（单位：元）")
            return
        if not value.is_finite() or value < 0:
            self.fail(name, f"{label}不能为负数")
        elif value >= maximum:
            self.fail(name, f"{label}数额过大")
        elif value != value.quantize(Decimal("0.01")):
            self.fail(name, f"{label}最多保留两位小数")
        else:
            self.values[name] = value.quantize(Decimal("0.01"))

    def integer(self, name: str, label: str, *, required: bool = False, minimum: int | None = None,
                maximum: int | None = None) -> None:
        if not self.wanted(name) or self._missing(name, label, required):
            return
        raw = self.raw(name)
        try:
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            value = int(str(raw).strip())
        except ValueError:
            self.fail(name, f"{label}应为整数")
            return
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.fail(name, f"{label}应在{minimum}至{maximum}之间")
        else:
            self.values[name] = value

    def boolean(self, name: str, label: str, *, default: bool = False) -> None:
        if not self.wanted(name):
            return
        raw = self.raw(name)
        if isinstance(raw, bool):
            self.values[name] = raw
            return
        text = "" if raw is None else str(raw).strip().lower()
        if text in _TRUE:
            self.values[name] = True
        elif text == "":
            self.values[name] = default
        elif text in _FALSE:
            self.values[name] = False
        else:
            self.fail(name, f"{label}应填写“是”或“否”")

    def choice(self, name: str, label: str, enum_cls, *, required: bool = False,
               default=None) -> None:
        """An enum member from its value ("serious") or its Chinese label ("严重")."""
        if not self.wanted(name):
            return
        if _blank(self.raw(name)):
            if required and default is None:
                self.fail(name, f"请选择{label}")
            elif default is not None and not self.partial:
                self.values[name] = default
            elif name in self.data:
                self.values[name] = None
            return
        member = enum_member(enum_cls, self.raw(name))
        if member is None:
            options = "、".join(m.label for m in enum_cls)
            self.fail(name, f"{label}“{self.raw(name)}”无效，可选：{options}")
        else:
            self.values[name] = member

    def choices(self, name: str, label: str, enum_cls, *, required: bool = False) -> None:
        """Several enum members from a list or a text separated by 、,;/ or spaces."""
        if not self.wanted(name):
            return
        raw = self.raw(name)
        items: Iterable = raw if isinstance(raw, list | tuple | set) else \
            re.split(r"[、,，;；/\s]+", str(raw or "").strip())
        items = [i for i in items if not _blank(i)]
        if not items:
            if required:
                self.fail(name, f"请至少选择一项{label}")
            return
        members = []
        for item in items:
            member = enum_member(enum_cls, item)
            if member is None:
                options = "、".join(m.label for m in enum_cls)
                self.fail(name, f"{label}“{item}”无效，可选：{options}")
                return
            if member not in members:
                members.append(member)
        self.values[name] = members


def enum_member(enum_cls, value):
    if isinstance(value, enum_cls):
        return value
    text = str(value).strip()
    for member in enum_cls:
        if text in (member.value, member.label) or text.lower() == member.value:
            return member
    return None
