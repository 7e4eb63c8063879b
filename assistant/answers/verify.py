"""Every citation in an answer is checked against the knowledge base before it reaches a person.

- a citation (法名 + 第X条, also "该法第X条" after one) whose article does not exist → the whole
  sentence making the claim is removed;
- one that exists is rewritten in canonical form (劳动合同法第38条 → 《劳动合同法》第三十八条), and a
  quotation attached to it that the article does not say is replaced by the article's real words;
- the returned `citations` are the knowledge base's own hits (real text), never the answer's words."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answers.composer import article_body, trim_quote
from knowledge.numerals import article_id as make_article_id, cn_to_int
from knowledge.citations import parse
from knowledge.types import Citation, CitationRef, Hit, KnowledgeBase

_NUM = r"[0-9０-９零〇一二三四五六七八九十百千两]+"
_BARE_ARTICLE = re.compile(rf"(?:该法|本法|同法|此法)?\s*第\s*(?P<num>{_NUM})\s*条(?:\s*之\s*(?P<suffix>{_NUM}))?")
# a law-like name followed by an article number, for names `parse` might not take as a law
_ANY_LAW_ARTICLE = re.compile(rf"[\u4e00-\u9fff《》]{{2,40}}(?:法|法典|条例|规定|办法|解释|细则)》?\s*第?\s*{_NUM}\s*条")
_QUOTE_MIN_OVERLAP = 0.8
_SAME_LAW = {"该法", "本法", "同法", "此法", "上述法", "前述法"}


@dataclass
class Verification:
    text: str
    citations: list[Hit] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)      # citations (as written) that do not exist
    corrected: list[str] = field(default_factory=list)    # citations/quotes rewritten


def split_sentences(text: str) -> list[str]:
    """Sentences with their end marks; quotes (“…。…”) stay inside their sentence."""
    sentences, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(depth - 1, 0)
        elif ch in "。！？!?\n" and depth == 0:
            sentences.append(text[start:i + 1])
            start = i + 1
    if start < len(text):
        sentences.append(text[start:])
    return sentences


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[\s，。；：、“”‘’（）()…,.;:!?！？]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def quote_supported(quote: str, article_text: str) -> bool:
    wanted = _bigrams(quote.replace("……", ""))
    return not wanted or len(wanted & _bigrams(article_text)) / len(wanted) >= _QUOTE_MIN_OVERLAP


class CitationVerifier:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb

    def verify(self, text: str) -> Verification:
        result = Verification("")
        kept: list[str] = []
        last_law: str | None = None          # for "该法第X条" / "第X条" after a full citation
        for sentence in split_sentences(text):
            checked, last_law = self._check_sentence(sentence, last_law, result)
            if checked is not None:
                kept.append(checked)
        result.text = re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
        seen, unique = set(), []
        for hit in result.citations:
            if hit.doc_id not in seen:
                seen.add(hit.doc_id)
                unique.append(hit)
        result.citations = unique
        return result

    def _check_sentence(self, sentence: str, last_law: str | None, result: Verification):
        """The sentence with canonical citations, or None when it cites something that does not exist.

        Quotations are masked while citations are scanned: a quote attached to a verified citation
        is checked against that article's real text (its "本法第X条" belong to that law); any other
        quote is scanned on its own."""
        quotes = [(m.start(), m.end()) for m in QUOTE.finditer(sentence)]
        masked = mask_spans(sentence, quotes)
        found: list[tuple[int, int, Hit]] = []
        cursor = 0
        for ref in parse(masked):
            start = masked.find(ref.raw, cursor) if ref.raw else -1
            start = cursor if start < 0 else start
            cursor = end = start + len(ref.raw)
            if ref.law in _SAME_LAW:                      # 该法第X条: the law cited before
                hit = self.kb.get_article(last_law, ref.article_id) if last_law else None
            else:
                hit = self.kb.lookup(outer_title(ref))
                start += self._prefix_length(ref)         # keep words parse took as part of the name
            if hit is None:
                result.removed.append(ref.raw or f"{ref.law}第{ref.article_id}条")
                return None, last_law
            found.append((start, end, hit))
            last_law = hit.law
        covered = [(s, e) for s, e, _ in found]
        # law-looking citations `parse` did not take (a name it could not read) cannot be verified
        for m in _ANY_LAW_ARTICLE.finditer(masked):
            if not _overlaps(m.start(), m.end(), covered):
                result.removed.append(m.group())
                return None, last_law
        for m in _BARE_ARTICLE.finditer(masked):
            if _overlaps(m.start(), m.end(), covered):
                continue
            hit = self._bare_article(m, last_law)
            if hit is None:
                result.removed.append(m.group().strip())
                return None, last_law
            found.append((m.start(), m.end(), hit))
        attached = {q for q in quotes for s, e, _ in found if 0 <= q[0] - e <= 12}
        for q_start, q_end in quotes:
            if (q_start, q_end) in attached:
                continue
            free_quote = sentence[q_start:q_end]
            missing = [r.raw for r in parse(free_quote) if self.kb.lookup(r) is None]
            if missing:
                result.removed.extend(missing)
                return None, last_law
        for start, end, hit in sorted(found, key=lambda f: f[0], reverse=True):
            quote = next((q for q in quotes if 0 <= q[0] - end <= 12), None)
            if quote is not None and not quote_supported(sentence[quote[0] + 1:quote[1] - 1], hit.text):
                real = trim_quote(article_body(hit), max(quote[1] - quote[0], 60))
                result.corrected.append(f"quote of {Citation.of(hit).label}")
                sentence = sentence[:quote[0] + 1] + real + sentence[quote[1] - 1:]
            label = Citation.of(hit).label
            if sentence[start:end] != label:
                result.corrected.append(f"{sentence[start:end].strip()} → {label}")
                sentence = sentence[:start] + label + sentence[end:]
        result.citations.extend(hit for _, _, hit in sorted(found, key=lambda f: f[0]))
        return sentence, last_law

    def _prefix_length(self, ref: CitationRef) -> int:
        """Characters before the real law name in `ref.raw` ("单位违反劳动合同法第38条" → 4)."""
        raw_law = ref.law
        if ref.raw.startswith("《") or not ref.raw.startswith(raw_law):
            return 0
        for cut in range(len(raw_law) - 1):
            if self.kb.resolve_law(raw_law[cut:]) is not None:
                return cut
        return 0

    def _bare_article(self, m: re.Match, last_law: str | None) -> Hit | None:
        if last_law is None:
            return None
        number = cn_to_int(m.group("num"))
        suffix = cn_to_int(m.group("suffix")) if m.group("suffix") else 0
        return self.kb.get_article(last_law, make_article_id(number, suffix))


QUOTE = re.compile(r"[“\"][^“”\"]{1,600}[”\"]")


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank the inside of each span (same length, so positions stay valid)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start + 1, end - 1):
            chars[i] = "　"
    return "".join(chars)


def outer_title(ref: CitationRef) -> CitationRef:
    """〈〉 inside a title (our own labels write nested titles that way) back to 《》 for lookup."""
    if "〈" not in ref.law:
        return ref
    return CitationRef(ref.law.replace("〈", "《").replace("〉", "》"), ref.article_id, ref.clause, ref.item, ref.raw)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and end > s for s, e in spans)

