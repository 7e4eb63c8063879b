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

from assistant.answers.grounding import LAY_TERMS, forms_of, is_filler

MAX_CHARS = 60          # the statement after "依照…，": the first phone screen

# --- the question ---------------------------------------------------------------------------------
_YES_NO_MARK = re.compile(r"是否|能否|可否|能不能|可不可以|会不会|是不是|要不要|需不需要|应不应该?|算不算")
_MODAL_BEFORE_MA = re.compile(r"(?:可以|能够|能|应当|应该|需要|必须|会|要)(?=[^，,。；]*吗$)")
_VALIDITY = re.compile(r"(?:有效|无效|成立)吗$|是否(?:有效|无效|成立)")
# is the conduct lawful / a crime (合法吗、犯法不、算不算违法、会坐牢吗)
_LEGALITY = re.compile(r"(?:合法|违法|犯法|犯罪|违规|坐牢|判刑|被抓)[吗么嘛不没]?$|是否(?:合法|违法|构成犯罪)|"
                       r"合不合法|违不违法|犯不犯法|算不算(?:违法|犯罪)|是不是(?:违法|犯罪)|构成犯罪[吗么不]?$|"
                       r"(?:构成|是|算|属于)[^，,。；;]{0,10}罪[吗么不]?$|是否构成[^，,。；;]{0,10}罪")
_WHERE = re.compile(r"去哪|到哪|哪里|哪儿|哪个部门|什么部门|找谁|向谁")
_WHO = re.compile(r"谁|哪一方|哪方|如何承担|怎么承担|怎样承担|如何负担")
_HOW_LONG = re.compile(r"多久|多长时间|多长|几年|几个月|几天|多少天|多少年|有无期限|期限是|时效")
_HOW_MUCH = re.compile(r"多少钱|赔多少|给多少|要多少|补多少|罚多少|多少|几倍|怎么算|如何计算|怎么计算|标准是|什么标准")
# what to do about a situation the question tells (怎么办、咋整、如何处理)
_WHAT_TO_DO = re.compile(r"怎么办|咋办|咋整|咋弄|咋个办|咋搞|怎么处理|如何处理|怎样处理|怎么解决|如何解决|该怎么做|怎么弄")
# the plain-spoken yes/no: 能要回来不、能告他不 (a modal, then 不 ending the question)
_MODAL_BEFORE_BU = re.compile(r"(?:可以|能够|能|会|要|算)(?=[^，,。；不]{1,12}不$)")
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
_ASKING_WORDS = frozenset({"有效", "无效", "成立", "合法", "效力", "期限", "时间", "承担", "负担", "偿还",
                           "违法", "犯法", "犯罪", "构成", "坐牢", "判刑", "处理", "解决", "部门", "标准", "计算"})
_GENERIC = frozenset({"进行", "一定", "相应", "有关", "或者", "以及", "并且", "可能"})
_DURATION = re.compile(r"[零〇一二两三四五六七八九十百\d]+(?:个)?(?:年|月|日|天|周|小时|周岁)")
_BEARER = re.compile(r"由[^，,；;。]{1,20}?(?:承担|负担|享有|负责|支付|偿还|清偿|管辖)|以[^，,；;。]{1,12}财产承担")
# a question's words → the statute words that say the same
_VERB_FORMS = {"要求": ("要求", "请求", "主张"), "偿还": ("偿还", "清偿"), "退还": ("退还", "返还"),
               "去世": ("死亡",), "死了": ("死亡",), "过世": ("死亡",)}
# plain words for the legal modals, in the conclusions of the forms added for issue #22
_PLAINER = (("不得", "不能"), ("人民法院", "法院"), ("应当", "要"), ("有权", "可以"))
_CONDITION = re.compile(r"^(?P<condition>.+?的)[，,](?P<rule>.+)$")     # "…的，" then what follows from it
_ALTERNATIVES = re.compile(r"或者|[，,；;]")
_EFFECTS = ("无效", "消灭", "终止", "中止", "解除", "撤销")
_CRIME = re.compile(r"处[^。；;]*?(?:有期徒刑|拘役|管制|死刑)|定罪处罚|追究刑事责任")
# the clause also says when the conduct is not treated as a crime: the answer is not a plain yes
_NOT_A_CRIME = re.compile(r"不按犯罪处理|不以犯罪论处|不认为是犯罪|不负刑事责任|不追究刑事责任|不构成犯罪|免予刑事处罚")
_MINOR = re.compile(r"未成年|未满|不满|孩子|小孩|娃|学生|[一二三四五六七八九十\d]+岁")
_ADMIN_PENALTY = re.compile(r"处[^。；;]*?(?:罚款|拘留)|给予[^。；;]*?(?:警告|处分|处罚)")
_THRESHOLD = re.compile(r"较大|巨大|严重|恶劣|多次|情节|首要分子|积极参加")
_PROHIBITION = re.compile(r"不得|禁止|严禁")
_NOT_DONE = re.compile(r"不给|没给|不交|没交|不缴|没缴|不发|没发|不签|没签|不付|没付|拖欠|拖着|欠|克扣|扣|少给|少交|不办|没办|不让")
# the parties a question names: found in every rule about them, they do not show the rule is about the conduct
_PARTIES = frozenset({"单位", "用人单位", "老板", "公司", "厂里", "厂子", "对方", "他们", "我们", "村里", "政府"})
_MEASURE = re.compile(r"低于|高于|超过|少于|多于|以上|以下|百分之|[\d零〇一二两三四五六七八九十百千万]+(?:个|倍|元|日|天|年|月|周岁)")
_AMOUNT = re.compile(r"[\d零〇一二两三四五六七八九十百千万]+(?:倍|元|万元|个月(?:的)?(?:本人)?工资)|百分之[\d零〇一二两三四五六七八九十]+|"
                     r"[\d.]+[%％]|按[^，,。；;]{1,12}(?:标准|比例)|按照[^，,。；;]{2,30}?(?:确定|计算|给予赔偿)")
_TO_WHOM = re.compile(r"向(?P<whom>[^，,。；;]{2,25}?)(?:申请|起诉|投诉|举报|控告|报告|报案|提出|提起|请求|反映)")
_SAME_THING = (("侵权责任", "民事责任"), ("赔偿责任", "民事责任"))      # 不承担民事责任 settles 侵权责任
_CLAIMING = frozenset({"要求", "请求", "主张"})
_POINTS_BACK = re.compile(r"前款|前条|前两款|前三款|上述|前述|该款")
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class Asked:
    form: str            # "yes_no" | "validity" | "legality" | "where" | "who" | "how_long" | "how_much" | "what_to_do"
    point: str = ""      # yes/no: what is asked about ("承担侵权责任", "改变保管场所或者方法")


def asked(question: str) -> Asked | None:
    """The form of a single question, or None (several questions, or a form not handled)."""
    parts = [p for p in re.split(r"[？?]", question.strip()) if p.strip()]
    if len(parts) != 1:
        return None
    q = re.sub(r"[。！!\s]+$", "", parts[0].strip())
    if _VALIDITY.search(q):
        return Asked("validity")
    if _LEGALITY.search(q):
        return Asked("legality")
    if _WHERE.search(q):
        return Asked("where")
    if _WHO.search(q):
        return Asked("who")
    if _HOW_LONG.search(q):
        return Asked("how_long")
    if _HOW_MUCH.search(q):
        return Asked("how_much")
    if _WHAT_TO_DO.search(q):
        return Asked("what_to_do")
    mark = _YES_NO_MARK.search(q)
    if mark is not None:
        point = q[mark.end():]
    else:
        modal = None
        if q.endswith("吗"):
            modal = next(iter(_MODAL_BEFORE_MA.finditer(q)), None)
        elif q.endswith("不"):
            modal = next(iter(_MODAL_BEFORE_BU.finditer(q)), None)
        if modal is None:
            return None
        point = q[modal.end():]
    point = _LEADING_MODALS.sub("", re.sub(r"(?:[吗呢呀啊]|(?<!不)不)$", "", point)).strip("，, ")
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
    elif form.form == "legality":
        statement = _legality(question, sentences)
    elif form.form == "where":
        statement = _where(question, sentences)
    elif form.form == "who":
        statement = _who(question, clause, sentences) or _where(question, sentences)
    elif form.form == "how_much":
        statement = _how_much(question, sentences)
    elif form.form == "what_to_do":
        statement = _what_to_do(question, sentences)
    else:
        statement = _how_long(question, sentences)
    if not statement and form.form != "what_to_do" and _WHAT_TO_DO.search(question):
        statement = _what_to_do(question, sentences)     # 能领多少 不够十五年咋办: the second form asked
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
            return _court(question, point, text[:court.start()], _COURT_YES.search(text) is not None)
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


def _court(question: str, point: str, claim: str, supported: bool) -> str | None:
    """"…请求X的，人民法院应予支持/不予支持": yes/no only when what is claimed (after the last
    请求/主张) is the point asked (after the point's own 请求/要求, if any), and the claim is not
    itself a negation (主张…无效) — else the court's yes would be read as the asker's."""
    asks = max(claim.rfind("请求"), claim.rfind("主张"))
    if asks < 0 or not claim.endswith("的") or re.search(r"不|未|无效|撤销", claim[asks:]):
        return None
    own = max(point.rfind(w) for w in _CLAIMING)
    if _point_at(point[own + 2:] if own >= 0 else point, claim[asks + 2:]) < 0:
        return None
    whole = f"{'可以' if supported else '不可以'}：{_plain(claim)}，法院{'会支持' if supported else '不支持'}"
    if len(whole) <= MAX_CHARS:
        return whole
    # too long for the first screen: the claim's own phrase, when the question states the case before it
    start = _phrase_start(claim, asks)
    if start == 0 or not _states(question, claim[:start - 1]):
        return whole
    return f"{'可以' if supported else '不可以'}：{_plain(claim[start:])}，法院{'会支持' if supported else '不支持'}"


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


# --- the forms added for plain-spoken questions (issue #22) ------------------------------------------
def _plainer(text: str) -> str:
    for legal, plain in _PLAINER:
        text = text.replace(legal, plain)
    return text


def _states(question: str, condition: str, share: float = 0.5) -> bool:
    """The question tells the asker's case as the condition describes it: one of the condition's
    alternatives (split at 或者 and commas) has at least `share` of its words, and two or more, in
    the question (or among the statute words of its lay words: 去世 → 死亡, 偷 → 盗窃)."""
    said = _as_statute_words(question)
    for alternative in _ALTERNATIVES.split(condition):
        words = _words(alternative) - _ASKING_WORDS
        found = sum(w in said for w in words)
        if words and found >= min(2, len(words)) and found >= share * len(words):
            return True
    return False


def _as_statute_words(question: str) -> str:
    """The question followed by the statute words its lay words stand for."""
    extra = [f for w in _words(question) for f in (*forms_of(w), *_VERB_FORMS.get(w, ()))]
    extra += [f for lay, legal in LAY_TERMS.items() if len(lay) == 1 and lay in question for f in legal]
    return question + "|" + "|".join(extra)


def _what_to_do(question: str, sentences: list[_Sentence]) -> str | None:
    """怎么办: the first sentence whose condition (…的，) is the situation the question tells and
    whose rule says what may or must be done (可以/应当/有权/由…承担) or what follows in law
    (无效、消灭…): "{condition}，{rule}" (the condition left out when it does not fit and is
    the question's own case). A court's support (…主张X的，人民法院应予支持) is put as
    "{who}可以主张X，法院会支持"."""
    for sentence in sentences:
        text = sentence.text
        if sentence.items or not _covered(text, question, share=0.5):
            continue
        court = _COURT_YES.search(text)
        if court is not None:
            claim = text[:court.start()]
            asks = max(claim.rfind("请求"), claim.rfind("主张"))
            start = _phrase_start(claim, asks)
            if asks < 0 or not claim.endswith("的") or start == 0 or re.search(r"不|未|无效|撤销", claim[asks:]):
                continue
            if not _states(question, claim[:start - 1]):
                continue
            return _plainer(f"{claim[start:asks]}可以{claim[asks:-1]}，法院会支持")
        match = _CONDITION.match(text)
        if match is None or not _states(question, match.group("condition")):
            continue
        rule = match.group("rule")
        if not (_says_yes_or_no(rule) or _BEARER.search(rule) or rule.startswith("由") or any(e in rule for e in _EFFECTS)):
            continue
        split = _exception(sentence, [], negative=False)
        if split is None:
            continue
        whole = _plainer(split[0]) + (f"；{split[1]}" if split[1] else "")
        if len(whole) <= MAX_CHARS:
            return whole
        if not re.search(r"且|同时", match.group("condition")):
            short = _CONDITION.match(split[0])
            return _plainer(short.group("rule") if short else split[0]) + (f"；{split[1]}" if split[1] else "")
    return None


def _legality(question: str, sentences: list[_Sentence]) -> str | None:
    """合法吗/犯法吗/会坐牢吗: the first sentence about the asker's conduct that punishes it as a
    crime ("构成犯罪" — "可能构成犯罪" when a threshold such as 数额较大 decides), punishes it
    otherwise ("违法"), forbids it ("不合法", the rule shown without a verdict when a number or
    limit decides, 不得低于百分之八十: the asker compares), or makes it void."""
    for i, sentence in enumerate(sentences):
        text = sentence.text
        if sentence.items:
            continue
        if _NOT_A_CRIME.search(text):
            return None
        crime = _CRIME.search(text)
        if crime is not None and _MINOR.search(question):
            return None      # whether a minor answers for it turns on the age (刑法第十七条), not on this clause
        if crime is not None:
            # the conditions are shown whole, so the asker sees what it takes (a VAT invoice,
            # 数额较大, 首要分子); the first must be the asker's conduct
            match = _CONDITION.match(text)
            if match is None or crime.start() < match.end("condition") \
                    or not _states(question, match.group("condition"), share=1 / 3):
                continue
            verdict = "可能构成犯罪" if _THRESHOLD.search(text) else "构成犯罪"
            conditions = text[:crime.start()].rstrip("，,对")
            return f"{verdict}：{_plainer(conditions)}，要依法追究刑事责任"
        if not _covered(text, question, share=2 / 3):
            continue
        split = _exception(sentence, sentences[i + 1:], negative=True)
        if split is None:
            continue
        rule, exception = split
        tail = f"；{exception}" if exception else ""
        breaks = _breaks(question, rule)
        if breaks == "measure":
            # a limit that differs by case (试用期: 一个月/二个月/六个月 by contract length): all of
            # them or none — the limb matching the question's number may not be the asker's case
            limbs = [t.text for t in sentences if not t.items and _PROHIBITION.search(t.text) and _MEASURE.search(t.text)]
            return "要看情况：" + _plainer("；".join(limbs)) if len(limbs) > 1 else _plainer(rule) + tail
        if breaks:
            return ("一般不合法：" if exception else "不合法：") + _plainer(rule) + tail
        if _permits(question, rule):
            return ("一般合法：" if exception else "合法：") + _plainer(rule) + tail
        if _ADMIN_PENALTY.search(rule) and _CONDITION.match(rule) and _states(question, _CONDITION.match(rule).group("condition")):
            return "违法，要受处罚：" + _plainer(rule) + tail
        if rule.endswith("无效") and _covered(text, question):
            return ("一般无效：" if exception else "无效：") + _plainer(rule) + tail
    return None


def _breaks(question: str, rule: str) -> str:
    """Whether the conduct asked about breaks the rule: the forbidden act (after 不得/禁止) is what
    the question names, or the question says a duty (应当/必须 …) is not done (不给交社保 against
    应当按时足额缴纳社会保险费). "measure" when a number or limit decides (不得低于百分之八十):
    the rule is shown, the asker compares. "" when the rule does not speak to the asked conduct
    (单位让我加班 is not 缓缴社保)."""
    asked_words = _words(question) - _ASKING_WORDS - _PARTIES
    forbids = _PROHIBITION.search(rule)
    if forbids is not None:
        forbidden = rule[forbids.end():]
        if _MEASURE.search(forbidden) and any(_found(w, rule) for w in asked_words):
            return "measure"
        if any(_found(w, forbidden) for w in asked_words):
            return "forbidden"
    duty = re.search(r"应当|必须", rule)
    if duty is not None and _NOT_DONE.search(question):
        done = rule[duty.end():forbids.start() if forbids is not None and forbids.start() > duty.end() else len(rule)]
        if any(_found(w, done) for w in asked_words):
            return "duty"
    return ""


def _permits(question: str, rule: str) -> bool:
    """The rule lets one do the very act asked about (有权将土地承包经营权互换 for 互换承包地是否
    合法): a word of the question after 有权/可以, nothing negated there, and the question not
    saying a duty is left undone."""
    allowed = re.search(r"有权|可以", rule)
    if allowed is None or _NOT_DONE.search(question):
        return False
    act = rule[allowed.end():]
    if re.search(r"不|未|无权", rule[_phrase_start(rule, allowed.start()):allowed.start()]):
        return False
    asked_words = _words(question) - _ASKING_WORDS - _PARTIES
    return any(_found(w, act) for w in asked_words)


def _how_much(question: str, sentences: list[_Sentence]) -> str | None:
    """赔多少/多少钱/怎么算: the sentence with the amount, multiple, rate or standard, when it
    speaks of what is asked."""
    for sentence in sentences:
        if not sentence.items and _AMOUNT.search(sentence.text) and _covered(sentence.text, question):
            return _plainer(sentence.text)
    return None


def _where(question: str, sentences: list[_Sentence]) -> str | None:
    """去哪告/找谁: the sentence, up to the phrase, that names to whom one applies, complains or
    sues (向…申请/投诉/起诉) for the very action asked (申请仲裁, not 申请调解; 告 as 起诉/投诉/
    控告/举报), when the sentence speaks of what is asked."""
    action = _asked_action(question)
    if not action:
        return None
    for sentence in sentences:
        text = sentence.text
        if sentence.items or not _covered(text, question, share=0.5):
            continue
        for to_whom in _TO_WHOM.finditer(text):
            end = min((i for i in (text.find(ch, to_whom.end()) for ch in "，,；;") if i >= 0), default=len(text))
            phrase = text[to_whom.start():end]
            if all(any(f in phrase for f in forms) for forms in action):
                return _plainer(text[:end])
    return None


_SUE = ("起诉", "投诉", "控告", "举报", "申请", "仲裁")


def _asked_action(question: str) -> list[tuple[str, ...]]:
    """What the asker wants to do where (去哪申请仲裁 → 申请, 仲裁; 去哪告 → 起诉/投诉/…), as the
    forms each of its words may take in a statute."""
    q = re.sub(r"[？?。！!\s]+$", "", question)
    mark = _WHERE.search(q)
    after = re.sub(r"^(?:儿|里)", "", q[mark.end():]) if mark else ""
    action = after or re.split(r"[，,。；;\s]", q[:mark.start()] if mark else q)[-1]
    words = [(w, *forms_of(w), *_VERB_FORMS.get(w, ())) for w in _words(action) - _ASKING_WORDS - _PARTIES]
    if "告" in action and not any("告" in w[0] for w in words):
        words.append(_SUE)
    return words
