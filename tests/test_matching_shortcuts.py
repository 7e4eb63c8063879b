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
from assistant.answers.semantic import NEAREST, ExampleIndex, _unit

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
    rows = (REPO / "assistant" / "answers" / "training" / "realistic_questions.jsonl").read_text(encoding="utf-8").splitlines()
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
    sizes = {"b": 3, "a": 5, "c": 2, "d": 1, "e": 4}        # "d": fewer examples than NEAREST
    labelled = [(label, f"{label}{i}") for label, n in sizes.items() for i in range(n)]
    rng.shuffle(labelled)                                     # a label's examples need not be together
    vectors = rng.normal(size=(len(labelled), 8)).astype(np.float32)
    index = ExampleIndex(labelled, vectors, vectors.mean(axis=0))
    for _ in range(50):
        question = rng.normal(size=8).astype(np.float32)
        similarity = index.matrix @ _unit(question - index.centre)
        plain = {label: float(np.sort(similarity[[i for i, (owner, _) in enumerate(labelled) if owner == label]])
                              [-NEAREST:].mean()) for label in sizes}
        ranked = index.ranked(question)
        assert [n.label for n in ranked] == sorted(plain, key=lambda label: -plain[label])
        assert {n.label: n.score for n in ranked} == {label: round(score, 4) for label, score in plain.items()}


def plain_find_region(text: str, table) -> str | None:
    """extract.find_region as it was: every name of the table tried as a pattern, longest first."""
    import re

    from assistant.eligibility.extract import _HERE_BEFORE, _HOME_AFTER

    best, taken = None, [False] * len(text)
    for name in sorted(table._names, key=len, reverse=True):
        if len(name) < 2:
            continue
        for m in re.finditer(re.escape(name), text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            score = 2 if _HERE_BEFORE.search(text[max(0, m.start() - 1):m.start()]) else 0
            if _HOME_AFTER.search(text[m.end():m.end() + 3]) or "老家" in text[max(0, m.start() - 3):m.start()]:
                score -= 2
            key = (score, m.start(), table._names[name])
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def test_find_region_is_the_plain_search_over_every_name():
    from assistant.eligibility.extract import find_region
    from assistant.eligibility.standards import StandardsBook

    table = StandardsBook().snapshot()
    rng = np.random.default_rng(3)
    names = sorted(table._names)
    texts = ["我四川泸州农村的，在上海工地上", "老家河南的，现在在深圳打工", "潍坊市寿光市的", "没有地名的一句话"]
    for _ in range(300):
        a, b = rng.choice(names, 2)
        texts.append(rng.choice(["我{}人，在{}上班", "{}老家的，到{}来了", "{}{}的", "在{}和{}之间"]).format(a, b))
    found = [find_region(t, table) for t in texts]
    assert found == [plain_find_region(t, table) for t in texts]
    assert found[0] == "上海市" and sum(f is not None for f in found) > 250
