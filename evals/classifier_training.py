"""What the card classifier's training phrasings are worth out of sample: leave one realistic set out.

    python -m evals.classifier_training [--cache HITS.pkl] [--data-dir data] [--sets dev,dev2,dev3]

For each realistic dev set H (dev, dev2, dev3) the whole answer pipeline (patterns, classifier,
semantic fallback, as shipped) answers H twice, with a classifier trained on
  - "examples + other sets": the cards' examples, the everyday and urgent examples and the other two
    realistic sets (what the product trained on until session 19, H left out);
  - "examples only": the cards', everyday and urgent examples (product data: assistant/answers/).
Reported per set and configuration: right main type, a right type among the issues, questions with
a stray card (an issue the question does not raise) and strays, urgent routed (an urgent intent or
an urgent answer, as chat routes it) and false alarms. The word patterns were tuned on all three
sets, so only the classifier is out of sample here. Prints counts only, never the questions."""
from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

from evals.answers import REALISTIC_SETS, read_jsonl

SETS = ("dev", "dev2", "dev3")


def product_rows():
    """The cards', everyday and urgent examples (assistant/answers/)."""
    from assistant.answers.classifier import example_training

    return example_training()


def with_sets(train_sets: tuple[str, ...]):
    """The examples plus the named realistic sets' main types and urgency."""
    from assistant.answers.classifier import labelled_phrasings

    return product_rows() + labelled_phrasings([REALISTIC_SETS[name] for name in train_sets])


def searched(kb, questions: list[str], cache: Path | None) -> dict:
    hits = pickle.loads(cache.read_bytes()) if cache is not None and cache.exists() else {}
    missing = [q for q in questions if q not in hits]
    for q in missing:
        hits[q] = kb.search(q, k=10)
    if cache is not None and missing:
        cache.write_bytes(pickle.dumps(hits))
    return hits


def measure(kb, rows: list[dict], hits: dict, classifier, limits=None) -> dict:
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from assistant.conversation import intents as I

    composer = OfflineComposer(kb, limits or ComposerLimits(), classifier=classifier)
    out = dict.fromkeys(("n", "right_main", "any_issue", "with_stray", "strays", "urgent", "urgent_routed",
                         "false_alarms"), 0)
    for row in rows:
        composed = composer.answer(row["question"], hits[row["question"]])
        expected = [t for t in row["types"] if not t.startswith("other:")]
        strays = [c for c in composed.cards if c not in row["types"]]
        routed = composed.urgent or I.detect_intent(row["question"]).name == I.URGENT_RISK
        out["n"] += 1
        out["right_main"] += composed.cards[:1] == expected[:1] if expected else not composed.cards
        out["any_issue"] += bool(set(expected) & set(composed.cards)) if expected else not composed.cards
        out["with_stray"] += bool(strays)
        out["strays"] += len(strays)
        out["urgent"] += bool(row["urgent"])
        out["urgent_routed"] += routed and bool(row["urgent"])
        out["false_alarms"] += routed and not row["urgent"]
    return out


def main(argv: list[str] | None = None) -> None:
    from assistant.answers.classifier import CardClassifier
    from evals.common_chat import chat_app

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="the questions' search hits (pickle, re-used)")
    parser.add_argument("--sets", default=",".join(SETS))
    args = parser.parse_args(argv)
    _, kb, _ = chat_app(args.data_dir)
    sets = {name: read_jsonl(REALISTIC_SETS[name]) for name in args.sets.split(",")}
    hits = searched(kb, [r["question"] for rows in sets.values() for r in rows], args.cache)
    only = CardClassifier(product_rows())
    result = {}
    for name, rows in sets.items():
        others = tuple(s for s in SETS if s != name)
        result[name] = {"examples + other sets": measure(kb, rows, hits, CardClassifier(with_sets(others))),
                        "examples only": measure(kb, rows, hits, only)}
        print(name, json.dumps(result[name], ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
