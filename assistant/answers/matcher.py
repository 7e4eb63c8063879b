"""Which answer cards a question is about: word patterns first, retrieval as the tie-breaker.

A question may raise several issues (离婚 + 家暴 + 房子 + 孩子): every card whose pattern matches
is a candidate; a card another matching card overrides (工地欠薪 over 拖欠工资) is dropped; the
rest are ordered by how much of the question their pattern covers, then by how many of their
articles retrieval also found, and at most `MAX_ISSUES` are answered."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.answers.cards import Card, packaged_cards

MAX_ISSUES = 3


@dataclass(frozen=True)
class CardMatch:
    card: Card
    covered: int          # characters of the question the card's pattern covers
    retrieval_votes: int  # the card's articles among the retrieved hits


def normalise_question(text: str) -> str:
    """Lower-cased, without spaces: patterns match however the person typed."""
    return "".join(text.split()).lower()


def match_cards(question: str, retrieved: Iterable[tuple[str, str]] = (), *,
                cards: Sequence[Card] | None = None, limit: int = MAX_ISSUES) -> list[CardMatch]:
    """The cards that answer `question`, best first. `retrieved`: (law, article_id) of the search
    hits, in rank order (they break ties between cards the words cannot tell apart)."""
    cards = packaged_cards() if cards is None else cards
    text = normalise_question(question)
    found = {(law, str(aid)) for law, aid in retrieved}
    matches = []
    for card in cards:
        covered = card.match(text)
        if covered:
            votes = sum(1 for c in card.claims() if (c.law, c.article) in found)
            matches.append(CardMatch(card, covered, votes))
    overridden = {o for m in matches for o in m.card.overrides}
    matches = [m for m in matches if m.card.id not in overridden]
    matches.sort(key=lambda m: (-m.covered, -m.retrieval_votes, m.card.id))
    return matches[:limit]
