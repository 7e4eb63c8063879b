"""Finding personal data that escaped masking, for the privacy scan (evals/privacy_scan.py) and
its test (tests/test_pii_scan.py). Independent of assistant/privacy.py on purpose: a leak the
masker misses must not be missed the same way here.

Two nets:
- planted values: the exact numbers a scripted conversation typed, also when stored re-formatted
  (spaces or dashes removed or moved, +86 dropped);
- generic shapes: any 身份证号 with a valid GB 11643 check digit (and 15-digit ones with a real
  date), any mobile number, any Luhn-valid 16–19 digit card number, any landline with area code."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_JOINED = re.compile(r"(?<=\d)[ \-－]+(?=\d)")
# a digit run touching a decimal point is a number (a timestamp, a duration), not an identifier
_NUM_BEFORE, _NUM_AFTER = r"(?<![\d.])", r"(?!\d|\.\d)"
_ID18 = re.compile(rf"(?<![\dA-Za-z.])(\d{{17}}[\dXx])(?![\dA-Za-z]|\.\d)")
_ID15 = re.compile(rf"{_NUM_BEFORE}(\d{{15}}){_NUM_AFTER}")
_MOBILE = re.compile(rf"{_NUM_BEFORE}(1[3-9]\d{{9}}){_NUM_AFTER}")
_CARD = re.compile(rf"{_NUM_BEFORE}(\d{{16,19}}){_NUM_AFTER}")
_LANDLINE = re.compile(rf"(?<![\d*.])(0\d{{2,3}}[-－)）]?[2-9]\d{{6,7}}){_NUM_AFTER}")
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


@dataclass(frozen=True)
class Leak:
    where: str
    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} {self.value}"


def id_check_digit(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def valid_id18(value: str) -> bool:
    return _real_date(value[6:14]) and id_check_digit(value[:17]) == value[17].upper()


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def luhn_valid(value: str) -> bool:
    return luhn_check_digit(value[:-1]) == value[-1]


def _real_date(yyyymmdd: str) -> bool:
    try:
        dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
        return 1900 <= int(yyyymmdd[:4]) <= 2100
    except ValueError:
        return False


def digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit() or ch in "Xx")


def find_leaks(text: str, where: str, planted: list[str] = ()) -> list[Leak]:
    """Every unmasked personal value in `text` (one Leak per value and place)."""
    if not text:
        return []
    joined = _JOINED.sub("", text)
    found: dict[tuple[str, str], Leak] = {}

    def add(kind: str, value: str) -> None:
        found.setdefault((kind, value), Leak(where, kind, value))

    for value in planted:
        digits = digits_only(value)
        if value in text or (len(digits) >= 7 and re.search(rf"(?<!\d){re.escape(digits)}(?!\d)", joined)):
            add("planted", value)
        elif digits.startswith("86") and len(digits) == 13 and re.search(rf"(?<!\d){digits[2:]}(?!\d)", joined):
            add("planted", value)       # +86 dropped
    for m in _ID18.finditer(joined):
        if valid_id18(m.group(1)):
            add("id18", m.group(1))
    for m in _ID15.finditer(joined):
        if _real_date("19" + m.group(1)[6:12]):
            add("id15", m.group(1))
    for m in _MOBILE.finditer(joined):
        add("mobile", m.group(1))
    for m in _CARD.finditer(joined):
        if luhn_valid(m.group(1)) and not valid_id18(m.group(1)[:18]):
            add("card", m.group(1))
    for m in _LANDLINE.finditer(text):
        add("landline", m.group(1))
    return list(found.values())
