"""Facts the message already states (issue #22): a card's ask names the one fact that changes the
answer, and each answer to it lists how people state it ("没写还款日期", "说好年底还"). When the
message states one, the conclusion for that case leads and the ask is not asked again.

A phrase is word groups joined by " + " (alternatives separated by "|", as in a card's `when`),
but unlike `when` the groups must follow each other closely, in order, inside one clause:
"没|没有 + 写|约定 + 还款日期" finds 借条上没写还款日期 and 也没有约定好还款日期, not
写了借条，没写还款日期 for "写了 + 还款日期". A statement is not one when it is negated (没/不/未/无
right before it or between its groups: 没写了, 不是婚前, 他也没打我 for "他 + 打我") or asked (a clause
with 吗 or 有没有/交没交), and a word right next to 还是 is one side of an either/or, not what was told
(写的是定金还是订金: neither; 还是 before a negation is "still": 还是没写)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answers.dialect import standard_forms

GAP = 4                                   # characters allowed between two groups of a phrase
CLAUSE_END = "，,。.！!？?；;：:、\n"
NEGATION = ("没有", "不是", "并非", "没", "不", "未", "无", "别")
# a clause that asks rather than tells: 吗/么, or "A没A"/"A不A" (有没有, 交没交, 是不是)
_ASKING = re.compile(r"吗|么$|(.)[没不]\1")
EITHER_OR = "还是"


class PhraseError(ValueError):
    """A `says` phrase that cannot be parsed."""


def word_groups(text: str) -> tuple[tuple[str, ...], ...]:
    """"a|b + c|d" as ((a, b), (c, d)): the syntax of cards' `when` patterns and `says` phrases.
    Raises PhraseError on an empty group."""
    groups = tuple(tuple(w.strip() for w in part.split("|") if w.strip()) for part in text.split("+"))
    if not groups or any(not g for g in groups):
        raise PhraseError(f"empty word group in {text!r}")
    return groups


@dataclass(frozen=True)
class Phrase:
    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> "Phrase":
        return cls(tuple(tuple(standard_forms(w) for w in g) for g in word_groups(text)))

    def stated_in(self, text: str) -> bool:
        """Whether a clause of `text` (normalised as the matcher does, spaces kept as commas) states this phrase, not negated
        and not asked."""
        for clause in _clauses(text):
            if _ASKING.search(clause):
                continue
            for start, word in _occurrences(self.groups[0], clause):
                if (not _negated(clause, start) and not _an_alternative(clause, start, word)
                        and self._rest_follows(clause, start + len(word), 1)):
                    return True
        return False

    def _rest_follows(self, clause: str, end: int, group: int) -> bool:
        if group == len(self.groups):
            return True
        window = clause[end:end + GAP + max(len(w) for w in self.groups[group])]
        return any(self._rest_follows(clause, end + start + len(word), group + 1)
                   for start, word in _occurrences(self.groups[group], window)
                   if start <= GAP and not _negated(window[:start], start)
                   and not _an_alternative(clause, end + start, word))


def _clauses(text: str) -> list[str]:
    return [c for c in re.split(f"[{re.escape(CLAUSE_END)}]", text) if c]


def _occurrences(words: tuple[str, ...], text: str):
    for word in words:
        start = text.find(word)
        while start >= 0:
            yield start, word
            start = text.find(word, start + 1)


def _negated(clause: str, start: int) -> bool:
    before = clause[max(0, start - 2):start]
    return any(before.endswith(n) for n in NEGATION)


def _an_alternative(clause: str, start: int, word: str) -> bool:
    """`word` (at `start`) is one side of "A还是B": right before 还是, or right after it unless it
    begins with a negation (还是没写, 还是不还: "still")."""
    if clause.startswith(EITHER_OR, start + len(word)):
        return True
    return clause[:start].endswith(EITHER_OR) and not word.startswith(NEGATION)
