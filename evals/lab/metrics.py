"""Recall@k and MRR@10 from ranked corpus positions.

Recall@k = share of a question's gold articles found in its top k (STARD's definition), averaged
over questions; gold articles missing from the corpus count as misses. MRR@10 = 1/rank of the first
gold article within the top 10."""
from __future__ import annotations

import numpy as np

KS = (1, 5, 10, 20, 100)


def evaluate(ranked: np.ndarray, gold: list[list[int]], gold_total: list[int], ks=KS) -> dict[str, float]:
    """ranked: (n_questions, depth) corpus positions, best first."""
    n = len(gold)
    recall = {k: 0.0 for k in ks}
    mrr = 0.0
    for i in range(n):
        total = max(gold_total[i], 1)
        g = set(gold[i])
        row = ranked[i]
        hit = np.fromiter((p in g for p in row), dtype=bool, count=len(row))
        csum = np.cumsum(hit)
        for k in ks:
            recall[k] += csum[min(k, len(row)) - 1] / total
        first = np.flatnonzero(hit[:10])
        if first.size:
            mrr += 1.0 / (first[0] + 1)
    out = {f"R@{k}": recall[k] / n for k in ks}
    out["MRR@10"] = mrr / n
    return out


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Row-wise top-k positions of a (n, N) score matrix, best first."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    rows = np.arange(scores.shape[0])[:, None]
    order = np.argsort(-scores[rows, part], axis=1, kind="stable")
    return part[rows, order]
