"""An experiment (session 19, not shipped: docs/answers.md "Urgent head learning the batches"): the
classifier's urgent head also learning the urgent batches fresh2 / fresh3 (urgent and calm, for the
head alone: the cards' vocabulary and scores stay), its threshold (classifier.URGENT_SCORE) chosen by
leave-one-set-out over the sets it learns from — the realistic dev / dev2 / dev3 and those two
batches — plus the batches it never learns (messages, fresh, fresh4; never fresh5) and OFF_TOPIC:

    python -m evals.urgent_head_cv [--data-dir DIR] [--without-batches]

Each training set is scored by a head fitted without it; the test batches and OFF_TOPIC by the full
head. A message counts as routed when the word layer or the answer without the head's own score
routes it (intent urgent_risk, the composer's urgency with URGENT_SCORE off) or its head score reaches
the threshold. For each held-out training set the threshold is chosen on all the other sets; the
shipped one on all of them. Choice: the lowest threshold whose added false alarms (over the answer
without the head) are at most 1 in 100 calm messages of the fit sets. Prints counts only."""
from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

from evals.common_chat import REPO
from evals.semantic_fit import OFF_TOPIC

TRAINING = REPO / "assistant" / "answers" / "training"
BATCHES = REPO / "tests" / "data"
REALISTIC = {"dev": "realistic_questions.jsonl", "dev2": "realistic_dev2.jsonl", "dev3": "realistic_dev3.jsonl"}
LEARNT_BATCHES = {"fresh2": "urgent_villager_fresh2.toml", "fresh3": "urgent_villager_fresh3.toml"}
TEST_BATCHES = {"messages": "urgent_villager_messages.toml", "fresh": "urgent_villager_fresh.toml",
                "fresh4": "urgent_villager_fresh4.toml"}
THRESHOLDS = [-0.6, -0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 9.0]   # 9.0: no urgency from the head
ADDED_ALARMS_PER_CALM = 0.01


def batch_rows(path: Path) -> list[tuple[str, bool]]:
    batch = tomllib.loads(path.read_text(encoding="utf-8"))
    return [(m, True) for m in batch["urgent"]] + [(m, False) for m in batch["calm"]]


def load_sets() -> dict[str, list[tuple[str, bool]]]:
    sets = {}
    for name, file in REALISTIC.items():
        for line in (TRAINING / file).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                sets.setdefault(name, []).append((row["question"], bool(row["urgent"])))
    sets |= {name: batch_rows(BATCHES / file) for name, file in (LEARNT_BATCHES | TEST_BATCHES).items()}
    sets["offtopic"] = [(q, False) for q in OFF_TOPIC]
    return sets


def with_urgent_only(classifier, rows, extra):
    """The classifier with its urgent head refitted on `rows` + `extra` (in the vocabulary of `rows`)."""
    from sklearn.svm import LinearSVC

    from assistant.answers.classifier import REGULARISATION
    from assistant.answers.matcher import normalise_question

    if not extra:
        return classifier
    all_rows = [*rows, *extra]
    matrix = classifier.vectoriser.transform([normalise_question(r.text) for r in all_rows])
    head = LinearSVC(C=REGULARISATION, random_state=0, class_weight="balanced").fit(matrix, [r.urgent for r in all_rows])
    classifier.urgent_weights = head.coef_[0].astype("float32")
    classifier.urgent_bias = float(head.intercept_[0])
    return classifier


def head_scores(sets: dict, learnt: list[str]) -> dict[str, list[float]]:
    """Each learnt set scored by a head fitted without it, the others by the full head."""
    from assistant.answers import classifier as C

    def fit(leave_out: str | None):
        rows = [r for r in C.default_training()
                if leave_out not in REALISTIC or r.text not in {q for q, _ in sets[leave_out]}]
        extra = [C.Labelled(q, None, u) for b in learnt if b != leave_out for q, u in sets[b]]
        return with_urgent_only(C.CardClassifier(rows), rows, extra)

    full = fit(None)
    out = {}
    for name, rows in sets.items():
        head = fit(name) if name in REALISTIC or name in learnt else full
        out[name] = [head.urgent_score(q) for q, _ in rows]
    return out


def base_routed(sets: dict, data_dir: Path | None) -> dict[str, list[bool]]:
    """Routed without the head's own score: the intent patterns or the composer's other urgency."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from assistant.conversation import intents as I
    from evals.common_chat import chat_app

    _, kb, _ = chat_app(data_dir)
    composer = OfflineComposer(kb, ComposerLimits(urgent_score=99.0))
    return {name: [I.detect_intent(q).name == I.URGENT_RISK or composer.answer(q, kb.search(q, k=10)).urgent
                   for q, _ in rows] for name, rows in sets.items()}


def counts(rows, base, scores, t: float) -> dict:
    routed = [b or s >= t for b, s in zip(base, scores)]
    return {"urgent": sum(u for _, u in rows), "routed": sum(r and u for r, (_, u) in zip(routed, rows)),
            "calm": sum(not u for _, u in rows), "false_alarms": sum(r and not u for r, (_, u) in zip(routed, rows)),
            "false_alarms_without_head": sum(b and not u for b, (_, u) in zip(base, rows)),
            # the head alone: what it would add on phrasings the word layer was not written from
            "head_alone_routed": sum(s >= t and u for s, (_, u) in zip(scores, rows)),
            "head_alone_alarms": sum(s >= t and not u for s, (_, u) in zip(scores, rows))}


def choose(sets, base, scores, names) -> float:
    calm = sum(c["calm"] for c in (counts(sets[n], base[n], scores[n], 9.0) for n in names))
    for t in THRESHOLDS:
        added = sum(c["false_alarms"] - c["false_alarms_without_head"]
                    for c in (counts(sets[n], base[n], scores[n], t) for n in names))
        if added <= ADDED_ALARMS_PER_CALM * calm:
            return t
    return THRESHOLDS[-1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--without-batches", action="store_true", help="the head as before: no urgent batch learnt")
    args = parser.parse_args(argv)
    learnt = [] if args.without_batches else list(LEARNT_BATCHES)
    sets = load_sets()
    scores = head_scores(sets, learnt)
    base = base_routed(sets, args.data_dir)
    folds = [*REALISTIC, *LEARNT_BATCHES]
    result = {"learnt": learnt, "folds": {}}
    for h in folds:
        t = choose(sets, base, scores, [n for n in sets if n != h])
        result["folds"][h] = {"threshold": t, **counts(sets[h], base[h], scores[h], t)}
    shipped = choose(sets, base, scores, list(sets))
    result["chosen on all"] = {"threshold": shipped,
                               **{n: counts(sets[n], base[n], scores[n], shipped) for n in sets}}
    result["each threshold, all sets"] = {
        t: {k: sum(counts(sets[n], base[n], scores[n], t)[k] for n in sets) for k in ("routed", "false_alarms", "head_alone_routed", "head_alone_alarms")}
        for t in THRESHOLDS}
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
