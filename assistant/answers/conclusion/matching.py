"""Whether a clause speaks of the asker's case: the question's content words (and the statute
words its lay words stand for) found in a sentence, a condition, or at the asked verb."""
from __future__ import annotations

import re

from assistant.answers.conclusion.forms import ASKING_TAIL
from assistant.answers.grounding import LAY_TERMS, forms_of, is_filler

ASKING_WORDS = frozenset({"有效", "无效", "成立", "合法", "效力", "期限", "时间", "承担", "负担", "偿还",
                           "违法", "犯法", "犯罪", "构成", "坐牢", "判刑", "处理", "解决", "部门", "标准", "计算"})
_GENERIC = frozenset({"进行", "一定", "相应", "有关", "或者", "以及", "并且", "可能"})
# a question's words → the statute words that say the same
VERB_FORMS = {"要求": ("要求", "请求", "主张"), "偿还": ("偿还", "清偿"), "退还": ("退还", "返还"),
               "去世": ("死亡",), "死了": ("死亡",), "过世": ("死亡",),
               "家人": ("家庭成员",), "理赔": ("赔偿保险金",)}
# the parties a question names: found in every rule about them, they do not show the rule is about the conduct
PARTIES = frozenset({"单位", "用人单位", "老板", "公司", "厂里", "厂子", "对方", "他们", "我们", "村里", "政府"})
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_SAME_THING = (("侵权责任", "民事责任"), ("赔偿责任", "民事责任"))      # 不承担民事责任 settles 侵权责任
CLAIMING = frozenset({"要求", "请求", "主张"})
_ALTERNATIVES = re.compile(r"或者|[，,；;]")


def word_set(text: str) -> set[str]:
    """The text's words as jieba cuts them whole (报道人, not 报道 + 道人: parts would count twice)."""
    import jieba

    return {w for w in jieba.lcut(text) if _WORD.fullmatch(w) and w not in _GENERIC and not is_filler(w)}


def said_in(word: str, text: str) -> bool:
    return any(f in text for f in (*forms_of(word), *VERB_FORMS.get(word, ())))


def point_at(point: str, text: str) -> int:
    """Where in `text` the asked point's verb stands (-1: not there, or the sentence leaves out one
    of the point's words: 对第三人的动产进行留置 is not settled by 留置债务人的动产)."""
    import jieba

    for asked_words, statute_words in _SAME_THING:
        if asked_words in point and asked_words not in text and statute_words in text:
            point = point.replace(asked_words, statute_words)
    words = [w for w in jieba.lcut(point) if len(w) >= 2 and w not in _GENERIC]
    # "can I claim X" is settled by "they shall X": the claiming verb itself need not be there
    needed = [_in_statute_order(w, text) for w in words if w not in CLAIMING]
    if not needed or not all(said_in(w, text) for w in needed):
        return -1
    verb = needed[0]
    spots = [text.find(f) for f in (*forms_of(verb), *VERB_FORMS.get(verb, ())) if f in text]
    return min(spots)


def _in_statute_order(word: str, text: str) -> str:
    """A four-character word the statute writes with its halves swapped (注册商标 → 商标注册, 解除合同
    → 合同解除): the statute's order, when only that is in `text`."""
    swapped = word[2:] + word[:2]
    return swapped if len(word) == 4 and word not in text and swapped in text else word


def covers(text: str, question: str, share: float = 2 / 3) -> bool:
    """At least `share` of the question's content words are in the sentence: it speaks of the
    asker's case."""
    words = word_set(question) - ASKING_WORDS
    return bool(words) and sum(said_in(w, text) for w in words) >= share * len(words)


def tells_case(question: str, condition: str, share: float = 0.5) -> bool:
    """The question tells the asker's case as the condition describes it: one of the condition's
    alternatives (split at 或者 and commas) has at least `share` of its words, and two or more, in
    the question (or among the statute words of its lay words: 去世 → 死亡, 偷 → 盗窃)."""
    said = _as_statute_words(question)
    for alternative in _ALTERNATIVES.split(condition):
        words = word_set(alternative) - ASKING_WORDS
        found = sum(w in said for w in words)
        if words and found >= min(2, len(words)) and found >= share * len(words):
            return True
    return False


def tells_whole(question: str, condition: str, share: float = 0.5) -> bool:
    """The question tells the condition as a whole (its phrases taken together, not as
    alternatives): at least `share` of all its words, and two or more, are in the question."""
    said = _as_statute_words(question)
    words = word_set(condition) - ASKING_WORDS
    found = sum(w in said for w in words)
    return bool(words) and found >= 2 and found >= share * len(words)


def _as_statute_words(question: str) -> str:
    """The question followed by the statute words its lay words stand for."""
    extra = [f for w in word_set(question) for f in (*forms_of(w), *VERB_FORMS.get(w, ()))]
    extra += [f for lay, legal in LAY_TERMS.items() if len(lay) == 1 and lay in question for f in legal]
    return question + "|" + "|".join(extra)


# a party named at the start of a phrase: 用人单位、保管人、劳动者、行政机关 (longest first: 用人单位, not 用人)
_PARTY_AT_START = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}(?:单位|机关|机构|法院)|(?![\u4e00-\u9fff]{0,3}他人)[\u4e00-\u9fff]{1,4}?(?:人|者))")
# parties that stand for anyone: they do not show the clause is about someone else
_ANYONE = frozenset({"当事人", "任何人", "行为人", "个人", "他人"})


def party_asked(question: str, point: str) -> str | None:
    """The party the yes/no asks about (保管人 in 保管人可以随时要求寄存人领取保管物吗): the one
    named at the start of the phrase right before the point, or None."""
    at = question.find(point)
    if at <= 0:
        return None
    phrase = re.split(r"[，,；;：:]", ASKING_TAIL.sub("", question[:at]))[-1].strip()
    found = _PARTY_AT_START.match(phrase)
    return found.group(0) if found else None


def party_of(text: str, at: int) -> str | None:
    """The party the rule at `at` is about: the one starting the verb's own phrase or, before it,
    the nearest phrase starting with one (承租人经出租人同意，可以将租赁物转租 → 承租人); None when
    no phrase names one."""
    end = re.search(r"[，,；;：:]|$", text[at:]).start() + at      # the verb's own phrase, whole
    phrases = re.split(r"[，,；;：:]", text[:end])
    for i, phrase in enumerate(reversed(phrases)):
        phrase = re.sub(r"^(?:但是?|并且?|如果|除[^，,]*外)", "", phrase.strip())
        if i > 0 and phrase.endswith("的"):
            return None       # a condition (影响他人名誉的，) tells the case, not whom the rule is about
        found = _PARTY_AT_START.match(phrase)
        if found:
            return found.group(0)
    return None


def other_party(question: str, point: str, text: str, at: int) -> bool:
    """The question asks about one party (出租人可以转租吗) and the rule is about another (承租人…
    可以转租): its yes or no is not the asker's. Parties standing for anyone (当事人) never differ."""
    asked, ruled = party_asked(question, point), party_of(text, at)
    if asked is None or ruled is None or asked in _ANYONE or ruled in _ANYONE:
        return False
    start = max(text.rfind(ch, 0, at) for ch in "，,；;：:") + 1
    if asked in text[start:at]:
        return False          # 出租人有权请求承租人继续支付租金: the one asked about does the verb
    if ruled in point and re.search(rf"{re.escape(ruled)}[^，,；;]{{0,6}}?(?:应当|必须)", text):
        return False          # 承租人可以要求出租人维修吗: 出租人应当履行维修义务 is the duty claimed
    return asked not in ruled and ruled not in asked
