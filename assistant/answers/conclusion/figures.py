"""Who bears it, how long, how much: the party, period or figure the clause names, whole."""
from __future__ import annotations

import re

from assistant.answers.conclusion.matching import ASKING_WORDS, covers, said_in, word_set
from assistant.answers.conclusion.sentences import BEARER, Sentence, phrase_start, split_exception
from assistant.answers.conclusion.wording import plain_words, plainer_words, with_usually

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


def read_how_much(question: str, sentences: list[Sentence]) -> str | None:
    """赔多少/多少钱/怎么算: the sentence with the amount, multiple, rate or standard, when it
    speaks of what is asked."""
    for sentence in sentences:
        if not sentence.items and AMOUNT.search(sentence.text) and covers(sentence.text, question):
            return plainer_words(sentence.text)
    return None
