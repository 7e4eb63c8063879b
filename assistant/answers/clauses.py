"""The clause of an article that answers a question: split the article into its 款 (and a 款's
项), score each against the question, and quote the best one whole instead of the article's first
90 characters (which often stop before the deciding words).

Two texts per article: the *focus* — the 款 (or a 款's lead-in with its matching 项) that speaks to
the question, what a plain-words conclusion is read off and what a first phone screen shows — and
the *quote*, the focus widened to what decides: a short article is quoted whole (its other 款 are
often the exception or the limit that decides), a short list whole (the reader sees every case,
not "（一）…；……"). Only a long article or list is cut, to its matching 款, 项 or sentences.

Scoring is lexical and cheap (microseconds): the question's content words, the statute words its
lay words stand for (老板 → 用人单位), and shared character pairs. Clauses are statute sentences, so
a match on a lay word's statute form counts as much as on the word itself."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answers.grounding import content_words, forms_of

_LEADING_LABEL = re.compile(r"^\s*第[零〇一二两三四五六七八九十百千\d]+条(之[一二三四五六七八九十]+)?\s*")
_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_PUNCT = re.compile(r"[\s，。；：、“”‘’（）()…,.;:!?！？《》]")
QUOTE_LIMIT = 160      # characters: a clause longer than this is cut to its best sentences
WHOLE_LIMIT = 240      # characters: an article (or a 款 with its 项) this short is quoted whole
LIST_LIMIT = 320       # characters: a question asking for the cases (哪些情形), or a list none of whose
                       # 项 the question names, gets the whole list up to this
# a question that asks for the list itself (哪些情形、什么条件、如何认定): one matching 项 does not answer it
ASKS_FOR_LIST = re.compile(r"哪些|哪几|几种|什么(情况|情形|条件|内容|范围)|(如何|怎么|怎样)(认定|区分|分类|界定)|条件是|包括什么|包括哪")

# a question asking what a term means (什么是集体商标 / 留置权是什么 / 何为扒窃): the term
_ASKS_WHAT = (re.compile(r"(?:什么是|何为|何谓)[“\"]?([^？?，,。；;/“”\"]{2,12}?)[”\"]?(?:[？?，,。；;/]|$)"),
              re.compile(r"([^？?，,。；;/“”\"的]{2,12}?)[”\"]?(?:是什么|指的是什么|是指什么)[？?]?$"))
DEFINITION_BONUS = 2.0  # a 款 that defines the asked term (X，是指… / 本法所称X…) outscores one that only names it


@dataclass(frozen=True)
class Clause:
    text: str          # what is quoted: the focus widened to the whole article / 款 / list when short
    score: float
    position: int      # 0 = the article's first 款 (the focus's 款)
    focus: str = ""    # the 款, or a 款's lead-in with its best-matching 项, that speaks to the question

    @property
    def point(self) -> str:
        """The focus (the quote itself when no narrower focus was set)."""
        return self.focus or self.text

    def short(self) -> str:
        """What fits near the top of a phone screen: the quote when it is short, else the focus."""
        return self.text if len(self.text) <= QUOTE_LIMIT else self.point


def article_units(text: str) -> list[tuple[str, list[str]]]:
    """(款 text, its 项) in order; `text` as the knowledge base stores it (款 on their own lines)."""
    body = _LEADING_LABEL.sub("", text or "").strip()
    units: list[tuple[str, list[str]]] = []
    for line in (l.strip() for l in body.split("\n")):
        if not line:
            continue
        if _ITEM.match(line) and units:
            units[-1][1].append(line)
        else:
            units.append((line, []))
    return units


def char_pairs(text: str) -> set[str]:
    chars = _PUNCT.sub("", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def relevance(question: str, text: str, known: str = "") -> float:
    """How much of the question `text` speaks to: content words found (directly or in their statute
    form) count 1 each, shared character pairs add a little (they catch what word cutting misses).
    What `known` (an item's lead-in) already says does not count again: items differ by the rest."""
    words = [w for w in content_words(question) if not any(f in known for f in forms_of(w))]
    found = sum(1 for w in words if any(f in text for f in forms_of(w)))
    q_pairs = char_pairs(question) - char_pairs(known)
    shared = len(q_pairs & char_pairs(text)) / len(q_pairs) if q_pairs else 0.0
    return found + shared


def asked_terms(question: str) -> list[str]:
    """The terms a question asks the meaning of (什么是技术措施？什么是权利管理信息？ → both)."""
    terms = []
    for part in re.split(r"(?<=[？?])", question):
        for pattern in _ASKS_WHAT:
            terms += [m.group(1).strip() for m in pattern.finditer(part.strip())]
    return list(dict.fromkeys(t for t in terms if t))


def defines(text: str, terms: list[str]) -> bool:
    """`text` states what one of `terms` is (X，是指… / X是指… / 所称X…)."""
    return any(f"{t}，是指" in text or f"{t}是指" in text or f"所称{t}" in text for t in terms)


def best_clause(question: str, article_text: str) -> Clause | None:
    """The clause of the article that answers the question: its focus (the best-matching 款, or a
    款's lead-in with its matching 项; the first 款 wins ties: it usually states the rule the
    others qualify), quoted widened to the whole article or list when that is short."""
    units = article_units(article_text)
    focus = _focus(question, units)
    if focus is None:
        return None
    whole = "".join(lead + "".join(items) for lead, items in units)
    if len(units) > 1 and len(whole) <= QUOTE_LIMIT:
        # a short article's 款 qualify each other (the rule, then its exception): all of it is the focus
        focus = Clause(whole, relevance(question, whole), focus.position)
    lead, items = units[focus.position]
    unit = lead + "".join(items)
    if len(whole) <= WHOLE_LIMIT:
        text = whole
    elif len(unit) <= (LIST_LIMIT if items else WHOLE_LIMIT):
        text = unit
    else:
        text = focus.text
    return Clause(text, focus.score, focus.position, focus=focus.text)


def _focus(question: str, units: list[tuple[str, list[str]]]) -> Clause | None:
    """The 款 that best answers the question; for a 款 with 项, its lead-in with the matching 项
    (the whole list, up to LIST_LIMIT, when the question asks for the cases or names none of them)."""
    wants_list = ASKS_FOR_LIST.search(question) is not None
    terms = asked_terms(question)
    best: Clause | None = None
    sized = False           # the best is already cut to size (a list to LIST_LIMIT, a long lead-in to its first sentence)
    for position, (lead, items) in enumerate(units):
        final = False
        if items and wants_list:
            text, score, final = _whole_list(lead, items), relevance(question, lead + "".join(items)), True
        elif items:
            scored = sorted(((relevance(question, item, known=lead), -i) for i, item in enumerate(items)), reverse=True)
            top_score, top = scored[0][0], -scored[0][1]
            # the lead-in says when the items apply: quote it with the item that matches — or,
            # when none does, with the list (its first two items alone answered nothing)
            if top_score > 0:
                text, final = _lead_with_item(lead, items[top], len(items) > 1)
            else:
                text, final = _whole_list(lead, items), True
            score = relevance(question, lead) + top_score
        else:
            text, score = lead, relevance(question, lead)
        if terms and defines(lead, terms):
            score += DEFINITION_BONUS
        if best is None or score > best.score:
            best, sized = Clause(text, score, position), final
    if best is not None and not sized and len(best.text) > (LIST_LIMIT if wants_list else QUOTE_LIMIT):
        best = Clause(_best_sentences(question, best.text), best.score, best.position)
    return best


def _lead_with_item(lead: str, item: str, more: bool) -> tuple[str, bool]:
    """(the lead-in with its matching 项, whether that is final). A long lead-in (刑法: the
    offence, then its penalty tiers) keeps its first sentence — what the 项 complete — and the 项:
    cutting to the best sentences would start mid-lead ("……数额巨大的，…") and drop the offence."""
    tail = "……" if more else ""
    if len(lead) + len(item) <= QUOTE_LIMIT:
        return lead + item + tail, False
    first = re.split(r"(?<=[；;。])", lead, maxsplit=1)[0]
    if len(first) < len(lead) and len(first) + len(item) <= QUOTE_LIMIT:
        return f"{first}……{item}{tail}", True
    return lead + item + tail, False


def _whole_list(lead: str, items: list[str]) -> str:
    """The lead-in with as many of its 项 as fit in LIST_LIMIT (in order), …… marking the rest."""
    text = lead
    for item in items:
        if len(text) + len(item) > LIST_LIMIT:
            return text + "……"
        text += item
    return text


def _best_sentences(question: str, text: str) -> str:
    """A long clause cut to its best-matching sentence (with the sentence before it when that is
    the condition it completes), marked with …… where text was left out."""
    parts = [p for p in re.split(r"(?<=[。；;])", text) if p]
    if len(parts) == 1:
        return text[:QUOTE_LIMIT].rstrip("，,；;：:") + "……"
    scores = [relevance(question, p) for p in parts]
    i = max(range(len(parts)), key=lambda k: (scores[k], -k))
    picked = parts[i]
    if i > 0 and len(parts[i - 1]) + len(picked) <= QUOTE_LIMIT:
        i, picked = i - 1, parts[i - 1] + picked
    if len(picked) > QUOTE_LIMIT:
        picked = picked[:QUOTE_LIMIT].rstrip("，,；;：:")
    head = "……" if i > 0 else ""
    tail = "……" if not text.endswith(picked) else ""
    return f"{head}{picked}{tail}"
