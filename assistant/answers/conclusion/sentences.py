"""A clause read as sentences: a list's 项 with their lead-in, the rule and its exception
(但是…除外、但有下列情形之一的除外), the phrase a verb stands in, its negation, the court's
yes or no (人民法院应予支持/不予支持)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_ITEM_LABEL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_SENTENCES = re.compile(r"(?<=[。；;])")
_LEAD_AND_ITEM = re.compile(r"^(.*[：:])[（(][一二三四五六七八九十]+[）)](.*)$")
_NEGATIONS = ("不得", "不能", "不可以", "不应当", "不应", "禁止", "无权", "不予", "不")
LIST_EXCEPTION = re.compile(r"[，,]?但是?有下列情形之一的除外[：:]?$")
_INLINE_EXCEPTION = re.compile(r"[；;，,]\s*但是?[，,]?(?P<what>[^；;。]+?)(?:的)?除外[。；;]?$")
CONDITION = re.compile(r"^(?P<condition>.+?的)[，,](?P<rule>.+)$")     # "…的，" then what follows from it
POINTS_BACK = re.compile(r"前款|前条|前两款|前三款|上述|前述|该款")
COURT_YES = re.compile(r"[，,]?人民法院(?:应予|应当|依法)?(?:予以)?支持[。；;]?$")
COURT_NO = re.compile(r"[，,]?人民法院(?:不予|依法不予)支持[。；;]?$")
EFFECTS = ("无效", "消灭", "终止", "中止", "解除", "撤销")
BEARER = re.compile(r"由[^，,；;。]{1,20}?(?:承担|负担|享有|负责|支付|偿还|清偿|管辖)|以[^，,；;。]{1,12}财产承担")


@dataclass(frozen=True)
class Sentence:
    text: str                 # without its end mark
    items: tuple[str, ...]    # the 项 quoted under it (a list lead-in)


def split_sentences(clause: str) -> list[Sentence]:
    """The clause's sentences (split at 。；), a list's 项 kept with the lead-in they complete."""
    body = clause.replace("……", "")
    out: list[Sentence] = []
    for raw in (s.strip() for s in _SENTENCES.split(body)):
        text = raw.rstrip("。；;").strip()
        if not text:
            continue
        if _ITEM_LABEL.match(text) and out and out[-1].text.endswith(("：", ":")):
            out[-1] = Sentence(out[-1].text, out[-1].items + (_ITEM_LABEL.sub("", text),))
        elif _ITEM_LABEL.match(text) and out and out[-1].items:
            out[-1] = Sentence(out[-1].text, out[-1].items + (_ITEM_LABEL.sub("", text),))
        else:
            # a lead-in and its first 项 arrive in one piece ("…除外：（二）…")
            joined = _LEAD_AND_ITEM.match(text)
            if joined is not None:
                out.append(Sentence(joined.group(1), (joined.group(2),)))
            else:
                out.append(Sentence(text, ()))
    return out


def phrase_start(text: str, at: int) -> int:
    return max(text.rfind(ch, 0, at) for ch in "，,：:") + 1


def is_negated(text: str, at: int) -> bool:
    """The verb at `at` is negated within its own phrase (不承担、不得擅自改变、无权请求)."""
    window = text[phrase_start(text, at):at]
    return any(n in window for n in _NEGATIONS) or window.endswith("不")


def consequence_phrase(text: str, at: int) -> str:
    """The phrase the verb at `at` stands in (from the comma before it to the sentence end), with
    a 除…外 phrase just before it, which limits it (除紧急情况外，不得擅自改变…)."""
    start = phrase_start(text, at)
    before = text[:max(start - 1, 0)]
    saving = re.search(r"除[^，,：:]+外$", before)
    phrase = re.sub(r"^(?:均|都|也|亦)(?=可以|应当|不)", "", text[start:])
    return (saving.group(0) + "，" if saving else "") + phrase


def split_exception(sentence: Sentence, later: list[Sentence], negative: bool) -> tuple[str, str] | None:
    """(the rule's text without its exception, the exception put plainly — "" when none); None
    when the exception cannot be put briefly (a list with several 项 quoted)."""
    text = sentence.text
    listed = LIST_EXCEPTION.search(text)
    if listed is not None:
        if len(sentence.items) != 1:
            return None
        item = sentence.items[0].rstrip("。；;")
        bears = negative and "承担" in text[phrase_start(text, listed.start()) - 1:listed.start() + 1]
        return text[:listed.start()], f"但{item}的，要承担" if bears else f"但{item}的除外"
    inline = _INLINE_EXCEPTION.search(text)
    if inline is not None:
        return text[:inline.start()], f"但{inline.group('what').strip()}的除外"
    if later and later[0].text.startswith("但"):
        return text, "但" + re.sub(r"^但是?[，,]?", "", later[0].text)
    return text, ""
