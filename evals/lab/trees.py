"""Lab experiment, not shipped: gradient-boosted trees (LightGBM lambdarank) re-ordering the linear
reranker's top 300, on the same features and candidate pool, held-out k-fold.

    pip install lightgbm        # lab only (pyproject extra "lab"); the product does not use it
    python -m evals.lab.trees [--scheme interleaved|blocked]

Per fold, everything learned sees the training folds only: the adapter (cross-fitted), neighbour
votes (leave-self-out), the linear reranker, and the trees, which train on each training question's
gold articles, the linear model's top 150 and 50 random other candidates (label 1 = gold)."""
from __future__ import annotations

import argparse
import logging

import numpy as np

from ingest.ranking.adapter import fold_adapter
from ingest.ranking.training import SHIPPED_FEATURES
from evals.lab.metrics import evaluate
from ingest.ranking.questions import folds
from evals.lab.run import ROOT, SHARED, fold_features, load_lab
from ingest.ranking.training import fit_listwise, sample_negatives
from knowledge.ranking.features import FEATURES

RERANK_DEPTH = 300
TREES = {"n_estimators": 150, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 100,
         "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "lambdarank_truncation_level": 30}
COLUMNS = [FEATURES.index(f) for f in SHIPPED_FEATURES]


def training_rows(features, candidates, gold, linear_scores, hard: int = 150, random: int = 50, seed: int = 0):
    """(X, y, group sizes) for lambdarank: per question with a gold candidate, its gold, the linear
    model's top `hard` and `random` other candidates."""
    rng = np.random.default_rng(seed)
    xs, ys, groups = [], [], []
    for i in range(candidates.shape[0]):
        valid = np.flatnonzero(candidates[i] >= 0)
        is_gold = np.isin(candidates[i, valid], gold[i])
        if not is_gold.any():
            continue
        picked = set(valid[np.argsort(-linear_scores[i, valid])][:hard].tolist()) | set(valid[is_gold].tolist())
        rest = np.setdiff1d(valid, list(picked))
        if len(rest):
            picked |= set(rng.choice(rest, min(random, len(rest)), replace=False).tolist())
        cols = np.array(sorted(picked))
        xs.append(features[i, cols][:, COLUMNS])
        ys.append(np.isin(candidates[i, cols], gold[i]).astype(int))
        groups.append(len(cols))
    return np.concatenate(xs), np.concatenate(ys), groups


def rerank_top(model, features, candidates, linear_scores, depth: int = RERANK_DEPTH) -> np.ndarray:
    """Candidates ordered by the trees within the linear top `depth`, best first."""
    n = candidates.shape[0]
    top = np.argsort(-np.where(candidates >= 0, linear_scores, -np.inf), axis=1, kind="stable")[:, :depth]
    scores = model.predict(features[np.arange(n)[:, None], top][:, :, COLUMNS].reshape(-1, len(COLUMNS)))
    scores = np.where(np.take_along_axis(candidates, top, 1) >= 0, scores.reshape(n, -1), -np.inf)
    return np.take_along_axis(candidates, np.take_along_axis(top, np.argsort(-scores, axis=1, kind="stable"), 1), 1)


def main(argv: list[str] | None = None) -> None:
    import lightgbm

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    data = load_lab(SHARED / "laws", SHARED / "evals" / "stard" / "devshare.jsonl", ROOT / "data")
    fold = folds(data.questions, 5, args.scheme)
    results: dict[str, list[dict]] = {}
    for f in range(5):
        test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        adapted_train, adapted_test = fold_adapter(data, train, test)
        Xtr, Ctr = fold_features(data, train, train, adapted_train, True)
        Xte, Cte = fold_features(data, train, test, adapted_test, False)
        gold_train = [data.gold[i] for i in train]
        linear = fit_listwise(Xtr, Ctr, gold_train, SHIPPED_FEATURES, sample=sample_negatives(Ctr, gold_train))
        trees = lightgbm.LGBMRanker(objective="lambdarank", n_jobs=2, verbose=-1, **TREES)
        X, y, groups = training_rows(Xtr, Ctr, gold_train, np.where(Ctr >= 0, linear.scores(Xtr), -np.inf))
        trees.fit(X, y, group=groups)
        gold_test, totals = [data.gold[i] for i in test], [data.gold_total[i] for i in test]
        for name, ranked in (("linear", linear.order(Xte, Cte)),
                             ("trees on linear top 300", rerank_top(trees, Xte, Cte, linear.scores(Xte)))):
            results.setdefault(name, []).append(evaluate(ranked[:, :100], gold_test, totals))
    print(f"\n5-fold held-out means, {args.scheme} folds, {len(data.questions)} questions")
    for name, rows in results.items():
        print(f"{name:26s}" + "".join(f" {m} {np.mean([r[m] for r in rows]):.4f}" for m in rows[0]))


if __name__ == "__main__":
    main()
