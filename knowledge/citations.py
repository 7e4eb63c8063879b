"""Citations in free text: "劳动合同法第38条", "《工伤保险条例》第十四条第(一)项", "刑法第一百二十条之一".

`parse(text)` finds them (regex only, no model); `LawNameResolver` maps the law name as written
(alias, short title, full title with 中华人民共和国, 《》, common abbreviations) to a law known
to the knowledge base. The assistant uses both to verify every citation it outputs."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from knowledge.numerals import article_id, cn_to_int
from knowledge.types import CitationRef

_NUM = r"[0-9０-９零〇一二三四五六七八九十百千两]+"
# the article part: 第三十八条 / 38条 / 第十条之一 / 第二款 / 第(一)项 / 第一款第二项
_ARTICLE = (
    rf"第?\s*(?P<num>{_NUM})\s*条(?:\s*之\s*(?P<suffix>{_NUM}))?"
    rf"(?:\s*第\s*(?P<clause>{_NUM})\s*款)?"
    rf"(?:\s*第?\s*[（(]?\s*(?P<item>{_NUM})\s*[）)]?\s*项)?"
)
# a law name in 《》, or a run of Chinese ending like a law's title
_LAW_SUFFIXES = "法典|法|条例|规定|办法|解释|规则|决定|细则|准则|意见|批复"
_LAW = (
    r"(?:《(?P<bracketed>[^《》\n]{2,80})》"
    rf"|(?P<plain>[\u4e00-\u9fff]{{1,40}}?(?:{_LAW_SUFFIXES})(?:[（(][^（）()]{{1,20}}[)）])?))"
)
_CITATION_RE = re.compile(rf"{_LAW}\s*{_ARTICLE}")
# "、第四十六条" / "和第四十七条" continuing the previous citation's law
_FOLLOW_RE = re.compile(rf"\s*(?:、|，|,|和|及|以及|或者|或|与|至)\s*(?:该法|本法|同法)?\s*{_ARTICLE}")

# verbs that often precede a law name without being part of it ("用人单位违反劳动合同法第38条"):
# the name starts after the last of them; single characters only count at the very start
_LEAD_VERBS = ("根据", "依据", "依照", "按照", "参照", "适用", "违反", "对照", "援引", "引用", "再看", "参看",
               "查看", "想问", "咨询", "规定", "符合", "属于", "认为", "主张", "提出", "指出", "请问", "关于")
_LEAD_CHARS = ("按", "依", "据", "是", "的", "在", "了", "和", "与", "及", "或", "见", "有", "为", "以", "并",
               "即", "看", "查", "问", "按", "从", "对", "向", "把", "被")
_VERSION_NOTE_RE = re.compile(r"[（(][^（）()]*[）)]$")
_PREFIX = "中华人民共和国"

_ABBREVIATIONS_FILE = Path(__file__).resolve().parent / "lexicon" / "law_abbreviations.txt"


def _to_int(numeral: str | None) -> int | None:
    return cn_to_int(numeral) if numeral else None


def _ref(law: str, m: re.Match, raw: str) -> CitationRef:
    return CitationRef(law=law, article_id=article_id(cn_to_int(m.group("num")), _to_int(m.group("suffix")) or 0),
                       clause=_to_int(m.group("clause")), item=_to_int(m.group("item")), raw=raw)


def parse(text: str) -> list[CitationRef]:
    """Every citation in `text`, in order. `law` is the name as written, with obvious lead words
    (根据, 依照…) trimmed; resolve it with `LawNameResolver`."""
    refs: list[CitationRef] = []
    for m in _CITATION_RE.finditer(text):
        law = m.group("bracketed") or _strip_lead_words(m.group("plain"))
        start = m.start("bracketed") - 1 if m.group("bracketed") else m.end("plain") - len(law)
        refs.append(_ref(law.strip(), m, text[start:m.end()]))
        pos = m.end()
        while (follow := _FOLLOW_RE.match(text, pos)) is not None:   # 第38条、第46条
            refs.append(_ref(law.strip(), follow, follow.group(0).lstrip("、，,和及以或者与至 ")))
            pos = follow.end()
    return refs


def _strip_lead_words(name: str) -> str:
    cut = 0
    for verb in _LEAD_VERBS:
        at = name.rfind(verb)
        if at >= 0 and len(name) - (at + len(verb)) >= 2:
            cut = max(cut, at + len(verb))
    name = name[cut:]
    while len(name) > 3 and name.startswith(_LEAD_CHARS):
        name = name[1:]
    return name


def normalise_law_name(name: str) -> str:
    """《中华人民共和国劳动法（2018修正）》 → 劳动法."""
    name = re.sub(r"\s+", "", name).strip("《》〈〉<>\"“”")
    name = _VERSION_NOTE_RE.sub("", name)
    if name.startswith(_PREFIX):
        name = name[len(_PREFIX):]
    return name


@lru_cache(maxsize=1)
def common_abbreviations() -> dict[str, str]:
    """Abbreviation → short title, from knowledge/lexicon/law_abbreviations.txt (消法 → 消费者权益保护法)."""
    out: dict[str, str] = {}
    for line in _ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            abbr, _, full = line.partition("\t")
            out[abbr.strip()] = full.strip()
    return out


class LawNameResolver:
    """Law name as written → a key of `names` (normalised alias → law id or canonical title).

    Tries the whole name, then the abbreviation table, then ever shorter suffixes, so text such as
    "原告依据劳动合同法" still finds 劳动合同法 when lead-word trimming missed a word."""

    def __init__(self, names: dict[str, object]):
        self.names = names
        self.abbreviations = {a: normalise_law_name(f) for a, f in common_abbreviations().items()}

    def resolve(self, written: str) -> object | None:
        name = normalise_law_name(written)
        if not name:
            return None
        for candidate in (name, self.abbreviations.get(name)):
            if candidate and candidate in self.names:
                return self.names[candidate]
        for start in range(1, len(name) - 1):
            tail = name[start:]
            hit = self.names.get(tail) or self.names.get(self.abbreviations.get(tail, ""))
            if hit is not None:
                return hit
        return None
