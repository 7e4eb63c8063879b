"""Thresholds of the trained card classifier (assistant/answers/classifier.py), chosen by
leave-one-set-out cross-validation over the realistic sets dev / dev2 / dev3:

    python -m evals.card_classifier_cv [--data-dir data] [--cache HITS.pkl] [--out CV.json]

The classifier is the product's: trained on the cards', everyday and urgent examples only (since
session 19), so its predictions on every realistic set are out of sample. For each held-out set H
the thresholds are chosen on the other two sets, then H is answered with them. Reported per set:
right main type, urgent routed, false alarms — before (patterns + semantic fallback, as shipped
before the classifier) and after. The shipped thresholds are chosen the same way on all three sets.
OFF_TOPIC (evals.semantic_fit: everyday questions written for that check) must get no card.
Urgent routed is counted as chat routes it: an urgent intent (word patterns) or an urgent answer.
Prints counts only, never the questions."""
from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path

from evals.answers import REALISTIC_SETS, read_jsonl
from evals.semantic_fit import OFF_TOPIC

SETS = ("dev", "dev2", "dev3")
TAKE = [0.0, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 9.0]       # 9.0: the classifier never takes a card
REPLACE = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 9.0]         # 9.0: never replaces a pattern card
UNLIKELY = [0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0]
LEAD = [0.3, 0.5, 0.7, 1.0, 9.0]                           # 9.0: the pattern cards' order stays
# the thresholds as shipped (classifier.py), reported beside each fold's choice
SHIPPED = (0.1, 1.0, 0.3, 0.5, 0.4)
URGENT = [-0.8, -0.6, -0.4, -0.2, 0.0, 0.2, 0.4, 0.6, 0.8, 9.0]  # 9.0: no urgency from the classifier


class Fixed:
    """A classifier whose answers were computed beforehand (one fold's predictions)."""

    def __init__(self, scores: dict[str, float], urgent: float):
        self.scores, self.urgent = scores, urgent

    def card_scores(self, question: str) -> dict[str, float]:
        return self.scores

    def urgent_score(self, question: str) -> float:
        return self.urgent


def load(set_name: str) -> list[dict]:
    if set_name == "offtopic":
        return [{"id": f"off{i}", "question": q, "types": [], "urgent": False} for i, q in enumerate(OFF_TOPIC)]
    return read_jsonl(REALISTIC_SETS[set_name])


def expected_main(row: dict) -> str | None:
    types = [t for t in row["types"] if not t.startswith("other:")]
    return types[0] if types else None


class Bench:
    """Every question searched once (kept in `cache`, a pickle, when given); answers memoised by
    the classifier's decision on the question."""

    def __init__(self, data_dir: Path | None, cache: Path | None):
        from evals.common_chat import chat_app

        _, self.kb, _ = chat_app(data_dir)
        self.rows = {name: load(name) for name in (*SETS, "offtopic")}
        questions = [r["question"] for rows in self.rows.values() for r in rows]
        hits = pickle.loads(cache.read_bytes()) if cache is not None and cache.exists() else {}
        for q in questions:
            if q not in hits:
                hits[q] = self.kb.search(q, k=10)
        if cache is not None:
            cache.write_bytes(pickle.dumps(hits))
        self.hits = hits
        self.memo: dict[tuple, tuple[list[str], bool]] = {}
        self.patterned: dict[str, list[str]] = {}

    def pattern_cards(self, question: str) -> list[str]:
        from assistant.answers.cards import packaged_cards
        from assistant.answers.compounds import mark_compounds
        from assistant.answers.matcher import normalise_question, pattern_matches

        if question not in self.patterned:
            self.patterned[question] = [m.card.id for m in pattern_matches(
                mark_compounds(normalise_question(question)), packaged_cards(), set())]
        return self.patterned[question]

    def answer(self, question: str, scores: dict[str, float] | None, rule: tuple) -> tuple[list[str], bool]:
        """(cards, urgent without the classifier's own urgency score) of the composer under `rule`
        (take, unlikely, replace, lead); `scores` None: without the classifier (as before it)."""
        from assistant.answers.classifier import CardVerdict
        from assistant.answers.composer import ComposerLimits, OfflineComposer
        from assistant.conversation import intents as I

        take, unlikely, replace, lead = rule[:4]
        if scores is None:
            key = (question, "before")
        else:
            verdict = CardVerdict(scores, take, unlikely, replace, lead)
            patterned = self.pattern_cards(question)
            # taken backed and unbacked: the composer's take depends on retrieval's or the speech's backing
            key = (question, verdict.taken() if not patterned else None,
                   verdict.taken(lambda card: False) if not patterned else None, verdict.replacing(patterned),
                   verdict.best()[1] >= replace, verdict.leading(patterned))
        if key not in self.memo:
            limits = ComposerLimits(classified=scores is not None, take_card=take, unlikely_card=unlikely,
                                    replace_card=replace, lead_card=lead, urgent_score=99.0)
            composed = OfflineComposer(self.kb, limits, classifier=Fixed(scores or {}, -99.0)).answer(
                question, self.hits[question])
            self.memo[key] = (composed.cards, composed.urgent or I.detect_intent(question).name == I.URGENT_RISK)
        return self.memo[key]


def predictions(test_rows: list[dict]) -> list[tuple[dict, float]]:
    """The product classifier's (examples only) card scores and urgency for each row."""
    from assistant.answers.classifier import card_classifier

    classifier = card_classifier()
    return [(classifier.card_scores(r["question"]), classifier.urgent_score(r["question"])) for r in test_rows]


def counts(bench: Bench, rows: list[dict], preds, rule: tuple | None) -> dict:
    """Right main type, a right type among the issues, questions with a stray card, urgent routed and
    false alarms of the answers; rule None: before."""
    out = {"n": len(rows), "right_main": 0, "any_issue": 0, "with_stray": 0, "urgent": 0, "urgent_routed": 0,
           "false_alarms": 0}
    for row, (scores, urgent_score) in zip(rows, preds):
        if rule is None:
            cards, urgent = bench.answer(row["question"], None, (9.0, 9.0, 9.0, 9.0))
        else:
            cards, urgent = bench.answer(row["question"], scores, rule)
            urgent = urgent or urgent_score >= rule[4]
        expected = expected_main(row)
        out["right_main"] += cards[:1] == [expected] if expected else not cards
        types = [t for t in row["types"] if not t.startswith("other:")]
        out["any_issue"] += bool(set(types) & set(cards)) if types else not cards
        out["with_stray"] += any(c not in row["types"] for c in cards)
        out["urgent"] += row["urgent"]
        out["urgent_routed"] += urgent and row["urgent"]
        out["false_alarms"] += urgent and not row["urgent"]
    return out


def alone(rows: list[dict], preds, take: float) -> dict:
    """The take rule by itself, as if no pattern had matched (words never tuned on): the cards it
    takes, right ones (the main type), wrong ones (another card, or a card for a question no card covers)."""
    from assistant.answers.classifier import CardVerdict

    picked = [(row, CardVerdict(scores, take).taken()) for row, (scores, _) in zip(rows, preds)]
    picked = [(row, card) for row, card in picked if card is not None]
    right = sum(card == expected_main(row) for row, card in picked)
    return {"taken": len(picked), "right": right, "wrong": len(picked) - right}


def replace_effect(rows: list[dict], preds, unlikely: float, replace: float) -> dict:
    """The replace rule by itself, whatever the patterns found: `harm` — questions whose right card
    it would drop were a pattern to find it; `fixes` — questions where it is sure of the right card,
    and `reach` — the wrong cards that would give way there were a pattern to find them."""
    from assistant.answers.classifier import CardVerdict

    harm = fixes = reach = 0
    for row, (scores, _) in zip(rows, preds):
        expected = expected_main(row)
        if expected is None:
            continue
        verdict = CardVerdict(scores, 9.0, unlikely, replace)
        harm += verdict.replacing([expected])[1] == {expected}
        label, lead = verdict.best()
        if label == expected and lead >= replace:
            fixes += 1
            reach += sum(scores[label] - s >= unlikely for c, s in scores.items() if c != label)
    return {"harm": harm, "fixes": fixes, "reach": reach}


def choose(bench: Bench, fit: list[tuple[list[dict], list]], off_topic: tuple[list[dict], list]) -> tuple:
    """Thresholds from `fit` (sets with predictions made without their own labels):
    take — the most right minus wrong cards taken alone, none for OFF_TOPIC (ties: the stricter);
    replace, unlikely — the most wrong cards that would give way among the rules that harm no fit
    question (ties: the stricter);
    lead — the most right main types on the fit sets (ties: the stricter);
    urgent — the lowest score that adds no false alarm on the fit sets and OFF_TOPIC."""
    def utility(take):
        parts = [alone(rows, preds, take) for rows, preds in fit]
        return sum(p["right"] - p["wrong"] for p in parts)

    takes = [t for t in TAKE if alone(*off_topic, t)["taken"] == 0]
    take = max(takes, key=lambda t: (utility(t), t))
    effects = {(u, r): [replace_effect(rows, preds, u, r) for rows, preds in fit] for u in UNLIKELY for r in REPLACE}
    safe = [k for k, parts in effects.items() if sum(p["harm"] for p in parts) == 0]
    unlikely, replace = max(safe, key=lambda k: (sum(p["reach"] for p in effects[k]), k[1], k[0]))
    lead = max(LEAD, key=lambda x: (sum(counts(bench, rows, preds, (take, unlikely, replace, x, 99.0))["right_main"]
                                        for rows, preds in fit), x))
    before = sum(counts(bench, rows, preds, (take, unlikely, replace, lead, 99.0))["false_alarms"]
                 for rows, preds in (*fit, off_topic))
    quiet = [u for u in URGENT if sum(counts(bench, rows, preds, (take, unlikely, replace, lead, u))["false_alarms"]
                                      for rows, preds in (*fit, off_topic)) == before]
    return take, unlikely, replace, lead, min(quiet)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="the questions' search hits (pickle, re-used)")
    parser.add_argument("--out", type=Path, default=None, help="write the result JSON here too")
    args = parser.parse_args(argv)
    bench = Bench(args.data_dir, args.cache)
    rows = bench.rows
    preds = {name: predictions(rows[name]) for name in (*SETS, "offtopic")}
    off = (rows["offtopic"], preds["offtopic"])
    result = {"rule": "(take, unlikely, replace, lead, urgent)", "folds": {}}
    for h in SETS:
        fit = [(rows[s], preds[s]) for s in SETS if s != h]
        rule = choose(bench, fit, off)
        result["folds"][h] = {"rule": rule, "before": counts(bench, rows[h], preds[h], None),
                              "after": counts(bench, rows[h], preds[h], rule),
                              "shipped_now": counts(bench, rows[h], preds[h], SHIPPED),
                              "alone": alone(rows[h], preds[h], rule[0]),
                              "replace_alone": replace_effect(rows[h], preds[h], rule[1], rule[2])}
        print(h, json.dumps(result["folds"][h], ensure_ascii=False), flush=True)
    shipped = choose(bench, [(rows[s], preds[s]) for s in SETS], off)
    result["chosen on all three sets"] = {
        "rule": shipped, **{s: counts(bench, rows[s], preds[s], shipped) for s in SETS},
        "off_topic_carded": sum(bool(bench.answer(r["question"], p, shipped)[0]) for r, (p, _) in zip(*off))}
    text = json.dumps(result, ensure_ascii=False)
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
