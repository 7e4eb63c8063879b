"""The legal tools inside the conversation: "我2025年3月1日被辞退的，现在还能申请仲裁吗" gets the
deadline, "干了三年五个月，月薪6000，公司违法辞退能赔多少" the amount — the date or number in the
first sentence, the article that sets it under it, assumptions said plainly, one missing fact asked.

Only clear cases are taken: a date-and-deadline question, or a how-much question about losing a
job with the facts to compute it or to ask for. Everything else goes on to the answer cards."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.answers.clauses import best_clause
from assistant.tools.compensation import QUESTIONS, CompensationRequest, compute_compensation
from assistant.tools.deadlines import DeadlineRequest, compute_deadline
from assistant.tools.figures import FiguresBook
from assistant.tools.periods import china_today
from knowledge.numerals import cn_to_int
from knowledge.types import Citation

_DATE = re.compile(r"(?P<y>\d{4})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*[日号]?")
_ASKS_WHEN = re.compile(r"还能|还可以|来得及|来不及|过期|过了|超过|时效|期限|截止|多久|几天|晚不晚|还行吗|有效吗")
# (words that name the proceeding, deadline kind), first match wins: the narrower proceedings first
_DEADLINE_KINDS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"工伤认定|认定工伤|报工伤|申请工伤"), "work_injury_recognition_by_worker"),
    (re.compile(r"裁定[^，。！？]{0,10}上诉|上诉[^，。！？]{0,10}裁定"), "appeal_civil_ruling"),
    (re.compile(r"上诉"), "appeal_civil_judgment"),
    (re.compile(r"(仲裁)?裁决[^，。！？]{0,12}(起诉|告)"), "sue_after_labor_award"),
    (re.compile(r"复议"), "administrative_reconsideration"),
    (re.compile(r"行政诉讼|告政府|起诉政府|告(乡|镇|县|区)政府"), "administrative_litigation"),
    (re.compile(r"仲裁|辞退|开除|解除|欠薪|工资|工钱"), "labor_arbitration"),
    (re.compile(r"起诉|告他|告她|打官司|诉讼时效|借|欠"), "civil_litigation"),
)
_ASKS_HOW_MUCH = re.compile(r"赔多少|能赔|能拿多少|拿多少|补偿多少|赔偿多少|给多少|要多少|多少钱|几个月工资|怎么算")
_DISMISSED = re.compile(r"辞退|开除|解除|裁员|炒了|炒我|不要我|让我走|叫我走|撵|辞掉")
_UNLAWFUL = re.compile(r"违法|无故|没有理由|没理由|随便|一句话")
_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)"
_WAGE = re.compile(rf"(?:月薪|工资|每月|一个月|月工资|每个月)[^\d零〇一二两三四五六七八九十百，。]{{0,4}}{_NUM}\s*(万|千|k|K)?")
_YEARS = re.compile(rf"{_NUM}\s*年(?:\s*(?:零|又)?\s*{_NUM}\s*个?月)?")
_MONTHS_ONLY = re.compile(rf"{_NUM}\s*个月")
_WORKED = re.compile(r"干了|做了|工作了|上了|待了|呆了|上班|入职")


@dataclass
class ToolAnswer:
    text: str
    citations: list = field(default_factory=list)        # the knowledge base's hits the answer quotes
    urgent: bool = False


def _number(text: str) -> float:
    return float(text) if re.fullmatch(r"\d+(?:\.\d+)?", text) else float(cn_to_int(text))


def _quoted(question: str, kb, citations) -> tuple[list[str], list]:
    """`【法律依据】` lines for the tool's articles (the clause that answers the question) and the
    knowledge base's hits for them; an article the knowledge base lacks is not quoted."""

    lines, hits = [], []
    for c in citations:
        hit = kb.get_article(c.law, c.article_id) if c.found else None
        if hit is None:
            continue
        clause = best_clause(question, hit.text or "")
        lines.append(f"{Citation.of(hit).label}规定：“{clause.text if clause else hit.text}”")
        hits.append(hit)
    return lines, hits


def deadline_answer(message: str, kb, today: dt.date | None = None) -> ToolAnswer | None:
    date = _DATE.search(message)
    if date is None or not _ASKS_WHEN.search(message):
        return None
    kind = next((k for pattern, k in _DEADLINE_KINDS if pattern.search(message)), None)
    if kind is None:
        return None
    try:
        start = dt.date(int(date["y"]), int(date["m"]), int(date["d"]))
        result = compute_deadline(DeadlineRequest(kind=kind, start_date=start), kb, today)
    except ValueError:
        return None     # an impossible date: the ordinary answer, not a wrong number
    when = f"{result.deadline.year}年{result.deadline.month}月{result.deadline.day}日"
    if result.expired:
        head = (f"【结论】按您说的{start.year}年{start.month}月{start.day}日起算，{result.title}的期限"
                f"（{result.period}）到{when}，已经过了。")
    else:
        head = (f"【结论】来得及：按您说的{start.year}年{start.month}月{start.day}日起算，{result.title}的期限"
                f"（{result.period}）到{when}，还剩 {result.days_left} 天。")
        if result.urgent:
            head += "时间很紧，请尽快递交。"
    basis, hits = _quoted(message, kb, result.citations)
    lines = [head, "【法律依据】", *basis, *(f"【注意】{note}" for note in result.notes[:3])]
    lines.append("期限从哪一天算，要看具体情况（比如什么时候知道权利被侵害）；拿不准的，拨打 12348 或回复“转人工”。")
    return ToolAnswer("\n".join(lines), hits, urgent=result.urgent)


def _service(message: str) -> tuple[int, int] | None:
    """(years, months) worked, from 干了三年五个月 / 工作了3年 / 干了八个月."""
    if not _WORKED.search(message):
        return None
    if (m := _YEARS.search(message)) is not None:
        return int(_number(m.group(1))), int(_number(m.group(2))) if m.group(2) else 0
    if (m := _MONTHS_ONLY.search(message)) is not None:
        return 0, int(_number(m.group(1)))
    return None


def _wage(message: str) -> float | None:
    if (m := _WAGE.search(message)) is None:
        return None
    unit = {"万": 10000, "千": 1000, "k": 1000, "K": 1000}.get(m.group(2) or "", 1)
    return _number(m.group(1)) * unit


def compensation_answer(message: str, kb, figures: FiguresBook | None, today: dt.date | None = None) -> ToolAnswer | None:
    if figures is None or not (_ASKS_HOW_MUCH.search(message) and _DISMISSED.search(message)):
        return None
    today = today or china_today()
    kind = "unlawful_dismissal" if _UNLAWFUL.search(message) else "severance"
    service, wage = _service(message), _wage(message)
    if service is None or wage is None:     # ask one missing fact at a time
        ask = "您在这个单位一共干了多久（几年几个月）？" if service is None else QUESTIONS["monthly_wage"]
        return ToolAnswer(f"能算出来。{ask}")
    years, months = service
    start = today - dt.timedelta(days=round(years * 365.25 + months * 30.44))
    try:
        result = compute_compensation(CompensationRequest(kind=kind, monthly_wage=wage, start_date=start,
                                                          end_date=today), figures, kb, today)
    except ValueError:
        return None
    if result.amount is None:
        ask = QUESTIONS.get(result.missing[0], "") if result.missing else ""
        return ToolAnswer(f"还差一个情况才能算：{ask}")
    name = "违法解除的赔偿金" if kind == "unlawful_dismissal" else "经济补偿"
    basis, hits = _quoted(message, kb, result.citations)
    lines = [f"【结论】按您说的干了{years}年{months}个月、月工资{Decimal(str(wage)):,.0f}元，{name}大约是 "
             f"{result.amount:,.2f} 元。", f"【怎么算的】{result.formula}", "【法律依据】", *basis]
    lines += [f"【假设】{a}" for a in result.assumptions[:3]]
    if kind == "severance":
        lines.append("如果单位解除合同没有合法理由（违法辞退），可以要求经济补偿的两倍作为赔偿金。")
    lines.append("以上按您说的情况估算；具体金额以仲裁或法院认定为准。拿不准的，拨打 12348 或回复“转人工”。")
    return ToolAnswer("\n".join(lines), hits)


def tool_answer(message: str, kb, figures: FiguresBook | None, today: dt.date | None = None) -> ToolAnswer | None:
    return deadline_answer(message, kb, today) or compensation_answer(message, kb, figures, today)
