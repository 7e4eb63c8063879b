"""Rows for `python -m evals.retrieval`: the product's lay ranking through the served knowledge base
(in-sample: its learned files were fitted on this very share) next to the lab's held-out ablation."""
from __future__ import annotations

import sys
import time


def lay_ranking_rankings(retriever, questions: list[dict], gold_of, mask, depth: int = 100
                         ) -> tuple[list[tuple[list, set]], float]:
    """(ranked (law, article) keys, gold keys) per question through the lay ranker, and the seconds
    it took. `gold_of(question)` gives the gold keys."""
    rankings = []
    started = time.perf_counter()
    for i, q in enumerate(questions, 1):
        ranked = retriever.lay_ranked(q["question"], mask, n=depth * 2)
        info = retriever.catalog.docs_for_hits([d for d, _ in ranked])
        keys, seen = [], set()
        for doc_id, _ in ranked:
            row = info.get(doc_id)
            if row and row["kind"] == "statute" and (row["law"], row["article_id"]) not in seen:
                seen.add((row["law"], row["article_id"]))
                keys.append((row["law"], row["article_id"]))
        rankings.append((keys[:depth], gold_of(q)))
        if i % 200 == 0:
            print(f"  lay ranking {i}/{len(questions)}", file=sys.stderr)
    return rankings, time.perf_counter() - started


def print_held_out_ablation() -> dict:
    """Run the lab's k-fold ablation (slow: minutes) and print it; returns {row: metrics}."""
    from evals.lab.run import format_table, held_out_ablation

    rows, about = held_out_ablation()
    print(f"\nAblation, {about}:")
    print(format_table(rows))
    return {"about": about, "rows": dict(rows)}
