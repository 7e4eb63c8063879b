"""Ask a villager sweep set (tests/data/villager_sweep_*.toml: message, the card expected first, the
deciding law/article) through the composer over a knowledge base, as `evals.answers realistic` does,
and print per message the cards, the article the answer quotes first and the answer's first 150
characters, then the counts. Not a test: it needs the national knowledge base, e.g.

    FAYUAN_DATA_DIR=/work/data-national-s16 FAYUAN_MODEL_DIR=/work/main/data/models HF_HUB_OFFLINE=1 \\
        PYTHONPATH=$PWD python tests/villager_sweep.py tests/data/villager_sweep_family.toml
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path


def main(path: str) -> None:
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from evals.answers import quoted_articles
    from evals.common_chat import chat_app

    cases = tomllib.loads(Path(path).read_text(encoding="utf-8"))["case"]
    _, kb, _ = chat_app(None)
    composer = OfflineComposer(kb, ComposerLimits())
    right_card = right_article = 0
    for case in cases:
        answer = composer.answer(case["message"], kb.search(case["message"], k=10))
        quoted = quoted_articles(answer.text)
        lead = quoted[0] if quoted else ("", "")
        card_ok = (answer.cards[:1] or [""])[0] == case["card"]
        article_ok = bool(quoted) and lead[0].endswith(case["law"]) and str(lead[1]) == case["article"]
        right_card += card_ok
        right_article += article_ok
        print(("C" if card_ok else "-") + ("A" if article_ok else "-"), case["message"],
              "| want", case["card"] or "(none)", case["law"] + case["article"], "| got", answer.cards, lead)
        print("    ", answer.text[:150].replace("\n", " "))
    print(f"right card first {right_card}/{len(cases)}, deciding article leads {right_article}/{len(cases)}")


if __name__ == "__main__":
    main(sys.argv[1])
