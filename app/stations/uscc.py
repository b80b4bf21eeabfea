"""The unified social credit code (统一社会信用代码) of GB 32100-2015: normalising, checking, building."""
from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# 1-9 and A-G, Y as in the brief; N is the agricultural authority's code for rural collective
# economic organisations (registered since 2018), which otherwise would be refused.
AUTHORITIES = "123456789ABCDEFGNY"
_REGION = re.compile(r"[0-9]{6}")
_WHITESPACE = re.compile(r"\s+")


def normalise_uscc(text: str) -> str:
    """Drop all whitespace (full-width too), turn full-width ASCII into half-width, upper-case."""
    half = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in str(text))
    return _WHITESPACE.sub("", half).upper()


def uscc_check_character(first17: str) -> str:
    """The 18th character for these first 17; ValueError if they are not 17 charset characters."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"not 17 characters of the USCC charset: {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None if `code` (already normalised) is a valid code, else the reason in Chinese."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前 {len(code)} 位"
    for position, c in enumerate(code, start=1):
        if c not in _VALUE:
            return f"统一社会信用代码第 {position} 位的字符“{c}”无效（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
    if code[0] not in AUTHORITIES:
        return f"统一社会信用代码第 1 位（登记管理部门代码）不能是“{code[0]}”"
    if not _REGION.fullmatch(code[2:8]):
        return f"统一社会信用代码第 3–8 位（行政区划码）应为 6 位数字，当前为“{code[2:8]}”"
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"校验码错误：第 18 位应为 {expected}"
    return None


def make_uscc(prefix17: str) -> str:
    """The full code: the 17 given characters plus their check character."""
    return prefix17 + uscc_check_character(prefix17)


def _organisation_check(body8: str) -> str:
    # GB 11714: the 9th character of the organisation code checks the first 8 (letters A=10 … Z=35).
    total = sum(int(c, 36) * w for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2)))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


_SPACE = 31**6
_STRIDE = 742_051  # coprime with 31, so n -> n * _STRIDE mod 31**6 is a bijection


def example_uscc(n: int, region: str = "320614") -> str:
    """A valid code for demo enterprise number n: distinct n give distinct codes, the same n the same code."""
    if not 0 <= n < _SPACE:
        raise ValueError(f"demo enterprise number out of range: {n}")
    if not _REGION.fullmatch(region):
        raise ValueError(f"region must be 6 digits: {region!r}")
    x = (n * _STRIDE + 104_729) % _SPACE
    serial = ""
    for _ in range(6):
        x, digit = divmod(x, 31)
        serial += CHARSET[digit]
    body = "MA" + serial  # "MA…" is how post-2015 business registrations look
    return make_uscc("91" + region + body + _organisation_check(body))
