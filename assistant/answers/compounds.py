"""Words matched as one unit when cards are matched (lexicon/compounds.txt): the question has no
word boundaries, so a card word could otherwise match inside a longer word (切 in 密切) or across
the edge of one (取保 in 领取保管物, 保人 in 投保人) and name an issue the question never raised."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

COMPOUNDS_FILE = Path(__file__).resolve().parent / "lexicon" / "compounds.txt"
_FIRST_MARK = 0xE000          # Unicode private use area: never typed by a person


@lru_cache(maxsize=1)
def _marks() -> tuple[tuple[str, str], ...]:
    """(compound, its one-character mark), longest compound first."""
    words = [line.strip() for line in COMPOUNDS_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return tuple((w, chr(_FIRST_MARK + i)) for i, w in enumerate(sorted(set(words), key=lambda w: (-len(w), w))))


@lru_cache(maxsize=4096)
def mark_compounds(text: str) -> str:
    """`text` with each compound replaced by its mark (card words get the same treatment, so a
    card word that contains a whole compound still matches)."""
    for word, mark in _marks():
        if word in text:
            text = text.replace(word, mark)
    return text
