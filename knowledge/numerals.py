"""Chinese numerals <-> int, and article labels (第十条之一).

Used in hot paths: results are cached and the code avoids regexes where it can.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "cn_to_int",
    "int_to_cn",
    "article_id",
    "article_label",
    "parse_article_label",
    "parse_article_id",
    "CN_DIGITS",
    "NUM_CHARS",
]

CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
for _i in range(10):
    CN_DIGITS[str(_i)] = _i
    CN_DIGITS[chr(0xFF10 + _i)] = _i  # full-width ０-９
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}

#: characters that may appear in a numeral (for building regexes elsewhere)
NUM_CHARS = "".join(CN_DIGITS) + "".join(_UNITS) + "".join(_BIG)

_DIG = "零一二三四五六七八九"


@lru_cache(maxsize=8192)
def cn_to_int(s: str) -> int:
    """Parse a Chinese (or arabic / full-width) numeral.

    >>> cn_to_int("一千零七十九"), cn_to_int("十五"), cn_to_int("38"), cn_to_int("二〇二〇")
    (1079, 15, 38, 2020)

    A leading 第 and a trailing 条/款/项/章/节/编 are tolerated.  Raises ValueError for
    anything else that is not a numeral.
    """
    t = s.strip()
    if t.startswith("第"):
        t = t[1:]
    if t and t[-1] in "条款项章节编":
        t = t[:-1]
    t = t.strip()
    if not t:
        raise ValueError(f"not a numeral: {s!r}")
    if t.isascii() and t.isdigit():
        return int(t)
    total = 0  # completed 亿 groups
    wan = 0  # completed 万 group
    section = 0  # completed units inside the current group
    num = 0  # pending digits
    prev_digit = False
    for ch in t:
        d = CN_DIGITS.get(ch)
        if d is not None:
            # consecutive digits without unit => positional ("一〇七九", "38")
            num = num * 10 + d if prev_digit else d
            prev_digit = True
            continue
        prev_digit = False
        u = _UNITS.get(ch)
        if u is not None:
            section += (num if num else 1) * u
            num = 0
            continue
        b = _BIG.get(ch)
        if b is not None:
            if b == 10_000:
                wan += (section + num) * b
            else:
                total = (total + wan + section + num) * b
                wan = 0
            section = num = 0
            continue
        raise ValueError(f"not a numeral: {s!r}")
    return total + wan + section + num


def _under_10000(n: int, leading: bool) -> str:
    """n in 0..9999.  leading: this is the first group (so 10..19 -> 十…)."""
    out = []
    zero = False
    started = False
    for unit_val, unit_ch in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_val % 10
        if d == 0:
            if started:
                zero = True
            continue
        if zero or (not started and not leading and unit_val < 1000):
            out.append("零")
        zero = False
        if unit_val == 10 and d == 1 and not started and leading:
            out.append("十")
        else:
            out.append(_DIG[d] + unit_ch)
        started = True
    return "".join(out)


@lru_cache(maxsize=8192)
def int_to_cn(n: int) -> str:
    """1079 -> 一千零七十九, 10 -> 十, 15 -> 十五, 110 -> 一百一十, 0 -> 零."""
    if n < 0:
        raise ValueError("negative numbers are not supported")
    if n == 0:
        return "零"
    if n >= 100_000_000:
        hi, lo = divmod(n, 100_000_000)
        return int_to_cn(hi) + "亿" + ("" if lo == 0 else _under_10000_big(lo))
    if n >= 10_000:
        hi, lo = divmod(n, 10_000)
        return _under_10000(hi, True) + "万" + ("" if lo == 0 else _under_10000(lo, False))
    return _under_10000(n, True)


def _under_10000_big(lo: int) -> str:
    # lower part of a number >= 1 亿
    if lo >= 10_000:
        hi, rest = divmod(lo, 10_000)
        s = _under_10000(hi, False) + "万"
        return s + ("" if rest == 0 else _under_10000(rest, False))
    return "零" + _under_10000(lo, True) if lo < 1000 else _under_10000(lo, False)


def article_id(number: int, suffix: int = 0) -> str:
    """(10, 1) -> "10-1"; (56, 0) -> "56"."""
    return f"{number}-{suffix}" if suffix else str(number)


def article_label(number: int, suffix: int = 0) -> str:
    """(10, 1) -> "第十条之一"; (56, 0) -> "第五十六条"."""
    s = f"第{int_to_cn(number)}条"
    return s + "之" + int_to_cn(suffix) if suffix else s


_LABEL_RE = re.compile(
    r"^\s*[第笫]\s*([" + NUM_CHARS + r"]+)\s*条(?:\s*之\s*([" + NUM_CHARS + r"]+))?"
)


@lru_cache(maxsize=8192)
def parse_article_label(label: str) -> tuple[int, int]:
    """"第十条之一" -> (10, 1); "第38条" -> (38, 0); also tolerates the 笫 typo.

    Raises ValueError if the string does not start with an article label.
    """
    m = _LABEL_RE.match(label)
    if not m:
        raise ValueError(f"not an article label: {label!r}")
    num = cn_to_int(m.group(1))
    suf = cn_to_int(m.group(2)) if m.group(2) else 0
    return num, suf


def parse_article_id(aid: str) -> tuple[int, int]:
    """"10-1" -> (10, 1); "56" -> (56, 0)."""
    a, _, b = aid.partition("-")
    return int(a), int(b) if b else 0
