"""Cards and urgency by meaning: the question's search vector against short lay phrasings.

Word patterns (cards' `when`, intents.RISK_PATTERNS) miss how people actually write. Every card
lists a few `examples` (a villager telling the facts), everyday_examples.toml lists questions no
card answers, urgent_examples.toml urgent situations; their vectors come from the search model once
per model (start-up), and a question is compared with them through the vector retrieval already
computed for it (`kb.embed_query` of the searched text is memoised: no second model call). A label's
score is the mean centred cosine of its NEAREST examples (ExampleIndex).

Thresholds (README of cards/, docs/answers.md): chosen by `python -m evals.semantic_fit`, fitted on
realistic dev+dev2 and checked on dev3, and the other way round."""
from __future__ import annotations

import logging
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answers.cards import Card, packaged_cards

log = logging.getLogger(__name__)

URGENT_EXAMPLES_FILE = Path(__file__).resolve().parent / "urgent_examples.toml"
EVERYDAY_EXAMPLES_FILE = Path(__file__).resolve().parent / "everyday_examples.toml"
EVERYDAY = "_everyday"   # the label of questions that are no dispute: nearest to them, no card
# A question is given the nearest card when no pattern matched, its score is at least CARD_THRESHOLD
# and it leads the second-nearest card by CARD_MARGIN (a question between two issues gets neither);
# below that, retrieval's agreement (matcher.by_retrieval) decides. Scores: centred cosine (below).
CARD_THRESHOLD = 0.20
CARD_MARGIN = 0.14
# a question this near an urgent situation gets a person first (only adds urgency: never removes it)
URGENT_THRESHOLD = 0.375
NEAREST = 2   # a label's score: the mean of its NEAREST examples' (one stray example decides nothing)

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Near:
    label: str          # a card id or an urgent risk kind
    score: float        # centred cosine to the label's nearest examples


@dataclass(frozen=True)
class UrgentKind:
    risk: str
    label: str
    examples: tuple[str, ...]


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


class ExampleIndex:
    """Vectors of labelled phrasings; `ranked` gives each label's score, best first.

    e5 vectors of any two Chinese sentences lie close (cosine 0.85–0.95): everything shares one
    common direction. The vectors are compared after subtracting `centre` (the mean of all the
    example phrasings, not of any asked question), which spreads the scores out (~0.1–0.7)."""

    def __init__(self, labelled: Sequence[tuple[str, str]], vectors: np.ndarray, centre: np.ndarray):
        self.labels = sorted({label for label, _ in labelled})
        position = {label: i for i, label in enumerate(self.labels)}
        self.owner = np.array([position[label] for label, _ in labelled], dtype=np.int64)
        # where each label's NEAREST best examples sit once the similarities are sorted by label,
        # then by value (one lexsort a question, not a sort per label); labels with fewer examples
        # than NEAREST keep their rows
        counts = np.bincount(self.owner, minlength=len(self.labels))
        ends, full = np.cumsum(counts), counts >= NEAREST
        self._full = np.flatnonzero(full)
        self._full_at = ends[full][:, None] - NEAREST + np.arange(NEAREST)
        self._few = [(i, np.flatnonzero(self.owner == i)) for i in np.flatnonzero(~full)]
        self.centre = centre
        self.matrix = _unit(np.asarray(vectors, dtype=np.float32) - centre) if len(labelled) else vectors

    def ranked(self, vector) -> list[Near]:
        if not len(self.owner):
            return []
        similarity = self.matrix @ _unit(np.asarray(vector, dtype=np.float32) - self.centre)
        ordered = similarity[np.lexsort((similarity, self.owner))]
        label_scores = np.empty(len(self.labels), dtype=similarity.dtype)
        label_scores[self._full] = ordered[self._full_at].mean(axis=1)
        for i, rows in self._few:
            label_scores[i] = np.sort(similarity[rows])[-NEAREST:].mean()
        scores = label_scores.tolist()          # each label: the mean of its NEAREST best similarities
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        return [Near(self.labels[i], round(scores[i], 4)) for i in order]


def everyday_examples(path: Path = EVERYDAY_EXAMPLES_FILE) -> tuple[str, ...]:
    """Phrasings of questions no card answers (everyday ones and legal trouble no card covers)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(str(e) for key in ("examples", "uncovered") for e in data.get(key, []))


def urgent_kinds(path: Path = URGENT_EXAMPLES_FILE) -> tuple[UrgentKind, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(UrgentKind(str(u["risk"]), str(u["label"]), tuple(str(e) for e in u["examples"]))
                 for u in data.get("urgent", []))


class SemanticIndex:
    """The cards' and the urgent situations' example vectors for one embedding model."""

    def __init__(self, embed: Embed, cards: Sequence[Card] | None = None,
                 urgent: Sequence[UrgentKind] | None = None, everyday: Sequence[str] | None = None):
        started = time.perf_counter()
        cards = packaged_cards() if cards is None else cards
        urgent = urgent_kinds() if urgent is None else urgent
        everyday = everyday_examples() if everyday is None else everyday
        self.cards = {c.id: c for c in cards}
        self.urgent = {u.risk: u for u in urgent}
        card_texts = [(c.id, e) for c in cards for e in c.examples] + [(EVERYDAY, e) for e in everyday]
        urgent_texts = [(u.risk, e) for u in urgent for e in u.examples]
        vectors = np.asarray(embed([t for _, t in card_texts + urgent_texts]), dtype=np.float32)
        centre = vectors.mean(axis=0)
        self.card_examples = ExampleIndex(card_texts, vectors[:len(card_texts)], centre)
        self.urgent_examples = ExampleIndex(urgent_texts, vectors[len(card_texts):], centre)
        self.build_seconds = time.perf_counter() - started

    def nearest_cards(self, vector) -> list[tuple[Card | None, float]]:
        """Every card with examples, nearest first, with its score; None stands for the everyday
        questions that are no dispute (everyday_examples.toml)."""
        return [(self.cards.get(n.label), n.score) for n in self.card_examples.ranked(vector)]

    def urgent_risk(self, vector, threshold: float = URGENT_THRESHOLD) -> UrgentKind | None:
        """The urgent situation the question is told like, when it scores at least `threshold`."""
        ranked = self.urgent_examples.ranked(vector)
        if ranked and ranked[0].score >= threshold:
            return self.urgent[ranked[0].label]
        return None


def confident_card(nearest: Sequence[tuple[Card | None, float]], threshold: float = CARD_THRESHOLD,
                   margin: float = CARD_MARGIN) -> Card | None:
    """The nearest card when it scores at least `threshold` and leads the next card (or the everyday
    questions) by `margin`; None when an everyday question is nearest."""
    if not nearest or nearest[0][0] is None or nearest[0][1] < threshold:
        return None
    if len(nearest) > 1 and nearest[0][1] - nearest[1][1] < margin:
        return None
    return nearest[0][0]


_INDEXES: dict[str, SemanticIndex] = {}
_LOCK = threading.Lock()


def semantic_index(kb) -> SemanticIndex | None:
    """The index for `kb`'s search model, built on first use (start-up calls this once: the app's
    `_wire_knowledge`); None when the knowledge base has no query embedder."""
    model = getattr(kb, "embedding_model", None)
    if not model or not callable(getattr(kb, "embed_query", None)):
        return None
    index = _INDEXES.get(model)
    if index is not None:
        return index
    with _LOCK:
        if model not in _INDEXES:
            index = SemanticIndex(phrase_embedder(kb))
            log.info("semantic card index: %d card and %d urgent examples embedded in %.2f s",
                     len(index.card_examples.owner), len(index.urgent_examples.owner), index.build_seconds)
            _INDEXES[model] = index
        return _INDEXES[model]


def phrase_embedder(kb) -> Embed:
    """Batched query vectors for the fixed phrasings (`kb.embed_phrases`, which bypasses the memo of
    asked questions); one `embed_query` a phrase for a knowledge base without it."""
    batched = getattr(kb, "embed_phrases", None)
    if callable(batched):
        return batched
    return lambda texts: np.stack([np.asarray(kb.embed_query(t), dtype=np.float32) for t in texts])


def question_vector(kb, searched: str):
    """The search vector of `searched` (the text retrieval just embedded: a memo hit), or None."""
    embed = getattr(kb, "embed_query", None)
    if not callable(embed) or not searched.strip():
        return None
    return embed(searched.strip())
