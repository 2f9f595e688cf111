"""USCC (GB 32100-2015) validation with Chinese messages saying what is wrong."""

from __future__ import annotations

import re

import pytest
from stdnum.cn import uscc as stdnum_uscc

from credit_service.core.uscc import InvalidUSCC, is_valid_uscc, validate_uscc, with_check_character

VALID = "91110000600037341L"  # a published sample code (digits first)
LETTER_FIRST = with_check_character("Y1419001MA44ABCD1")


def test_valid_code_passes_and_is_normalised():
    assert validate_uscc(VALID) == VALID
    assert validate_uscc(" 9111 0000 6000 3734 1l ") == VALID


def test_wrong_check_character_says_which_is_expected():
    wrong = VALID[:-1] + ("M" if VALID[-1] != "M" else "N")
    with pytest.raises(InvalidUSCC, match="校验位错误：第18位应为“L”"):
        validate_uscc(wrong)


@pytest.mark.parametrize("value", [VALID[:-1], VALID + "0", "123"])
def test_wrong_length_says_how_long_it_is(value):
    with pytest.raises(InvalidUSCC, match=f"应为18位，当前为{len(value)}位"):
        validate_uscc(value)


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "*"])
def test_forbidden_character_names_position_and_character(char):
    value = VALID[:10] + char + VALID[11:]
    with pytest.raises(InvalidUSCC, match=re.escape(f"第11位“{char}”不是允许的字符")):
        validate_uscc(value)


def test_empty_code_is_rejected():
    with pytest.raises(InvalidUSCC, match="不能为空"):
        validate_uscc("  ")


def test_letter_first_code_is_valid_although_stdnum_rejects_it():
    assert LETTER_FIRST.startswith("Y1")
    assert validate_uscc(LETTER_FIRST) == LETTER_FIRST
    assert not stdnum_uscc.is_valid(LETTER_FIRST)


def test_area_code_must_be_digits():
    body = "91A19001MA44ABCD1"
    with pytest.raises(InvalidUSCC, match="第3–8位"):
        validate_uscc(with_check_character(body))


def test_is_valid_uscc():
    assert is_valid_uscc(VALID) and is_valid_uscc(LETTER_FIRST)
    assert not is_valid_uscc(VALID[:-1] + "0")
