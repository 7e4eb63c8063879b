"""The answer word put first when the statement read off the clause is the clause itself (the quote
right after would only say it again, and the asker still has to find the answer in it): 要/可以/
不可以/不承担 for a yes/no, the party for who, the one period or figure for how long / how much,
无效 for a validity question. Each is read off the statement; when it cannot be, there is no lead
(and no conclusion)."""
from __future__ import annotations

import re

from assistant.answers.conclusion.figures import AMOUNT, DURATION
from assistant.answers.conclusion.matching import point_at, tells_case, tells_whole
from assistant.answers.conclusion.sentences import CONDITION, phrase_start

# asks whether one may (可以…吗、能否、可否): a "shall" or "may" clause answers 可以, a "shall not" 不可以
_PERMISSION = re.compile(r"可以|能否|可否|能不能|可不可以|能够|能(?!力)|允许|有权")
# the clause's modal and what it answers; the first in the statement decides
_MODAL_ANSWERS = (("不得", "不能"), ("不能", "不能"), ("禁止", "不能"), ("无权", "无权"), ("不承担", "不承担"),
                  ("不负", "不承担"), ("不属于", "不属于"), ("不构成", "不构成"), ("不适用", "不适用"),
                  ("应当", "要"), ("必须", "要"), ("可以", "可以"), ("有权", "可以"),
                  ("属于", "属于"), ("构成", "构成"), ("视为", "视为"))
_BETWEEN = re.compile(r"(?:依法|及时|承担|擅自|任意|单方|直接|另行|自行|以任何形式|请求|要求|主张|将[^，,、]{1,10}|[^，,、]{1,4}、)*")
_PARTY_BEFORE_RIGHT = re.compile(r"(?:^|[，,；;])(?P<party>[^，,；;：:]{2,12}?)(?:一般)?有权")
_BEARER_PARTY = re.compile(r"由(?P<party>[^，,；;。]{2,20}?)(?:承担|负担|享有|负责|支付|偿还|清偿|管辖|担任)")


LEADS = frozenset({"yes_no", "who", "how_long", "how_much", "validity"})   # the lawyers' forms (issue #22)


def lead(form: str, question: str, statement: str, point: str = "") -> str | None:
    """The answer word for `form` (`point`: what a yes/no asks about), read off `statement`, or None."""
    if form == "yes_no":
        return _yes_no(question, point, statement)
    if form == "who":
        found = _BEARER_PARTY.search(statement) or _PARTY_BEFORE_RIGHT.search(statement)
        return found.group("party") if found else None
    if form in ("how_long", "how_much"):
        # a threshold stays whole (三次以上)
        # a threshold stays whole (三次以上); a way of reckoning (按照…确定) is no figure to put first
        figures = {m.group(0) + (re.match(r"以上|以下|以内", statement[m.end():]) or re.match("", "")).group(0)
                   for m in (DURATION if form == "how_long" else AMOUNT).finditer(statement)
                   if not m.group(0).startswith("按")}
        return figures.pop() if len(figures) == 1 else None
    if form == "validity" and statement.endswith("无效"):
        return "无效"
    return None


def _yes_no(question: str, point: str, statement: str) -> str | None:
    """The answer the modal governing the asked verb gives (保管人应当出具凭证 → 要; 不得擅自改变 →
    不可以 for 可以…吗) — only the modal in the verb's own phrase: 出借人请求履行买卖合同的，法院
    应当按照…审理 says nothing about whether one may claim it. None when the phrase starts with
    the answer already (不承担…), or when the statement has an exception (一般…；但…除外: it says
    the answer with its exception)."""
    if re.search(r"除[^，,；;]+外|[；;]但|一般", statement):
        return None          # "一般…；但…除外" says the answer and its exception already
    *conditions, rule = re.split(r"的[，,]", statement)      # the rule after its condition
    if conditions and not tells_whole(question, conditions[-1]):
        return None          # the answer holds in the clause's case, which the question does not tell
    at = point_at(point, rule)
    if at < 0:
        return None
    start = phrase_start(rule, at)
    if re.search(r"未经|除非", rule[:start]):
        return None          # 未经登记，不得对抗…: the answer holds only in that case, a bare 不可以 would overstate it
    phrase, at = rule[start:at + 4], at - start
    # the modal nearest before the verb (不承担 holds the verb itself), with only adverbs, a claiming
    # verb, the object put first (将租赁物) or a list of verbs (决定、使用、变更、) between them
    spots = [(m.start(), len(modal), answer, phrase[m.end():at]) for modal, answer in _MODAL_ANSWERS
             for m in re.finditer(modal, phrase) if m.start() < at]
    if not spots:
        return None
    _, _, answer, between = max(spots)
    if not _BETWEEN.fullmatch(between):
        return None          # 应当催告存货人作出处置: the modal governs another verb (催告)
    if _PERMISSION.search(question):
        answer = {"要": "可以", "可以": "可以", "不能": "不可以", "无权": "不可以"}.get(answer)
    elif answer == "可以":
        answer = None       # 是否必须…: "may" does not say whether one must
    if answer is None or phrase.startswith(answer):
        return None
    return answer


def without_stated_condition(question: str, statement: str) -> str | None:
    """A one-sentence statement too long for the first screen, without its condition ("…的，")
    when the question states that case (无人具有监护资格 for 没有依法具有监护资格的人的); else None."""
    match = CONDITION.match(statement)
    if match is None or re.search(r"[；;。]", match.group("condition")) or not tells_case(question, match.group("condition")):
        return None
    return match.group("rule")
