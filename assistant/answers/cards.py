"""Answer cards: the reviewed data files under cards/ (format in cards/README.md), loaded into
typed objects, and the word patterns that decide which cards a question is about."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from assistant.answers.compounds import mark_compounds
from assistant.answers.dialect import standard_forms
from assistant.answers.told import Phrase, PhraseError, word_groups

CARDS_DIR = Path(__file__).resolve().parent / "cards"
LEGAL_AID_KINDS = ("no_means_test", "means_test", "")
URGENCY = {True: "always", False: "", "if_serious": "if_serious"}
# a death or a serious injury makes an injury card urgent (a person follows up first); not a figure
# of speech (累死了, 气死, 死了心, 死活不给) nor a thing that fell over (墙撞倒了, 树倒了)
SERIOUS_HARM = re.compile(r"(?<![累气饿笑吓吵烦忙穷拖愁困热冷])死(?!了?心|活|也)|去世|过世|身亡|(人|都|就|已经|也)没了|倒下|"
                          r"(?<![墙树屋棚杆架柜垛板盆])(?<![墙树屋棚杆架柜垛板盆][撞推刮砸压吹碰])倒了|晕倒|猝|(事故|出事)[^，。！？]{0,3}没了|没了气|没气|断气|咽气|出人命|丧命|"
                          r"抢救|昏迷|重伤|瘫|截肢|植物人|重症|icu|不省人事|病危|骨折|(摔|压|打|砸|轧|撞|绞)断|断了|"
                          r"打破|头破|住院|在医院|医院(里)?躺|动不了|绞了|轧了|大出血|烧伤|流产|"
                          r"没救(过来|回来|活)|不行了|太平间|殡仪馆|缝了?[几十\d一二三四五六七八九]*针|(好几|几)个口子|"
                          r"(砸|打|撞)(伤|破)了?(头|脑袋)|(头|脑袋)[^，。！？]{0,3}(砸|打|撞)(伤|破)|出血|流血|看不清|看不见|"
                          # bleeding that will not stop, not woken up, lying in a county hospital now
                          r"血止不住|止不住血|没醒|(昏迷|一直|叫|还)不醒|在[县市镇乡省]?[^，。！？]{0,2}医院")
# an animal as the one killed (我家的猫叫邻居家狗咬死了, 羊被隔壁的狗咬死了): a claim for it, nobody hurt;
# the clause starts with the animal and names no person before the death (not 孩子被狗咬死了)
ANIMAL_DEATH = re.compile(r"(?:^|[，。！？,.!?\s])(我|咱|他|她|邻居|隔壁)?们?家?(的|里的|里)?(猫|狗|鸡|鸭|鹅|羊|猪|牛|兔子?|鱼|马|驴|蜂)"
                          r"[^，。！？人娃孩爹娘爸妈儿女我他她老]{0,10}死")
# a death or a grave injury told as happening now, whichever card the message gets (脚手架倒了砸到俺儿子头上
# 现在昏迷不醒 is told beside a neighbour dispute): narrower than SERIOUS_HARM (no 住院, 骨折, 出血;
# 人没了, not 钱就没了 or 地就没了)
GRAVE_HARM = re.compile(r"昏迷|不省人事|没醒|(一直|叫|还)不醒|抢救|重症|icu|植物人|病危|血止不住|止不住血|人(就|已经|当场|也)?没了|当场(就)?没了|"
                        r"没了气|没气了|断气|咽气|当场死亡|(砸|压|摔|淹|撞|电|烧|轧|咬)死了|说不出话|"
                        # a body that lies still or bleeds now (人在地上不动了, 撞飞了; not 走不动了)
                        r"(人|躺|倒)[^，。！？]{0,6}(?<![走拉推搬扛挪])不动了|撞飞|没(有)?反应了?|叫不醒|(浑身|满身|满脸)是血|血流了一地|没(了)?呼吸|"
                        r"人快不行了|手术室|正在(做)?手术|在做手术|"
                        # blood seen now (头上全是血, 血哗哗的流), a fall from a height just now
                        r"(头上|脸上|身上|一身|一地|一脸)(全|都)是血|血(哗哗|呼呼|直|一直)(的|地)?(流|往外冒|冒)|"
                        r"刚[^，。！？]{0,10}(栽|掉|摔|跌)(下来|下去)|尿血|叫不应|抽搐|口吐白沫|(叫|被)电(打|击)了|"
                        # an accident the family is kept from seeing (出事了 … 不让我们去看)
                        r"出(了)?事[^，。！？]{0,20}不让[^，。！？]{0,4}(看|见)")
# told as long past (当年, 前几年, 去世十年了) with nothing told as now: no person is in danger today
LONG_AGO = re.compile(r"当年|那年|那些年|以前|早年|年轻时|小时候|多年前|[几两三四五六七八九十]年前|前几年|前些年|去年|前年|"
                      r"(去世|走了|没了|过世|死了)[^，。！？]{0,3}(好几|几|[两三四五六七八九十])年")
TOLD_AS_NOW = re.compile(r"刚|昨天|昨晚|昨儿|今天|今早|今晚|这会|正在|又|还在|天天|这两天|前天|马上|明天|这几天|"
                         r"上个?月|上礼拜|上周")


def grave_harm_now(text: str) -> bool:
    """Whether `text` (normalised) tells of a death or a grave injury now, not long ago."""
    return GRAVE_HARM.search(ANIMAL_DEATH.sub("，", text)) is not None and not told_long_ago(text)


def told_long_ago(text: str) -> bool:
    return LONG_AGO.search(text) is not None and TOLD_AS_NOW.search(text) is None


CARD_KEYS = {"id", "title", "examples", "domain", "when", "unless", "asks", "overrides", "urgent", "legal_aid", "evidence",
             "conclusions", "steps", "ask", "document"}
CLAIM_KEYS = {"text", "law", "article", "quote"}
CONCLUSION_KEYS = CLAIM_KEYS | {"leads_when"}
STEP_KEYS = CLAIM_KEYS | {"only_when", "not_when"}
ASK_KEYS = {"question", "why", "law", "article", "quote", "told"}
TOLD_KEYS = CLAIM_KEYS | {"says", "conclusion"}


class CardError(ValueError):
    """A card file that does not follow the format (names the file and the card)."""


@dataclass(frozen=True)
class Claim:
    """A sentence of a card, with the article that backs it (law/article/quote all set or none)."""
    text: str
    law: str = ""
    article: str = ""
    quote: str = ""
    # a conclusion that answers one of the card's situations (墙砖、招牌掉落 → 1253, not 楼上扔东西 → 1254)
    # leads when the question tells that situation
    leads_when: tuple["Pattern", ...] = ()
    # steps for one situation: shown (first) only when the question tells it (人没了的，先保存好死亡证明…),
    # or left out when it tells a situation they do not fit (先治伤 when the worker died)
    only_when: tuple["Pattern", ...] = ()
    not_when: tuple["Pattern", ...] = ()

    @property
    def cited(self) -> bool:
        return bool(self.law)


@dataclass(frozen=True)
class Told:
    """One answer to an ask's fact: how a message states it, and the conclusion for that case
    (one of the card's conclusions, or a claim of its own with its article)."""
    says: tuple[Phrase, ...]
    conclusion: Claim

    def stated_in(self, text: str) -> bool:
        return any(p.stated_in(text) for p in self.says)


@dataclass(frozen=True)
class Pattern:
    """Word groups that must all occur; each group is a tuple of alternatives."""
    groups: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str) -> "Pattern":
        try:
            return cls(word_groups(text))
        except PhraseError as exc:
            raise CardError(f"pattern: {exc}") from exc

    def __post_init__(self) -> None:
        # per group, (the word as the question shows it, its length), longest first: `match` runs
        # ~440 times an answer, so the forms are worked out once (the lexicons are fixed files)
        object.__setattr__(self, "_matched", tuple(
            tuple(sorted(((as_matched(w), len(w)) for w in group), key=lambda form: -form[1]))
            for group in self.groups))

    def match(self, text: str) -> int:
        """Characters of the question the pattern covers (its longest alternative per group), 0 = no match.
        `text`: the question as `matcher.normalise_question` and `mark_compounds` leave it."""
        covered = 0
        for group in self._matched:
            for form, length in group:      # longest first: the first word found is the group's longest
                if form in text:
                    covered += length
                    break
            else:
                return 0
        return covered

    def positions(self, text: str) -> frozenset[int]:
        """Indices of `text` inside an occurrence of one of the pattern's words (none when it does
        not match): where in the question the pattern found its issue."""
        if not self.match(text):
            return frozenset()
        return frozenset(i for group in self.groups for w in group for i in _occurrences(as_matched(w), text))


@lru_cache(maxsize=8192)
def as_matched(word: str) -> str:
    """A card word in the form the question takes before matching (俺 as 我, compounds marked)."""
    return mark_compounds(standard_forms(word))


def _occurrences(word: str, text: str) -> set[int]:
    out, start = set(), text.find(word)
    while start >= 0:
        out.update(range(start, start + len(word)))
        start = text.find(word, start + 1)
    return out


@dataclass(frozen=True)
class Card:
    id: str
    title: str
    domain: str
    when: tuple[Pattern, ...]
    conclusions: tuple[Claim, ...]
    steps: tuple[Claim, ...] = ()
    ask: tuple[tuple[Claim, str], ...] = ()      # (why, the question to ask)
    told: tuple[tuple[Told, ...], ...] = ()        # per ask: its answers as a message states them (issue #22)
    evidence: tuple[str, ...] = ()
    unless: tuple[Pattern, ...] = ()
    # how a message's question clause asks about this card's issue (算工伤不, 孩子归谁): among several
    # matched cards, the one the person asks about leads (matcher.asked_card)
    asks: tuple[Pattern, ...] = ()
    overrides: tuple[str, ...] = ()
    urgent: str = ""                               # "always" | "if_serious" (death, serious injury) | ""
    legal_aid: str = ""
    document: str = ""                             # the form chat offers to fill: "labor_arbitration_application", "civil_complaint:divorce"
    examples: tuple[str, ...] = ()                 # lay phrasings of the issue: the card found by meaning (semantic.py)
    source: str = ""                               # file name, for messages

    def match(self, text: str) -> int:
        """How strongly the question is about this card (characters covered by its best pattern)."""
        if any(p.match(text) for p in self.unless):
            return 0
        return max((p.match(text) for p in self.when), default=0)

    def asked_in(self, clause: str) -> int:
        """How much of a question clause asks about this card's issue (characters its best `asks`
        pattern covers, 0 = it asks about something else); `clause` normalised as for `match`."""
        return max((p.match(clause) for p in self.asks), default=0)

    def trigger_positions(self, text: str) -> frozenset[int]:
        """Indices of `text` inside the words by which this card's patterns match it."""
        if any(p.match(text) for p in self.unless):
            return frozenset()
        return frozenset().union(*(p.positions(text) for p in self.when))

    def urgent_for(self, text: str) -> bool:
        """Whether this question on this card needs a person first (`text` normalised as for `match`)."""
        return self.urgent == "always" or (self.urgent == "if_serious" and SERIOUS_HARM.search(ANIMAL_DEATH.sub("，", text))
                                           is not None and not told_long_ago(text))

    def cites_punishment(self) -> bool:
        """Whether the card says what punishment the conduct risks (a criminal law, 治安管理处罚法)."""
        return any("刑" in c.law or c.law == "治安管理处罚法" for c in self.claims())

    def conclusions_for(self, text: str) -> tuple[Claim, ...]:
        """The conclusions with those whose situation `text` tells first (order kept otherwise).
        `text`: the question as `matcher.normalise_question` and `mark_compounds` leave it."""
        told = self.told_situations(text)
        return (*told, *(c for c in self.conclusions if c not in told))

    def told_situations(self, text: str) -> tuple[Claim, ...]:
        """The conclusions written for a situation `text` tells (`leads_when`), in card order."""
        return tuple(c for c in self.conclusions if any(p.match(text) for p in c.leads_when))

    def steps_for(self, text: str) -> tuple[Claim, ...]:
        """The steps for the situation `text` tells: the steps only for it first, the steps for
        another situation (`only_when` not told) and those that do not fit it (`not_when`) left out;
        `text` as for `conclusions_for`."""
        def tells(patterns: tuple[Pattern, ...]) -> bool:
            return any(p.match(text) for p in patterns)
        own = [s for s in self.steps if s.only_when and tells(s.only_when)]
        general = [s for s in self.steps if not s.only_when and not tells(s.not_when)]
        return (*own, *general)

    def settled(self, text: str) -> dict[int, Told]:
        """{ask index: the answer the message states} for the asks whose fact `text` already tells
        (the first answer of an ask whose phrases it states; `text` as `told.Phrase.stated_in` reads it)."""
        out = {}
        for i, answers in enumerate(self.told):
            found = next((t for t in answers if t.stated_in(text)), None)
            if found is not None:
                out[i] = found
        return out

    def claims(self) -> list[Claim]:
        """Every claim that cites an article (what the checker and the answer verify)."""
        own = [c for c in (*self.conclusions, *self.steps, *(why for why, _ in self.ask)) if c.cited]
        # a told case's own conclusion (one that names a card conclusion is already there)
        told = dict.fromkeys(t.conclusion for answers in self.told for t in answers if t.conclusion not in own)
        return own + list(told)


def _patterns(raw: dict, key: str) -> tuple["Pattern", ...]:
    return tuple(Pattern.parse(p) for p in raw.get(key, []))


def _known_keys(raw: dict, allowed: set[str], where: str) -> None:
    """TOML puts a key written after a sub-table into that sub-table (evidence under the last
    step): refuse unknown keys instead of dropping them silently."""
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise CardError(f"{where}: unknown key(s) {unknown} (a card's own keys go before its [[card.…]] tables)")


def _claim(raw: dict, where: str, text_key: str = "text") -> Claim:
    text = str(raw.get(text_key, "")).strip()
    if not text:
        raise CardError(f"{where}: missing {text_key!r}")
    law, article, quote = (str(raw.get(k, "")).strip() for k in ("law", "article", "quote"))
    if any((law, article, quote)) and not all((law, article, quote)):
        raise CardError(f"{where}: law, article and quote go together ({text[:20]}…)")
    return Claim(text, law, article, quote)


def _card(raw: dict, source: str) -> Card:
    cid = str(raw.get("id", "")).strip()
    where = f"{source}: card {cid or '?'}"
    if not re.fullmatch(r"[a-z][a-z0-9_]*", cid):
        raise CardError(f"{where}: id must be snake_case")
    if raw.get("urgent", False) not in URGENCY:
        raise CardError(f"{where}: urgent must be true, false or \"if_serious\"")
    if raw.get("legal_aid", "") not in LEGAL_AID_KINDS:
        raise CardError(f"{where}: legal_aid must be one of {LEGAL_AID_KINDS}")
    _known_keys(raw, CARD_KEYS, where)
    for kind, allowed in (("conclusions", CONCLUSION_KEYS), ("steps", STEP_KEYS), ("ask", ASK_KEYS)):
        for item in raw.get(kind, []):
            _known_keys(item, allowed, f"{where} {kind}")
    conclusions = tuple(replace(_claim(c, f"{where} conclusion"), leads_when=_patterns(c, "leads_when"))
                        for c in raw.get("conclusions", []))
    if not conclusions or not conclusions[0].cited:
        raise CardError(f"{where}: needs a first conclusion with law/article/quote")
    if not raw.get("when"):
        raise CardError(f"{where}: needs at least one `when` pattern")
    ask = tuple((_claim({**a, "text": a.get("why", "")}, f"{where} ask"), str(a.get("question", "")).strip())
                for a in raw.get("ask", []))
    if any(not q for _, q in ask):
        raise CardError(f"{where}: every ask needs a question")
    told = tuple(tuple(_told(t, conclusions, f"{where} ask {n + 1} told") for t in a.get("told", []))
                 for n, a in enumerate(raw.get("ask", [])))
    examples = raw.get("examples", [])
    if not isinstance(examples, list) or any(not isinstance(e, str) or not e.strip() for e in examples):
        raise CardError(f"{where}: examples must be a list of non-empty phrasings")
    return Card(id=cid, title=str(raw.get("title", "")).strip() or cid, domain=str(raw.get("domain", "")).strip(),
                when=tuple(Pattern.parse(p) for p in raw["when"]), conclusions=conclusions,
                steps=tuple(replace(_claim(s, f"{where} step"), only_when=_patterns(s, "only_when"),
                                    not_when=_patterns(s, "not_when")) for s in raw.get("steps", [])), ask=ask,
                told=told if any(told) else (),
                evidence=tuple(str(e) for e in raw.get("evidence", [])),
                unless=tuple(Pattern.parse(p) for p in raw.get("unless", [])), asks=_patterns(raw, "asks"),
                overrides=tuple(raw.get("overrides", [])), urgent=URGENCY[raw.get("urgent", False)],
                legal_aid=raw.get("legal_aid", ""), document=_document(raw.get("document", ""), where),
                examples=tuple(e.strip() for e in examples), source=source)


def _told(raw: dict, conclusions: tuple[Claim, ...], where: str) -> Told:
    """An ask's answer: `says` phrases and either `conclusion` (1-based, one of the card's) or a
    claim of its own (text, law, article, quote: a told case always leads with its article)."""
    _known_keys(raw, TOLD_KEYS, where)
    try:
        says = tuple(Phrase.parse(p) for p in raw.get("says", []))
    except PhraseError as exc:
        raise CardError(f"{where}: {exc}") from exc
    if not says:
        raise CardError(f"{where}: needs `says` phrases")
    if "conclusion" in raw:
        n = raw["conclusion"]
        if set(raw) & CLAIM_KEYS or not isinstance(n, int) or not 1 <= n <= len(conclusions):
            raise CardError(f"{where}: conclusion must be 1..{len(conclusions)} (and no text/law of its own)")
        return Told(says, conclusions[n - 1])
    claim = _claim(raw, where)
    if not claim.cited:
        raise CardError(f"{where}: a told case's conclusion needs law/article/quote")
    return Told(says, claim)


def _document(value: str, where: str) -> str:
    from assistant.documents.catalog import TYPES
    from assistant.documents.facts import CIVIL_CASES

    doc_type, _, case = value.partition(":")
    if value and (doc_type not in TYPES or (case and case not in CIVIL_CASES)):
        raise CardError(f"{where}: unknown document {value!r}")
    return value


def load_file(path: Path) -> list[Card]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CardError(f"{path.name}: {exc}") from exc
    return [_card(raw, path.name) for raw in data.get("card", [])]


def load_cards(folder: Path = CARDS_DIR) -> tuple[Card, ...]:
    """Every card of every *.toml file in `folder`; ids must be unique, overrides must exist."""
    cards = [c for path in sorted(folder.glob("*.toml")) for c in load_file(path)]
    ids: dict[str, str] = {}
    for card in cards:
        if card.id in ids:
            raise CardError(f"card id {card.id!r} in both {ids[card.id]} and {card.source}")
        ids[card.id] = card.source
    for card in cards:
        unknown = [o for o in card.overrides if o not in ids]
        if unknown:
            raise CardError(f"{card.source}: card {card.id} overrides unknown {unknown}")
    return tuple(cards)


@lru_cache(maxsize=1)
def packaged_cards() -> tuple[Card, ...]:
    return load_cards(CARDS_DIR)


@lru_cache(maxsize=1)
def _packaged_by_id() -> dict[str, Card]:
    return {c.id: c for c in packaged_cards()}


def packaged_card(card_id: str) -> Card | None:
    """The packaged card with this id, or None."""
    return _packaged_by_id().get(card_id)


def card_titles(ids: list[str]) -> list[str]:
    """The dispute types' Chinese names (what staff see), for card ids."""
    return [card.title if (card := packaged_card(i)) is not None else i for i in ids]
