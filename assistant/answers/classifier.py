"""Which card a question is about, and whether it is urgent, by a small trained classifier.

Word patterns (cards' `when`) miss new phrasings and fire on one word of a story about something
else (百草枯 → the beating card). Linear SVMs (one-vs-rest, scikit-learn's LinearSVC) over the
character n-grams (1–3, TF-IDF) of the normalised question (dialect forms and typos as the matcher
reads it) learn from the phrasings that ship with the cards (product data, assistant/answers/):
the cards' lay `examples`, everyday_examples.toml (label EVERYDAY: no card), urgent_examples.toml
(urgent, no card label) and training/, the realistic questions the project wrote and labelled (main
type, urgent). Never a measurement set kept apart (evals/data: the realistic held-out set). Session 19
tried examples only: a fifth lower on held-out right type (0.800 → 0.769) — the labelled questions
carry the villagers' way of telling a story that the cards' few examples do not; they moved from
evals/data into the product so the product does not depend on the evals folder.
Both are fitted at start-up (a fraction of a second; deterministic: liblinear with a fixed seed,
a sorted vocabulary), so the model always matches the cards and examples of this checkout and
nothing is stored. A card's score is its SVM's margin; the classifier is sure of a card that leads the
next label by a margin (below).

How the matcher uses it (matcher.match_cards, thresholds below, chosen by leave-one-set-out
cross-validation in evals/card_classifier_cv.py): where no pattern matched, its card is taken
when confident (more so when neither everyday speech nor retrieval backs it: GENERAL_TAKE); where a pattern card is very unlikely to it while it confidently prefers another
card, its card replaces the pattern card. Its urgency only adds (never removes) urgency."""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answers.cards import Card, packaged_cards
from assistant.answers.matcher import normalise_question
from assistant.answers.semantic import EVERYDAY, everyday_examples, urgent_kinds

log = logging.getLogger(__name__)

# labelled realistic questions (main type, urgent) written by the project for the cards; the evals
# measure on them too (in sample), the held-out set stays apart under evals/data and is never read here
LABELLED_PHRASINGS = tuple(Path(__file__).resolve().parent / "training" / name
                           for name in ("realistic_questions.jsonl", "realistic_dev2.jsonl", "realistic_dev3.jsonl"))

# The classifier is sure of its best card when it leads the second-best label by a margin (its SVM
# scores are margins; one card scoring above 0 alone is rare with 78 labels from few phrasings).
# no pattern matched: its best card is taken when it leads the next label by TAKE_CARD …
TAKE_CARD = 0.1
# … and by GENERAL_TAKE when nothing else backs it: neither is the question told in everyday speech
# (matcher.LAY_SPEECH) nor is one of the card's articles among retrieval's top 10. It learnt from
# people's stories; a lawyer's general question that merely says 我 (我可以把…吗, 航班取消了可以要求
# 赔偿吗) got the card of a neighbouring issue and lost the deciding clause retrieval's answer quotes.
# Chosen on held-out predictions (the cards' lay examples in 5 folds, the realistic sets leaving one
# out) and the STARD dev share's takes: docs/answers.md, "Card classifier gate"
GENERAL_TAKE = 0.2
# a pattern card scoring UNLIKELY_CARD below the classifier's best card, while that card (one the
# patterns did not find) leads the next label by REPLACE_CARD, is a word of a story about
# something else: the classifier's card replaces it
UNLIKELY_CARD = 1.0
REPLACE_CARD = 0.3
# several pattern cards: the classifier's best card among them leads when it leads the next label by this
LEAD_CARD = 0.5
# urgent at this score or more (only adds urgency)
URGENT_SCORE = 0.4
REGULARISATION = 1.0     # LinearSVC's C


@dataclass(frozen=True)
class Labelled:
    text: str
    card: str | None      # a card id, EVERYDAY (no card), or None (urgent examples: no card label)
    urgent: bool


def card_training(cards: Sequence[Card], everyday: Iterable[str]) -> list[Labelled]:
    return ([Labelled(e, c.id, c.urgent == "always") for c in cards for e in c.examples]
            + [Labelled(e, EVERYDAY, False) for e in everyday])


def labelled_phrasings(paths: Iterable[Path] = LABELLED_PHRASINGS) -> list[Labelled]:
    """Realistic questions labelled with their main type (the first type a card covers; none:
    EVERYDAY) and whether they are urgent."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                types = [t for t in row["types"] if not t.startswith("other:")]
                out.append(Labelled(row["question"], types[0] if types else EVERYDAY, bool(row["urgent"])))
    return out


def example_training() -> list[Labelled]:
    """The cards', everyday and urgent examples."""
    urgent = [Labelled(e, None, True) for u in urgent_kinds() for e in u.examples]
    return card_training(packaged_cards(), everyday_examples()) + urgent


def default_training() -> list[Labelled]:
    """The product's training phrasings: the examples and the labelled realistic questions."""
    return example_training() + labelled_phrasings()


class CardClassifier:
    """A score for each card id and EVERYDAY, and an urgency score, for a question."""

    def __init__(self, rows: Sequence[Labelled], c: float = REGULARISATION):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        started = time.perf_counter()
        self.vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)
        matrix = self.vectoriser.fit_transform([normalise_question(r.text) for r in rows])
        carded = [i for i, r in enumerate(rows) if r.card is not None]
        cards = LinearSVC(C=c, random_state=0).fit(matrix[carded], [rows[i].card for i in carded])
        urgency = LinearSVC(C=c, random_state=0, class_weight="balanced").fit(matrix, [r.urgent for r in rows])
        self.labels: list[str] = [str(label) for label in cards.classes_]
        # only the weights are kept (float32, ~7 MB for 79 labels × ~22,000 n-grams of the examples), not the fitted models
        self.card_weights = np.ascontiguousarray(cards.coef_.T, dtype=np.float32)
        self.card_bias = cards.intercept_.astype(np.float32)
        self.urgent_weights = np.ascontiguousarray(urgency.coef_[0], dtype=np.float32)   # classes_: [False, True]
        self.urgent_bias = float(urgency.intercept_[0])
        self.fit_seconds = time.perf_counter() - started
        self._last = threading.local()

    def _features(self, question: str):
        # the card scores and the urgency of one answer read the same question: its features are
        # kept per thread for the last question, so the vectoriser runs once per answer
        last = getattr(self._last, "features", None)
        if last is not None and last[0] == question:
            return last[1]
        features = self.vectoriser.transform([normalise_question(question)])
        self._last.features = (question, features)
        return features

    def card_scores(self, question: str) -> dict[str, float]:
        scores = (self._features(question) @ self.card_weights)[0] + self.card_bias
        return {label: float(s) for label, s in zip(self.labels, scores)}

    def urgent_score(self, question: str) -> float:
        """Above 0: urgent to the classifier."""
        return float((self._features(question) @ self.urgent_weights)[0] + self.urgent_bias)


@dataclass(frozen=True)
class CardVerdict:
    """What the classifier says about one question, for matcher.match_cards."""
    scores: dict[str, float]             # card id (or EVERYDAY) → score
    take: float = TAKE_CARD
    unlikely: float = UNLIKELY_CARD
    replace: float = REPLACE_CARD
    lead: float = LEAD_CARD
    general_take: float = GENERAL_TAKE

    def best(self) -> tuple[str, float]:
        """(the best label, its lead over the second-best label)."""
        ranked = sorted(self.scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked:
            return "", 0.0
        return ranked[0][0], ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else -1.0)

    def taken(self, backed: Callable[[str], bool] = lambda card: True) -> str | None:
        """The card to take where no pattern matched: the best scored when it is a card (not
        EVERYDAY) and leads the next label by `take` or more — by `general_take` or more unless
        `backed(card)` (the question's speech or retrieval backs that card)."""
        label, lead = self.best()
        if label in ("", EVERYDAY) or lead < self.take:
            return None
        return label if lead >= self.general_take or backed(label) else None

    def leading(self, pattern_cards: Iterable[str]) -> str | None:
        """Its best card when the patterns found it too and it leads the next label by `lead`."""
        label, lead = self.best()
        return label if label in set(pattern_cards) and lead >= self.lead else None

    def replacing(self, pattern_cards: Iterable[str]) -> tuple[str | None, frozenset[str]]:
        """(its card, the pattern cards it replaces): when its best card is one the patterns did not
        find and leads the next label by `replace`, the pattern cards scoring `unlikely` or more
        below it."""
        label, lead = self.best()
        pattern_cards = set(pattern_cards)
        if label in ("", EVERYDAY) or lead < self.replace or label in pattern_cards:
            return None, frozenset()
        top = self.scores[label]
        dropped = frozenset(c for c in pattern_cards if top - self.scores.get(c, top - self.unlikely) >= self.unlikely)
        return (label, dropped) if dropped else (None, frozenset())


_CLASSIFIER: CardClassifier | None = None
_LOCK = threading.Lock()


def card_classifier() -> CardClassifier:
    """The classifier fitted on this checkout's training phrasings, once per process (start-up
    calls this: the app's `_wire_knowledge`)."""
    global _CLASSIFIER
    if _CLASSIFIER is None:
        with _LOCK:
            if _CLASSIFIER is None:
                rows = default_training()
                _CLASSIFIER = CardClassifier(rows)
                log.info("card classifier: %d phrasings, %d labels, fitted in %.2f s",
                         len(rows), len(_CLASSIFIER.labels), _CLASSIFIER.fit_seconds)
    return _CLASSIFIER
