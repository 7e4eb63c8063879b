"""Score arithmetic shared by the product reranker and the retrieval lab. Every function takes
(n_queries, n_articles) arrays, so the lab scores a whole question set at once and the product
passes one row."""
from __future__ import annotations

import numpy as np


def normalise_rows(scores: np.ndarray, depth: int = 100) -> np.ndarray:
    """Per row: (s - mean of the top `depth`) / (max - that mean). 1 = the row's best, 0 = a typical
    top-`depth` score, below the depth-th negative; makes BM25 and cosine scores comparable."""
    scores = np.atleast_2d(scores)
    n = scores.shape[1]
    k = min(depth, n)
    if k == 0:
        return scores.astype(np.float32)
    part = np.partition(scores, n - k, axis=1)[:, n - k:]
    top = part.max(axis=1, keepdims=True)
    floor = part.mean(axis=1, keepdims=True)
    return ((scores - floor) / np.maximum(top - floor, 1e-6)).astype(np.float32)


class LawGroups:
    """Articles grouped by law, for law-level aggregation with numpy reduceat (no Python loop)."""

    def __init__(self, law_code: np.ndarray):
        self.law_code = np.asarray(law_code, dtype=np.int64)
        self.order = np.argsort(self.law_code, kind="stable")
        sorted_codes = self.law_code[self.order]
        self.starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
        self.group_of_sorted = np.cumsum(np.r_[False, sorted_codes[1:] != sorted_codes[:-1]])
        self.group_of_article = np.empty_like(self.law_code)
        self.group_of_article[self.order] = self.group_of_sorted

    def soft_max(self, scores: np.ndarray, temperature: float = 0.1) -> np.ndarray:
        """Per article: temperature-scaled log-sum-exp of its law's article scores (a smooth max: a
        law with several good articles beats one with a single lucky match)."""
        scores = np.atleast_2d(scores).astype(np.float64)
        top = scores.max(axis=1, keepdims=True)
        e = np.exp((scores[:, self.order] - top) / temperature)
        per_law = np.add.reduceat(e, self.starts, axis=1)
        law_score = top + temperature * np.log(np.maximum(per_law, 1e-300))
        return law_score[:, self.group_of_article].astype(np.float32)


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


def union_top(rows: list[np.ndarray], depths: list[int], width: int) -> np.ndarray:
    """Candidate positions per query: the union of each score row's top `depth`, padded with −1 to
    `width` columns (a fixed width keeps the lab vectorised). Order is by first appearance."""
    n = rows[0].shape[0] if rows else 0
    out = np.full((n, width), -1, dtype=np.int64)
    tops = []
    for scores, depth in zip(rows, depths):
        d = min(depth, scores.shape[1])
        if d <= 0:
            continue
        part = np.argpartition(-scores, d - 1, axis=1)[:, :d]
        order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
        tops.append(np.take_along_axis(part, order, axis=1))
    for i in range(n):
        seen = dict.fromkeys(int(p) for t in tops for p in t[i])
        chosen = list(seen)[:width]
        out[i, :len(chosen)] = chosen
    return out
