"""Local regulations in answers to region-less questions: STARD dev questions name no region and
their gold is national law, so a local rule ranked high is noise. Runs the served search over the
whole default set (national law, local rules, cases) with local rules demoted (knowledge.regions,
as served) and without (penalty 0), and reports how often a local rule is the top hit or in the
top 10, with R@10 / MRR@10 against the national gold (in-sample for the served lay ranking).

    python -m evals.local_rules [--limit N]
"""
from __future__ import annotations

import argparse
import sys
from unittest import mock

from evals.common import load_questions, open_kb, write_result
from evals.retrieval import gold_keys, metrics


def run(kb, questions: list[dict]) -> dict[str, float]:
    rankings, top_local, any_local = [], 0, 0
    for q in questions:
        hits = kb.search(q["question"], 10)
        top_local += bool(hits and hits[0].region)
        any_local += any(h.region for h in hits)
        rankings.append(([(h.law, h.article_id) for h in hits if h.kind == "statute"], gold_keys(kb, q)))
    n = max(len(questions), 1)
    row = metrics(rankings)
    return {"top1 local": round(top_local / n, 4), "top10 has local": round(any_local / n, 4),
            "R@10": row["R@10"], "MRR@10": row["MRR@10"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N questions")
    args = parser.parse_args(argv)
    kb = open_kb()
    questions = [q for q in load_questions(args.limit) if gold_keys(kb, q)]
    results = {"local rules demoted": run(kb, questions)}
    with mock.patch("knowledge.regions.LOCAL_PENALTY", 0.0):
        results["not demoted"] = run(kb, questions)
    print(f"STARD dev, {len(questions)} region-less questions, served search over the default set "
          "(R@10/MRR@10 in-sample: the served ranker was fitted on this share)")
    cols = ["top1 local", "top10 has local", "R@10", "MRR@10"]
    print(f"{'':<22}" + "".join(f"{c:>16}" for c in cols))
    for name, row in results.items():
        print(f"{name:<22}" + "".join(f"{row[c]:>16.4f}" for c in cols))
    print(f"written to {write_result('local_rules', {'questions': len(questions), 'results': results})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
