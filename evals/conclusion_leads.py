"""What a retrieval answer says first, on the dev share's two halves (issue #22: "no conclusion").

    python -m evals.conclusion_leads --half dev|report|all [--exclude-ids FILE] [--cache PATH]
                                     [--out NOW.jsonl] [--before THEN.jsonl]

Questions as in evals.quote_misses (the STARD dev share minus the ids graded blind, split by an md5
hash of the id; retrieval cached). Prints, by question form (conclusion/forms.py: yes/no, how long,
how much …), how many are answered from retrieval and how many of those start with a plain-words
conclusion. --out writes one row per question (form, the conclusion or "", the first quoted
article); --before reads such a file from another version and prints every question whose
conclusion is new or changed, with the lawyers' reference answer, for reading one by one."""
from __future__ import annotations

import argparse
import os
import pickle
from collections import Counter
from pathlib import Path

from evals.answers import LECOQA, quoted_articles, read_jsonl, write_jsonl
from evals.common_chat import chat_app
from evals.quote_misses import rows_for

# what the asker wants to hear first, as the survey counts it (wider than the forms answered)
_KINDS = (("yes_no", ("yes_no", "validity", "legality")), ("how_long", ("how_long",)), ("how_much", ("how_much",)))


def kind_of(form: str | None) -> str:
    return next((kind for kind, forms in _KINDS if form in forms), "other" if form else "no form")


def main() -> None:
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from assistant.answers.plain_conclusion import asked

    parser = argparse.ArgumentParser()
    parser.add_argument("--half", choices=("dev", "report", "all"), default="dev")
    parser.add_argument("--exclude-ids", type=Path, default=None, help="ids graded blind, left out")
    parser.add_argument("--cache", type=Path, default=None,
                        help="retrieval cache (default: <data dir>/evals/quote_misses_hits.pkl)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--before", type=Path, default=None)
    args = parser.parse_args()
    data_dir = Path(os.environ["FAYUAN_DATA_DIR"]) if os.environ.get("FAYUAN_DATA_DIR") else None
    if args.cache is None:
        args.cache = (data_dir or Path("data")) / "evals" / "quote_misses_hits.pkl"
        args.cache.parent.mkdir(parents=True, exist_ok=True)
    _, kb, _ = chat_app(data_dir)
    cache = pickle.loads(args.cache.read_bytes()) if args.cache.exists() else {}
    composer = OfflineComposer(kb, ComposerLimits())
    rows, counts, out = rows_for(args.half, args.exclude_ids), Counter(), []
    for row in rows:
        if row["id"] not in cache:
            cache[row["id"]] = kb.search(row["question"], k=10)
        text = composer.answer(row["question"], cache[row["id"]]).text
        form = asked(row["question"])
        kind, retrieval = kind_of(form.form if form else None), "这个问题要看" in text
        first = text.split("\n")[0].removeprefix("接着上面的问题：")
        conclusion = first if retrieval and first.startswith("依照") else ""
        counts[kind, "questions"] += 1
        counts[kind, "retrieval"] += retrieval
        counts[kind, "conclusion"] += bool(conclusion)
        quoted = quoted_articles(text)
        out.append({"id": row["id"], "question": row["question"], "form": form.form if form else None,
                    "retrieval": retrieval, "conclusion": conclusion, "first": list(quoted[0]) if quoted else None})
    args.cache.write_bytes(pickle.dumps(cache))
    print(f"half={args.half} questions={len(rows)}")
    for kind in ("yes_no", "how_long", "how_much", "other", "no form"):
        print(f"  {kind:9} questions={counts[kind, 'questions']:4} from retrieval={counts[kind, 'retrieval']:4}"
              f" with a conclusion={counts[kind, 'conclusion']:4}")
    if args.out:
        write_jsonl(args.out, out)
    if args.before:
        _changes(read_jsonl(args.before), out)


def _changes(before: list[dict], now: list[dict]) -> None:
    then = {r["id"]: r for r in before}
    refs = {r["id"]: r["reference_answer"] for r in read_jsonl(LECOQA / "devshare_answers.jsonl")}
    changed = Counter()
    for row in now:
        old = then.get(row["id"], {}).get("conclusion", "")
        if old == row["conclusion"]:
            continue
        changed["new" if not old else "lost" if not row["conclusion"] else "changed"] += 1
        print(f"\n#{row['id']} [{row['form']}] {row['question']}\n  before: {old or '-'}\n  now:    {row['conclusion'] or '-'}"
              f"\n  lawyer: {refs.get(row['id'], '')[:260]}")
    print(f"\n{dict(changed)}")


if __name__ == "__main__":
    main()
