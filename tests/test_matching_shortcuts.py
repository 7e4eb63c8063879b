"""The chat path's CPU shortcuts give the plain rule's results exactly (docs/performance.md,
session 19): Pattern.match reads word forms worked out when the card is loaded, ExampleIndex.ranked
each label's example rows found once. Each is checked against the rule written out plainly."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.answers.cards import Pattern, as_matched, packaged_cards
from assistant.answers.compounds import mark_compounds
from assistant.answers.matcher import normalise_question
from assistant.answers.semantic import NEAREST, ExampleIndex

REPO = Path(__file__).resolve().parents[1]


def plain_match(pattern: Pattern, text: str) -> int:
    """The rule: every group must have a word in the text; each counts its longest word found."""
    covered = 0
    for group in pattern.groups:
        found = [w for w in group if as_matched(w) in text]
        if not found:
            return 0
        covered += max(len(w) for w in found)
    return covered


def _questions() -> list[str]:
    rows = (REPO / "evals" / "data" / "realistic_questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(r)["question"] for r in rows if r.strip()]


def test_pattern_match_is_the_plain_rule_on_every_card_and_question():
    patterns = [p for card in packaged_cards() for p in (*card.when, *card.unless, *card.asks)]
    texts = [mark_compounds(normalise_question(q)) for q in _questions()]
    matched = 0
    for pattern in patterns:
        for text in texts:
            got = pattern.match(text)
            assert got == plain_match(pattern, text), (pattern.groups, text)
            matched += got > 0
    assert matched > 100          # the questions do match cards: the comparison is not all zeros


def test_pattern_match_counts_the_longest_word_of_each_group():
    pattern = Pattern((("工资", "拖欠工资"), ("老板",)))
    assert pattern.match("老板拖欠工资") == len("拖欠工资") + len("老板")
    assert pattern.match("老板不发工资") == len("工资") + len("老板")
    assert pattern.match("拖欠工资") == 0


def test_example_index_ranks_as_each_labels_own_examples_say():
    rng = np.random.default_rng(7)
    labelled = [(label, f"{label}{i}") for label in ("b", "a", "c") for i in range(3)] + [("a", "a-extra")]
    vectors = rng.normal(size=(len(labelled), 8)).astype(np.float32)
    index = ExampleIndex(labelled, vectors, vectors.mean(axis=0))
    question = rng.normal(size=8).astype(np.float32)

    similarity = index.matrix @ (question - index.centre) / np.linalg.norm(question - index.centre)
    plain = {label: round(float(np.sort(similarity[[i for i, (owner, _) in enumerate(labelled) if owner == label]])
                                [-NEAREST:].mean()), 4) for label in ("a", "b", "c")}
    ranked = index.ranked(question)
    assert [n.label for n in ranked] == sorted(plain, key=lambda label: -plain[label])
    assert {n.label: n.score for n in ranked} == plain
