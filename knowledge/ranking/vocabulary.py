"""Layperson → legal vocabulary bridge: 拖欠工资 → 劳动报酬, 被狗咬 → 饲养动物 …

Entries live in knowledge/lexicon/lay_vocabulary.tsv (hand-written). A lay phrase matches when it
occurs in the question as written (no tokenizer involved, so 口语 that jieba splits oddly still
matches); its legal terms become a second, lower-weighted lexical query."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "lexicon"
VOCABULARY_FILE = DATA / "lay_vocabulary.tsv"


class VocabularyFileError(ValueError):
    """A malformed line in the vocabulary file (the message names the line)."""


@dataclass(frozen=True)
class VocabularyEntry:
    phrases: tuple[str, ...]
    terms: tuple[str, ...]


def read_vocabulary(path: Path = VOCABULARY_FILE) -> list[VocabularyEntry]:
    entries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lay, sep, legal = line.partition("\t")
        phrases = tuple(p.strip() for p in lay.split("|") if p.strip())
        terms = tuple(legal.split())
        if not sep or not phrases or not terms:
            raise VocabularyFileError(f"{path.name}:{number}: expected 'lay|phrases<TAB>legal terms'")
        entries.append(VocabularyEntry(phrases, terms))
    return entries


class QueryExpander:
    """Legal terms for the lay phrases found in a question."""

    def __init__(self, entries: list[VocabularyEntry]):
        # longest phrases first, so 没签劳动合同 is matched before the shorter phrases it contains
        self._phrases = sorted(((p, e.terms) for e in entries for p in e.phrases), key=lambda x: -len(x[0]))

    @classmethod
    def load(cls, path: Path = VOCABULARY_FILE) -> "QueryExpander":
        return cls(read_vocabulary(path))

    def terms(self, query: str) -> list[str]:
        """Legal terms for `query`, each once, in first-match order; terms already in the query are
        left out (they add nothing to the lexical side)."""
        out: list[str] = []
        for phrase, terms in self._phrases:
            if phrase in query:
                out.extend(t for t in terms if t not in out and t not in query)
        return out

    def expand(self, query: str) -> str:
        """The expansion text ('' when no lay phrase matched): search it with a lower weight."""
        return " ".join(self.terms(query))
