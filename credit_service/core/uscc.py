"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation.

python-stdnum's ``stdnum.cn.uscc`` computes the check character but requires the
first eight characters to be digits, which rejects legal codes whose
registration-authority code is a letter (e.g. ``Y`` = 其他). We validate the
structure ourselves with Chinese messages and reuse stdnum for the checksum.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z


class InvalidUSCC(ValueError):
    """The code is not a valid USCC; ``str(exc)`` is a Chinese explanation."""


def normalize(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def validate_uscc(value: str) -> str:
    """Return the normalised code or raise :class:`InvalidUSCC` saying what is wrong."""
    code = normalize(value)
    if not code:
        raise InvalidUSCC("统一社会信用代码不能为空")
    if len(code) != 18:
        raise InvalidUSCC(f"统一社会信用代码应为18位，当前为{len(code)}位")
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise InvalidUSCC(
                f"统一社会信用代码第{position}位“{char}”不是允许的字符"
                "（只能使用数字和除 I、O、S、V、Z 以外的大写字母）"
            )
    if not code[2:8].isdigit():
        raise InvalidUSCC("统一社会信用代码第3–8位（登记管理机关行政区划码）应为数字")
    expected = _stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise InvalidUSCC(f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{code[17]}”")
    return code


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except InvalidUSCC:
        return False
    return True


def with_check_character(first17: str) -> str:
    """Complete a 17-character body with its check character (demo data, tests)."""
    body = normalize(first17)
    return body + _stdnum_uscc.calc_check_digit(body)
