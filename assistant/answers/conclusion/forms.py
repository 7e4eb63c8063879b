"""The form of a question — yes/no, validity, legality, where, who, how long, how much, what to do —
and, for a yes/no, the point asked (是否承担侵权责任 → 承担侵权责任)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_YES_NO_MARK = re.compile(r"是否|能否|可否|能不能|可不可以|会不会|是不是|要不要|需不需要|应不应该?|算不算")
_MODAL_BEFORE_MA = re.compile(r"(?:可以|能够|能|应当|应该|需要|必须|会|要)(?=[^，,。；]*吗$)")
_VALIDITY = re.compile(r"(?:有效|无效|成立)吗$|是否(?:有效|无效|成立)|效力如何|效力怎么样|效力怎样")
# is the conduct lawful / a crime (合法吗、犯法不、算不算违法、会坐牢吗)
_LEGALITY = re.compile(r"(?:合法|违法|犯法|犯罪|违规|坐牢|判刑|被抓)[吗么嘛不没]?$|是否(?:合法|违法|构成犯罪)|"
                       r"合不合法|违不违法|犯不犯法|算不算(?:违法|犯罪)|是不是(?:违法|犯罪)|构成犯罪[吗么不]?$|"
                       r"(?:构成|是|算|属于)[^，,。；;]{0,10}罪[吗么不]?$|是否构成[^，,。；;]{0,10}罪")
WHERE = re.compile(r"去哪|到哪|哪里|哪儿|哪个部门|什么部门|找谁|向谁")
_WHO = re.compile(r"谁|哪一方|哪方|如何承担|怎么承担|怎样承担|如何负担")
_HOW_LONG = re.compile(r"多久|多长时间|多长|几年|几个月|几天|多少天|多少年|有无期限|期限是|时效")
_HOW_MUCH = re.compile(r"多少钱|赔多少|给多少|要多少|补多少|罚多少|多少|几倍|怎么算|如何计算|怎么计算|标准是|什么标准")
# what to do about a situation the question tells (怎么办、咋整、如何处理)
WHAT_TO_DO = re.compile(r"怎么办|咋办|咋整|咋弄|咋个办|咋搞|怎么处理|如何处理|怎样处理|怎么解决|如何解决|该怎么做|怎么弄")
# the plain-spoken yes/no: 能要回来不、能告他不 (a modal, then 不 ending the question)
_MODAL_BEFORE_BU = re.compile(r"(?:可以|能够|能|会|要|算)(?=[^，,。；不]{1,12}不$)")
# a lawyer's yes/no without a modal (构成违约吗、属于破产财产吗、承担违约责任吗): the verb starts the point
_VERB_BEFORE_MA = re.compile(r"(?:构成|属于|承担|视为)(?=[^，,。；]*吗$)")
_LEADING_MODALS = re.compile(r"^(?:还|也|仍然?|就|都|一定)?(?:应当|应该|需要|必须|可以|能够|能|会(?![计议])|要(?!求))?(?:继续|再|去)?")
# the forms told by a word of the question, in the order they are tried (a yes/no is what is left)
_FORMS = (("validity", _VALIDITY), ("legality", _LEGALITY), ("where", WHERE), ("who", _WHO),
          ("how_long", _HOW_LONG), ("how_much", _HOW_MUCH), ("what_to_do", WHAT_TO_DO))


@dataclass(frozen=True)
class Asked:
    form: str            # "yes_no" | "validity" | "legality" | "where" | "who" | "how_long" | "how_much" | "what_to_do"
    point: str = ""      # yes/no: what is asked about ("承担侵权责任", "改变保管场所或者方法")


def asked(question: str) -> Asked | None:
    """The form of a single question, or None (several questions, or a form not handled)."""
    parts = [p for p in re.split(r"[？?]", question.strip()) if p.strip()]
    if len(parts) != 1:
        return None
    q = re.sub(r"[。！!\s]+$", "", parts[0].strip())
    form = next((form for form, pattern in _FORMS if pattern.search(q)), None)
    if form is not None:
        return Asked(form)
    start = _point_start(q)
    if start is None:
        return None
    point = q[start:]
    point = _LEADING_MODALS.sub("", re.sub(r"(?:[吗呢呀啊]|(?<!不)不)$", "", point)).strip("，, ")
    # a negated point (可以不履行吗) inverts the answer: too easy to get backwards
    if not point or point[0] in "不没未别":
        return None
    return Asked("yes_no", point)


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
