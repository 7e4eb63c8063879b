"""Held-out fold outputs of the shipped recipe, computed once per fold scheme and cached in
data/lab/, so analyses of the final list (misses, positions 11–100) re-run in seconds.

    python -m evals.lab.heldout --scheme interleaved|blocked      # builds the cache (minutes)

Per fold: the adapter (cross-fitted on the training folds), the candidate features of the training
and held-out questions, and the shipped linear reranker fitted on the training folds; saved are the
held-out candidates, their features and reranker scores, and the training features (for lab
rerankers)."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.ranking.questions import folds

log = logging.getLogger("evals.lab")


@dataclass
class FoldOutput:
    train: np.ndarray            # question indices
    test: np.ndarray
    train_features: np.ndarray   # (n_train, c, F)
    train_candidates: np.ndarray
    features: np.ndarray         # held-out (n_test, c, F)
    candidates: np.ndarray       # held-out (n_test, c)
    linear: np.ndarray           # held-out linear reranker scores (n_test, c)


def cache_file(data_dir: Path, scheme: str, k: int) -> Path:
    """Named by the feature list too, so a new feature rebuilds it."""
    from knowledge.ranking.features import FEATURES

    tag = hashlib.sha1(" ".join(FEATURES).encode()).hexdigest()[:8]
    return data_dir / "lab" / f"heldout-{scheme}-{k}-{tag}.npz"


def adapted_scores(data, train: np.ndarray, test: np.ndarray, cache: Path) -> tuple[np.ndarray, np.ndarray]:
    """fold_adapter's (training, held-out) adapted score rows, cached as their top TOP_DEPTH
    entries: the features only ever read those (the dense sides are ANN top lists)."""
    from ingest.ranking.adapter import fold_adapter
    from knowledge.ranking.scoring import TOP_DEPTH

    n = data.article_vecs.shape[0]
    if not cache.exists():
        rows = fold_adapter(data, train, test)
        tops = {}
        for name, r in zip(("train", "test"), rows):
            idx = np.argpartition(-r, TOP_DEPTH - 1, axis=1)[:, :TOP_DEPTH]
            tops[f"{name}_idx"], tops[f"{name}_vals"] = idx, np.take_along_axis(r, idx, axis=1)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **tops)
    with np.load(cache) as z:
        out = []
        for name in ("train", "test"):
            rows = np.full((z[f"{name}_idx"].shape[0], n), -1e9, dtype=np.float32)
            np.put_along_axis(rows, z[f"{name}_idx"], z[f"{name}_vals"], axis=1)
            out.append(rows)
    return out[0], out[1]


def build(data, scheme: str, data_dir: Path, k: int = 5) -> list[FoldOutput]:
    from ingest.ranking.training import SHIPPED_FEATURES
    from evals.lab.run import fold_features
    from ingest.ranking.training import fit_listwise, sample_negatives

    fold = folds(data.questions, k, scheme)
    out = []
    for f in range(k):
        test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        adapted_train, adapted_test = adapted_scores(data, train, test,
                                                     data_dir / "lab" / f"adapted-{scheme}-{k}-{f}.npz")
        Xtr, Ctr = fold_features(data, train, train, adapted_train, True)
        Xte, Cte = fold_features(data, train, test, adapted_test, False)
        gold_train = [data.gold[i] for i in train]
        linear = fit_listwise(Xtr, Ctr, gold_train, SHIPPED_FEATURES, sample=sample_negatives(Ctr, gold_train))
        out.append(FoldOutput(train, test, Xtr, Ctr, Xte, Cte, linear.scores(Xte)))
        log.info("fold %d/%d cached", f + 1, k)
    return out


def save(outputs: list[FoldOutput], path: Path) -> None:
    arrays = {}
    for f, o in enumerate(outputs):
        for name, value in vars(o).items():
            arrays[f"{f}_{name}"] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)


def load(path: Path) -> list[FoldOutput]:
    with np.load(path) as z:
        k = len({key.split("_", 1)[0] for key in z.files})
        return [FoldOutput(**{name: z[f"{f}_{name}"] for name in FoldOutput.__dataclass_fields__})
                for f in range(k)]


def shipped_scores(data, outputs: list[FoldOutput]) -> list[np.ndarray]:
    """Per fold, the held-out scores of the shipped reranker (ingest.ranking.training.fit_shipped)
    fitted on that fold's cached training features."""
    from ingest.ranking.training import fit_shipped

    return [fit_shipped(o.train_features, o.train_candidates, [data.gold[i] for i in o.train]).scores(o.features)
            for o in outputs]


def fold_outputs(data, scheme: str, data_dir: Path, k: int = 5) -> list[FoldOutput]:
    """Cached held-out fold outputs (built on first use)."""
    path = cache_file(data_dir, scheme, k)
    if path.exists():
        return load(path)
    outputs = build(data, scheme, data_dir, k)
    save(outputs, path)
    return outputs


def main(argv: list[str] | None = None) -> None:
    from evals.lab.run import scheme_command

    args, data = scheme_command(__doc__.split("\n")[0], argv)
    fold_outputs(data, args.scheme, args.data_dir)


if __name__ == "__main__":
    main()
