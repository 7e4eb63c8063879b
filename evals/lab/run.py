"""Retrieval lab runner: ablation table of ranking pipelines on held-out folds of the STARD dev share.

    python -m evals.lab.run [--folds 5] [--scheme interleaved|blocked] [--no-adapter] [--subset-with-vectors]

Everything is computed once as (questions × articles) matrices; per fold the learned parts
(neighbour votes, priors, adapter, reranker weights) see the training folds only and the table
reports the mean over the held-out folds."""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np

from evals.lab.metrics import evaluate, top_k
# ROOT, SHARED, load_lab, DENSE_FEATURES: also imported from here by the other lab commands
from ingest.ranking.data import ROOT, SHARED, LabData, fold_features, load_lab  # noqa: F401
from ingest.ranking.priors import gold_matrix
from ingest.ranking.questions import folds
from ingest.ranking.training import SHIPPED_FEATURES, fit_listwise, fit_shipped, sample_negatives
from knowledge.ranking.reranker import DENSE_FEATURES  # noqa: F401
from knowledge.ranking.tail import fill_tail, proposals_from_neighbours, tail_proposals
from knowledge.ranking.features import FEATURES, adjacent_positions
from knowledge.ranking.scoring import RowTop

log = logging.getLogger("evals.lab")

BASE = ("dense", "dense_norm", "bm25_norm")
CHAPTER = ("chapter_dense", "chapter_adapted", "chapter_bm25", "chapter_neighbours")
LEVELS = ("level_law", "level_judicial", "level_regulation", "level_rule", "level_other")
# ablation: each row adds one component to the one above
LADDER: list[tuple[str, tuple[str, ...]]] = [
    ("learned fusion dense+BM25", BASE),
    ("+ vocabulary bridge", BASE + ("expansion_norm",)),
    ("+ law grouping", BASE + ("expansion_norm", "law_dense", "law_bm25")),
    ("+ level + title match", BASE + ("expansion_norm", "law_dense", "law_bm25", "title_in_query") + LEVELS),
    ("+ article/law priors", BASE + ("expansion_norm", "law_dense", "law_bm25", "title_in_query") + LEVELS
     + ("article_prior", "law_prior")),
    ("+ question neighbours", BASE + ("expansion_norm", "law_dense", "law_bm25", "title_in_query") + LEVELS
     + ("article_prior", "law_prior", "neighbours", "law_neighbours")),
    ("+ query adapter", tuple(f for f in FEATURES if f not in CHAPTER + ("heading_in_query", "wide_neighbours"))),
    ("+ chapter grouping, heading match, wide neighbours (all)", FEATURES),
]
# leave-one-out rows: everything except one component
DROPS: list[tuple[str, tuple[str, ...]]] = [
    ("all − vocabulary bridge", ("expansion_norm",)),
    ("all − law grouping", ("law_dense", "law_adapted", "law_bm25", "law_neighbours")),
    ("all − priors", ("article_prior", "law_prior")),
    ("all − neighbours", ("neighbours", "law_neighbours", "chapter_neighbours", "wide_neighbours")),
    ("all − adapter", ("adapted", "adapted_norm", "law_adapted", "chapter_adapted")),
    ("all − chapter grouping", CHAPTER),
]
SHIPPED_ROW = "shipped reranker (linear + hidden layer)"
TAIL_ROW = "shipped + tail (21–100) = product"


def _sparse_rows(top: RowTop, values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((top.idx.shape[0], n), dtype=np.float32)
    np.put_along_axis(out, top.idx, values, axis=1)
    return out


def fixed_fusion(data: LabData, dense_weight: float = 0.6, depth: int = 100) -> np.ndarray:
    """The retriever's rule (knowledge.ranking.fusion.fuse): each side min-max normalised over its top
    `depth`, weighted sum, a side's missing document counts 0."""
    fused = np.zeros_like(data.bm25, dtype=np.float32)
    for scores, weight in ((data.bm25, 1 - dense_weight), (data.dense, dense_weight)):
        if scores is None or weight <= 0:
            continue
        top = RowTop.of(scores, depth)
        low, high = top.vals[:, -1:], top.vals[:, :1]
        fused += weight * _sparse_rows(top, (top.vals - low) / np.maximum(high - low, 1e-12), scores.shape[1])
    return fused


def reciprocal_rank_fusion(data: LabData, k: int = 60, depth: int = 1000) -> np.ndarray:
    fused = np.zeros_like(data.bm25, dtype=np.float32)
    for scores in (data.bm25, data.dense):
        if scores is not None:
            top = RowTop.of(scores, depth)
            ranks = np.broadcast_to(np.arange(1, top.idx.shape[1] + 1, dtype=np.float32), top.idx.shape)
            fused += _sparse_rows(top, 1.0 / (k + ranks), scores.shape[1])
    return fused


def run(data: LabData, k: int = 5, scheme: str = "interleaved", adapter_fn=None) -> list[tuple[str, dict]]:
    fold = folds(data.questions, k, scheme)
    results: dict[str, list[dict]] = {}

    def record(name: str, ranked: np.ndarray, test: np.ndarray) -> None:
        results.setdefault(name, []).append(
            evaluate(ranked, [data.gold[i] for i in test], [data.gold_total[i] for i in test]))

    fixed, rrf = fixed_fusion(data), reciprocal_rank_fusion(data)
    for f in range(k):
        t = time.perf_counter()
        test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        record("BM25 alone", top_k(data.bm25[test], 100), test)
        if data.dense is not None:
            record("dense alone", top_k(data.dense[test], 100), test)
        record("fixed fusion 0.6/0.4 (retriever today)", top_k(fixed[test], 100), test)
        record("RRF dense+BM25 (k=60)", top_k(rrf[test], 100), test)
        adapted_train = adapted_test = None
        if adapter_fn is not None and data.dense is not None:
            adapted_train, adapted_test = adapter_fn(data, train, test)
        Xtr, Ctr = fold_features(data, train, train, adapted_train, True)
        Xte, Cte = fold_features(data, train, test, adapted_test, False)
        pool = evaluate(Cte, [data.gold[i] for i in test], [data.gold_total[i] for i in test], ks=(Cte.shape[1],))
        log.info("fold %d: candidate pool (%d wide) holds %.3f of the gold articles", f + 1, Cte.shape[1],
                 pool[f"R@{Cte.shape[1]}"])
        sample = sample_negatives(Ctr, [data.gold[i] for i in train])
        rows = list(LADDER) + [(name, tuple(x for x in FEATURES if x not in dropped)) for name, dropped in DROPS]
        for name, allowed in rows:
            if data.dense is None:
                allowed = tuple(a for a in allowed if a not in DENSE_FEATURES)
            if adapted_test is None:
                allowed = tuple(a for a in allowed if a not in ("adapted", "adapted_norm", "law_adapted"))
            model = fit_listwise(Xtr, Ctr, [data.gold[i] for i in train], allowed, sample=sample)
            record(name, model.order(Xte, Cte)[:, :100], test)
        allowed = tuple(a for a in SHIPPED_FEATURES if (data.dense is not None or a not in DENSE_FEATURES)
                        and (adapted_test is not None or "adapted" not in a))
        shipped = fit_shipped(Xtr, Ctr, [data.gold[i] for i in train], allowed).order(Xte, Cte)
        record(SHIPPED_ROW, shipped[:, :100], test)
        record(TAIL_ROW, product_tail(data, train, test, shipped), test)
        log.info("fold %d/%d done [%.1fs]", f + 1, k, time.perf_counter() - t)
    return [(name, {m: float(np.mean([r[m] for r in rs])) for m in rs[0]}) for name, rs in results.items()]


def product_tail(data: LabData, train: np.ndarray, test: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """The product's final list (knowledge.ranking.tail) for held-out questions: `ranked`'s top 20,
    then slots for the gold articles of the nearest training questions and the articles next to
    the top 10."""
    G = gold_matrix([data.gold[i] for i in train], len(data.corpus))
    sims = data.query_vecs[test] @ data.query_vecs[train].T
    adjacent = adjacent_positions(*data.corpus.sequence())
    out = np.full((len(test), 100), -1, dtype=np.int64)
    for r in range(len(test)):
        row = ranked[r][ranked[r] >= 0]
        row = fill_tail(row, tail_proposals(row, proposals_from_neighbours(sims[r], G), adjacent), 100)
        out[r, :len(row)] = row
    return out


def format_table(rows: list[tuple[str, dict]]) -> str:
    metrics = list(rows[0][1]) if rows else []
    head = f"| {'pipeline':40s} | " + " | ".join(f"{m:>6s}" for m in metrics) + " |"
    line = "|" + "-" * 42 + "|" + "|".join("-" * 8 for _ in metrics) + "|"
    body = [f"| {name:40s} | " + " | ".join(f"{v[m]:6.3f}" for m in metrics) + " |" for name, v in rows]
    return "\n".join([head, line, *body])


def held_out_ablation(folds_k: int = 5, scheme: str = "interleaved", subset_with_vectors: bool = False,
                      adapter: bool = True, laws_dir: Path = SHARED / "laws",
                      questions_file: Path = SHARED / "evals" / "stard" / "devshare.jsonl",
                      data_dir: Path = ROOT / "data") -> tuple[list[tuple[str, dict]], str]:
    """The ablation table on held-out folds and a one-line description of the setting."""
    data = load_lab(laws_dir, questions_file, data_dir, subset_with_vectors=subset_with_vectors)
    adapter_fn = None
    if adapter:
        from ingest.ranking.adapter import fold_adapter as adapter_fn
    rows = run(data, folds_k, scheme, adapter_fn)
    about = (f"{folds_k}-fold held-out means, {scheme} folds by question id, {len(data.questions)} questions, "
             f"{len(data.corpus)} articles ({data.corpus.source})")
    return rows, about


def scheme_command(description: str, argv: list[str] | None = None) -> tuple[argparse.Namespace, LabData]:
    """The common command line of the fold tools (--scheme, --data-dir), logging on, the lab loaded."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    return args, load_lab(SHARED / "laws", SHARED / "evals" / "stard" / "devshare.jsonl", args.data_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laws", type=Path, default=SHARED / "laws")
    parser.add_argument("--questions", type=Path, default=SHARED / "evals" / "stard" / "devshare.jsonl")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    parser.add_argument("--no-adapter", action="store_true")
    parser.add_argument("--subset-with-vectors", action="store_true",
                        help="only the articles already embedded (estimate while the ingest runs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    rows, about = held_out_ablation(args.folds, args.scheme, args.subset_with_vectors, not args.no_adapter,
                                    args.laws, args.questions, args.data_dir)
    print(f"\n{about}\n")
    print(format_table(rows))


if __name__ == "__main__":
    main()
