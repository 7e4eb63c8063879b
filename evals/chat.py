"""Chat grounding on the STARD dev-share questions, asked through POST /v1/chat (TestClient).

    python -m evals.chat [--limit 200] [--data-dir data]

Reports: citations that do not exist in the knowledge base (must be 0; checked by looking each
one up and comparing its text), share of questions with at least one gold article among the
answer's citations (target ≥ 60%), intents, 不确定 answers. Writes data/evals/chat.json."""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import Counter
from pathlib import Path

from evals.common_chat import chat_app, gold_keys, load_questions, write_result


def run(limit: int, data_dir: Path | None, questions: list[dict] | None = None,
        lay_ranking_dir: Path | None = None) -> dict:
    """Ask `questions` (default: `limit` evenly spaced dev questions) through /v1/chat; the lay
    ranker's learned files from `lay_ranking_dir` when given (evals.chat_heldout)."""
    from assistant.answers.verify import QUOTE, mask_spans, outer_title
    from knowledge.citations import parse

    client, kb, settings = chat_app(data_dir, lay_ranking_dir)

    questions = questions if questions is not None else load_questions(limit)
    intents, statuses = Counter(), Counter()
    with_gold = with_citation = uncertain = citations_total = 0
    not_in_kb: list[dict] = []
    text_not_in_kb: list[dict] = []
    in_quotes = 0
    per_question_ms: list[float] = []
    for row in questions:
        started = time.perf_counter()
        r = client.post("/v1/chat", json={"message": row["question"]})
        per_question_ms.append((time.perf_counter() - started) * 1000)
        statuses[r.status_code] += 1
        if r.status_code != 200:
            continue
        body = r.json()
        intents[body["intent"]] += 1
        uncertain += "不确定" in body["answer"]
        cited = set()
        for c in body["citations"]:
            citations_total += 1
            if c.get("law"):
                hit = kb.get_article(c["law"], c["article_id"])
                if hit is None or hit.text != c["text"]:
                    not_in_kb.append({"id": row["id"], "citation": c.get("label")})
                cited.add((c["law"], c["article_id"]))
        # independent of the citations list: every 法名+第X条 the answer itself writes must exist.
        # Quotations are the articles' own words (verified against the article) and may refer to
        # other instruments (本解释第一条, 物权法第四十二条): counted apart, for the record.
        quotes = [(m.start(), m.end()) for m in QUOTE.finditer(body["answer"])]
        for ref in parse(mask_spans(body["answer"], quotes)):
            if kb.lookup(outer_title(ref)) is None:     # 《…〈…〉…》: a title inside a title
                text_not_in_kb.append({"id": row["id"], "citation": ref.raw})
        for start, end in quotes:
            in_quotes += sum(1 for ref in parse(body["answer"][start:end]) if kb.lookup(ref) is None)
        with_citation += bool(cited)
        with_gold += bool(cited & gold_keys(row))
    n = len(questions)
    return {
        "questions": n, "http_status": dict(statuses), "intents": dict(intents.most_common()),
        "citations": citations_total, "citations_not_in_kb": len(not_in_kb), "not_in_kb_examples": not_in_kb[:10],
        "answer_text_citations_not_in_kb": len(text_not_in_kb), "answer_text_examples": text_not_in_kb[:10],
        "references_inside_quoted_articles_not_resolved": in_quotes,
        "answers_with_citation": with_citation, "uncertain_answers": uncertain,
        "gold_among_citations": with_gold, "gold_share": round(with_gold / n, 4) if n else 0.0,
        "ms_per_question_median": round(statistics.median(per_question_ms), 1) if per_question_ms else None,
        "settings": {"chat_search_k": settings.chat_search_k, "chat_max_citations": settings.chat_max_citations,
                     "chat_relative_floor": settings.chat_relative_floor},
    }


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=200, help="evenly spaced sample of the dev questions")
    parser.add_argument("--data-dir", type=Path, default=None, help="knowledge base data dir (default: settings)")
    args = parser.parse_args(argv)
    result = run(args.limit, args.data_dir)
    for key in ("questions", "http_status", "citations", "citations_not_in_kb", "answer_text_citations_not_in_kb",
                "answers_with_citation",
                "uncertain_answers", "gold_among_citations", "gold_share", "ms_per_question_median", "intents", "settings"):
        print(f"{key:24s} {result[key]}")
    from api.settings import Settings

    print("written to", write_result("chat", result, args.data_dir or Settings().data_dir))


if __name__ == "__main__":
    main()
