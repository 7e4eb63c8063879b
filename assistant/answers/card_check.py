"""Check answer cards against the statute corpus: every named article exists, every quote is in it.

    python -m assistant.answers.card_check [FILE.toml ...] [--laws ../shared/laws]

Reads the statute files directly (no knowledge base needed), so card writers can check as they
write; tests/test_answer_cards.py runs the same check."""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from assistant.answers.cards import CARDS_DIR, Card, CardError, load_cards, load_file

_SPACE = re.compile(r"\s+")
# Quotes compare with whitespace and the half/full-width forms of punctuation ignored.
_WIDTH = str.maketrans("，；：？！（）", ",;:?!()")


def normalise(text: str) -> str:
    return _SPACE.sub("", text).translate(_WIDTH)


class StatuteIndex:
    """Article texts of the laws the cards name, parsed straight from the corpus files."""

    def __init__(self, laws_dir: Path):
        from ingest.corpus import parse_corpus

        self.articles: dict[tuple[str, str], str] = {}
        self.status: dict[str, str] = {}
        records = [r for r in parse_corpus(laws_dir, kinds={"law"}) if not getattr(r, "region", None)]  # national law
        # several versions (or a trial version) may answer to one name: the in-force, newest one wins
        records.sort(key=lambda r: (r.status == "有效", r.version_date or r.effective_date or ""))
        for record in records:
            for name in {record.short_title, record.title, *record.aliases}:
                self.status[name] = record.status
                self.articles.update({(name, art.article_id): art.text for art in record.articles})

    def text(self, law: str, article: str) -> str | None:
        return self.articles.get((law, article))


def problems(cards: Iterable[Card], index: StatuteIndex) -> list[str]:
    """One line per claim whose article is missing or repealed, or whose quote is not in the article."""
    out = []
    for card in cards:
        for claim in card.claims():
            where = f"{card.source} {card.id}: {claim.law}第{claim.article}条"
            text = index.text(claim.law, claim.article)
            if text is None:
                out.append(f"{where} not in the corpus")
            elif index.status.get(claim.law) == "已废止":
                out.append(f"{where} is repealed")
            elif normalise(claim.quote) not in normalise(text):
                out.append(f"{where} quote not in the article: {claim.quote[:40]}…")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="card files (default: every file under assistant/answers/cards)")
    parser.add_argument("--laws", type=Path, default=Path("../shared/laws"))
    args = parser.parse_args(argv)
    try:
        cards = ([c for f in args.files for c in load_file(CARDS_DIR / Path(f).name if not Path(f).exists() else Path(f))]
                 if args.files else list(load_cards()))
    except CardError as exc:
        print(f"format: {exc}")
        return 1
    found = problems(cards, StatuteIndex(args.laws))
    for line in found:
        print(line)
    print(f"{len(cards)} cards, {sum(len(c.claims()) for c in cards)} cited claims, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
