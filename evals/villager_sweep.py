"""Ask a hand-written villager sweep (tests/data/villager_sweep_*.toml) through the real composer on
a knowledge base and count: the expected card first, the deciding article the first one the answer
quotes. In sample (the cards were fixed looking at these messages).

    FAYUAN_DATA_DIR=… python -m evals.villager_sweep tests/data/villager_sweep_work.toml [--show]"""
from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

from evals.answers import quoted_articles
from evals.common_chat import chat_app


def sweep(path: Path) -> list[dict]:
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    _, kb, _ = chat_app(None)
    composer = OfflineComposer(kb, ComposerLimits())
    rows = []
    for m in tomllib.loads(path.read_text(encoding="utf-8"))["m"]:
        composed = composer.answer(m["text"], kb.search(m["text"], k=10))
        quoted = quoted_articles(composed.text)
        lead = quoted[0] if quoted else None
        rows.append({"id": m["id"], "cards": composed.cards[:3], "card_ok": composed.cards[:1] == [m["expect"]],
                     "lead": lead, "article_ok": _same_article(lead, m["law"], m["article"]),
                     "head": composed.text[:150].replace("\n", " ")})
    return rows


def _same_article(lead, law: str, article: str) -> bool:
    """The first quoted article is the expected one (the answer labels laws by their short title)."""
    return lead is not None and tuple(lead) == (law, article)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    rows = sweep(args.path)
    for r in rows:
        if args.show or not (r["card_ok"] and r["article_ok"]):
            print(json.dumps(r, ensure_ascii=False))
    print(json.dumps({"messages": len(rows), "right_card_first": sum(r["card_ok"] for r in rows),
                      "deciding_article_in_lead": sum(r["article_ok"] for r in rows)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
