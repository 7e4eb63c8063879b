"""Feature-set variants of the linear reranker, held out, from the cached fold outputs
(evals.lab.heldout): each variant is refitted on the training folds' cached features, so a row
costs seconds, not a rebuild.

    python -m evals.lab.variants [--scheme interleaved|blocked]"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from evals.lab.heldout import fold_outputs, load
from evals.lab.metrics import evaluate
from evals.lab.run import ROOT, SHARED, load_lab
from ingest.ranking.training import fit_listwise, sample_negatives
from knowledge.ranking.features import ADJACENT_FEATURES, FEATURES

CHAPTER = ("chapter_dense", "chapter_adapted", "chapter_bm25", "chapter_neighbours")
HEADING = ("heading_in_query",)
WIDE = ("wide_neighbours",)
PRIORS = ("article_prior", "law_prior")
LATER = (*ADJACENT_FEATURES, "log_length")       # added afterwards, not shipped
BEFORE = tuple(f for f in FEATURES if f not in PRIORS + CHAPTER + HEADING + WIDE + LATER)   # the shipped set before
VARIANTS: list[tuple[str, tuple[str, ...]]] = [
    ("shipped before (all − priors)", BEFORE),
    ("+ chapter grouping", BEFORE + CHAPTER),
    ("+ chapter grouping − chapter_neighbours", BEFORE + CHAPTER[:3]),
    ("+ heading match", BEFORE + HEADING),
    ("+ chapter grouping + heading match", BEFORE + CHAPTER + HEADING),
    ("+ wide neighbours", BEFORE + WIDE),
    ("+ chapter grouping + wide neighbours", BEFORE + CHAPTER + WIDE),
    ("+ chapter + heading + wide neighbours", BEFORE + CHAPTER + HEADING + WIDE),
]


def held_out(data, outputs, allowed: tuple[str, ...], l2: float = 1e-3) -> dict[str, float]:
    """Mean over folds of the held-out metrics of the linear reranker on `allowed`."""
    results = []
    for o in outputs:
        gold_train = [data.gold[i] for i in o.train]
        model = fit_listwise(o.train_features, o.train_candidates, gold_train, allowed, l2=l2,
                             sample=sample_negatives(o.train_candidates, gold_train))
        ranked = model.order(o.features, o.candidates)[:, :100]
        results.append(evaluate(ranked, [data.gold[i] for i in o.test], [data.gold_total[i] for i in o.test]))
    return {m: float(np.mean([r[m] for r in results])) for m in results[0]}


def pool_recall(data, outputs) -> float:
    values = [evaluate(o.candidates, [data.gold[i] for i in o.test], [data.gold_total[i] for i in o.test],
                       ks=(o.candidates.shape[1],))[f"R@{o.candidates.shape[1]}"] for o in outputs]
    return float(np.mean(values))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    parser.add_argument("--cache", type=Path, help="fold outputs saved under an earlier feature list "
                        "(FEATURES only ever grows at the end, so its columns still line up)")
    args = parser.parse_args(argv)
    data = load_lab(SHARED / "laws", SHARED / "evals" / "stard" / "devshare.jsonl", ROOT / "data")
    outputs = load(args.cache) if args.cache else fold_outputs(data, args.scheme, ROOT / "data")
    width = outputs[0].features.shape[2]
    variants = [(name, allowed) for name, allowed in VARIANTS if max(FEATURES.index(f) for f in allowed) < width]
    print(f"\n{args.scheme} folds, pool recall {pool_recall(data, outputs):.4f}")
    print("| variant | R@1 | R@10 | MRR@10 | R@20 | R@100 |\n|---|---|---|---|---|---|")
    for name, allowed in variants:
        m = held_out(data, outputs, allowed)
        print(f"| {name} | {m['R@1']:.4f} | {m['R@10']:.4f} | {m['MRR@10']:.4f} | {m['R@20']:.4f} | {m['R@100']:.4f} |")


if __name__ == "__main__":
    main()
