"""STARD dev retrieval eval: Recall@1/5/10/20/100 and MRR@10 of hybrid, BM25 alone and dense
alone, in one run, on the national corpus (outside DLC/ and 案例/, current versions).

    python -m evals.retrieval [--limit N] [--weights 0.4,0.5,0.6,0.7]

Recall@k = share of a question's in-corpus gold articles found in the top k, averaged over
questions; MRR@10 = 1/rank of the first gold article within the top 10. A hit matches gold when
the law (aliases mapped through the knowledge base) and the article id match.
Candidate lists are computed once per question; each fusion weight re-ranks them."""
from __future__ import annotations

import argparse
import sys
import time

from evals.common import load_questions, open_kb, write_result
from knowledge.docmeta import SearchFilters
from knowledge.ranking.fusion import fuse

KS = (1, 5, 10, 20, 100)


def gold_keys(kb, question: dict) -> set[tuple[str, str]]:
    keys = set()
    for g in question["gold"]:
        if not g.get("in_corpus", True):
            continue
        law = kb.resolve_law(g["law"]) or g["law"]
        keys.add((law, str(g["article"])))
    return keys


def ranked_keys(scores: dict[str, float], doc_key: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    out, seen = [], set()
    for doc_id, _ in sorted(scores.items(), key=lambda kv: -kv[1]):
        key = doc_key.get(doc_id)
        if key and key not in seen:
            seen.add(key)
            out.append(key)
    return out


def metrics(rankings: list[tuple[list, set]]) -> dict[str, float]:
    result = {f"R@{k}": 0.0 for k in KS}
    mrr = 0.0
    for ranking, gold in rankings:
        for k in KS:
            result[f"R@{k}"] += len(gold & set(ranking[:k])) / len(gold)
        mrr += next((1.0 / (i + 1) for i, key in enumerate(ranking[:10]) if key in gold), 0.0)
    n = max(len(rankings), 1)
    result = {name: round(v / n, 4) for name, v in result.items()}
    result["MRR@10"] = round(mrr / n, 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--weights", default="", help="extra dense weights to try, e.g. 0.4,0.5,0.7")
    parser.add_argument("--no-ablation", action="store_true",
                        help="skip the lay ranking's held-out k-fold ablation (evals.lab; takes minutes)")
    args = parser.parse_args(argv)

    kb = open_kb()
    retriever = kb.retriever
    configured = retriever.weights.dense
    weights = sorted({configured, *(float(w) for w in args.weights.split(",") if w.strip())})
    filters = SearchFilters(national_only=True)
    mask = retriever.docmeta.mask(filters)
    questions = [q for q in load_questions(args.limit) if gold_keys(kb, q)]

    candidates = retriever.weights.candidates   # the same candidate depths as /v1/search
    per_question = []   # (lexical scores, dense scores, gold)
    started = time.perf_counter()
    for i, q in enumerate(questions, 1):
        lexical = retriever.lexical_scores(q["question"], mask, retriever.weights.lexical_candidates).scores
        dense = retriever.dense_scores(q["question"], filters, mask, candidates).scores
        per_question.append((lexical, dense, gold_keys(kb, q)))
        if i % 100 == 0:
            print(f"  {i}/{len(questions)} questions", file=sys.stderr)
    elapsed = time.perf_counter() - started

    all_ids = {d for lex, den, _ in per_question for d in (*lex, *den)}
    info = retriever.catalog.docs_for_hits(sorted(all_ids))
    doc_key = {d: (row["law"], row["article_id"]) for d, row in info.items() if row["kind"] == "statute"}

    def run(dense_weight: float) -> dict[str, float]:
        return metrics([(ranked_keys(fuse(lex, den, dense_weight), doc_key), gold)
                        for lex, den, gold in per_question])

    results = {"hybrid": run(configured), "bm25": run(0.0), "dense": run(1.0)}
    sweep = {f"hybrid@{w:.2f}": run(w) for w in weights if w != configured}
    if retriever.ranker is not None:
        # in-sample: the ranker's learned files were fitted on this share (held-out numbers: ablation below)
        from evals.lab.product import lay_ranking_rankings

        rankings, _ = lay_ranking_rankings(retriever, questions, lambda q: gold_keys(kb, q), mask)
        results["lay ranking*"] = metrics(rankings)

    header = f"{'retriever':<16}" + "".join(f"{m:>9}" for m in [*(f'R@{k}' for k in KS), 'MRR@10'])
    print(f"STARD dev, national corpus, {len(questions)} questions, configured dense weight {configured}")
    print(header)
    for name, row in {**results, **sweep}.items():
        print(f"{name:<16}" + "".join(f"{row[m]:>9.4f}" for m in [*(f'R@{k}' for k in KS), 'MRR@10']))
    depths = {"dense": candidates, "lexical": retriever.weights.lexical_candidates}
    if retriever.ranker is not None:
        print("* lay ranking = knowledge.ranking as served, fitted on this share (in-sample)")
    ablation = None
    if not args.no_ablation:
        from evals.lab.product import print_held_out_ablation

        ablation = print_held_out_ablation()
    path = write_result("retrieval", {"ablation": ablation, "questions": len(questions), "dense_weight": configured,
                                      "candidates": depths, "results": results, "weight_sweep": sweep,
                                      "seconds_for_candidates": round(elapsed, 1)})
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
