"""Plain words for the legal modals (不得 → 不能, 应当 → 要, 人民法院 → 法院) and the limit a
conclusion must fit in."""
from __future__ import annotations

import re

MAX_CHARS = 60          # the statement after "依照…，": the first phone screen
_PLAIN = (("不得", "不能"), ("人民法院", "法院"))
# plain words for the legal modals, in the conclusions of the forms added for issue #22
_PLAINER = (("不得", "不能"), ("人民法院", "法院"), ("应当", "要"), ("有权", "可以"))
_MODALS = ("应当", "可以", "有权", "必须", "不得", "不能", "无权", "不承担", "不负", "不予", "禁止", "不属于", "不适用")


def bare(text: str) -> str:
    return re.sub(r"[\s，,。；;：:“”……]", "", text)


def plain_words(text: str) -> str:
    for legal, plain in _PLAIN:
        text = text.replace(legal, plain)
    return text


def plainer_words(text: str) -> str:
    for legal, plain in _PLAINER:
        text = text.replace(legal, plain) if legal != "有权" else _MAY.sub(plain, text)
    return text


# 有权 the modal, not the 有权 inside 所有权、享有权利、拥有权益 (所有权 became 所可以)
_MAY = re.compile(r"(?<![所享拥占具])有权(?![利益属])")


def says_yes_or_no(phrase: str) -> bool:
    """The phrase itself says yes or no (应当/可以/不得/不承担 …): a bare description does not."""
    return any(m in phrase for m in _MODALS)


def with_usually(phrase: str) -> str:
    """一般 before the phrase's modal (保管人一般应当承担…): the rule has an exception."""
    spots = [phrase.find(m) for m in (*_MODALS, "不") if m in phrase]
    at = min(spots) if spots else 0
    return f"{phrase[:at]}一般{phrase[at:]}"
