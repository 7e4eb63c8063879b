"""Is the conduct lawful, a crime (合法吗、犯法吗、会坐牢吗): punished as a crime, otherwise
punished, forbidden, permitted or void — as the clause says it."""
from __future__ import annotations

import re

from assistant.answers.conclusion.matching import ASKING_WORDS, PARTIES, covers, said_in, tells_case, word_set
from assistant.answers.conclusion.sentences import CONDITION, Sentence, phrase_start, split_exception
from assistant.answers.conclusion.wording import plainer_words

_CRIME = re.compile(r"处[^。；;]*?(?:有期徒刑|拘役|管制|死刑)|定罪处罚|追究刑事责任")
# the clause also says when the conduct is not treated as a crime: the answer is not a plain yes
_NOT_A_CRIME = re.compile(r"不按犯罪处理|不以犯罪论处|不认为是犯罪|不负刑事责任|不追究刑事责任|不构成犯罪|免予刑事处罚")
# the asker may be a minor: whether a minor answers for a crime turns on the age (刑法第十七条)
MINOR = re.compile(r"未成年|未满|不满|孩子|小孩|娃|学生|[一二三四五六七八九十\d]+岁")
_ADMIN_PENALTY = re.compile(r"处[^。；;]*?(?:罚款|拘留)|给予[^。；;]*?(?:警告|处分|处罚)")
_THRESHOLD = re.compile(r"较大|巨大|严重|恶劣|多次|情节|首要分子|积极参加")
_PROHIBITION = re.compile(r"不得|禁止|严禁")
_NOT_DONE = re.compile(r"不给|没给|不交|没交|不缴|没缴|不发|没发|不签|没签|不付|没付|拖欠|拖着|欠|克扣|扣|少给|少交|不办|没办|不让")
_MEASURE = re.compile(r"低于|高于|超过|少于|多于|以上|以下|百分之|[\d零〇一二两三四五六七八九十百千万]+(?:个|倍|元|日|天|年|月|周岁)")


def read_legality(question: str, sentences: list[Sentence]) -> str | None:
    """合法吗/犯法吗/会坐牢吗: the first sentence about the asker's conduct that punishes it as a
    crime ("构成犯罪" — "可能构成犯罪" when a threshold such as 数额较大 decides), punishes it
    otherwise ("违法"), forbids it ("不合法", the rule shown without a verdict when a number or
    limit decides, 不得低于百分之八十: the asker compares), or makes it void."""
    for i, sentence in enumerate(sentences):
        text = sentence.text
        if sentence.items:
            continue
        if _NOT_A_CRIME.search(text):
            return None
        crime = _CRIME.search(text)
        if crime is not None and MINOR.search(question):
            return None      # whether a minor answers for it turns on the age (刑法第十七条), not on this clause
        if crime is not None:
            # the conditions are shown whole, so the asker sees what it takes (a VAT invoice,
            # 数额较大, 首要分子); the first must be the asker's conduct
            match = CONDITION.match(text)
            if match is None or crime.start() < match.end("condition") \
                    or not tells_case(question, match.group("condition"), share=1 / 3):
                continue
            verdict = "可能构成犯罪" if _THRESHOLD.search(text) else "构成犯罪"
            conditions = text[:crime.start()].rstrip("，,对")
            return f"{verdict}：{plainer_words(conditions)}，要依法追究刑事责任"
        if not covers(text, question, share=2 / 3):
            continue
        split = split_exception(sentence, sentences[i + 1:], negative=True)
        if split is None:
            continue
        rule, exception = split
        tail = f"；{exception}" if exception else ""
        breaks = _breaks(question, rule)
        if breaks == "measure":
            # a limit that differs by case (试用期: 一个月/二个月/六个月 by contract length): all of
            # them or none — the limb matching the question's number may not be the asker's case
            limbs = [t.text for t in sentences if not t.items and _PROHIBITION.search(t.text) and _MEASURE.search(t.text)]
            return "要看情况：" + plainer_words("；".join(limbs)) if len(limbs) > 1 else plainer_words(rule) + tail
        if breaks:
            return ("一般不合法：" if exception else "不合法：") + plainer_words(rule) + tail
        if _permits(question, rule):
            return ("一般合法：" if exception else "合法：") + plainer_words(rule) + tail
        if _ADMIN_PENALTY.search(rule) and CONDITION.match(rule) and tells_case(question, CONDITION.match(rule).group("condition")):
            return "违法，要受处罚：" + plainer_words(rule) + tail
        if rule.endswith("无效") and covers(text, question):
            return ("一般无效：" if exception else "无效：") + plainer_words(rule) + tail
    return None


def _breaks(question: str, rule: str) -> str:
    """Whether the conduct asked about breaks the rule: the forbidden act (after 不得/禁止) is what
    the question names, or the question says a duty (应当/必须 …) is not done (不给交社保 against
    应当按时足额缴纳社会保险费). "measure" when a number or limit decides (不得低于百分之八十):
    the rule is shown, the asker compares. "" when the rule does not speak to the asked conduct
    (单位让我加班 is not 缓缴社保)."""
    asked_words = word_set(question) - ASKING_WORDS - PARTIES
    forbids = _PROHIBITION.search(rule)
    if forbids is not None:
        forbidden = rule[forbids.end():]
        if _MEASURE.search(forbidden) and any(said_in(w, rule) for w in asked_words):
            return "measure"
        if any(said_in(w, forbidden) for w in asked_words):
            return "forbidden"
    duty = re.search(r"应当|必须", rule)
    if duty is not None and _NOT_DONE.search(question):
        done = rule[duty.end():forbids.start() if forbids is not None and forbids.start() > duty.end() else len(rule)]
        if any(said_in(w, done) for w in asked_words):
            return "duty"
    return ""


def _permits(question: str, rule: str) -> bool:
    """The rule lets one do the very act asked about (有权将土地承包经营权互换 for 互换承包地是否
    合法): a word of the question after 有权/可以, nothing negated there, and the question not
    saying a duty is left undone."""
    allowed = re.search(r"有权|可以", rule)
    if allowed is None or _NOT_DONE.search(question):
        return False
    act = rule[allowed.end():]
    if re.search(r"不|未|无权", rule[phrase_start(rule, allowed.start()):allowed.start()]):
        return False
    asked_words = word_set(question) - ASKING_WORDS - PARTIES
    return any(said_in(w, act) for w in asked_words)
