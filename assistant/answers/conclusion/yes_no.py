"""Yes/no and validity questions (是否承担、可以…吗、有效吗): the clause's own polarity and exception."""
from __future__ import annotations

import re

from assistant.answers.conclusion.forms import ASKING_TAIL
from assistant.answers.conclusion.matching import (ASKING_WORDS, CLAIMING, covers, other_party, point_at,
                                                   said_in, tells_case, tells_whole, word_set)
from assistant.answers.conclusion.sentences import (COURT_NO, COURT_YES, LIST_EXCEPTION, Sentence,
                                                    consequence_phrase, is_negated, phrase_start, split_exception)
from assistant.answers.conclusion.wording import MAX_CHARS, plain_words, says_yes_or_no, with_usually


_CLASSING = ("属于", "构成", "视为")


def read_yes_no(question: str, point: str, clause: str, sentences: list[Sentence]) -> str | None:
    """The first sentence whose phrase around the asked verb holds all of the point's words and
    says yes or no, put with its condition (shown whole when it fits; left out only when the
    question states it) and its exception."""
    for i, sentence in enumerate(sentences):
        text = sentence.text
        at = point_at(point, text)
        if at < 0 or other_party(question, point, text, at):
            continue          # not the point, or a rule about another party (出租人 asked, 承租人 ruled)
        if not covers(clause, question, share=0.5) and not _case_told(question, text, at):
            return None          # the clause is about another case than the asker's
        if _qualifier_unsaid(question, point, clause):
            return None          # 离婚协议中的赠与可以撤销吗: the clause on 赠与 alone does not settle it
        court = COURT_YES.search(text) or COURT_NO.search(text)
        if court is not None:
            return _court(question, point, text[:court.start()], COURT_YES.search(text) is not None)
        if sentence.items and not LIST_EXCEPTION.search(text):
            return _listed(sentence)
        split = split_exception(sentence, sentences[i + 1:], is_negated(text, at))
        if split is None or at >= len(split[0]):    # or the point is asked about in the exception only
            return None
        rule, exception = split
        consequence = consequence_phrase(rule, at)
        if not (says_yes_or_no(consequence) or _classifies(point, consequence)) or not point_at(point, consequence) >= 0:
            return None
        condition = rule[:len(rule) - len(consequence)].rstrip("，,")
        tail = f"；{exception}" if exception else ""
        if exception:
            consequence = with_usually(consequence)
        whole = plain_words(f"{condition}，{consequence}{tail}" if condition else f"{consequence}{tail}")
        if len(whole) <= MAX_CHARS:
            return whole
        # the condition is left out only when the question states it, or when the exception is
        # a listed case that matched the question (the asker's case is the exception)
        if covers(question, condition, share=1 / 3) or (tail and LIST_EXCEPTION.search(text)):
            return plain_words(f"{consequence}{tail}")
        return None
    return None


def _qualifier_unsaid(question: str, point: str, clause: str) -> bool:
    """A one-phrase question names what it asks about (离婚协议中的赠与) and the clause leaves out a
    word of it: the clause's rule for the thing in general (赠与人…可以撤销赠与) may not hold for the
    kind asked about. A story (several phrases) is matched by covers/_case_told instead."""
    at = question.find(point)
    if at <= 0 or re.search(r"[，,；;]", question[:at]):
        return False
    subject = ASKING_TAIL.sub("", question[:at])
    return any(not said_in(w, clause) for w in word_set(subject) - ASKING_WORDS)


def _case_told(question: str, text: str, at: int) -> bool:
    """A long story (航司临时取消航班，造成我的出行…可以要求赔偿吗) shares few of its words with the
    clause, yet tells the very case its rule is for: the condition right before the asked verb's
    phrase (…造成旅客损失的，) is told by the question."""
    condition = text[:phrase_start(text, at)].rstrip("，,")
    return condition.endswith("的") and tells_whole(question, condition)


def _court(question: str, point: str, claim: str, supported: bool) -> str | None:
    """"…请求X的，人民法院应予支持/不予支持": yes/no only when what is claimed (after the last
    请求/主张) is the point asked (after the point's own 请求/要求, if any), and the claim is not
    itself a negation (主张…无效) — else the court's yes would be read as the asker's."""
    asks = max(claim.rfind("请求"), claim.rfind("主张"))
    if asks < 0 or not claim.endswith("的") or re.search(r"不|未|无效|撤销", claim[asks:]):
        return None
    own = max(point.rfind(w) for w in CLAIMING)
    if point_at(point[own + 2:] if own >= 0 else point, claim[asks + 2:]) < 0:
        return None
    whole = f"{'可以' if supported else '不可以'}：{plain_words(claim)}，法院{'会支持' if supported else '不支持'}"
    if len(whole) <= MAX_CHARS:
        return whole
    # too long for the first screen: the claim's own phrase, when the question states the case before it
    start = phrase_start(claim, asks)
    if start == 0 or not tells_case(question, claim[:start - 1]):
        return whole
    return f"{'可以' if supported else '不可以'}：{plain_words(claim[start:])}，法院{'会支持' if supported else '不支持'}"


def _listed(sentence: Sentence) -> str | None:
    """下列行为不属于…：（五）X → "X，不属于…" (one 项 quoted: the one that matched the question)."""
    lead = re.match(r"^下列[^，,：:]{1,6}?(?=不?属于|不?适用|应当|可以|不得)(?P<rule>[^，,：:]+)[：:]$", sentence.text)
    if lead is None or len(sentence.items) != 1:
        return None
    return plain_words(f"{sentence.items[0].rstrip('。；;')}，{lead.group('rule')}")


def _classifies(point: str, phrase: str) -> bool:
    """属于/构成/视为…吗 answered by the phrase putting the very thing asked after that verb (工作时间
    受到事故伤害的，属于工伤 — not 属于债务人的全部财产，…为破产财产 for 属于破产财产)."""
    verb = next((v for v in _CLASSING if point.startswith(v)), None)
    if verb is None or len(point) <= len(verb):
        return False
    for found in re.finditer(verb, phrase):
        after = re.split(r"[，,；;。]", phrase[found.end():])[0]
        if not phrase[:found.start()].endswith("不") and point_at(point[len(verb):], after) >= 0:
            return True
    return False


def _listed_void(question: str, sentence: Sentence) -> str | None:
    """"有下列情形之一的，X无效：（四）Y" with the one 项 quoted (the one that matched), when the
    question tells that case: "Y的，X无效"."""
    lead = re.match(r"^(?:具有|有)下列情形之一的[，,](?P<rule>[^：:]+无效)[：:]$", sentence.text)
    if lead is None or len(sentence.items) != 1:
        return None
    item = re.sub(r"的?[。；;]?$", "", sentence.items[0])
    if not tells_case(question, item):
        return None
    return plain_words(f"{item}的，{lead.group('rule')}")


def read_validity(question: str, sentences: list[Sentence]) -> str | None:
    """有效吗: a sentence whose rule ends in 无效 (…的，保证合同无效，但是法律另有规定的除外) and
    speaks of the asker's case, with its exception; or the listed case of a list of void ones that
    the question tells."""
    for i, sentence in enumerate(sentences):
        listed = _listed_void(question, sentence) if sentence.items else None
        if listed is not None:
            return listed
        split = split_exception(sentence, sentences[i + 1:], negative=False)
        if split is None or not split[0].endswith("无效") or not covers(sentence.text, question):
            continue
        rule, exception = split
        if exception:
            rule = rule[:-2] + "一般无效"
        return plain_words(rule + (f"；{exception}" if exception else ""))
    return None
