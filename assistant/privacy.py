"""Masking of personal data (身份证号, phone numbers, bank cards, e-mails, income amounts, the
house-level part of addresses).

`mask_pii` is applied to everything that leaves the records database in readable form: logs,
staff notifications, ticket summaries. One combined regular expression scans the text once; the
alternatives are ordered so that at any position the most specific kind wins (an 18-digit number
that is a valid 身份证号 is masked as an ID, any other 16–19 digit run as a bank card).

`install_log_masking()` makes every log record in the process masked at creation (a record
factory), so no handler or logger can forget it; `PiiLogFilter` is the same as a `logging.Filter`
for handlers configured elsewhere (uvicorn's, a file handler)."""
from __future__ import annotations

import logging
import re

# digits: Python's \d also matches full-width ０-９, which people type on phones
_D = r"\d"
_SEP = r"[ \-－]?"          # one optional space or dash between digit groups
_DATE = r"(?:0[1-9]|1[0-2]|０[１-９]|１[０-２])(?:[0-3０-３]\d)"  # MMDD, coarse day check

_ID18 = rf"{_D}{{6}}{_SEP}(?:1[89]|20|１[８９]|２０){_D}{{2}}{_DATE}{_SEP}{_D}{{3}}[\dXxＸｘ]"
_ID15 = rf"{_D}{{6}}{_D}{{2}}{_DATE}{_D}{{3}}"
_BANK = rf"{_D}{{4}}(?:{_SEP}{_D}{{4}}){{3}}(?:{_SEP}{_D}{{1,3}})?"
_MOBILE = rf"(?:(?:\+|＋|00|００)?(?:86|８６){_SEP})?[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}"
_LANDLINE = rf"(?:[(（][0０]{_D}{{2,3}}[)）]|[0０]{_D}{{2,3}}){_SEP}[1-9１-９]{_D}{{6,7}}(?:[-－转]{_D}{{1,6}})?"
_LONG_DIGITS = rf"{_D}{{20,}}"
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
_INCOME = (r"(?P<income_kw>(?:月|年|每月|每年)?(?:收入|工资|薪水|薪资|月薪|年薪|工钱|退休金|养老金|低保金)"
           r"(?:是|为|有|约|大约|大概|只有|才|：|:|\s)*)"
           r"(?P<income_amt>\d+(?:[,，]\d{3})*(?:\.\d+)?)"
           # a count of months/days/people is no amount: 拖欠工资3个月 stays readable
           r"(?![\d.]|\s*(?:个|天|年|月|日|号|小时|人|次|岁|周|星期|%|％))")

# the house-level part of an address: numbers right after a street/village/estate word and ending
# in a unit (文三路478号5幢2单元301室 → 文三路*号*幢*单元*室, 李庄村5组 → 李庄村*组). The cue is
# required so that dates (每月15号) and legal numbering (第3组) stay readable; the place names stay,
# they are what routes a question to the right legal-aid centre.
_ADDR_CUE = r"[路街道巷弄村屯庄区园寓厦苑里]"   # last character of 路/大道/小区/花园/公寓/大厦… (a fixed-width look-behind)
_ADDR_UNIT = r"(?:号楼|号院|号|栋|幢|座|单元|室|楼|层|组|队|排)"
_ADDR_DETAIL = rf"(?:{_D}+(?:[-－]{_D}+)*{_ADDR_UNIT})+"
_ADDR_DIGITS = re.compile(r"\d+")

_PII = re.compile(
    rf"(?<![\dA-Za-z])(?P<id18>{_ID18})(?![\dXxＸｘ])"
    # not after a letter: ticket ids such as HT20260302-73684342 look like a 16-digit card
    rf"|(?<![\dA-Za-z])(?P<bank>{_BANK})(?!\d)"
    rf"|(?<!\d)(?P<id15>{_ID15})(?!\d)"
    rf"|(?<!\d)(?P<mobile>{_MOBILE})(?!\d)"
    rf"|(?<!\d)(?P<landline>{_LANDLINE})(?!\d)"
    rf"|(?P<long>{_LONG_DIGITS})"
    rf"|(?P<email>{_EMAIL})"
    rf"|{_INCOME}"
    rf"|(?<={_ADDR_CUE})(?P<address>{_ADDR_DETAIL})"
)
_QUICK = re.compile(r"[\d@]")  # text without a digit or '@' cannot hold anything we mask


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit() or ch in "XxＸｘ")


def _keep(value: str, head: int, tail: int) -> str:
    chars = _digits(value)
    hidden = max(len(chars) - head - tail, 1)
    return chars[:head] + "*" * hidden + (chars[-tail:] if tail else "")


def _mask_match(match: re.Match) -> str:
    kind = match.lastgroup
    value = match.group(kind)
    if kind in ("id18", "id15"):
        return _keep(value, 3, 2)
    if kind == "bank" or kind == "long":
        return _keep(value, 0, 4)
    if kind == "mobile":  # drop a +86 prefix: 138****5678
        return _keep(_digits(value)[-11:], 3, 4)
    if kind == "landline":
        return _keep(value, 0, 2)
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == "address":     # the units stay: 478号5幢 → *号*幢
        return _ADDR_DIGITS.sub("*", value)
    if kind == "income_amt":  # the keyword stays, the amount goes
        return match.group("income_kw") + "***"
    return "***"


def mask_pii(text: str | None, *, income: bool = True) -> str:
    """Return `text` with personal data masked. `income=False` keeps income amounts."""
    if not text:
        return text or ""
    if not _QUICK.search(text):
        return text
    if income:
        return _PII.sub(_mask_match, text)
    return _PII.sub(lambda m: m.group(0) if m.lastgroup == "income_amt" else _mask_match(m), text)


def mask_value(value):
    """mask_pii over str values nested in dicts/lists/tuples (log args, JSON payloads)."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_value(v) for v in value)
    return value


class PiiLogFilter(logging.Filter):
    """Masks a record's final message (msg % args) and any formatted traceback; never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_pii_masked", False):
            return True
        if record.name == "uvicorn.access" and isinstance(record.args, tuple):
            # uvicorn's AccessFormatter unpacks the args itself: mask them one by one instead
            record.args = tuple(mask_pii(a) if isinstance(a, str) else a for a in record.args)
            record._pii_masked = True
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must still be logged, masked
            message = f"{record.msg!r} {record.args!r}"
        record.msg = mask_pii(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
            record.exc_info = None  # the masked text replaces the raw traceback
        record._pii_masked = True
        return True


_installed_factory = None


def install_log_masking() -> None:
    """Mask every LogRecord created in this process from now on (idempotent)."""
    global _installed_factory
    current = logging.getLogRecordFactory()
    if current is _installed_factory:
        return
    pii_filter = PiiLogFilter()

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        pii_filter.filter(record)
        return record

    _installed_factory = factory
    logging.setLogRecordFactory(factory)
