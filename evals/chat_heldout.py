"""Chat grounding held out: the lay ranker's learned files (reranker, known questions, answer
counts, query adapter) are fitted on the STARD dev share, so `python -m evals.chat` over that share
is in-sample. Here, per fold, the files are refitted on the other folds only
(`ingest.ranking.build --questions <training folds>`, the fold's tuned query encoder built in the
model folder) and the fold's questions are asked through
POST /v1/chat with `FAYUAN_LAY_RANKING_DIR` pointing at them.

    python -m evals.chat_heldout [--folds 5] [--scheme interleaved|blocked] [--per-fold N]

Folds are those of the retrieval lab (evals/lab/questions.py: interleaved by question id, or
blocked by id ranges). Reports, summed over the folds: citations not in the knowledge base (must be
0) and the share of questions with a gold article among the answer's citations. The refitted files
go to data/lab/chat-heldout/ (re-used when present: delete the folder after changing the recipe).
Writes data/evals/chat_heldout.json."""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from evals.common_chat import STARD_DEV, load_questions, write_result

SUMMED = ("questions", "citations", "citations_not_in_kb", "answer_text_citations_not_in_kb",
          "answers_with_citation", "uncertain_answers", "gold_among_citations")


def fold_of_rows(rows: list[dict], k: int, scheme: str) -> np.ndarray:
    """The lab's fold per row (folds depend only on the order of the question ids)."""
    from ingest.ranking.questions import Question, folds

    return folds([Question(r["id"], r["question"], [], 0) for r in rows], k, scheme)


def refit_on(training: list[dict], out: Path, model_dir: Path) -> None:
    """The shipped recipe (ingest.ranking.build) fitted on `training` only, written to `out`, and its
    tuned query encoder built in `model_dir` (replacing the one built before, the shipped one
    included, which the next set-up rebuilds; without it the served ranker would
    fall back to the linear adapter)."""
    from ingest.ranking.build import main as export
    from knowledge.embeddings.setup import ensure_model
    from knowledge.ranking.pipeline import TUNED_FILE

    if not (out / "reranker.json").is_file():
        out.mkdir(parents=True, exist_ok=True)
        questions_file = out / "training.jsonl"
        questions_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in training),
                                  encoding="utf-8")
        export(["--questions", str(questions_file), "--out", str(out)])
    ensure_model(model_dir, deltas_file=out / TUNED_FILE, log=lambda *_: None)


def run(k: int, scheme: str, per_fold: int | None, data_dir: Path | None) -> dict:
    from evals.chat import run as ask_through_chat
    from api.settings import Settings

    rows = load_questions(None, STARD_DEV)
    fold = fold_of_rows(rows, k, scheme)
    base = Settings() if data_dir is None else Settings(data_dir=data_dir)
    work = base.data_dir / "lab" / "chat-heldout" / f"{scheme}-{k}"
    totals = dict.fromkeys(SUMMED, 0)
    per_fold_results = []
    for f in range(k):
        started = time.perf_counter()
        learned = work / f"fold-{f}"
        refit_on([r for r, g in zip(rows, fold) if g != f], learned, base.resolved_model_dir)
        asked = [r for r, g in zip(rows, fold) if g == f]
        if per_fold and per_fold < len(asked):
            asked = [asked[int(i * len(asked) / per_fold)] for i in range(per_fold)]
        result = ask_through_chat(len(asked), data_dir, questions=asked, lay_ranking_dir=learned)
        for key in SUMMED:
            totals[key] += result[key]
        per_fold_results.append({"fold": f, "questions": result["questions"], "gold_share": result["gold_share"],
                                 "citations_not_in_kb": result["citations_not_in_kb"],
                                 "seconds": round(time.perf_counter() - started, 1)})
        print(f"fold {f}: {result['questions']} questions, gold share {result['gold_share']:.3f}, "
              f"citations not in KB {result['citations_not_in_kb']}", flush=True)
    n = totals["questions"]
    return {"scheme": scheme, "folds": k, **totals, "gold_share": round(totals["gold_among_citations"] / n, 4) if n else 0.0,
            "per_fold": per_fold_results}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--scheme", choices=("interleaved", "blocked"), default="interleaved")
    parser.add_argument("--per-fold", type=int, default=None, help="evenly spaced sample of each fold's questions")
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.folds, args.scheme, args.per_fold, args.data_dir)
    for key in (*SUMMED, "gold_share"):
        print(f"{key:36s} {result[key]}")
    from api.settings import Settings

    print("written to", write_result("chat_heldout", result, args.data_dir or Settings().data_dir))


if __name__ == "__main__":
    main()
