"""Marshmallow fields and validators whose error messages are in Chinese.

The API contract (SPEC.md §7) promises ``errors: {field: [Chinese messages]}``; marshmallow's
defaults are English. Subclassing each field with Chinese ``default_error_messages`` keeps the
translation in one place instead of a per-field ``error_messages=`` everywhere. Strings refuse
control characters because PostgreSQL cannot store NUL and nothing legitimate sends them.
"""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate

from credit_service.core.uscc import InvalidUSCC, validate_uscc

BASE_MESSAGES = {
    "required": "该字段为必填项",
    "null": "该字段不能为空值（null）",
    "validator_failed": "取值无效",
}

# Documented as a JSON-Schema pattern too, so generated clients (and fuzzers) know the rule.
# Lone surrogates (JSON "\ud800") are not text either, and PostgreSQL cannot store them.
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ud800-\udfff]*$"


def _no_control_characters():
    return validate.Regexp(re.compile(NO_CONTROL_CHARACTERS), error="不能包含控制字符或无效的 Unicode 字符")


class String(fields.String):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "应为字符串",
        "invalid_utf8": "不是有效的 UTF-8 字符串",
    }

    def __init__(self, *, max_length: int | None = None, min_length: int | None = None,
                 **kwargs):
        validate_arg = kwargs.pop("validate", None) or []
        validators = [validate_arg] if callable(validate_arg) else list(validate_arg)
        validators.insert(0, _no_control_characters())
        if max_length is not None or min_length is not None:
            validators.insert(0, Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)


class Integer(fields.Integer):
    default_error_messages = {**BASE_MESSAGES, "invalid": "应为整数", "too_large": "数值过大"}

    def __init__(self, **kwargs):
        # strict: a JSON 1.5 or "1" is a client error, not silently an integer.
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)


class QueryInteger(fields.Integer):
    """Integers in the query string arrive as text; parse them, still in Chinese."""

    default_error_messages = {**BASE_MESSAGES, "invalid": "应为整数", "too_large": "数值过大"}


class Decimal(fields.Decimal):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "应为数字",
        "too_large": "数值过大",
        "special": "不允许 NaN 或无穷大",
    }


class Money(Decimal):
    """Yuan with 2 decimals, 0 … 10^12 (within NUMERIC(16, 2)). The bounds are documented as
    plain numbers; apispec would render a Range on a Decimal as strings, which is invalid."""

    def __init__(self, **kwargs):
        metadata = {"minimum": 0, "maximum": MAX_MONEY, **kwargs.pop("metadata", {})}
        super().__init__(places=2, validate=_money_range, metadata=metadata, **kwargs)


MAX_MONEY = 10**12


def _money_range(value) -> None:
    if value < 0 or value > MAX_MONEY:
        raise ValidationError(f"应在 0 到 {MAX_MONEY} 之间")


class Boolean(fields.Boolean):
    default_error_messages = {**BASE_MESSAGES, "invalid": "应为布尔值（true 或 false）"}


class Date(fields.Date):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "应为日期（YYYY-MM-DD）",
        "format": "无法格式化为日期",
    }


class DateTime(fields.DateTime):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": "应为日期时间（ISO 8601，如 2026-01-31T08:00:00+08:00）",
        "invalid_awareness": "日期时间格式无效",
        "format": "无法格式化为日期时间",
    }


class List(fields.List):
    default_error_messages = {**BASE_MESSAGES, "invalid": "应为数组"}


class Nested(fields.Nested):
    default_error_messages = {**BASE_MESSAGES, "type": "应为对象"}


class Dict(fields.Dict):
    default_error_messages = {**BASE_MESSAGES, "invalid": "应为对象"}


class Raw(fields.Raw):
    default_error_messages = BASE_MESSAGES


class Enum(fields.Enum):
    """Enum by value (the stable English codes); unknown codes listed in the message."""

    default_error_messages = {**BASE_MESSAGES, "unknown": "取值无效，可选：{choices}"}

    def __init__(self, enum, **kwargs):
        super().__init__(enum, by_value=True, **kwargs)


class USCC(fields.String):
    """统一社会信用代码 with the GB 32100-2015 check character; normalised to upper case."""

    default_error_messages = {**BASE_MESSAGES, "invalid": "应为字符串"}

    def __init__(self, **kwargs):
        metadata = {
            "description": "统一社会信用代码（18位，GB 32100-2015，含校验位）",
            "example": "91419001MA4000000C",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_uscc(text)
        except InvalidUSCC as exc:
            raise ValidationError(str(exc)) from None


class Length(validate.Length):
    def __init__(self, min=None, max=None, *, equal=None):  # noqa: A002 - marshmallow's names
        if equal is not None:
            error = f"长度应为 {equal} 个字符"
        elif min is not None and max is not None:
            error = f"长度应在 {min} 到 {max} 个字符之间"
        elif max is not None:
            error = f"长度不能超过 {max} 个字符"
        else:
            error = f"长度不能少于 {min} 个字符"
        super().__init__(min=min, max=max, equal=equal, error=error)


class Range(validate.Range):
    def __init__(self, min=None, max=None):  # noqa: A002
        if min is not None and max is not None:
            error = f"应在 {min} 到 {max} 之间"
        elif max is not None:
            error = f"不能大于 {max}"
        else:
            error = f"不能小于 {min}"
        super().__init__(min=min, max=max, error=error)


class OneOf(validate.OneOf):
    def __init__(self, choices):
        super().__init__(choices, error="取值无效，可选：{choices}")


class ChineseSchema(Schema):
    """Schema-level messages (unknown fields, a body that is not an object) in Chinese."""

    error_messages = {
        "unknown": "不允许的字段",
        "type": "请求数据应为 JSON 对象",
    }
