"""Who bears it, how long, how much: the party, period or figure the clause names, whole."""
from __future__ import annotations

import re

from assistant.answers.conclusion.legality import MINOR
from assistant.answers.conclusion.matching import ASKING_WORDS, covers, said_in, word_set
from assistant.answers.conclusion.sentences import BEARER, Sentence, phrase_start, split_exception
from assistant.answers.conclusion.wording import MAX_CHARS, plain_words, plainer_words, says_yes_or_no, with_usually

DURATION = re.compile(r"[零〇一二两三四五六七八九十百\d]+(?:个)?(?:年|月|日|天|周|小时|周岁)")
_APPOINTED = re.compile(r"由[^，,；;。]{1,20}?担任")          # 监护人由民政部门担任
_PERIOD_WORD = re.compile(r"..(?:期|期限|期间|时效)$")      # 宽展期、保证期间、诉讼时效
_RIGHT = re.compile(r"有权(?P<verb>[\u4e00-\u9fff]{2})")
AMOUNT = re.compile(r"[\d零〇一二两三四五六七八九十百千万]+(?:倍|元|万元|次|个月(?:的)?(?:本人)?工资)|百分之[\d零〇一二两三四五六七八九十]+|"
                     r"[\d.]+[%％]|按[^，,。；;]{1,12}(?:标准|比例)|按照[^，,。；;]{2,30}?(?:确定|计算|给予赔偿)")


def read_who(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """谁承担: the sentence that names who bears it (由X承担、以X财产承担、由X担任), with the short
    sentences right after it that complete it (家庭经营的，以家庭财产承担); else the party the
    clause gives the very right asked about (孳息由谁收取: 质权人有权收取质押财产的孳息)."""
    if not covers(clause, question, share=0.5):
        return None
    for i, sentence in enumerate(sentences):
        if _names_bearer(sentence.text) and not sentence.text.endswith(("：", ":")) \
                and covers(sentence.text, question, share=1 / 3):
            picked = [sentence.text]
            for nxt in sentences[i + 1:]:
                if not _names_bearer(nxt.text) or (len(nxt.text) > 20 and not covers(nxt.text, question)):
                    break
                picked.append(nxt.text)
            return plain_words("；".join(picked))
    return _holder_of_right(question, sentences)


def _names_bearer(text: str) -> bool:
    return BEARER.search(text) is not None or _APPOINTED.search(text) is not None


def _holder_of_right(question: str, sentences: list[Sentence]) -> str | None:
    """"X有权{the verb asked}…" (with its exception): X is who does what the question asks about."""
    verbs = {w for w in word_set(question) if len(w) == 2} - ASKING_WORDS
    for i, sentence in enumerate(sentences):
        right = _RIGHT.search(sentence.text)
        if sentence.items or right is None or right.group("verb") not in verbs or not covers(sentence.text, question, 1 / 2):
            continue
        split = split_exception(sentence, sentences[i + 1:], negative=False)
        if split is None:
            return None
        rule = split[0][phrase_start(split[0], right.start()):]
        if len(rule[:rule.find("有权")].strip("，, ")) < 2:
            return None          # the party is named in another phrase: "有权提起诉讼" alone names no one
        return plain_words(with_usually(rule) + f"；{split[1]}" if split[1] else rule)
    return None


def read_how_long(question: str, sentences: list[Sentence]) -> str | None:
    """多久: the sentence with the time limit, when it speaks of what is asked — and names the very
    period asked about (宽展期有多长 is not answered by the 十二个月 to apply for renewal)."""
    periods = [w for w in word_set(question) if _PERIOD_WORD.search(w)]
    for sentence in sentences:
        if DURATION.search(sentence.text) and covers(sentence.text, question) \
                and all(said_in(w, sentence.text) for w in periods):
            has = "有期限：" if re.search(r"有无|有没有", question) else ""
            return has + plain_words(sentence.text)
    return None


# how long a sentence is (判多久、判几年、坐几年牢): the penalty tiers of the clause
PENALTY_ASKED = re.compile(r"判(?!决|断|例)|坐牢|刑期|服刑")
_PENALTY = re.compile(r"(?:^|[，,])(?P<threshold>[^，,；;：:]{2,24}的)[，,](?P<penalty>处[^；;。]*?(?:有期徒刑|拘役|管制|死刑)[^；;。]*)")
_ANY_PENALTY = re.compile(r"处[^，,；;。]*?(?:有期徒刑|拘役|管制|死刑)")
_FINE = re.compile(r"[，,](?:并处|可以并处)[^，,；;。]*罚金|[，,]并处或者单处[^，,；;。]*罚金|[，,]并处没收财产")
_ASKING_TAIL = re.compile(r"(?:会|要|能|将|一般)?(?:被)?(?:判|坐牢|坐|关|服刑)[^，,。；;]*$")


def read_penalty(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """判多久: every tier of the penalty the clause sets, each with its threshold (情节严重的，处三年以下
    有期徒刑或者拘役) — all of them, since which applies turns on the facts; fines left out when
    the tiers do not fit the first screen. None for a minor (the age decides, 刑法第十七条), when the
    clause is about other conduct, or when a tier's threshold is not a phrase of its own."""
    conduct = _ASKING_TAIL.sub("", question)       # 帮助信息网络犯罪活动罪|会判多久: the words of the conduct
    if MINOR.search(question) or not covers(clause, conduct, share=0.5):
        return None
    tiers = [m for s in sentences if not s.items for m in _PENALTY.finditer(s.text)]
    # every tier or none: a tier whose threshold is not one phrase (数额较大的，或者多次盗窃…的), one
    # under a list, or a quote cut short (……) would leave the heavier penalties out
    if not tiers or "……" in clause or len(tiers) != len(_ANY_PENALTY.findall(clause)) \
            or any(m.group("threshold").startswith(("或者", "并且", "以及")) for m in tiers):
        return None
    whole = "；".join(f"{m.group('threshold')}，{m.group('penalty')}" for m in tiers)
    for text in (whole, _FINE.sub("", whole)):
        if len(text) <= MAX_CHARS:
            return plainer_words(text)
    return None


def read_how_much(question: str, sentences: list[Sentence]) -> str | None:
    """赔多少/多少钱/怎么算: the sentence with the amount, multiple, rate or standard, when it
    speaks of what is asked."""
    for sentence in sentences:
        if not sentence.items and AMOUNT.search(sentence.text) and covers(sentence.text, question):
            return plainer_words(sentence.text)
    return _reckoning(question, sentences)


# asks how a sum is reckoned or what standard applies (仓储费如何计算、应当符合什么标准), not for a figure
_RECKONING_ASKED = re.compile(r"(?:如何|怎么|怎样)计算|怎么算|(?:什么|何种)标准|标准是什么")


def _reckoning(question: str, sentences: list[Sentence]) -> str | None:
    """仓储费如何计算: the sentences in a row that say, with a modal, what the asked word (the one
    right before the asking words: 仓储费, 符合) is — 逾期提取的，要加收仓储费；提前提取的，不减收仓储费 —
    as many as fit the first screen."""
    mark = _RECKONING_ASKED.search(question)
    if mark is None:
        return None
    # the phrase right before the asking words, without its modal (应当符合 → 符合; 仓储费 whole, not 仓储)
    asked_word = re.split(r"应当|应该|需要|必须|应|要|的", re.split(r"[，,；;、\s]", question[:mark.start()])[-1])[-1]
    if not 2 <= len(asked_word) <= 6:
        return None
    picked: list[str] = []
    for sentence in sentences:
        # the first must speak of the asker's case; the ones right after it complete it (提前提取的，不减收仓储费)
        said = not sentence.items and asked_word in sentence.text and (
            (says_yes_or_no(sentence.text) and covers(sentence.text, question, share=1 / 2))
            or (bool(picked) and (says_yes_or_no(sentence.text) or "不" in sentence.text)))
        if not said:
            if picked:
                break
            continue
        if len("；".join(picked + [sentence.text])) > MAX_CHARS:
            break
        picked.append(sentence.text)
    return plainer_words("；".join(picked)) if picked else None
