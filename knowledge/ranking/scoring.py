"""Score arithmetic shared by the product reranker and the retrieval lab. Functions take
(n_queries, n_articles) score rows, so the lab scores a whole question set at once and the product
passes one row; everything past the first top-k works on the top `depth` entries only."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOP_DEPTH = 300         # entries per row kept for normalisation, law aggregation and candidates
                        # (the product's dense side is an ANN top-300, so the lab uses the same)
NORM_DEPTH = 100
# the wide neighbour vote: more known questions, softer weights (a topic-level signal next to the
# near-duplicate one of the default 20 neighbours at temperature 0.02)
WIDE_NEIGHBOURS, WIDE_TEMPERATURE = 100, 0.05


@dataclass
class RowTop:
    """The best `depth` entries of each score row, best first, with the row's normalisation:
    norm(s) = (s − mean of the top 100) / (max − that mean), 1 = the row's best."""

    idx: np.ndarray        # (n, depth) article positions
    vals: np.ndarray       # (n, depth) raw scores
    floor: np.ndarray      # (n, 1)
    span: np.ndarray       # (n, 1)

    @classmethod
    def of(cls, scores: np.ndarray, depth: int = TOP_DEPTH) -> "RowTop":
        scores = np.atleast_2d(scores)
        d = min(depth, scores.shape[1])
        part = np.argpartition(-scores, d - 1, axis=1)[:, :d]
        vals = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        idx = np.take_along_axis(part, order, axis=1)
        vals = np.take_along_axis(vals, order, axis=1).astype(np.float32)
        floor = vals[:, :NORM_DEPTH].mean(axis=1, keepdims=True)
        span = np.maximum(vals[:, :1] - floor, 1e-6)
        return cls(idx, vals, floor, span)

    def norm(self, values: np.ndarray) -> np.ndarray:
        return ((values - self.floor) / self.span).astype(np.float32)


class Side:
    """One retrieval side (dense, BM25, …) for a batch of questions: its RowTop and its raw score
    at any article position. Built from full rows (lab, BM25) or from an ANN top list plus a
    scorer for other positions (product dense side)."""

    def __init__(self, top: RowTop, value_at):
        self.top = top
        self._value_at = value_at

    @classmethod
    def from_rows(cls, scores: np.ndarray, depth: int = TOP_DEPTH, top_only: bool = False) -> "Side":
        """`top_only`: positions outside the top `depth` score the row's lowest kept value, as the
        product's dense sides do (an ANN top list; fetching other vectors cost 30+ ms a query)."""
        scores = np.atleast_2d(scores)
        top = RowTop.of(scores, depth)
        if top_only:
            scores = np.repeat(top.vals[:, -1:], scores.shape[1], axis=1)
            np.put_along_axis(scores, top.idx, top.vals, axis=1)
        return cls(top, lambda at: np.take_along_axis(scores, np.maximum(at, 0), axis=1))

    @classmethod
    def from_top(cls, idx: np.ndarray, vals: np.ndarray) -> "Side":
        """One query's side from a top list alone ((position, score) best first); other positions
        score the list's lowest value."""
        idx = np.asarray(idx, dtype=np.int64).reshape(1, -1)
        vals = np.asarray(vals, dtype=np.float32).reshape(1, -1)
        if idx.shape[1] == 0:
            idx, vals = np.zeros((1, 1), np.int64), np.zeros((1, 1), np.float32)
        floor = vals[:, :NORM_DEPTH].mean(axis=1, keepdims=True)
        top = RowTop(idx, vals, floor, np.maximum(vals[:, :1] - floor, 1e-6))
        value = dict(zip(idx[0].tolist(), vals[0].tolist()))
        lowest = float(vals[0, -1])

        def value_at(at: np.ndarray) -> np.ndarray:
            return np.array([[value.get(int(p), lowest) for p in row] for row in at], dtype=np.float32)
        return cls(top, value_at)

    def at(self, positions: np.ndarray) -> np.ndarray:
        return self._value_at(positions)


def normalise_rows(scores: np.ndarray, depth: int = NORM_DEPTH) -> np.ndarray:
    """Whole rows normalised as RowTop.norm (for fusion baselines over full rows)."""
    top = RowTop.of(scores, depth)
    return top.norm(np.atleast_2d(scores))


def law_soft_max(top: RowTop, normalised: bool, law_code: np.ndarray, at: np.ndarray,
                 temperature: float = 0.1) -> np.ndarray:
    """Law-level evidence at the positions `at` (n, c): temperature-scaled log-sum-exp over the
    row's top entries of each article's law (a smooth max: a law with several good articles beats
    one with a single lucky match). Laws absent from the top get the row's lowest kept score."""
    vals = top.norm(top.vals) if normalised else top.vals
    n, depth = vals.shape
    best = vals[:, :1]
    # only the laws in the top get a mass (columns: their codes, sorted), summed by bincount in the
    # same order as np.add.at over every law code did (same values), without zeroing and scanning
    # ~17k chapter columns per call
    present, column = np.unique(law_code[top.idx], return_inverse=True)
    cell = np.repeat(np.arange(n), depth) * len(present) + column.ravel()
    mass = np.bincount(cell, weights=np.exp((vals - best) / temperature).ravel().astype(np.float64),
                       minlength=n * len(present)).reshape(n, len(present))
    floor = vals[:, -1:]
    law_score = np.where(mass > 0, best + temperature * np.log(np.maximum(mass, 1e-300)), floor)
    wanted = law_code[np.maximum(at, 0)]
    where = np.minimum(np.searchsorted(present, wanted), len(present) - 1)
    in_top = present[where] == wanted
    scores = np.where(in_top, np.take_along_axis(law_score, where, axis=1), floor)
    return scores.astype(np.float32)


def neighbour_votes(similarities: np.ndarray, neighbour_gold, neighbours: int = 20,
                    temperature: float = 0.02) -> np.ndarray:
    """Articles that answered the most similar known questions: softmax(similarity / temperature)
    weighted votes of the `neighbours` nearest questions. `similarities` is (n, n_known);
    `neighbour_gold` a sparse (n_known, n_articles) 0/1 matrix."""
    from scipy import sparse

    similarities = np.atleast_2d(similarities)
    n, known = similarities.shape
    m = min(neighbours, known)
    if m == 0:
        return np.zeros((n, neighbour_gold.shape[1]), dtype=np.float32)
    idx = np.argpartition(-similarities, m - 1, axis=1)[:, :m]
    top = np.take_along_axis(similarities, idx, axis=1)
    w = np.exp((top - top.max(axis=1, keepdims=True)) / temperature)
    w /= w.sum(axis=1, keepdims=True)
    weights = sparse.csr_matrix((w.ravel(), (np.repeat(np.arange(n), m), idx.ravel())), shape=(n, known))
    return np.asarray((weights @ neighbour_gold).todense(), dtype=np.float32)


def union_top(tops: list[RowTop], depths: list[int], width: int) -> np.ndarray:
    """Candidate positions per query: the union of each side's top `depth`, in order of first
    appearance, padded with −1 to `width` columns (a fixed width keeps the lab vectorised).
    Entries scoring 0 or less (no BM25 match, no neighbour vote) are not candidates."""
    n = tops[0].idx.shape[0] if tops else 0
    out = np.full((n, width), -1, dtype=np.int64)
    for i in range(n):
        listed = np.concatenate([t.idx[i, :d][t.vals[i, :d] > 0] for t, d in zip(tops, depths)])
        _, first = np.unique(listed, return_index=True)
        chosen = listed[np.sort(first)][:width]      # first appearances, in order
        out[i, :len(chosen)] = chosen
    return out
