"""Which answer cards a question is about: word patterns first, retrieval as the tie-breaker.

A question may raise several issues (离婚 + 家暴 + 房子 + 孩子): every card whose pattern matches
is a candidate; a card another matching card overrides (工地欠薪 over 拖欠工资) is dropped; the
rest are ordered by how much of the question their pattern covers, then by how many of their
articles retrieval also found — except that the card the person's question asks about (the cards'
`asks`: 算工伤不, 孩子归谁) leads (`asked_leads`) — and at most `MAX_ISSUES` are answered. When no
pattern matches, the card whose lay examples lie nearest the question in meaning (semantic.py) is taken if near enough,
else retrieval's agreement (`by_retrieval`) picks one."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answers.cards import Card, as_matched, packaged_cards
from assistant.answers.compounds import mark_compounds
from assistant.answers.dialect import standard_forms

if TYPE_CHECKING:
    from assistant.answers.classifier import CardVerdict

MAX_ISSUES = 3
# everyday speech rather than a law exam's or a lawyer's wording: 俺/咱, 咋/啥, 村, 工地, 能退不
LAY_SPEECH = re.compile(r"俺|咱|咋|啥|嘛|呗|噻|晓得|村里|工地|厂里|(能|行|对|中|算|要|用|还|管)[^，。？！?!]{0,8}不[？?！!。]*$")
# words of a person telling their own dispute (我/俺, family, 老板, 邻居 …): a question without them
# ("产品投入流通后发现缺陷，生产者应当采取哪些补救措施？") asks about the law in the abstract
PERSONAL = re.compile(r"我|本人|自己|老公|老婆|媳妇|婆娘|男人|丈夫|妻子|爸|妈|爹|娘|儿子|女儿|闺女|孩子|娃|老板|"
                      r"包工头|工头|老汉|对象|家里|邻居|亲戚|朋友|同学|公公|婆婆|姐|哥|弟|妹|叔|舅|姨|"
                      + LAY_SPEECH.pattern)


# a question whether conduct is a crime (构成诈骗罪吗, 算不算犯罪, 会判刑吗): a card that only says who
# pays (医疗事故 → the hospital pays) does not answer it; 得罪/受罪/赔罪 are not about crimes
CRIME_ASKED = re.compile(r"犯罪|罪名|判刑|量刑|刑事责任|(?<![得受赔怪谢遭])罪(?![过孽])|(合同|保险|集资|贷款)诈骗")
# a family asking whether someone will go to jail beside other things (人家要二十万…会不会坐牢):
# the card that says when it is a crime leads; the money question stays after it
JAIL_ASKED = re.compile(r"坐牢|监狱|蹲大狱|判几年|判多少年|判多久|关几年")


# whether conduct is punished (判刑, 坐牢, 进监狱): the answer turns on the offence, and the two
# criminal cards (traffic crime, detention) are near ANY such question in meaning — only their words
# pick them (盗窃…会被判刑坐牢吗 is no traffic crime)
PUNISHMENT_ASKED = re.compile(CRIME_ASKED.pattern + "|" + JAIL_ASKED.pattern)


@dataclass(frozen=True)
class CardMatch:
    card: Card
    covered: int          # characters of the question the card's pattern covers
    retrieval_votes: int  # the card's articles among the retrieved hits


TYPOS_FILE = Path(__file__).resolve().parent / "lexicon" / "typos.txt"


@lru_cache(maxsize=1)
def _typos() -> tuple[tuple[str, str], ...]:
    """(typed, meant) pairs, longest first so 加班废 is fixed before any shorter pair inside it."""
    pairs = []
    for line in TYPOS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            typed, meant = line.split("\t")
            pairs.append((typed.strip(), meant.strip()))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def normalise_question(text: str) -> str:
    """Lower-cased, without spaces, 俺 written 我, common typos fixed (公资 → 工资): patterns match
    however the person typed."""
    text = standard_forms("".join(text.split()).lower())
    for typed, meant in _typos():
        if typed in text:
            text = text.replace(typed, meant)
    return text


def match_cards(question: str, retrieved: Iterable[tuple[str, str]] = (), *,
                cards: Sequence[Card] | None = None, limit: int = MAX_ISSUES,
                meaning: Card | None = None, lead_by_meaning: bool = False,
                verdict: CardVerdict | None = None) -> list[CardMatch]:
    """The cards that answer `question`, best first. `retrieved`: (law, article_id) of the search
    hits, in rank order (they break ties between cards the words cannot tell apart). `meaning`:
    the card the question is told like (the classifier's or semantic.confident_card): taken when no
    pattern matches, and with `lead_by_meaning` put first among the cards the patterns found when it
    is one of them. `verdict`: the trained classifier's (classifier.py): pattern cards it finds very
    unlikely while it is sure of another card (one word of a story about something else) give way
    to that card, which leads. Whatever the patterns, votes and classifier say, the card whose issue
    the message's first question asks about comes first after the always-urgent ones (`asked_leads`)."""
    cards = packaged_cards() if cards is None else cards
    text = mark_compounds(normalise_question(question))
    found = {(law, str(aid)) for law, aid in retrieved}
    matches = pattern_matches(text, cards, found)
    lead = meaning.id if lead_by_meaning and meaning is not None else None
    sure, replaced = verdict.replacing([m.card.id for m in matches]) if verdict is not None else (None, frozenset())
    lead = (verdict.leading([m.card.id for m in matches]) if verdict is not None else None) or lead
    by_id = {c.id: c for c in cards}
    if sure in by_id:
        matches = [m for m in matches if m.card.id not in replaced]
        matches.insert(0, CardMatch(by_id[sure], 0, sum(1 for c in by_id[sure].claims() if (c.law, c.article) in found)))
        lead = sure
    if not matches:
        by_sense = by_meaning(cards, meaning, found) if not PUNISHMENT_ASKED.search(text) else []
        matches = by_sense or by_retrieval(cards, list(retrieved))
    if CRIME_ASKED.search(text):
        matches = [m for m in matches if m.card.cites_punishment()]
    overridden = {o for m in matches for o in m.card.overrides}
    matches = [m for m in matches if m.card.id not in overridden]
    # a card that is always urgent (violence, detention, a child or old person at risk) leads and
    # is never cut: the person's safety comes before the property or the money
    jail_asked = bool(JAIL_ASKED.search(text))
    matches.sort(key=lambda m: (m.card.urgent != "always", m.card.id != lead,
                                not (jail_asked and m.card.cites_punishment()),
                                -m.covered, -m.retrieval_votes, m.card.id))
    kept = with_own_words(matches, text, clause_form(question))
    owners = [asked_card([m.card for m in matches], [clause]) for clause in asked_clauses(question)]
    return asked_leads(kept, matches, owners)[:limit]


def asked_leads(kept: list[CardMatch], matches: list[CardMatch], owners: Sequence[str | None]) -> list[CardMatch]:
    """`kept` (the cards `with_own_words` kept of `matches`) ordered by what the person asks
    (`owners`: the card owning each asked clause, in order, or None). After the always-urgent cards,
    the card the first question asks about leads (算工伤不 after a story of 社保 and a car crash);
    it stays even where the cut dropped it: the person asked it. The cards later questions ask about
    come next, before the cards nobody asked about (what the issue limit cuts first), but never
    ahead of the first card: a later question asks around the first (能加吗 … 不给钱我能不让他看孩子吗).
    The cut is made in the order before the lift, so the story's own first card is not cut as a later one."""
    by_id = {m.card.id: m for m in matches}
    first = owners[0] if owners else None
    later = [o for o in owners[1:] if o is not None and o != first]
    urgent = [m for m in kept if m.card.urgent == "always"]
    others = [m for m in kept if m.card.urgent != "always" and m.card.id != first]
    if first in by_id and by_id[first].card.urgent != "always":
        lead = [by_id[first]]
    else:
        lead, others = others[:1], others[1:]
    asked_later = sorted((m for m in others if m.card.id in later), key=lambda m: later.index(m.card.id))
    return [*urgent, *lead, *asked_later, *(m for m in others if m.card.id not in later)]


# a clause that asks something (能离吗, 孩子归谁, 赔多少, 认不认, 合法不, 是我赔还是平台赔); a ？ after it says so too
QUESTION_WORDS = re.compile(r"吗|嘛|呢|咋|啥|谁|哪里|哪儿|哪个|哪些|去哪|几级|多久|多长时间|怎么|怎样|如何|多少|什么|"
                            r"(\w)不\1|有没有|可不可以|是[^，。？！?!]{0,10}还是|.[不没]$")
# 谁/啥/什么 that ask nothing: 谁都推, 啥也不管, 没让签啥纸 (anyone, anything)
INDEFINITE = re.compile(r"(谁|啥|什么)[都也]|(没|不)[^，。？！?!]{0,3}(啥|什么)")
_CLAUSE_SPLIT = re.compile(r"([\s,，。！!？?；;：:]+)")


def asked_clauses(question: str) -> list[str]:
    """The clauses of the message that ask something, in order (normalised and compounds marked as
    the cards read them); none when it only tells."""
    parts = _CLAUSE_SPLIT.split(question)
    clauses = [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    told = [(mark_compounds(normalise_question(c)), end) for c, end in clauses if c.strip()]
    return [c for c, end in told if "？" in end or "?" in end or QUESTION_WORDS.search(INDEFINITE.sub("", c))]


def asked_card(cards: Sequence[Card], clauses: Sequence[str]) -> str | None:
    """The card the message asks about: the one among `cards` whose `asks` pattern covers most of
    its first asked clause (the main question: later ones ask around it — 能加吗 … 不给钱我能不让他
    看孩子吗 is about the support money). None when no card asks it, or two cover it alike (咋办,
    a 能赔多少 that the traffic and the work-injury cards both claim)."""
    if not clauses:
        return None
    scored = sorted(((card.asked_in(clauses[0]), card.id) for card in cards), reverse=True)
    if scored and scored[0][0] and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None


def pattern_matches(text: str, cards: Sequence[Card], found: set[tuple[str, str]]) -> list[CardMatch]:
    """The cards whose `when` matches `text` (normalised, compounds marked), with their retrieval votes."""
    covering = _packaged_covering(text) if cards is packaged_cards() else _covering(text, cards)
    return [CardMatch(card, covered, sum(1 for c in card.claims() if (c.law, c.article) in found))
            for card, covered in covering]


def _covering(text: str, cards: Sequence[Card]) -> tuple[tuple[Card, int], ...]:
    return tuple((card, covered) for card in cards if (covered := card.match(text)))


@lru_cache(maxsize=256)
def _packaged_covering(text: str) -> tuple[tuple[Card, int], ...]:
    # the composer reads one question's pattern cards twice (matching, then the urgency of a card
    # the classifier replaced): the patterns run once
    return _covering(text, packaged_cards())


def urgent_by_pattern(question: str, cards: Sequence[Card] | None = None) -> Card | None:
    """A card whose words match `question` and that is urgent for it (the classifier may replace
    such a card, but never the urgency it carried)."""
    text = normalise_question(question)
    for m in pattern_matches(mark_compounds(text), packaged_cards() if cards is None else cards, set()):
        if m.card.urgent_for(text):
            return m.card
    return None


def with_own_words(matches: list[CardMatch], text: str, clauses: str = "") -> list[CardMatch]:
    """`matches` (best first) without a later card all of whose words lie inside the words that
    matched the cards before it: 工伤 inside 工伤+工资 (benefits) is no second question about
    whether it is a work injury, 借条 inside the interest card's 借条+实际到手 no second loan card.
    A card that found its issue in words of its own stays (车+撞 beside 上班+工伤), and so does the
    told event an earlier card builds on (`premise_of`). With `clauses` (the message as
    `clause_form` gives it), a later card must also tell its issue in one clause (`told_together`):
    words picked from separate sentences of a story (进城买了房 … 村里说地要收回) raise no second
    issue; retrieval finding the card's articles widens that (`clause_window`). A card that is
    always urgent is never cut."""
    kept, taken, taken_in_clauses = [], frozenset(), frozenset()
    for m in matches:
        own = m.card.trigger_positions(text)
        if kept and m.covered and not premise_of(m.card, [k.card for k in kept], text):
            if own <= taken:
                continue
            if clauses and m.card.urgent != "always" and not told_together(
                    m.card, clauses, taken_in_clauses, clause_window(m.retrieval_votes)):
                continue
        kept.append(m)
        taken |= own
        if clauses:
            taken_in_clauses |= m.card.trigger_positions(clauses)
    return kept


CLAUSE_BREAK = "，"
_CLAUSE_END = re.compile(r"[\s,，。！!？?；;：:]+")     # not 、 (房子、存款 is one list) nor . (2.5万)


def clause_form(question: str) -> str:
    """The message normalised and compounds marked as the cards read it, its clauses (a WeChat
    message's spaces and its punctuation end one) joined by CLAUSE_BREAK."""
    return CLAUSE_BREAK.join(mark_compounds(normalise_question(part)) for part in _CLAUSE_END.split(question)
                             if part.strip())


def clause_window(retrieval_votes: int) -> int:
    """How many neighbouring clauses a later card's words may span: one when retrieval found none of
    its articles (the words alone say it), two when it found one or two, any when three or more
    (two signals agree: 老公赌博输了…外面还欠一屁股债…这些债我要还吗 is a debt question)."""
    return 1 if retrieval_votes == 0 else 2 if retrieval_votes < 3 else 10_000


def told_together(card: Card, clauses: str, taken: frozenset[int], window: int = 1) -> bool:
    """Whether one of `card`'s patterns has its words inside `window` neighbouring clauses of
    `clauses` (`clause_form`), a word of it there and each other word there too or among the words
    the earlier cards matched (`taken` positions): 要离婚他不同意，房子咋分 tells 房子 beside
    the 离婚 of the first card."""
    bounds, start = [], 0
    for clause in clauses.split(CLAUSE_BREAK):
        bounds.append((start, start + len(clause)))
        start += len(clause) + len(CLAUSE_BREAK)
    for first in range(len(bounds)):
        span = range(bounds[first][0], bounds[min(first + window, len(bounds)) - 1][1])
        for pattern in card.when:
            if any(_said_in(group, clauses, span) for group in pattern.groups) and \
                    all(_said_in(group, clauses, span, taken) for group in pattern.groups):
                return True
    return False


def _said_in(group: tuple[str, ...], text: str, span: range, taken: frozenset[int] = frozenset()) -> bool:
    """Whether a word of `group` occurs in `text` inside `span`, or wholly at `taken` positions."""
    for word in map(as_matched, group):
        at = text.find(word)
        while at >= 0:
            if span.start <= at and at + len(word) <= span.stop or taken.issuperset(range(at, at + len(word))):
                return True
            at = text.find(word, at + 1)
    return False


def premise_of(card: Card, earlier: list[Card], text: str) -> bool:
    """Whether one of `card`'s several-word patterns (a told event: 矿上+出事故) is restated whole
    inside one pattern of an earlier card that adds to it (矿上+出事故+私了, the compensation):
    the event the earlier card builds on is then a question of its own (is it a work injury)."""
    told = [p.positions(text) for p in card.when if len(p.groups) > 1]
    around = [p.positions(text) for c in earlier for p in c.when if len(p.groups) > 1]
    return any(t and t <= a for t in told for a in around)


def by_meaning(cards: Sequence[Card], meaning: Card | None, found: set[tuple[str, str]]) -> list[CardMatch]:
    """No card's words occur, but the question is told like one card's examples (厂里换了老板，原来
    的人都不要了 beside the severance card's): that card (semantic.confident_card chose it)."""
    if meaning is None or meaning.id not in {c.id for c in cards}:
        return []
    return [CardMatch(meaning, 0, sum(1 for c in meaning.claims() if (c.law, c.article) in found))]


def retrieval_backs(card: Card, retrieved: Iterable[tuple[str, str]], depth: int = 10) -> bool:
    """Whether one of `card`'s own articles is among retrieval's top `depth` hits ((law, article_id), in rank order)."""
    top = {(law, str(aid)) for law, aid in list(retrieved)[:depth]}
    return any((c.law, c.article) in top for c in card.claims())


def by_retrieval(cards: Sequence[Card], retrieved: list[tuple[str, str]], depth: int = 5) -> list[CardMatch]:
    """No card's words occur (a paraphrase: 厂子要搬走叫我们走人): the card whose deciding article
    (its first conclusion's) is retrieval's top hit, when another of its articles is also in the
    top `depth` — two agreeing signals, so a lone stray top hit does not pick a card."""
    if not retrieved:
        return []
    top = (retrieved[0][0], str(retrieved[0][1]))
    near = {(law, str(aid)) for law, aid in retrieved[1:depth]}
    out = []
    for card in cards:
        first = card.conclusions[0]
        if (first.law, first.article) != top:
            continue
        votes = sum(1 for c in card.claims() if (c.law, c.article) in near)
        if votes:
            out.append(CardMatch(card, 0, votes + 1))
    return sorted(out, key=lambda m: -m.retrieval_votes)[:1]


# the register of a law exam or a lawyer's question (是否、认定、当事人、效力 …): a question without
# personal words but also without these is everyday speech (合同到期公司不续了有补偿吗) and takes a card
LEGAL_REGISTER = re.compile(r"是否|能否|可否|如何|应当|认定|效力|当事人|劳动者|用人单位|出卖人|买受人|债权人|债务人|继承人|"
                            r"行为人|第三人|构成|适用|哪些|情形|责任|主体|法律|规定|条件|程序|权利|义务|合法|违法|有效|"
                            r"无效|期限|标准|范围|性质|区别|区分|属于|什么是|何为|权人|受偿|清偿|未成年人|聚众|抵押|质押|"
                            r"仓单|仓储|法律后果|量刑|要件|追偿|连带|代位|过错|侵权|法人|行政机关|人民法院|仲裁机构|"
                            # a statute's names for claims, parties and proceedings (a villager says 借钱, 后妈, 打官司)
                            r"请求权|民间借贷|审理|鉴定意见|被保险人|被继承人|继子女|继父母")


def fits_the_asker(question: str, matches: list[CardMatch], retrieved: Iterable[tuple[str, str]] = (),
                   depth: int = 10) -> bool:
    """Cards answer a person's own dispute (personal words, or everyday speech without the law's
    register). A question about the law in the abstract takes a card
    only when retrieval put the card's deciding article (its first conclusion's) in its top
    `depth`; otherwise the retrieved articles answer it (宠物被人打伤能否要求精神损害赔偿 is not the
    dog-bite card's question)."""
    if not matches:
        return False
    if PERSONAL.search(question) is not None or LEGAL_REGISTER.search(question) is None:
        return True
    top = {(law, str(aid)) for law, aid in list(retrieved)[:depth]}
    return any((m.card.conclusions[0].law, m.card.conclusions[0].article) in top for m in matches)
