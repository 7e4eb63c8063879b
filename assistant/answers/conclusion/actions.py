"""What to do (怎么办) and where to go (去哪告、找谁): the clause's rule for the asker's situation."""
from __future__ import annotations

import re

from assistant.answers.grounding import forms_of
from assistant.answers.conclusion.forms import WHERE
from assistant.answers.conclusion.matching import ASKING_WORDS, PARTIES, VERB_FORMS, covers, tells_case, word_set
from assistant.answers.conclusion.sentences import (BEARER, CONDITION, COURT_YES,
                                                    EFFECTS, Sentence, phrase_start, split_exception)
from assistant.answers.conclusion.wording import MAX_CHARS, plainer_words, says_yes_or_no

_TO_WHOM = re.compile(r"向(?P<whom>[^，,。；;]{2,25}?)(?:申请|起诉|投诉|举报|控告|报告|报案|提出|提起|请求|反映)")
_SUE = ("起诉", "投诉", "控告", "举报", "申请", "仲裁")


def read_what_to_do(question: str, sentences: list[Sentence]) -> str | None:
    """怎么办: the first sentence whose condition (…的，) is the situation the question tells and
    whose rule says what may or must be done (可以/应当/有权/由…承担) or what follows in law
    (无效、消灭…): "{condition}，{rule}" (the condition left out when it does not fit and is
    the question's own case). A court's support (…主张X的，人民法院应予支持) is put as
    "{who}可以主张X，法院会支持"."""
    for sentence in sentences:
        text = sentence.text
        if sentence.items or not covers(text, question, share=0.5):
            continue
        court = COURT_YES.search(text)
        if court is not None:
            claim = text[:court.start()]
            asks = max(claim.rfind("请求"), claim.rfind("主张"))
            start = phrase_start(claim, asks)
            if asks < 0 or not claim.endswith("的") or start == 0 or re.search(r"不|未|无效|撤销", claim[asks:]):
                continue
            if not tells_case(question, claim[:start - 1]):
                continue
            return plainer_words(f"{claim[start:asks]}可以{claim[asks:-1]}，法院会支持")
        match = CONDITION.match(text)
        if match is None or not tells_case(question, match.group("condition")):
            continue
        rule = match.group("rule")
        if not (says_yes_or_no(rule) or BEARER.search(rule) or rule.startswith("由") or any(e in rule for e in EFFECTS)):
            continue
        split = split_exception(sentence, [], negative=False)
        if split is None:
            continue
        whole = plainer_words(split[0]) + (f"；{split[1]}" if split[1] else "")
        if len(whole) <= MAX_CHARS:
            return whole
        if not re.search(r"且|同时", match.group("condition")):
            short = CONDITION.match(split[0])
            return plainer_words(short.group("rule") if short else split[0]) + (f"；{split[1]}" if split[1] else "")
    return None


def read_where(question: str, sentences: list[Sentence]) -> str | None:
    """去哪告/找谁: the sentence, up to the phrase, that names to whom one applies, complains or
    sues (向…申请/投诉/起诉) for the very action asked (申请仲裁, not 申请调解; 告 as 起诉/投诉/
    控告/举报), when the sentence speaks of what is asked."""
    action = _asked_action(question)
    if not action:
        return None
    for sentence in sentences:
        text = sentence.text
        if sentence.items or not covers(text, question, share=0.5):
            continue
        for to_whom in _TO_WHOM.finditer(text):
            end = min((i for i in (text.find(ch, to_whom.end()) for ch in "，,；;") if i >= 0), default=len(text))
            phrase = text[to_whom.start():end]
            if all(any(f in phrase for f in forms) for forms in action):
                return plainer_words(text[:end])
    return None


def _asked_action(question: str) -> list[tuple[str, ...]]:
    """What the asker wants to do where (去哪申请仲裁 → 申请, 仲裁; 去哪告 → 起诉/投诉/…), as the
    forms each of its words may take in a statute."""
    q = re.sub(r"[？?。！!\s]+$", "", question)
    mark = WHERE.search(q)
    after = re.sub(r"^(?:儿|里)", "", q[mark.end():]) if mark else ""
    action = after or re.split(r"[，,。；;\s]", q[:mark.start()] if mark else q)[-1]
    words = [(w, *forms_of(w), *VERB_FORMS.get(w, ())) for w in word_set(action) - ASKING_WORDS - PARTIES]
    if "告" in action and not any("告" in w[0] for w in words):
        words.append(_SUE)
    return words
