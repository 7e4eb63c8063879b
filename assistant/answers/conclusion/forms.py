"""The form of a question — yes/no, validity, legality, where, who, how long, how much, what to do —
and, for a yes/no, the point asked (是否承担侵权责任 → 承担侵权责任)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_YES_NO_MARK = re.compile(r"是否|能否|可否|能不能|可不可以|会不会|是不是|要不要|需不需要|应不应该?|算不算")
_MODAL_BEFORE_MA = re.compile(r"(?:可以|能够|能|应当|应该|需要|必须|会|要)(?=[^，,。；]*吗$)")
_VALIDITY = re.compile(r"(?:有效|无效|成立)吗$|是否(?:有效|无效|成立)|效力如何|效力怎么样|效力怎样|"
                       r"有没有效|有效(?:没有|不)$|算不算数|(?:算数|作数)[吗不]$")
# is the conduct lawful / a crime (合法吗、犯法不、算不算违法、会坐牢吗)
_LEGALITY = re.compile(r"(?:合法|违法|犯法|犯罪|违规|坐牢|判刑|被抓)的?[吗么嘛不没]?$|是否(?:合法|违法|构成犯罪)|"
                       r"合不合法|违不违法|犯不犯法|算不算(?:违法|犯罪)|是不是(?:违法|犯罪)|构成犯罪[吗么不]?$|"
                       r"(?:构成|是|算|属于)[^，,。；;]{0,10}罪[吗么不]?$|是否构成[^，,。；;]{0,10}罪")
WHERE = re.compile(r"去哪|到哪|哪里|哪儿|哪个部门|什么部门|找谁|向谁")
_WHO = re.compile(r"谁|哪一方|哪方|如何承担|怎么承担|怎样承担|如何负担")
# 时效 alone asks how long only when the question ends on it (…的诉讼时效？): 主债权经过诉讼时效，抵押权是否存续 is a yes/no
_HOW_LONG = re.compile(r"多久|多长时间|多长|几年|几个月|几天|多少天|多少年|有无期限|期限是|时效(?:期间)?(?:是)?$")
_HOW_MUCH = re.compile(r"多少钱|赔多少|给多少|要多少|补多少|罚多少|多少|几倍|怎么算|如何计算|怎么计算|标准是|什么标准")
# what to do about a situation the question tells (怎么办、咋整、如何处理)
WHAT_TO_DO = re.compile(r"怎么办|咋办|咋整|咋弄|咋个办|咋搞|怎么处理|如何处理|怎样处理|怎么解决|如何解决|该怎么做|怎么弄")
# the plain-spoken yes/no: 能要回来不、能告他不 (a modal, then 不 ending the question)
_MODAL_BEFORE_BU = re.compile(r"(?:可以|能够|能|会|要|算)(?=[^，,。；不]{1,12}不$)")
# a lawyer's yes/no without a modal (构成违约吗、属于破产财产吗、承担违约责任吗): the verb starts the point
_VERB_BEFORE_MA = re.compile(r"(?:构成|属于|承担|视为|存在|具有|负有|享有|适用|影响|受到?)(?=[^，,。；]*吗$)")
# the asking words ending the text before a yes/no's point (保管人|可以; 报道人|是否): what is asked about stands before them
ASKING_TAIL = re.compile(rf"(?:{_YES_NO_MARK.pattern}|还|也|仍然?|就|都|一定|应当|应该|需要|必须|可以|能够|有权|能|会|要)+$")
_LEADING_MODALS = re.compile(r"^(?:还|也|仍然?|就|都|一定)?(?:应当|应该|需要|必须|可以|能够|有权|能|会(?![计议])|要(?!求))?(?:继续|再|去)?")
# the lawyers' open questions (issue #22), read by conclusion/points.py
_REMEDY = re.compile(r"(?:如何|怎么|怎样|该如何|怎么样)(?:获得|寻求)?(?:救济|维权)")
_CONDITION = re.compile(r"(?:什么|哪些|那些|何种|哪种)(?:样的)?(?:情况|情形)(?:下|时)|什么条件下")
_CONSEQUENCE = re.compile(r"(?:什么|何种|哪些)(?:样的)?(?:法律|民事|刑事|行政)?(?:后果|责任|处罚|处分)|"
                          r"(?:怎么|如何|怎样)(?:处罚|处理|追究)|会怎么样|会怎样|(?:有什么|有何|什么)(?:影响|效力|限制)")
_WHEN = re.compile(r"什么时候|何时|什么时间")
_DEFINITION = re.compile(r"^(?:什么(?:是|叫)|何为|何谓)|是什么意思|指的是什么|是指什么|指什么|的含义|^[^，,]{2,20}是什么$")
SETTLED = re.compile(r"(?:如何|怎么|怎样|应当如何|应如何)(?:确定|认定|判断|界定|设立|行使|分配)")
_WHICH = re.compile(r"哪些|哪几|包括什么|包含什么|有什么(?:内容|条件|要求|权利|义务)|什么(?:内容|条件|要求|因素)")
# comparing two things (有什么区别、异同) or a thing's legal nature (性质): no one sentence of one clause answers it
_COMPARING = re.compile(r"区别|差别|区分|异同|不同|性质")
# the forms told by a word of the question, in the order they are tried (a yes/no is what is left)
_FORMS = (("validity", _VALIDITY), ("legality", _LEGALITY), ("where", WHERE), ("who", _WHO),
          ("how_long", _HOW_LONG), ("how_much", _HOW_MUCH), ("what_to_do", WHAT_TO_DO), ("what_to_do", _REMEDY),
          ("condition", _CONDITION), ("consequence", _CONSEQUENCE), ("when", _WHEN), ("definition", _DEFINITION),
          ("settled", SETTLED), ("which", _WHICH))
OPEN_FORMS = frozenset({"condition", "consequence", "when", "definition", "settled", "which"})


@dataclass(frozen=True)
class Asked:
    # "yes_no" | "validity" | "legality" | "where" | "who" | "how_long" | "how_much" | "what_to_do",
    # or an open question's form (OPEN_FORMS): "condition" | "consequence" | "when" | "definition" | "settled" | "which"
    form: str
    point: str = ""      # yes/no, condition: what is asked about ("承担侵权责任", "留置权消灭")


def asked(question: str) -> Asked | None:
    """The form of a single question, or None (several questions, or a form not handled)."""
    parts = [p for p in re.split(r"[？?]", question.strip()) if p.strip()]
    if len(parts) != 1:
        return None
    q = re.sub(r"[。！!\s]+$", "", parts[0].strip())
    found = next(((form, pattern) for form, pattern in _FORMS if pattern.search(q)), None)
    if found is not None and found[0] in OPEN_FORMS and _COMPARING.search(q):
        return None
    if found is not None:
        form, pattern = found
        # 什么情况下X: the point is the phrase asked (…，什么情况下才能解除), without the asking words
        return Asked(form, _phrase_asked(q, pattern) if form == "condition" else "")
    start = _point_start(q)
    if start is None:
        return None
    point = q[start:]
    point = _LEADING_MODALS.sub("", re.sub(r"(?:[吗呢呀啊]|(?<!不)不)$", "", point)).strip("，, ")
    # a negated point (可以不履行吗) inverts the answer: too easy to get backwards
    if not point or point[0] in "不没未别":
        return None
    return Asked("yes_no", point)


def _phrase_asked(q: str, mark: re.Pattern) -> str:
    phrases = re.split(r"[，,；;]", q)
    phrase = next((p for p in phrases if mark.search(p)), q)
    return mark.sub("", phrase).lstrip("在")


def _point_start(q: str) -> int | None:
    """Where the point asked starts: after 是否/能否…, after the modal before a closing 吗 or 不, or
    at the verb of a lawyer's 构成…吗/属于…吗/承担…吗; None when the question is not a yes/no."""
    mark = _YES_NO_MARK.search(q)
    if mark is not None:
        return mark.end()
    if q.endswith("吗"):
        modal = _MODAL_BEFORE_MA.search(q)
        if modal is not None:
            return modal.end()
        verb = _VERB_BEFORE_MA.search(q)
        return verb.start() if verb is not None else None
    if q.endswith("不"):
        modal = _MODAL_BEFORE_BU.search(q)
        return modal.end() if modal is not None else None
    return None
