"""Priors learned from known (question, gold article) pairs: how often an article, and its law,
answer lay questions. Leave-one-out versions for training questions, so the reranker does not learn
to trust a prior that already contains the answer it is scored on."""
from __future__ import annotations

import numpy as np
from scipy import sparse

from knowledge.ranking.known import SMOOTH, article_prior, law_prior  # noqa: F401  (re-exported for the lab)


def gold_matrix(gold: list[list[int]], n_articles: int) -> sparse.csr_matrix:
    rows = [i for i, g in enumerate(gold) for _ in g]
    cols = [p for g in gold for p in g]
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(gold), n_articles))


def article_counts(gold: sparse.csr_matrix) -> np.ndarray:
    return np.asarray(gold.sum(axis=0)).ravel()


def leave_one_out(features: np.ndarray, candidates: np.ndarray, gold: list[list[int]], counts: np.ndarray,
                  law_code: np.ndarray, article_col: int, law_col: int) -> None:
    """In place: the prior features of training question i as if i were not among the known
    questions."""
    n_laws = int(law_code.max()) + 1
    per_law = np.bincount(law_code, weights=counts, minlength=n_laws)
    total = per_law.sum()
    for i, g in enumerate(gold):
        if not g:
            continue
        cand = np.maximum(candidates[i], 0)
        own = np.isin(cand, g)
        features[i, own, article_col] = np.log1p(np.maximum(counts[cand[own]] - 1, 0))
        own_per_law = np.bincount(law_code[g], minlength=n_laws)
        laws = law_code[cand]
        share = (per_law[laws] - own_per_law[laws] + SMOOTH) / (total - len(g) + SMOOTH * n_laws)
        features[i, :, law_col] = np.log(share)
