"""An answer written from answer cards: the conclusion and the first step on the first screen,
then the deciding clauses quoted, the other steps, the fact that would change the answer, the
evidence to keep and whether legal aid needs a means test.

Every cited claim is checked against the knowledge base at answer time: a claim whose article is
missing, or whose quote the article does not contain, is left out (never said without its law)."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cached_property

from assistant.answers.card_check import normalise
from assistant.answers.cards import Card, Claim
from assistant.answers.clauses import char_pairs
from assistant.answers.compounds import mark_compounds
from assistant.answers.grounding import is_filler
from assistant.answers.matcher import normalise_question
from assistant.documents.in_chat import offer_line
from knowledge.types import Citation, Hit, KnowledgeBase

CONCLUSIONS_SHOWN = 3        # an issue shows its first three conclusions (two in a short, several-issue answer)

log = logging.getLogger(__name__)

FIRST_SCREEN = 150          # characters an elderly asker sees before scrolling
# an ask's reason that says what follows either way ("写了的，…；没写的，…"): the fact asked for
# decides the answer
_TWO_WAYS = re.compile(r"的[，,][^；;。]+[；;][^；;。]*?的[，,]")


class _Message:
    """The asker's message in the forms the cards' parts compare with, computed once per answer
    (not once per card): as the matcher reads it, and its content words (only when an ask needs them)."""

    def __init__(self, question: str):
        self.text = normalise_question(question)
        self.matched = mark_compounds(self.text)
        self.clauses = told_form(question)

    @cached_property
    def words(self) -> frozenset[str]:
        import jieba

        return frozenset(w for w in jieba.lcut(self.text) if len(w) >= 2 and not is_filler(w))


def told_form(question: str) -> str:
    """The message as a card's told phrases read it (told.py): normalised as the matcher does, with
    its clause breaks kept — the spaces of a WeChat message typed without punctuation as commas."""
    return "，".join(normalise_question(part) for part in question.split())


def touches(words: frozenset[str], ask: tuple) -> bool:
    """The asker's message (its content `words`) speaks of what the ask is about (a word of it in
    the ask or its reason): a card's ask about who hurt a child is not put first for a child left
    alone at home."""
    why, asked = ask[0].text, ask[1]
    return any(w in asked or w in why for w in words)


def decides(why: str) -> bool:
    """Whether an ask's reason gives the answer for each value of the fact asked for."""
    return _TWO_WAYS.search(why) is not None

NUMERALS = "一二三四五六七八九十"
LEGAL_AID_LINES = {
    "no_means_test": "这类事申请法律援助，不用审查经济困难条件，可以直接到当地法律援助中心申请或拨打 12348。",
    "means_test": "家里经济困难的，可以向当地法律援助中心申请法律援助，由律师免费代理；拨打 12348 可以先问问。",
}
LEGAL_AID_LAW = ("法律援助法", "42")
WHERE_TO_ASK = "拿不准的，拨打 12348 法律服务热线，或回复“转人工”。"   # the no-means-test cases (农民工讨薪、工伤 …), cited under that line


@dataclass
class CardAnswer:
    text: str
    citations: list[Hit] = field(default_factory=list)
    points: list[dict] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)     # card ids, main issue first
    urgent: bool = False
    document: str = ""                                  # the form offered (the main issue's), "" for none


class CardRenderer:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._cited: list[Hit] = []

    def render(self, cards: list[Card], question: str = "") -> CardAnswer:
        """`question` decides whether an injury card is urgent (a death or serious injury). A card
        none of whose conclusions this knowledge base can back is left out (no card left: an
        empty answer, and the composer answers from the retrieved articles instead)."""
        self._cited = []
        cards = [c for c in cards if any(self._exists(claim) for claim in c.conclusions)]
        if not cards:
            return CardAnswer("")
        points: list[dict] = []
        message = _Message(question)
        if len(cards) == 1:
            lines = self._issue(cards[0], points, message, full=True)
        else:
            lines = [f"您说的有 {len(cards)} 件事，分开说："]
            for n, card in enumerate(cards):
                lines.append(f"{NUMERALS[n]}、{card.title}")
                lines += self._issue(card, points, message, full=False)
        document = next((c.document for c in cards if c.document), "")
        if document:
            lines.append(offer_line(document))
        lines.append(WHERE_TO_ASK)
        cited = list({h.doc_id: h for h in self._cited}.values())
        return CardAnswer("\n".join(lines), cited, points, [c.id for c in cards],
                          any(c.urgent_for(message.text) for c in cards), document)

    # --- one issue --------------------------------------------------------------------------
    def _issue(self, card: Card, points: list[dict], message: _Message, *, full: bool) -> list[str]:
        # the asks whose fact the message states: the conclusion for that case leads, the ask is not asked
        settled = {i: t for i, t in card.settled(message.clauses).items() if self._exists(t.conclusion)}
        # a conclusion written for the situation told (a death, a daughter's share) leads even a
        # stated answer to an ask: it is what the asker is in, the told fact is background
        leading = list(dict.fromkeys([*card.told_situations(message.matched),
                                      *(t.conclusion for _, t in sorted(settled.items()))]))
        # a card conclusion citing a told case's article says what the told case already settles
        settled_articles = {(c.law, c.article) for c in leading}
        told = [*leading, *(c for c in card.conclusions_for(message.matched)
                            if c not in leading and (c.law, c.article) not in settled_articles)]
        conclusions = [(c, h) for c in told if (h := self._backing(c)) is not None]
        steps = [(s, self._backing(s) if s.cited else None) for s in card.steps_for(message.matched)]
        steps = [(s, h) for s, h in steps if h is not None or not s.cited]
        shown = steps if full else steps[:2]
        # the steps are numbered through the whole answer, as the points a follow-up can expand
        # ("第2点再说详细点"); a lone step goes unnumbered
        first_number = len(points) + 1
        numbered = len(shown) > 1 or not full
        lines = [f"【结论】{conclusions[0][0].text}"]
        asks = [(why, q, self._backing(why) if why.cited else None)
                for i, (why, q) in enumerate(card.ask) if i not in settled]
        asks = [(why, q, h) for why, q, h in asks if h is not None or not why.cited]
        deciding = asks[0] if asks and decides(asks[0][0].text) and touches(message.words, asks[0]) else None
        if deciding is not None:
            lines.append(self._depends_on(*deciding))
        if shown:
            first_step = f"【先做这一步】{f'{first_number}. ' if numbered else ''}{shown[0][0].text}"
            # the first phone screen keeps the conclusion and the first step: a long 【要看】 goes under the step
            if deciding is not None and len("".join(lines)) + len(first_step) > FIRST_SCREEN:
                lines.insert(1, first_step)
            else:
                lines.append(first_step)
        lines.append("【法律依据】")
        first, hit = conclusions[0]
        lines.append(f"{Citation.of(hit).label}规定：“{first.quote}”")
        # a told case of its own comes on top of the card's conclusions, not in place of one of them
        shown_conclusions = ((CONCLUSIONS_SHOWN if full else CONCLUSIONS_SHOWN - 1)
                             + (bool(leading) and leading[0] not in card.conclusions))
        for claim, hit in conclusions[1:shown_conclusions]:
            lines.append(f"另外，{claim.text.rstrip('。')}（{Citation.of(hit).label}：“{claim.quote}”）。")
        if shown[1:]:
            lines.append("【接下来】")
            for n, (step, hit) in enumerate(shown[1:], first_number + 1):
                lines.append(f"{n}. {self._with_rule(step, hit)}")
        for step, hit in shown:
            points.append({"text": step.text, "detail": self._detail(step, hit),
                           "cites": [{"law": hit.law, "article_id": hit.article_id}] if hit is not None else []})
        if deciding is not None:
            lines.append(f"【还需要知道】{deciding[1]}")      # the why is said under the conclusion already
        elif asks:
            why, question, hit = asks[0]
            backing = f"（{Citation.of(hit).label}）" if hit is not None else ""
            lines.append(f"【还需要知道】{question}因为{why.text.rstrip('。')}{backing}。")
        if full and card.evidence:
            lines.append(f"【留好证据】{'；'.join(card.evidence)}。")
        if card.legal_aid in LEGAL_AID_LINES and (full or card.legal_aid == "no_means_test"):
            lines.append(f"【法律援助】{self._legal_aid(card.legal_aid)}")
        return lines

    def _depends_on(self, why: Claim, question: str, hit: Hit | None) -> str:
        """"【要看】{the fact asked for}：{what follows either way}": the answer turns on a fact the
        asker has not told, so it is said right under the conclusion, not at the end (issue #22)."""
        asked = [q.strip() for q in re.split(r"[？?]", question) if q.strip()]
        # the sentence of the ask whose fact the reason's cases name (钱是转账还是现金 for "转账的，…；
        # 给现金的，…", not 有没有借条)
        cases = "|".join(re.findall(r"([^；;，,。]+?)的[，,]", why.text))
        fact = max(asked, key=lambda q: len(char_pairs(q) & char_pairs(cases)))
        fact = re.sub(r"吗$", "", re.sub(r"了吗$", "了没有", fact))
        backing = f"（{Citation.of(hit).label}）" if hit is not None else ""
        return f"【要看】{fact}：{why.text.rstrip('。')}{backing}。"

    def _legal_aid(self, kind: str) -> str:
        line = LEGAL_AID_LINES[kind]
        if kind == "no_means_test" and (hit := self.kb.get_article(*LEGAL_AID_LAW)) is not None:
            self._cited.append(hit)
            line = f"{line.rstrip('。')}（{Citation.of(hit).label}）。"
        return line

    def _with_rule(self, step: Claim, hit: Hit | None) -> str:
        if hit is None:
            return step.text
        return f"{step.text.rstrip('。')}（{Citation.of(hit).label}：“{step.quote}”）"

    def _detail(self, step: Claim, hit: Hit | None) -> str:
        return f"{Citation.of(hit).label}规定：“{step.quote}”" if hit is not None else step.text

    def _exists(self, claim: Claim) -> bool:
        hit = self.kb.get_article(claim.law, claim.article)
        return hit is not None and normalise(claim.quote) in normalise(hit.text or "")

    def _backing(self, claim: Claim) -> Hit | None:
        """The claim's article as the knowledge base has it, if it says what the card quotes."""
        hit = self.kb.get_article(claim.law, claim.article)
        if hit is None or normalise(claim.quote) not in normalise(hit.text or ""):
            log.warning("card claim dropped: %s第%s条 %s", claim.law, claim.article,
                        "missing" if hit is None else "quote not in the article")
            return None
        self._cited.append(hit)
        return hit
