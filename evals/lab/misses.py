"""Why the held-out misses happen: each gold article the shipped reranker (before the tail fill) leaves out of the top 10
(and out of the top 100) gets one primary cause, first match in this order:

    not in pool        no retrieval side lists it (the reranker never sees it)
    odd article        a definitions / 附则 / general-provisions article (本法所称…, 是指…, 施行)
    right law          its law has an article in the top k, but not this one
      (adjacent)         … and a top-k article of that law is within ±2 of it
    JI vs law          a judicial interpretation while the top k holds none of it (or a law
                       article while the top k is judicial interpretations of something else)
    vocabulary gap     BM25 ranks it below 1000: the question shares almost no words with it
    wrong law          everything else: the top k is about other laws

and, counted separately, how many misses come from multi-issue questions (≥ 2 gold laws, or the
question has ≥ 2 clauses ending in ？/。/；).

    python -m evals.lab.misses [--scheme interleaved|blocked] [--examples 5]

Uses the cached held-out fold outputs (evals.lab.heldout)."""
from __future__ import annotations

import argparse
import re
from collections import Counter

import numpy as np

from evals.lab.heldout import fold_outputs, shipped_scores
from evals.lab.run import ROOT, SHARED, load_lab

_ODD = re.compile(r"本法所称|本条例所称|本规定所称|本解释所称|是指|下列用语|自.{0,12}起施行|根据.{0,30}制定本")
_CLAUSE_END = re.compile(r"[？?。；;]")
CAUSES = ("not in pool", "odd article", "right law (adjacent)", "right law", "JI vs law", "vocabulary gap",
          "wrong law")


def ranked_held_out(outputs, scores: list[np.ndarray]) -> dict[int, np.ndarray]:
    """Question index → held-out candidates in the order of `scores` (one array per fold)."""
    out = {}
    for o, fold_scores in zip(outputs, scores):
        order = np.argsort(-np.where(o.candidates >= 0, fold_scores, -np.inf), axis=1, kind="stable")
        ranked = np.take_along_axis(o.candidates, order, axis=1)
        for row, q in enumerate(o.test):
            out[int(q)] = ranked[row][ranked[row] >= 0]
    return out


def is_odd(corpus, p: int) -> bool:
    return any("附则" in h for h in corpus.paths[p]) or bool(_ODD.search(corpus.texts[p][:80]))


def is_multi_issue(question_text: str, gold_laws: set[str]) -> bool:
    clauses = [c for c in _CLAUSE_END.split(question_text) if len(c.strip()) >= 4]
    return len(gold_laws) >= 2 or len(clauses) >= 2


def cause(corpus, p: int, top: np.ndarray, in_pool: bool, bm25_rank: int) -> str:
    if not in_pool:
        return "not in pool"
    if is_odd(corpus, p):
        return "odd article"
    law = corpus.laws[p]
    same = [t for t in top if corpus.laws[t] == law]
    if same:
        return "right law (adjacent)" if any(abs(int(t) - p) <= 2 for t in same) else "right law"
    judicial = corpus.levels[p] == "司法解释"
    top_judicial = sum(corpus.levels[t] == "司法解释" for t in top)
    if judicial or top_judicial > len(top) // 2:
        return "JI vs law"
    if bm25_rank >= 1000:
        return "vocabulary gap"
    return "wrong law"


def analyse(data, ranked: dict[int, np.ndarray], depth: int) -> tuple[Counter, Counter, list]:
    causes, multi, examples = Counter(), Counter(), []
    for q, order in ranked.items():
        question = data.questions[q]
        top = order[:depth]
        pool = set(order.tolist())
        gold_laws = {data.corpus.laws[g] for g in question.gold}
        for g in question.gold:
            if g in top:
                continue
            bm25_rank = int((data.bm25[q] > data.bm25[q, g]).sum())
            c = cause(data.corpus, g, top, g in pool, bm25_rank)
            causes[c] += 1
            if is_multi_issue(question.text, gold_laws):
                multi[c] += 1
            examples.append((c, question.text, data.corpus.laws[g], data.corpus.labels[g],
                             int(np.flatnonzero(order == g)[0]) + 1 if g in pool else None))
        causes["(gold not in corpus)"] += question.gold_total - len(question.gold)
    return causes, multi, examples


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    parser.add_argument("--examples", type=int, default=0, help="print this many examples per cause")
    args = parser.parse_args(argv)
    data = load_lab(SHARED / "laws", SHARED / "evals" / "stard" / "devshare.jsonl", ROOT / "data")
    outputs = fold_outputs(data, args.scheme, ROOT / "data")
    ranked = ranked_held_out(outputs, shipped_scores(data, outputs))
    total = sum(len(q.gold) for q in data.questions)
    for depth in (10, 100):
        causes, multi, examples = analyse(data, ranked, depth)
        missed = sum(v for k, v in causes.items() if not k.startswith("("))
        print(f"\n{args.scheme} folds: {missed} of {total} gold articles outside the top {depth}")
        print(f"| cause | misses | share | of them multi-issue |\n|---|---|---|---|")
        for c in CAUSES + ("(gold not in corpus)",):
            print(f"| {c} | {causes[c]} | {causes[c] / max(missed, 1):.2f} | {multi[c]} |")
        for c in CAUSES:
            for ex in [e for e in examples if e[0] == c][:args.examples]:
                print(f"  [{c}] {ex[1][:60]} → {ex[2][:24]} {ex[3]} (rank {ex[4]})")


if __name__ == "__main__":
    main()
