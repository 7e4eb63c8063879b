"""Masking of personal data (身份证号, phone numbers — also in Chinese numerals —, bank cards, e-mails,
WeChat ids, personal names a person introduces themself with, income amounts, the house-level
part of addresses).

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
# a flat without 室 and without a street word before it: 5栋302, 3号楼2单元501, 12幢-1502
_ROOM = rf"{_D}{{1,3}}(?:栋|幢|号楼|座)(?:{_D}{{1,2}}单元)?[-－]?{_D}{{3,4}}"
# digits in groups of other sizes (6-6-7 cards, 10-4-4 IDs): judged by the total in _mask_match
_GROUPED = rf"{_D}{{3,10}}(?:[ \-－]{_D}{{2,10}}){{1,5}}[\dXxＸｘ]?"
_CN_DIGIT = "零〇一二三四五六七八九幺两"
_CN_MOBILE = rf"[一幺][三四五六七八九](?:[ \-－]?[{_CN_DIGIT}]){{9}}"
_WECHAT_ID = (r"(?P<wechat_kw>(?:微信号?|[vV][xX]|[wW][xX]|[wW]eixin)\s*(?:号|ID|id)?\s*(?:是|为|：|:)?\s*)"
              r"(?P<wechat>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])")
# personal names: only where a person introduces themself. 我叫/名叫/姓名 take any 2–3 characters
# before a pause; 我是 only a common surname followed by 1–2 characters before a pause and not a
# role (我是农民工, 我是王师傅 stay)
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
             "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
             "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮")
_PAUSE = r"(?=$|[\s，。,.!！?？、；;：:（(]|今年|现在|在|住|家|是|从|我|，)"
_ROLE = r"(?!\S{0,2}(?:师傅|老师|先生|女士|阿姨|大爷|大姐|律师|医生|经理|老板|工人|民工|农民|学生|同学|司机|村民))"
_NAME_INTRO = rf"(?P<name_kw>我叫|名叫|我的名字[是叫]?|本人姓名[是为：:]?|姓名[是为：:]?\s*)(?P<name>[\u4e00-\u9fff]{{2,3}}?){_PAUSE}"
_NAME_IAM = rf"(?P<iam_kw>我是|本人是)(?P<iam>{_ROLE}[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?){_PAUSE}"

_PII = re.compile(
    rf"(?<![\dA-Za-z])(?P<id18>{_ID18})(?![\dXxＸｘ])"
    # not after a letter: ticket ids such as HT20260302-73684342 look like a 16-digit card
    rf"|(?<![\dA-Za-z])(?P<bank>{_BANK})(?!\d)"
    rf"|(?<!\d)(?P<id15>{_ID15})(?!\d)"
    rf"|(?<!\d)(?P<mobile>{_MOBILE})(?!\d)"
    rf"|(?<!\d)(?P<landline>{_LANDLINE})(?!\d)"
    rf"|(?<![\dA-Za-z])(?P<grouped>{_GROUPED})(?![\dXxＸｘ])"
    rf"|(?<!\d)(?P<room>{_ROOM})(?!\d)"
    rf"|(?P<long>{_LONG_DIGITS})"
    rf"|(?<![{_CN_DIGIT}])(?P<cn_mobile>{_CN_MOBILE})(?![{_CN_DIGIT}])"
    rf"|{_WECHAT_ID}"
    rf"|{_NAME_INTRO}"
    rf"|{_NAME_IAM}"
    rf"|(?P<email>{_EMAIL})"
    rf"|{_INCOME}"
    rf"|(?<={_ADDR_CUE})(?P<address>{_ADDR_DETAIL})"
)
# text without any of these cannot hold anything we mask (most log lines: one quick search)
_QUICK = re.compile(r"[\d@一幺]|[vVwW][xX]|微信|[wW]eixin|叫|姓名|我的名字|我是|本人是")


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
    if kind in ("address", "room"):     # the units stay: 478号5幢 → *号*幢
        return _ADDR_DIGITS.sub("*", value)
    if kind == "grouped":
        return _mask_grouped(value)
    if kind == "cn_mobile":
        return value[:3] + "****" + value[-4:] if len(value) == 11 else "***"
    if kind == "wechat":
        return match.group("wechat_kw") + value[:1] + "***"
    if kind in ("name", "iam"):       # the surname stays: 张** (who is asking, not who they are)
        return match.group(f"{kind}_kw") + value[:1] + "*" * (len(value) - 1)
    if kind == "income_amt":  # the keyword stays, the amount goes
        return match.group("income_kw") + "***"
    return "***"


def _mask_grouped(value: str) -> str:
    """Digit groups of unusual sizes: an ID (18, or 15) or a card (16–19) by the count of digits;
    anything shorter (a date, a case number) stays."""
    digits = _digits(value)
    if len(digits) in (15, 18) and (digits[:-1].isdigit()):
        return _keep(value, 3, 2)
    if 16 <= len(digits) <= 19 and digits.isdigit():
        return _keep(value, 0, 4)
    return value


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
