"""Fitting the linear reranker: listwise softmax cross-entropy over each question's candidates
(gold articles share the target mass), L2-regularised, L-BFGS."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from knowledge.ranking.features import FEATURES
from knowledge.ranking.reranker import LinearReranker


def sample_negatives(candidates: np.ndarray, gold: list[list[int]], negatives: int = 120,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Per question the gold candidates plus `negatives` random other candidates (fixed seed):
    (row index, column index) arrays of shape (n, negatives + max gold) for fancy indexing, padded
    with a column whose candidate is −1 where a row has fewer."""
    rng = np.random.default_rng(seed)
    n, c = candidates.shape
    is_gold = np.zeros(candidates.shape, dtype=bool)
    for i, g in enumerate(gold):
        is_gold[i] = np.isin(candidates[i], g) & (candidates[i] >= 0)
    width = negatives + int(is_gold.sum(axis=1).max(initial=0))
    cols = np.full((n, width), -1, dtype=np.int64)
    for i in range(n):
        pos = np.flatnonzero(is_gold[i])
        neg = np.flatnonzero(~is_gold[i] & (candidates[i] >= 0))
        if len(neg) > negatives:
            neg = rng.choice(neg, negatives, replace=False)
        chosen = np.concatenate([pos, neg])
        cols[i, :len(chosen)] = chosen
    return np.arange(n)[:, None].repeat(width, axis=1), cols


def fit_listwise(features: np.ndarray, candidates: np.ndarray, gold: list[list[int]],
                 allowed: tuple[str, ...] = FEATURES, l2: float = 1e-3, sample=None) -> LinearReranker:
    """features (n, c, F); only `allowed` features get a weight (the others stay 0). `sample`
    (from sample_negatives) trains on a subset of each question's candidates."""
    cols = [FEATURES.index(f) for f in allowed]
    if sample is not None:
        rows, picked = sample
        safe = np.maximum(picked, 0)
        features = features[rows, safe]
        candidates = np.where(picked >= 0, candidates[rows, safe], -1)
    target = np.zeros(candidates.shape, dtype=np.float64)
    for i, g in enumerate(gold):
        target[i] = np.isin(candidates[i], g) & (candidates[i] >= 0)
    keep = target.sum(axis=1) > 0
    X = np.ascontiguousarray(features[keep][:, :, cols], dtype=np.float32)
    n, c, f = X.shape
    flat = X.reshape(n * c, f)
    T = target[keep] / target[keep].sum(axis=1, keepdims=True)
    valid = candidates[keep] >= 0
    flat_t = np.ascontiguousarray(flat.T)

    def loss(w):
        s = np.where(valid, (flat @ w.astype(np.float32)).reshape(n, c), -1e9).astype(np.float64)
        s -= s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        p = np.exp(logp) * valid
        value = -(T * np.where(valid, logp, 0.0)).sum() / n + l2 * w @ w
        grad = (flat_t @ (p - T).ravel().astype(np.float32)).astype(np.float64) / n + 2 * l2 * w
        return value, grad

    w0 = np.zeros(len(cols))
    res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
    weights = {FEATURES[c]: float(v) for c, v in zip(cols, res.x)}
    return LinearReranker(weights, {"trained_on": int(n), "loss": float(res.fun)})
