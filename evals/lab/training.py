"""Fitting the linear reranker: listwise softmax cross-entropy over each question's candidates
(gold articles share the target mass), L2-regularised, L-BFGS."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from knowledge.ranking.features import FEATURES
from knowledge.ranking.reranker import LinearReranker


def fit_listwise(features: np.ndarray, candidates: np.ndarray, gold: list[list[int]],
                 allowed: tuple[str, ...] = FEATURES, l2: float = 1e-3) -> LinearReranker:
    """features (n, c, F); only `allowed` features get a weight (the others stay 0)."""
    cols = [FEATURES.index(f) for f in allowed]
    target = np.zeros(candidates.shape, dtype=np.float64)
    for i, g in enumerate(gold):
        target[i] = np.isin(candidates[i], g) & (candidates[i] >= 0)
    keep = target.sum(axis=1) > 0
    X = features[keep][:, :, cols].astype(np.float64)
    T = target[keep] / target[keep].sum(axis=1, keepdims=True)
    valid = candidates[keep] >= 0
    n = X.shape[0]

    def loss(w):
        s = np.where(valid, X @ w, -1e9)
        s -= s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        p = np.exp(logp) * valid
        value = -(T * logp).sum() / n + l2 * w @ w
        grad = np.einsum("ncf,nc->f", X, p - T) / n + 2 * l2 * w
        return value, grad

    w0 = np.zeros(len(cols))
    res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 300})
    weights = {FEATURES[c]: float(v) for c, v in zip(cols, res.x)}
    return LinearReranker(weights, {"trained_on": int(n), "loss": float(res.fun)})
