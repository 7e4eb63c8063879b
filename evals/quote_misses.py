"""The dev share's quote misses, split in two halves for honest tuning of the quote chooser.

    python -m evals.quote_misses --half dev|report|all [--misses] [--exclude-ids FILE] [--cache PATH]

Questions: the STARD dev share minus the ids graded blind (--exclude-ids: a file of ids separated by
whitespace; they are never tuned on), split
by a stable hash of the id (md5, even = "dev" to develop on, odd = "report" to report before/after).
Prints first-quote-gold and deciding-clause-quoted (as `evals.answers quotes`); with --misses, one
block per question whose first quoted article is not gold: the question, the first quoted article,
the gold, the gold's rank in retrieval, and both articles' best-clause scores (why the chooser
preferred the other one). Retrieval is cached (--cache): only the composer changes between runs."""
from __future__ import annotations

import argparse
import hashlib
import os
import pickle
from collections import Counter
from pathlib import Path

from evals.answers import LECOQA, deciding_clause, quoted_articles, read_jsonl
from evals.common_chat import chat_app, gold_keys, load_questions

def half_of(question_id: int) -> str:
    return "dev" if int(hashlib.md5(str(question_id).encode()).hexdigest(), 16) % 2 == 0 else "report"


def rows_for(half: str, excluded: Path | None = None) -> list[dict]:
    graded = {int(x) for x in excluded.read_text().split()} if excluded is not None else set()
    rows = [r for r in load_questions(None) if r["id"] not in graded]
    return rows if half == "all" else [r for r in rows if half_of(r["id"]) == half]


def main() -> None:
    from assistant.answers.clauses import best_clause, char_pairs
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    parser = argparse.ArgumentParser()
    parser.add_argument("--half", choices=("dev", "report", "all"), default="dev")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--clause-misses", action="store_true", help="first quote gold, its deciding clause not quoted")
    parser.add_argument("--set", nargs="*", default=[], metavar="FIELD=VALUE", help="ComposerLimits fields to try")
    parser.add_argument("--exclude-ids", type=Path, default=None, help="ids graded blind, left out")
    parser.add_argument("--cache", type=Path, default=None,
                        help="retrieval cache (default: <data dir>/evals/quote_misses_hits.pkl)")
    args = parser.parse_args()
    data_dir = Path(os.environ["FAYUAN_DATA_DIR"]) if os.environ.get("FAYUAN_DATA_DIR") else None
    if args.cache is None:
        args.cache = (data_dir or Path("data")) / "evals" / "quote_misses_hits.pkl"
        args.cache.parent.mkdir(parents=True, exist_ok=True)
    _, kb, _ = chat_app(data_dir)
    cache = pickle.loads(args.cache.read_bytes()) if args.cache.exists() else {}
    tried = {k: float(v) for k, v in (kv.split("=") for kv in args.set)}
    composer = OfflineComposer(kb, ComposerLimits(**tried))
    refs = {r["id"]: r for r in read_jsonl(LECOQA / "devshare_answers.jsonl")}
    counts, causes = Counter(), Counter()
    rows = rows_for(args.half, args.exclude_ids)
    for row in rows:
        if row["id"] not in cache:
            cache[row["id"]] = kb.search(row["question"], k=10)
        hits = cache[row["id"]]
        gold = gold_keys(row)
        text = composer.answer(row["question"], hits).text
        quoted = quoted_articles(text)
        counts["questions"] += 1
        first_gold = bool(quoted) and quoted[0] in gold
        counts["first_quote_gold"] += first_gold
        in_top = [h for h in hits if (h.law, h.article_id) in gold]
        if in_top and row["id"] in refs:
            counts["gold_in_top10"] += 1
            wanted = char_pairs(deciding_clause(refs[row["id"]]["reference_answer"], in_top[0].text))
            decided = bool(wanted) and len(wanted & char_pairs(text)) / len(wanted) >= 0.8
            counts["deciding_clause_quoted"] += decided
            if args.clause_misses and first_gold and not decided:
                clause = deciding_clause(refs[row["id"]]["reference_answer"], in_top[0].text)
                print(f"\n#{row['id']} {row['question']}\n  gold {in_top[0].law}{in_top[0].article_id} wants: {clause[:150]}"
                      f"\n  answer: {text[:400]}")
        if first_gold or not args.misses:
            continue
        rank = next((i for i, h in enumerate(hits) if (h.law, h.article_id) in gold), None)
        carded = "这个问题要看" not in text
        causes["card" if carded else ("gold not in top10" if rank is None else "retrieval answer")] += 1
        print(f"\n#{row['id']} {row['question']}")
        print(f"  gold={sorted(gold)} rank={rank} {'CARD' if carded else ''} first={quoted[:1]}")
        for i, h in enumerate(hits[:5]):
            c = best_clause(row["question"], h.text or "")
            mark = "*" if (h.law, h.article_id) in gold else " "
            print(f"  {mark}{i} {h.law}{h.article_id} s={h.score:.3f} clause={(c.score if c else -1):.2f}"
                  f" | {(c.point if c else '')[:70]}")
    args.cache.write_bytes(pickle.dumps(cache))
    n, g = counts["questions"], max(counts["gold_in_top10"], 1)
    print(f"\nhalf={args.half} questions={n} first_quote_gold={counts['first_quote_gold'] / n:.3f} "
          f"gold_in_top10={counts['gold_in_top10']} deciding_clause_quoted={counts['deciding_clause_quoted'] / g:.3f}"
          f" ({counts['first_quote_gold']}, {counts['deciding_clause_quoted']})")
    if causes:
        print(dict(causes))


if __name__ == "__main__":
    main()
