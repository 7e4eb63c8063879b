"""Who bears it, how long, how much: the party, period or figure the clause names, whole."""
from __future__ import annotations

import re

from assistant.answers.conclusion.matching import covers
from assistant.answers.conclusion.sentences import BEARER, Sentence
from assistant.answers.conclusion.wording import plain_words, plainer_words

_DURATION = re.compile(r"[零〇一二两三四五六七八九十百\d]+(?:个)?(?:年|月|日|天|周|小时|周岁)")
_AMOUNT = re.compile(r"[\d零〇一二两三四五六七八九十百千万]+(?:倍|元|万元|个月(?:的)?(?:本人)?工资)|百分之[\d零〇一二两三四五六七八九十]+|"
                     r"[\d.]+[%％]|按[^，,。；;]{1,12}(?:标准|比例)|按照[^，,。；;]{2,30}?(?:确定|计算|给予赔偿)")


def read_who(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """谁承担: the sentence that names who bears it (由X承担、以X财产承担), with the short sentences
    right after it that complete it (家庭经营的，以家庭财产承担)."""
    if not covers(clause, question, share=0.5):
        return None
    for i, sentence in enumerate(sentences):
        if BEARER.search(sentence.text) and covers(sentence.text, question, share=1 / 3):
            picked = [sentence.text]
            for nxt in sentences[i + 1:]:
                if not BEARER.search(nxt.text) or (len(nxt.text) > 20 and not covers(nxt.text, question)):
                    break
                picked.append(nxt.text)
            return plain_words("；".join(picked))
    return None


def read_how_long(question: str, sentences: list[Sentence]) -> str | None:
    """多久: the sentence with the time limit, when it speaks of what is asked."""
    for sentence in sentences:
        if _DURATION.search(sentence.text) and covers(sentence.text, question):
            has = "有期限：" if re.search(r"有无|有没有", question) else ""
            return has + plain_words(sentence.text)
    return None


def read_how_much(question: str, sentences: list[Sentence]) -> str | None:
    """赔多少/多少钱/怎么算: the sentence with the amount, multiple, rate or standard, when it
    speaks of what is asked."""
    for sentence in sentences:
        if not sentence.items and _AMOUNT.search(sentence.text) and covers(sentence.text, question):
            return plainer_words(sentence.text)
    return None
