"""The lawyers' open questions (issue #22): which (有哪些、包括什么、什么条件), what it is (什么是),
what follows (什么责任、什么后果、怎么处罚), on what condition (什么情况下), when (何时) and how it is
settled (如何确定、如何认定). Each is answered by the one sentence of the clause that speaks to the
point asked, in the clause's own words (legal modals put plainly), with its condition and exception
— or, for a list, its lead-in with the 项 (or their count). When two sentences match about as well,
or none clearly does, there is no conclusion: the quote stays alone."""
from __future__ import annotations

import re

from assistant.answers.conclusion.forms import SETTLED
from assistant.answers.conclusion.matching import ASKING_WORDS, PARTIES, said_in, word_set
from assistant.answers.conclusion.sentences import CONDITION, Sentence, split_exception
from assistant.answers.conclusion.wording import MAX_CHARS, plainer_words

# the words that only say what kind of answer is wanted
_FORM_WORDS = frozenset({"哪些", "什么", "包括", "包含", "内容", "条件", "要求", "情形", "情况", "因素", "后果",
                         "责任", "法律责任", "处罚", "何种", "怎么", "如何", "怎样", "确定", "认定", "时候", "何时",
                         "意思", "含义", "指的是", "是否", "需要", "应当", "应该", "可以", "一般", "主要", "具体",
                         "方面", "哪几种", "几种", "种类", "才能", "能够", "才可以", "影响", "有何", "限制"})
_CONSEQUENCE = re.compile(r"承担[^，,。；;]{0,12}责任|赔偿|处[^，,。；;]{0,30}?(?:徒刑|拘役|管制|罚金|罚款|拘留)|"
                          r"定罪处罚|追究[^，,。；;]{0,6}责任|无效|责令|没收|吊销|给予[^，,。；;]{0,8}(?:处分|处罚|警告)|"
                          r"不影响|不受影响|效力|不得")
_DEFINES = re.compile(r"是指|[，,]是|是[^，,。；;]{2,40}的(?:合同|行为|权利|制度|作品|组织|标志|财产|人)$")
_WHEN = re.compile(r"[自从][^，,。；;]{1,30}?(?:时|之日|起)|[^，,。；;]{1,20}(?:时|之日)起|同时|以前|之前|届满[^，,。；;]{0,4}(?:时|后)")
_SETTLES = re.compile(r"确定|认定|为准|视为|按照|依照|根据|应当|可以|不得")
_ENUMERATES = re.compile(r"(?:包括|包含|享有|分为|有权[^，,。；;]{0,4}请求)[^，,。；;]*、")
# how a thing is reckoned (参照市场价格、按照…确定): not 依照…规定, which sends to another rule
_RECKONS = re.compile(r"参照|按照|根据[^，,。；;]*确定|为准|计算")
_CN_NUMBERS = "零一二三四五六七八九十"
# the sentence after a rule that lets an agreement or another law go first
_OTHERWISE = re.compile(r"^(?:当事人|合同|法律|法律、行政法规)?另有(?:约定|规定)的[，,]?(?:按照|依照|从)其(?:约定|规定)$")


def asked_words(question: str) -> set[str]:
    """The question's content words: what it asks about, not what form of answer it wants."""
    return word_set(question) - ASKING_WORDS - PARTIES - _FORM_WORDS


def share_in(words: set[str], text: str) -> float:
    return sum(said_in(w, text) for w in words) / len(words) if words else 0.0


def the_one(question: str, sentences: list[Sentence], fits, least: float = 0.5, clause: str = "") -> Sentence | None:
    """The sentence that speaks of most of the question's words among those `fits` accepts (or ranks) — when
    it is clearly the one: at least `least` of the words, and no other sentence as close. A
    sentence that goes on a 项 of a list (after its ；) is not one on its own."""
    words = asked_words(question)
    if not words:
        return None
    # a list by its lead-in: a word in one of its 项 does not make the list about the point; of
    # sentences as close, the one `fits` ranks higher (a number: 0 or False, not at all)
    scored = sorted(((share_in(words, s.text), int(fits(s)), i) for i, s in enumerate(sentences)
                     if fits(s) and not _goes_on_item(clause, sentences, i)), reverse=True)
    if not scored or scored[0][0] < least or (len(scored) > 1 and scored[1][:2] >= scored[0][:2]):
        return None
    return sentences[scored[0][2]]


def _goes_on_item(clause: str, sentences: list[Sentence], i: int) -> bool:
    """(二)以邮寄方式提交的，以签收之日为准；以平常信函…提交的，…: the second half belongs to 项 (二)."""
    if i == 0 or not sentences[i - 1].items:
        return False
    at = clause.find(sentences[i].text)
    return at > 0 and clause[at - 1] in "；;"


def stated(question: str, sentence: Sentence, later: list[Sentence], whole_clause: bool = False) -> str | None:
    """The sentence in plain words with its exception; without its condition (…的，) when the
    question states that case and the sentence is too long, or is the whole clause (the quote
    right after says it: the conclusion is its rule for the asker's case); None when it does not
    fit the first screen."""
    split = split_exception(sentence, later, negative=False)
    if split is None:
        return None
    rule, exception = split
    tail = f"；{exception}" if exception else ""
    if not exception and later and _OTHERWISE.match(later[0].text):
        tail = f"；{later[0].text}"          # 当事人另有约定的，按照其约定: the rule yields to it
    whole = _plain(rule) + tail
    if len(whole) <= MAX_CHARS and not whole_clause:
        return whole
    # the condition is left out only when the question states every word of it: 对遗产管理人的确定有
    # 争议的 is not stated by 遗产管理人如何确定, and without it the rule would mislead
    match = CONDITION.match(rule)
    if match is not None and share_in(asked_words(match.group("condition")), question) == 1:
        short = _plain(match.group("rule")) + tail
        return short if len(short) <= MAX_CHARS else None
    return None


def _plain(text: str) -> str:
    """The modals put plainly, and the court's yes or no (人民法院应予支持 → 法院会支持)."""
    text = re.sub(r"^本(?:法|条例|解释|规定)所称的?([^，,]{1,12})[，,]?(?=是指)", r"\1", text)
    text = re.sub(r"人民法院(?:应予|应当)?(?:予以)?支持", "法院会支持", text)
    return plainer_words(re.sub(r"人民法院(?:依法)?不予支持", "法院不支持", text))


def _said(question: str, clause: str, sentences: list[Sentence], found: Sentence | None) -> str | None:
    """The sentence found, stated (a list by read_listed), with the sentences after it for its exception."""
    if found is None:
        return None
    if found.items:
        return read_listed(question, clause, [found])
    return stated(question, found, sentences[sentences.index(found) + 1:], whole_clause=len(sentences) == 1)


def read_listed(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """有哪些/包括什么/什么条件: a list the clause gives whole (its lead-in speaks of the point) —
    "{lead-in}：{项, 、-joined}" when it fits, else "{lead-in}（共N项，见下面的条文）"; or one
    sentence that enumerates (…的内容一般包括A、B、C等条款)."""
    listing = the_one(question, sentences, lambda s: len(s.items) >= 2 or _ENUMERATES.search(s.text) is not None,
                      least=0.6, clause=clause)
    if listing is None:
        return None
    if not listing.items:
        return stated(question, listing, [], whole_clause=len(sentences) == 1)
    # the quote must hold the whole list: a focus quoting one 项 (……) does not say which ones there are
    if "……" in clause or not re.search(r"[（(]一[）)]", clause):
        return None
    # …and hold it as one list: a 项 split off (a 项 going on after its ；) would make the count wrong
    if len(re.findall(r"[（(][一二三四五六七八九十]+[）)]", clause)) != len(listing.items):
        return None
    lead_in = _plain(listing.text.rstrip("：:"))
    items = [re.sub(r"[。；;，,]+$", "", i) for i in listing.items]
    listed = f"{lead_in}：{'、'.join(items)}"
    if len(listed) <= MAX_CHARS:
        return listed
    if len(items) > 10 or len(lead_in) > MAX_CHARS - 12:
        return None
    return f"{lead_in}（共{_CN_NUMBERS[len(items)]}项，见下面的条文）"


def read_definition(question: str, sentences: list[Sentence]) -> str | None:
    """什么是X/X是什么意思: the sentence that says what X is (X是指…、X，是…): every word of X in
    it, and X's last word before the 是."""
    words = [w for w in _jieba_words(question) if w in asked_words(question)]
    for sentence in sentences:
        defines = _DEFINES.search(sentence.text)
        if defines is None or sentence.items or not words:
            continue
        subject = sentence.text[:defines.start() + 1]
        if said_in(words[-1], subject) and all(said_in(w, sentence.text) for w in words):
            return stated(question, sentence, [])
    return None


def _jieba_words(text: str) -> list[str]:
    import jieba

    return jieba.lcut(text)


def read_consequence(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """承担什么责任/什么后果/怎么处罚: the one sentence about the asker's conduct that says what
    follows (承担…责任、赔偿、处…徒刑/罚款、无效、责令…)."""
    return _said(question, clause, sentences, the_one(
        question, sentences, lambda s: not s.items and _CONSEQUENCE.search(s.text) is not None, clause=clause))


def read_condition(question: str, point: str, clause: str, sentences: list[Sentence]) -> str | None:
    """什么情况下X: the sentence whose rule (after …的，) is X — its condition is the answer — or a
    list whose lead-in says X."""
    words = asked_words(point)
    if not words:
        return None
    for i, sentence in enumerate(sentences):
        if sentence.items:
            if share_in(words, sentence.text) >= 2 / 3:
                return read_listed(point, clause, [sentence])
            continue
        match = CONDITION.match(sentence.text)
        if match is not None and share_in(words, match.group("rule")) >= 2 / 3:
            return stated(point, sentence, sentences[i + 1:])
    return None


def read_when(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """何时/什么时候: the one sentence about the point that names a moment (自…时、…之日起、届满时),
    or a list of moments (…视为合同成立：（一）…自借款人收到借款时)."""
    return _said(question, clause, sentences, the_one(
        question, sentences, lambda s: bool(s.items) or _WHEN.search(s.text) is not None, least=2 / 3, clause=clause))


def read_settled(question: str, clause: str, sentences: list[Sentence]) -> str | None:
    """如何确定X/X如何认定: the one sentence about the point that says how (按照…确定、视为、应当…),
    or a list of the ways — with X in its rule, not only in its condition (如何认定“以非法占有为
    目的” is not answered by "以非法占有为目的…的，以集资诈骗罪定罪处罚")."""
    settled = asked_words(_settled_thing(question))

    def fits(sentence: Sentence) -> int:
        """2: the rule says how X is reckoned (留置财产折价…的，应当参照市场价格); 1: X is in the rule."""
        if not sentence.items and not _SETTLES.search(sentence.text):
            return 0
        condition = CONDITION.match(sentence.text)
        rule = condition.group("rule") if condition and not sentence.items else sentence.text
        if _RECKONS.search(rule) and (not settled or share_in(settled, sentence.text) >= 0.5):
            return 2
        return int(not settled or share_in(settled, rule) >= 0.5)

    return _said(question, clause, sentences, the_one(question, sentences, fits, least=2 / 3, clause=clause))


def _settled_thing(question: str) -> str:
    """What is to be settled: the words after 如何确定/认定 (如何认定劳动者严重失职), else the phrase
    before it (租赁物所有权如何确定)."""
    q = re.sub(r"[？?。！!\s]+$", "", question)
    mark = SETTLED.search(q)
    if mark is None:
        return q
    after = q[mark.end():]
    return after if len(after) >= 2 else re.split(r"[，,；;]", q[:mark.start()])[-1]
