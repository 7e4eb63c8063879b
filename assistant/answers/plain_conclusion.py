"""A one-sentence conclusion in plain words, read off the quoted clause itself (no model, no
guessing): "依照《民法典》第八百九十二条，不能擅自改变保管场所或者方法（紧急情况或者为维护寄存人
利益的除外）。" put before the quote of a retrieval answer.

Only for questions of a form handled here — yes/no (是否承担…、可以…吗、有效吗), who (谁承担、由谁),
how long (多久、期限) — and only when the clause has a sentence that speaks to the very point asked:
the asked verb (承担、改变、请求…) or 无效, with its polarity (不得、不承担、人民法院不予支持 …)
written in the clause. The conclusion is that sentence's own words (legal modals put plainly:
不得 → 不能, 人民法院应予支持 → 法院会支持), with its exception. Anything else → None: the answer
stays a quote. Graders: "outside the cards there is no plain-words conclusion" (issue #22)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answers.grounding import forms_of, is_filler

MAX_CHARS = 60          # the statement after "依照…，": the first phone screen

# --- the question ---------------------------------------------------------------------------------
_YES_NO_MARK = re.compile(r"是否|能否|可否|能不能|可不可以|会不会|是不是|要不要|需不需要|应不应该?|算不算")
_MODAL_BEFORE_MA = re.compile(r"(?:可以|能够|能|应当|应该|需要|必须|会|要)(?=[^，,。；]*吗$)")
_VALIDITY = re.compile(r"(?:有效|无效|成立|合法)吗$|是否(?:有效|无效|成立|合法)")
_WHO = re.compile(r"谁|哪一方|哪方|如何承担|怎么承担|怎样承担|如何负担")
_HOW_LONG = re.compile(r"多久|多长时间|多长|几年|几个月|几天|多少天|多少年|有无期限|期限是|时效")
_LEADING_MODALS = re.compile(r"^(?:还|也|仍然?|就|都|一定)?(?:应当|应该|需要|必须|可以|能够|能|会(?![计议])|要(?!求))?(?:继续|再|去)?")

# --- the clause -------------------------------------------------------------------------------------
_ITEM_LABEL = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_SENTENCES = re.compile(r"(?<=[。；;])")
_LEAD_AND_ITEM = re.compile(r"^(.*[：:])[（(][一二三四五六七八九十]+[）)](.*)$")
_NEGATIONS = ("不得", "不能", "不可以", "不应当", "不应", "禁止", "无权", "不予", "不")
_COURT_YES = re.compile(r"[，,]?人民法院(?:应予|应当|依法)?(?:予以)?支持[。；;]?$")
_COURT_NO = re.compile(r"[，,]?人民法院(?:不予|依法不予)支持[。；;]?$")
_LIST_EXCEPTION = re.compile(r"[，,]?但是?有下列情形之一的除外[：:]?$")
_INLINE_EXCEPTION = re.compile(r"[；;，,]\s*但是?[，,]?(?P<what>[^；;。]+?)(?:的)?除外[。；;]?$")
_PLAIN = (("不得", "不能"), ("人民法院", "法院"))
_MODALS = ("应当", "可以", "有权", "必须", "不得", "不能", "无权", "不承担", "不负", "不予", "禁止", "不属于", "不适用")
_ASKING_WORDS = frozenset({"有效", "无效", "成立", "合法", "效力", "期限", "时间", "承担", "负担", "偿还"})
_GENERIC = frozenset({"进行", "一定", "相应", "有关", "或者", "以及", "并且", "可能"})
_DURATION = re.compile(r"[零〇一二两三四五六七八九十百\d]+(?:个)?(?:年|月|日|天|周|小时|周岁)")
_BEARER = re.compile(r"由[^，,；;。]{1,20}?(?:承担|负担|享有|负责|支付|偿还|清偿)|以[^，,；;。]{1,12}财产承担")
# a question's words → the statute words that say the same
_VERB_FORMS = {"要求": ("要求", "请求", "主张"), "偿还": ("偿还", "清偿"), "退还": ("退还", "返还")}
_SAME_THING = (("侵权责任", "民事责任"), ("赔偿责任", "民事责任"))      # 不承担民事责任 settles 侵权责任
_CLAIMING = frozenset({"要求", "请求", "主张"})
_POINTS_BACK = re.compile(r"前款|前条|前两款|前三款|上述|前述|该款")
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Asked:
    form: str            # "yes_no" | "validity" | "who" | "how_long"
    point: str = ""      # yes/no: what is asked about ("承担侵权责任", "改变保管场所或者方法")


def asked(question: str) -> Asked | None:
    """The form of a single question, or None (several questions, or a form not handled)."""
    parts = [p for p in re.split(r"[？?]", question.strip()) if p.strip()]
    if len(parts) != 1:
        return None
    q = re.sub(r"[。！!\s]+$", "", parts[0].strip())
    if _VALIDITY.search(q):
        return Asked("validity")
    if _WHO.search(q):
        return Asked("who")
    if _HOW_LONG.search(q):
        return Asked("how_long")
    mark = _YES_NO_MARK.search(q)
    if mark is not None:
        point = q[mark.end():]
    else:
        modal = None
        if q.endswith("吗"):
            modal = next(iter(_MODAL_BEFORE_MA.finditer(q)), None)
        if modal is None:
            return None
        point = q[modal.end():]
    point = _LEADING_MODALS.sub("", re.sub(r"[吗呢呀啊]$", "", point)).strip("，, ")
    # a negated point (可以不履行吗) inverts the answer: too easy to get backwards
    if not point or point[0] in "不没未别":
        return None
    return Asked("yes_no", point)


# --- the conclusion ---------------------------------------------------------------------------------
def plain_conclusion(question: str, label: str, clause: str) -> str | None:
    """"依照{label}，{what the clause says about the point asked}。", or None when the question is
    of a form not handled or the clause does not settle that point."""
    form = asked(question)
    if form is None:
        return None
    sentences = _sentences(clause)
    if form.form == "yes_no":
        statement = _yes_no(question, form.point, clause, sentences)
    elif form.form == "validity":
        statement = _validity(question, sentences)
    elif form.form == "who":
        statement = _who(question, clause, sentences)
    else:
        statement = _how_long(question, sentences)
    # a statement pointing back (前款规定的房屋) does not stand alone before the quote
    if not statement or len(statement) > MAX_CHARS or _POINTS_BACK.search(statement):
        return None
    if _bare(statement) == _bare(_plain(clause)):
        return None          # the clause itself, said again: the quote right after says it already
    return f"依照{label}，{statement}。"


@dataclass(frozen=True)
class _Sentence:
    text: str                 # without its end mark
    items: tuple[str, ...]    # the 项 quoted under it (a list lead-in)


def _sentences(clause: str) -> list[_Sentence]:
    """The clause's sentences (split at 。；), a list's 项 kept with the lead-in they complete."""
    body = clause.replace("……", "")
    out: list[_Sentence] = []
    for raw in (s.strip() for s in _SENTENCES.split(body)):
        text = raw.rstrip("。；;").strip()
        if not text:
            continue
        if _ITEM_LABEL.match(text) and out and out[-1].text.endswith(("：", ":")):
            out[-1] = _Sentence(out[-1].text, out[-1].items + (_ITEM_LABEL.sub("", text),))
        elif _ITEM_LABEL.match(text) and out and out[-1].items:
            out[-1] = _Sentence(out[-1].text, out[-1].items + (_ITEM_LABEL.sub("", text),))
        else:
            # a lead-in and its first 项 arrive in one piece ("…除外：（二）…")
            joined = _LEAD_AND_ITEM.match(text)
            if joined is not None:
                out.append(_Sentence(joined.group(1), (joined.group(2),)))
            else:
                out.append(_Sentence(text, ()))
    return out


def _bare(text: str) -> str:
    return re.sub(r"[\s，,。；;：:“”……]", "", text)


def _words(text: str) -> set[str]:
    """The text's words as jieba cuts them whole (报道人, not 报道 + 道人: parts would count twice)."""
    import jieba

    return {w for w in jieba.lcut(text) if _WORD.fullmatch(w) and w not in _GENERIC and not is_filler(w)}


def _found(word: str, text: str) -> bool:
    return any(f in text for f in (*forms_of(word), *_VERB_FORMS.get(word, ())))


def _point_at(point: str, text: str) -> int:
    """Where in `text` the asked point's verb stands (-1: not there, or the sentence leaves out one
    of the point's words: 对第三人的动产进行留置 is not settled by 留置债务人的动产)."""
    import jieba

    for asked_words, statute_words in _SAME_THING:
        if asked_words in point and asked_words not in text and statute_words in text:
            point = point.replace(asked_words, statute_words)
    words = [w for w in jieba.lcut(point) if len(w) >= 2 and w not in _GENERIC]
    # "can I claim X" is settled by "they shall X": the claiming verb itself need not be there
    needed = [w for w in words if w not in _CLAIMING]
    if not needed or not all(_found(w, text) for w in needed):
        return -1
    verb = needed[0]
    spots = [text.find(f) for f in (*forms_of(verb), *_VERB_FORMS.get(verb, ())) if f in text]
    return min(spots)


def _phrase_start(text: str, at: int) -> int:
    return max(text.rfind(ch, 0, at) for ch in "，,：:") + 1


def _negated(text: str, at: int) -> bool:
    """The verb at `at` is negated within its own phrase (不承担、不得擅自改变、无权请求)."""
    window = text[_phrase_start(text, at):at]
    return any(n in window for n in _NEGATIONS) or window.endswith("不")


def _plain(text: str) -> str:
    for legal, plain in _PLAIN:
        text = text.replace(legal, plain)
    return text


def _consequence(text: str, at: int) -> str:
    """The phrase the verb at `at` stands in (from the comma before it to the sentence end), with
    a 除…外 phrase just before it, which limits it (除紧急情况外，不得擅自改变…)."""
    start = _phrase_start(text, at)
    before = text[:max(start - 1, 0)]
    saving = re.search(r"除[^，,：:]+外$", before)
    phrase = re.sub(r"^(?:均|都|也|亦)(?=可以|应当|不)", "", text[start:])
    return (saving.group(0) + "，" if saving else "") + phrase


def _exception(sentence: _Sentence, later: list[_Sentence], negative: bool) -> tuple[str, str] | None:
    """(the rule's text without its exception, the exception put plainly — "" when none); None
    when the exception cannot be put briefly (a list with several 项 quoted)."""
    text = sentence.text
    listed = _LIST_EXCEPTION.search(text)
    if listed is not None:
        if len(sentence.items) != 1:
            return None
        item = sentence.items[0].rstrip("。；;")
        bears = negative and "承担" in text[_phrase_start(text, listed.start()) - 1:listed.start() + 1]
        return text[:listed.start()], f"但{item}的，要承担" if bears else f"但{item}的除外"
    inline = _INLINE_EXCEPTION.search(text)
    if inline is not None:
        return text[:inline.start()], f"但{inline.group('what').strip()}的除外"
    if later and later[0].text.startswith("但"):
        return text, "但" + re.sub(r"^但是?[，,]?", "", later[0].text)
    return text, ""


def _says_yes_or_no(phrase: str) -> bool:
    """The phrase itself says yes or no (应当/可以/不得/不承担 …): a bare description does not."""
    return any(m in phrase for m in _MODALS)


def _with_usually(phrase: str) -> str:
    """一般 before the phrase's modal (保管人一般应当承担…): the rule has an exception."""
    spots = [phrase.find(m) for m in (*_MODALS, "不") if m in phrase]
    at = min(spots) if spots else 0
    return f"{phrase[:at]}一般{phrase[at:]}"


def _yes_no(question: str, point: str, clause: str, sentences: list[_Sentence]) -> str | None:
    """The first sentence whose phrase around the asked verb holds all of the point's words and
    says yes or no, put with its condition (shown whole when it fits; left out only when the
    question states it) and its exception."""
    for i, sentence in enumerate(sentences):
        text = sentence.text
        at = _point_at(point, text)
        if at < 0:
            continue
        if not _covered(clause, question, share=0.5):
            return None          # the clause is about another case than the asker's
        court = _COURT_YES.search(text) or _COURT_NO.search(text)
        if court is not None:
            return _court(point, text[:court.start()], _COURT_YES.search(text) is not None)
        if sentence.items and not _LIST_EXCEPTION.search(text):
            return _listed(sentence)
        split = _exception(sentence, sentences[i + 1:], _negated(text, at))
        if split is None or at >= len(split[0]):    # or the point is asked about in the exception only
            return None
        rule, exception = split
        consequence = _consequence(rule, at)
        if not _says_yes_or_no(consequence) or not _point_at(point, consequence) >= 0:
            return None
        condition = rule[:len(rule) - len(consequence)].rstrip("，,")
        tail = f"；{exception}" if exception else ""
        if exception:
            consequence = _with_usually(consequence)
        whole = _plain(f"{condition}，{consequence}{tail}" if condition else f"{consequence}{tail}")
        if len(whole) <= MAX_CHARS:
            return whole
        # the condition is left out only when the question states it, or when the exception is
        # a listed case that matched the question (the asker's case is the exception)
        if _covered(question, condition, share=1 / 3) or (tail and _LIST_EXCEPTION.search(text)):
            return _plain(f"{consequence}{tail}")
        return None
    return None


def _court(point: str, claim: str, supported: bool) -> str | None:
    """"…请求X的，人民法院应予支持/不予支持": yes/no only when what is claimed (after the last
    请求/主张) is the point asked (after the point's own 请求/要求, if any), and the claim is not
    itself a negation (主张…无效) — else the court's yes would be read as the asker's."""
    asks = max(claim.rfind("请求"), claim.rfind("主张"))
    if asks < 0 or not claim.endswith("的") or re.search(r"不|未|无效|撤销", claim[asks:]):
        return None
    own = max(point.rfind(w) for w in _CLAIMING)
    if _point_at(point[own + 2:] if own >= 0 else point, claim[asks + 2:]) < 0:
        return None
    return f"{'可以' if supported else '不可以'}：{_plain(claim)}，法院{'会支持' if supported else '不支持'}"


def _listed(sentence: _Sentence) -> str | None:
    """下列行为不属于…：（五）X → "X，不属于…" (one 项 quoted: the one that matched the question)."""
    lead = re.match(r"^下列[^，,：:]{1,6}?(?=不?属于|不?适用|应当|可以|不得)(?P<rule>[^，,：:]+)[：:]$", sentence.text)
    if lead is None or len(sentence.items) != 1:
        return None
    return _plain(f"{sentence.items[0].rstrip('。；;')}，{lead.group('rule')}")


def _validity(question: str, sentences: list[_Sentence]) -> str | None:
    """有效吗: a sentence whose rule ends in 无效 (…的，保证合同无效，但是法律另有规定的除外) and
    speaks of the asker's case, with its exception."""
    for i, sentence in enumerate(sentences):
        split = _exception(sentence, sentences[i + 1:], negative=False)
        if split is None or not split[0].endswith("无效") or not _covered(sentence.text, question):
            continue
        rule, exception = split
        if exception:
            rule = rule[:-2] + "一般无效"
        return _plain(rule + (f"；{exception}" if exception else ""))
    return None


def _covered(text: str, question: str, share: float = 2 / 3) -> bool:
    """At least `share` of the question's content words are in the sentence: it speaks of the
    asker's case."""
    words = _words(question) - _ASKING_WORDS
    return bool(words) and sum(_found(w, text) for w in words) >= share * len(words)


def _who(question: str, clause: str, sentences: list[_Sentence]) -> str | None:
    """谁承担: the sentence that names who bears it (由X承担、以X财产承担), with the short sentences
    right after it that complete it (家庭经营的，以家庭财产承担)."""
    if not _covered(clause, question, share=0.5):
        return None
    for i, sentence in enumerate(sentences):
        if _BEARER.search(sentence.text) and _covered(sentence.text, question, share=1 / 3):
            picked = [sentence.text]
            for nxt in sentences[i + 1:]:
                if not _BEARER.search(nxt.text) or (len(nxt.text) > 20 and not _covered(nxt.text, question)):
                    break
                picked.append(nxt.text)
            return _plain("；".join(picked))
    return None


def _how_long(question: str, sentences: list[_Sentence]) -> str | None:
    """多久: the sentence with the time limit, when it speaks of what is asked."""
    for sentence in sentences:
        if _DURATION.search(sentence.text) and _covered(sentence.text, question):
            has = "有期限：" if re.search(r"有无|有没有", question) else ""
            return has + _plain(sentence.text)
    return None
