"""Filling the final list's positions 11–100 differently from the top 10, held out: the top 10 (the
shipped rule: 20) stay the reranker's, the rest mixes its order with articles proposed by other rules.

    python -m evals.lab.fill [--scheme interleaved|blocked]

Uses the cached held-out fold outputs (evals.lab.heldout); nothing here is fitted, so every row is
held-out (the shipped reranker is refitted on each fold's training questions)."""
from __future__ import annotations

import argparse

import numpy as np

from evals.lab.heldout import fold_outputs, shipped_scores
from evals.lab.metrics import evaluate
from evals.lab.misses import ranked_held_out
from ingest.ranking.priors import gold_matrix
from evals.lab.run import ROOT, SHARED, load_lab
from knowledge.ranking.features import adjacent_positions
from knowledge.ranking.tail import fill_tail, proposals_from_neighbours, tail_proposals


def merge(base: np.ndarray, proposals: list[int], keep: int, reserve: int, depth: int = 100) -> np.ndarray:
    return fill_tail(base, proposals, depth, keep, reserve, every=max((depth - keep) // reserve, 1))


def adjacent(positions, law_code: np.ndarray, reach: int = 2) -> list[int]:
    """Articles within ±`reach` of each position in the same law, nearest first, each once."""
    out, seen = [], set(int(p) for p in positions)
    n = len(law_code)
    for d in range(1, reach + 1):
        for p in positions:
            for a in (p - d, p + d):
                if 0 <= a < n and law_code[a] == law_code[p] and a not in seen:
                    seen.add(a)
                    out.append(a)
    return out


def law_round_robin(base: np.ndarray, law_code: np.ndarray, laws: int, per_law: int) -> list[int]:
    """Each of the first `laws` distinct laws in the base order contributes its next best
    `per_law` articles (round-robin over the laws)."""
    by_law: dict[int, list[int]] = {}
    order = []
    for p in base:
        c = int(law_code[p])
        if c not in by_law:
            if len(by_law) == laws:
                continue
            by_law[c] = []
            order.append(c)
        by_law[c].append(int(p))
    out = []
    for r in range(per_law):
        for c in order:
            if r < len(by_law[c]):
                out.append(by_law[c][r])
    return out


def rows(data, outputs, law_code, scheme):
    from ingest.ranking.questions import folds

    fold = folds(data.questions, len(outputs), scheme)
    ranked = ranked_held_out(outputs, shipped_scores(data, outputs))
    qs = sorted(ranked)
    gold = [data.gold[q] for q in qs]
    totals = [data.gold_total[q] for q in qs]
    base = [ranked[q] for q in qs]

    def score(name, lists):
        width = 100
        arr = np.full((len(lists), width), -1, dtype=np.int64)
        for i, l in enumerate(lists):
            l = np.asarray(l, dtype=np.int64)[:width]
            arr[i, :len(l)] = l
        m = evaluate(arr, gold, totals)
        print(f"| {name:46s} | {m['R@10']:.4f} | {m['MRR@10']:.4f} | {m['R@20']:.4f} | {m['R@100']:.4f} |")

    print("| positions 11–100 | R@10 | MRR@10 | R@20 | R@100 |\n|---|---|---|---|---|")
    score("shipped reranker's order", base)
    pool = evaluate(np.array([np.pad(b, (0, 800 - len(b)), constant_values=-1)[:800] for b in base]), gold,
                    totals, ks=(800,))
    print(f"pool recall {pool['R@800']:.4f}")
    for top, reach, reserve in ((10, 1, 20), (10, 2, 30), (5, 2, 20)):
        score(f"adjacent ±{reach} of top {top}, ≤{reserve} slots",
              [merge(b, adjacent(b[:top], law_code, reach), 10, reserve) for b in base])
    known = {f: (np.flatnonzero(fold != f), gold_matrix([data.gold[i] for i in np.flatnonzero(fold != f)],
                                                        len(data.corpus))) for f in set(fold.tolist())}

    def nn(q: int, nearest: int) -> list[int]:
        train, G = known[fold[q]]
        return proposals_from_neighbours(data.query_vecs[train] @ data.query_vecs[q], G, nearest)

    for nearest, reserve in ((5, 10), (5, 20), (10, 10), (10, 20), (10, 30), (20, 20), (20, 30), (50, 30)):
        score(f"neighbour gold (top {nearest} questions), ≤{reserve} slots",
              [merge(b, nn(q, nearest), 10, reserve) for q, b in zip(qs, base)])
    adjacent_of = adjacent_positions(*data.corpus.sequence())

    def shipped(q: int, b: np.ndarray) -> np.ndarray:
        train, G = known[fold[q]]
        near = proposals_from_neighbours(data.query_vecs[train] @ data.query_vecs[q], G)
        return fill_tail(b, tail_proposals(b, near, adjacent_of), 100)

    score("shipped: top 20 kept, neighbour gold + ±1 of top 10", [shipped(q, b) for q, b in zip(qs, base)])
    for laws, per_law, reserve in ((3, 20, 30), (5, 10, 30)):
        score(f"round-robin top {laws} laws ×{per_law}, ≤{reserve} slots",
              [merge(b, law_round_robin(b, law_code, laws, per_law), 10, reserve) for b in base])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    args = parser.parse_args(argv)
    data = load_lab(SHARED / "laws", SHARED / "evals" / "stard" / "devshare.jsonl", ROOT / "data")
    outputs = fold_outputs(data, args.scheme, ROOT / "data")
    law_code, _ = data.corpus.law_codes()
    rows(data, outputs, law_code, args.scheme)


if __name__ == "__main__":
    main()
