"""The dev share's quote misses, split in two halves for honest tuning of the quote chooser.

    python -m evals.quote_misses --half dev|report|all [--misses] [--exclude-ids FILE] [--cache PATH]
                                 [--heldout-folds 0,2]

Questions: the STARD dev share minus the ids graded blind (--exclude-ids: a file of ids separated by
whitespace; they are never tuned on), split
by a stable hash of the id (md5, even = "dev" to develop on, odd = "report" to report before/after).
Prints first-quote-gold and deciding-clause-quoted (as `evals.answers quotes`); with --misses, one
block per question whose first quoted article is not gold: the question, the first quoted article,
the gold, the gold's rank in retrieval, and both articles' best-clause scores (why the chooser
preferred the other one). Retrieval is cached (--cache): only the composer changes between runs.

The shipped ranker is fitted on this dev share, so its hits are in sample (top 1 gold for about 0.9).
--heldout-folds asks only the questions of those blocked folds (of 5, as `evals.answers quotes
--heldout blocked`), each with the ranker's files refitted without its fold (cached under
<data dir>/lab/chat-heldout/; the fold's tuned query encoder is built in the model folder, so point
FAYUAN_MODEL_DIR at a copy): the composer tuned on hits like a new question's."""
from __future__ import annotations

import argparse
import hashlib
import os
import pickle
from collections import Counter
from pathlib import Path

from evals.answers import LECOQA, deciding_clause, quoted_articles, read_jsonl
from evals.common_chat import chat_app, gold_keys, load_questions

HELDOUT_FOLDS = 5


def half_of(question_id: int) -> str:
    return "dev" if int(hashlib.md5(str(question_id).encode()).hexdigest(), 16) % 2 == 0 else "report"


def rows_for(half: str, excluded: Path | None = None) -> list[dict]:
    graded = {int(x) for x in excluded.read_text().split()} if excluded is not None else set()
    rows = [r for r in load_questions(None) if r["id"] not in graded]
    return rows if half == "all" else [r for r in rows if half_of(r["id"]) == half]


def heldout_hits(rows: list[dict], folds: list[int], data_dir: Path | None, cache: dict) -> list[dict]:
    """The rows of the blocked `folds` (of 5), their hits in `cache` from each fold's refitted ranker."""
    from api.settings import Settings
    from evals.chat_heldout import fold_of_rows, refit_on

    everyone = load_questions(None)
    fold_of = dict(zip((r["id"] for r in everyone), fold_of_rows(everyone, HELDOUT_FOLDS, "blocked")))
    base = Settings() if data_dir is None else Settings(data_dir=data_dir)
    for f in folds:
        asked = [r for r in rows if fold_of[r["id"]] == f and r["id"] not in cache]
        if not asked:
            continue
        learned = base.data_dir / "lab" / "chat-heldout" / f"blocked-{HELDOUT_FOLDS}" / f"fold-{f}"
        refit_on([r for r in everyone if fold_of[r["id"]] != f], learned, base.resolved_model_dir)
        _, kb, _ = chat_app(data_dir, learned)
        for row in asked:
            cache[row["id"]] = kb.search(row["question"], k=10)
    return [r for r in rows if fold_of[r["id"]] in folds]


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
                        help="retrieval cache (default: <data dir>/lab/quote_misses/hits[_heldout_blocked].pkl)")
    parser.add_argument("--heldout-folds", type=lambda v: [int(x) for x in v.split(",")], default=None,
                        help="e.g. 0,2: only these blocked folds' questions, hits from the ranker refitted without them")
    args = parser.parse_args()
    data_dir = Path(os.environ["FAYUAN_DATA_DIR"]) if os.environ.get("FAYUAN_DATA_DIR") else None
    if args.cache is None:
        name = "hits_heldout_blocked.pkl" if args.heldout_folds else "hits.pkl"
        args.cache = (data_dir or Path("data")) / "lab" / "quote_misses" / name
        args.cache.parent.mkdir(parents=True, exist_ok=True)
    cache = pickle.loads(args.cache.read_bytes()) if args.cache.exists() else {}
    rows = rows_for(args.half, args.exclude_ids)
    if args.heldout_folds:
        rows = heldout_hits(rows, args.heldout_folds, data_dir, cache)
        args.cache.write_bytes(pickle.dumps(cache))
    _, kb, _ = chat_app(data_dir)
    tried = {k: float(v) for k, v in (kv.split("=") for kv in args.set)}
    composer = OfflineComposer(kb, ComposerLimits(**tried))
    refs = {r["id"]: r for r in read_jsonl(LECOQA / "devshare_answers.jsonl")}
    counts, causes = Counter(), Counter()
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
