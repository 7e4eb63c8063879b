"""Answer quality: collect the answers of this version, write blind grading packets comparing two
versions, score the graders' files by the rubric of ../shared/evals/lecoqa/README.md, and check
the realistic question set (assistant/answers/training/realistic_questions.jsonl).

    python -m evals.answers collect --out A.jsonl [--set dev|realistic|realistic_heldout] [--limit 60] [--data-dir data]
    python -m evals.answers packets --a A.jsonl --b B.jsonl --out DIR [--set …] [--batch 15]
    python -m evals.answers score --packets DIR            # reads DIR/grades_*.jsonl and DIR/key.json
    python -m evals.answers realistic [--set dev|dev2|dev3|heldout] [--data-dir data]   # right card, key article quoted, urgent routed
    python -m evals.answers quotes [--limit 300]           # dev share: first quote gold, deciding clause quoted
    python -m evals.answers quotes --heldout blocked [--folds 5] [--per-fold 60]   # the same, ranker refitted per fold
    python -m evals.answers cards [--limit N] [--ungated]  # dev share: cards given that fit / are near / are another issue

`collect` asks every question through POST /v1/chat (a new session each). Packets hide which
version wrote which answer (X/Y shuffled per question with a fixed seed); the key stays in
DIR/key.json for `score`. A grader writes one JSON line per question:
{"id": 17, "X": {"correct": 1, "helpful": 4, "wrong_law": 0}, "Y": {...}}."""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
from collections import Counter
from pathlib import Path

from evals.common_chat import REPO, SHARED, chat_app, gold_keys, load_questions

LECOQA = SHARED / "evals" / "lecoqa"
# the three realistic dev sets are also the card classifier's training phrasings (product data, in
# assistant/answers/training/): every number on them is in sample — the held-out set is the one to report
TRAINING = REPO / "assistant" / "answers" / "training"
REALISTIC = TRAINING / "realistic_questions.jsonl"          # the cards were tuned on it
REALISTIC_HELDOUT = REPO / "evals" / "data" / "realistic_heldout.jsonl"   # written apart: report this one
REALISTIC_DEV2 = TRAINING / "realistic_dev2.jsonl"         # a second tuning set (session 14)
# villagers' WeChat wording (dialect, typos, run-ons, facts without the legal word): measured before
# the session-16 fixes, then tuned on
REALISTIC_DEV3 = TRAINING / "realistic_dev3.jsonl"
REALISTIC_SETS = {"dev": REALISTIC, "dev2": REALISTIC_DEV2, "dev3": REALISTIC_DEV3, "heldout": REALISTIC_HELDOUT}
GRADES = ("correct", "helpful", "wrong_law")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def question_set(name: str, limit: int | None) -> list[dict]:
    """{id, question, reference, articles} rows: the dev share with the lawyers' answers, or the
    realistic set with its checked conclusion and key articles."""
    if name in ("realistic", "realistic_heldout"):
        rows = read_jsonl(REALISTIC if name == "realistic" else REALISTIC_HELDOUT)
        out = [{"id": r["id"], "question": r["question"], "reference": r["conclusion"],
                "articles": [f"{a['law']}第{a['article']}条" for a in r["key_articles"]]} for r in rows]
    else:
        refs = {r["id"]: r for r in read_jsonl(LECOQA / "devshare_answers.jsonl")}
        out = [{"id": q["id"], "question": q["question"], "reference": refs[q["id"]]["reference_answer"],
                "articles": refs[q["id"]]["reference_articles"]}
               for q in load_questions(None) if q["id"] in refs]
    if limit and limit < len(out):      # evenly spaced: the files are grouped by topic
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


# --- collect ------------------------------------------------------------------------------------
def collect(set_name: str, limit: int | None, data_dir: Path | None, out: Path) -> int:
    client, _, _ = chat_app(data_dir)
    rows = []
    for q in question_set(set_name, limit):
        r = client.post("/v1/chat", json={"message": q["question"]})
        body = r.json() if r.status_code == 200 else {"answer": f"HTTP {r.status_code}", "citations": []}
        rows.append({"id": q["id"], "question": q["question"], "answer": body.get("answer", ""),
                     "intent": body.get("intent"), "handoff": body.get("handoff"),
                     "citations": [f"{c.get('law')}第{c.get('article_id')}条" for c in body.get("citations", [])
                                   if c.get("law")]})
    write_jsonl(out, rows)
    return len(rows)


# --- blind packets ------------------------------------------------------------------------------
RUBRIC = (LECOQA / "README.md")


def packets(a: Path, b: Path, out: Path, set_name: str, batch: int, seed: int) -> int:
    """Packets of `batch` questions: question, reference, and the two versions' answers as X and Y
    in an order drawn per question; key.json says which is which."""
    answers_a = {r["id"]: r for r in read_jsonl(a)}
    answers_b = {r["id"]: r for r in read_jsonl(b)}
    refs = {q["id"]: q for q in question_set(set_name, None)}
    ids = [i for i in answers_a if i in answers_b and i in refs]
    rng = random.Random(seed)
    key, out_rows = {}, []
    for i in ids:
        flip = rng.random() < 0.5
        key[str(i)] = {"X": "b" if flip else "a", "Y": "a" if flip else "b"}
        x, y = (answers_b[i], answers_a[i]) if flip else (answers_a[i], answers_b[i])
        out_rows.append((i, refs[i], x["answer"], y["answer"]))
    out.mkdir(parents=True, exist_ok=True)
    (out / "key.json").write_text(json.dumps({"a": str(a), "b": str(b), "key": key}, ensure_ascii=False, indent=1),
                                  encoding="utf-8")
    rubric = RUBRIC.read_text(encoding="utf-8").split("## Where things stood")[0]
    for n in range(0, len(out_rows), batch):
        lines = [rubric, "", "# Questions", ""]
        for i, ref, x, y in out_rows[n:n + batch]:
            lines += [f"## id {i}", f"**Question:** {ref['question']}", f"**Reference answer:** {ref['reference']}",
                      f"**Reference articles:** {'；'.join(ref['articles'])}", "", "**Answer X:**", x, "",
                      "**Answer Y:**", y, ""]
        (out / f"packet_{n // batch + 1:02d}.md").write_text("\n".join(lines), encoding="utf-8")
    return len(out_rows)


def score(packet_dir: Path) -> dict:
    """Per version: graded count, correct rate, mean helpfulness, wrong-law rate."""
    key = json.loads((packet_dir / "key.json").read_text(encoding="utf-8"))["key"]
    grades: dict[str, list[dict]] = {"a": [], "b": []}
    for path in sorted(packet_dir.glob("grades_*.jsonl")):
        for row in read_jsonl(path):
            sides = key.get(str(row["id"]))
            if sides is None:
                continue
            for label in ("X", "Y"):
                if label in row:
                    grades[sides[label]].append(row[label])
    result = {}
    for version, rows in grades.items():
        n = len(rows)
        result[version] = {"graded": n} | ({
            "correct": round(sum(r["correct"] for r in rows) / n, 3),
            "helpful": round(statistics.mean(r["helpful"] for r in rows), 2),
            "wrong_law": round(sum(r["wrong_law"] for r in rows) / n, 3)} if n else {})
    return result


# --- the realistic set --------------------------------------------------------------------------
def realistic(data_dir: Path | None, path: Path = REALISTIC) -> dict:
    """Right card (the main type first; no card for questions no type covers), a key article quoted
    in the answer text, urgent questions routed as urgent (through /v1/chat) and other ones routed
    urgent all the same (false alarms), and strays: cards
    given for an issue the question does not raise (not among its `types`)."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from knowledge.types import Citation

    client, kb, _ = chat_app(data_dir)
    composer = OfflineComposer(kb, ComposerLimits())
    rows = read_jsonl(path)
    counts, misses = Counter(), []
    for row in rows:
        composed = composer.answer(row["question"], kb.search(row["question"], k=10))
        expected = [t for t in row["types"] if not t.startswith("other:")]   # other:…: a type no card covers
        main_ok = composed.cards[:1] == expected[:1] if expected else not composed.cards
        counts["type_main"] += main_ok
        counts["type_any"] += bool(set(expected) & set(composed.cards)) if expected else not composed.cards
        strays = [c for c in composed.cards if c not in row["types"]]   # a card for an issue not raised
        counts["with_stray"] += bool(strays)
        counts["strays"] += len(strays)
        keys = [(a["law"], str(a["article"])) for a in row["key_articles"]]
        labels = [Citation.of(h).label for k in keys if (h := kb.get_article(*k)) is not None]
        counts["with_key_article"] += bool(labels)
        counts["key_quoted"] += any(f"{label}规定" in composed.text or f"{label}：“" in composed.text for label in labels)
        # every question goes through chat: an urgent one must be routed, any other one routed
        # urgent is a false alarm (a person's time taken from the urgent ones)
        body = client.post("/v1/chat", json={"message": row["question"]}).json()
        routed = body.get("intent") == "urgent_risk" or (body.get("handoff") or {}).get("priority") == "urgent"
        if row["urgent"]:
            counts["urgent"] += 1
            counts["urgent_routed"] += routed
            if not routed:
                misses.append({"id": row["id"], "kind": "urgent", "question": row["question"]})
        elif routed:
            counts["false_alarms"] += 1
            misses.append({"id": row["id"], "kind": "false_alarm", "question": row["question"]})
        if not main_ok:
            misses.append({"id": row["id"], "kind": "type", "expected": expected, "got": composed.cards,
                           "question": row["question"]})
        elif strays:
            misses.append({"id": row["id"], "kind": "stray", "stray": strays, "expected": expected,
                           "got": composed.cards, "question": row["question"]})
    n = len(rows)
    return {"questions": n, "right_main_type": round(counts["type_main"] / n, 3),
            "right_type_any_issue": round(counts["type_any"] / n, 3),
            "key_article_quoted": round(counts["key_quoted"] / max(counts["with_key_article"], 1), 3),
            "urgent": counts["urgent"], "urgent_routed": counts["urgent_routed"],
            "false_alarms": counts["false_alarms"],
            "questions_with_stray": counts["with_stray"], "strays": counts["strays"], "misses": misses}


# --- dev share: which articles the answer quotes --------------------------------------------------
_QUOTED_LABEL = re.compile(r"《([^》]+)》第([零〇一二两三四五六七八九十百千]+)条(?:之([一二三四五六七八九十]+))?(?:规定|还规定|，它规定)?[：:]?“")


def quoted_articles(text: str) -> list[tuple[str, str]]:
    """(law, article_id) of each article the answer quotes (label followed by a quotation), in order."""
    from knowledge.numerals import article_id, cn_to_int

    # a judicial interpretation's title nests the law's in 〈〉 inside the label's 《》 (the gold keeps 《》)
    return [(m.group(1).replace("〈", "《").replace("〉", "》"),
             article_id(cn_to_int(m.group(2)), cn_to_int(m.group(3)) if m.group(3) else 0))
            for m in _QUOTED_LABEL.finditer(text)]


def deciding_clause(reference: str, article_text: str) -> str:
    """The clause of the gold article closest to the lawyers' answer (character pairs shared):
    what a correct answer has to quote."""
    from assistant.answers.clauses import char_pairs, article_units

    units = [lead + "".join(items) for lead, items in article_units(article_text)]
    ref = char_pairs(reference)
    return max(units, key=lambda u: len(char_pairs(u) & ref) / max(len(char_pairs(u)), 1), default="")


def quotes(limit: int | None, data_dir: Path | None, rows: list[dict] | None = None,
           lay_ranking_dir: Path | None = None) -> dict:
    """First quoted article is gold; for questions whose gold article is among the top 10 hits, the
    gold's deciding clause is quoted (≥ 80 % of its character pairs appear in the answer).
    `rows`/`lay_ranking_dir`: a held-out fold asked with the ranker's files fitted without it."""
    counts = _quote_counts(rows if rows is not None else load_questions(limit), data_dir, lay_ranking_dir)
    return _quote_shares(counts)


def _quote_counts(rows: list[dict], data_dir: Path | None, lay_ranking_dir: Path | None) -> Counter:
    from assistant.answers.clauses import char_pairs
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    _, kb, _ = chat_app(data_dir, lay_ranking_dir)
    composer = OfflineComposer(kb, ComposerLimits())
    refs = {r["id"]: r for r in read_jsonl(LECOQA / "devshare_answers.jsonl")}
    counts = Counter()
    for row in rows:
        gold = gold_keys(row)
        hits = kb.search(row["question"], k=10)
        composed = composer.answer(row["question"], hits)
        quoted = quoted_articles(composed.text)
        counts["questions"] += 1
        counts["first_quote_gold"] += bool(quoted) and quoted[0] in gold
        counts["top1_gold"] += bool(hits) and (hits[0].law, hits[0].article_id) in gold
        in_top = [h for h in hits if (h.law, h.article_id) in gold]
        if in_top and row["id"] in refs:
            counts["gold_in_top10"] += 1
            clause = deciding_clause(refs[row["id"]]["reference_answer"], in_top[0].text)
            wanted = char_pairs(clause)
            counts["deciding_clause_quoted"] += bool(wanted) and len(wanted & char_pairs(composed.text)) / len(wanted) >= 0.8
    return counts


def _quote_shares(counts: Counter) -> dict:
    n = counts["questions"]
    return {"questions": n, "first_quote_gold": round(counts["first_quote_gold"] / n, 3),
            "retrieval_top1_gold": round(counts["top1_gold"] / n, 3), "gold_in_top10": counts["gold_in_top10"],
            "deciding_clause_quoted": round(counts["deciding_clause_quoted"] / max(counts["gold_in_top10"], 1), 3)}


def quotes_held_out(k: int, scheme: str, per_fold: int | None, data_dir: Path | None,
                    only: list[int] | None = None) -> dict:
    """`quotes` with the lay ranker's learned files refitted per fold on the other folds only (the
    recipe of evals.chat_heldout; the fold's tuned query encoder is built in the model folder, so
    point FAYUAN_MODEL_DIR at a copy), each fold's questions asked with its own files."""
    from evals.chat_heldout import fold_of_rows, refit_on
    from evals.common_chat import STARD_DEV
    from api.settings import Settings

    rows = load_questions(None, STARD_DEV)
    fold = fold_of_rows(rows, k, scheme)
    base = Settings() if data_dir is None else Settings(data_dir=data_dir)
    work = base.data_dir / "lab" / "chat-heldout" / f"{scheme}-{k}"
    totals, per_fold_results = Counter(), []
    for f in (only if only else range(k)):
        learned = work / f"fold-{f}"
        refit_on([r for r, g in zip(rows, fold) if g != f], learned, base.resolved_model_dir)
        asked = [r for r, g in zip(rows, fold) if g == f]
        if per_fold and per_fold < len(asked):
            asked = [asked[int(i * len(asked) / per_fold)] for i in range(per_fold)]
        counts = _quote_counts(asked, data_dir, learned)
        totals.update(counts)
        per_fold_results.append({"fold": f, **_quote_shares(counts)})
        print(f"fold {f}: {json.dumps(per_fold_results[-1], ensure_ascii=False)}", flush=True)
    return {"scheme": scheme, "folds": k, **_quote_shares(totals), "per_fold": per_fold_results}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("packets")
    p.add_argument("--a", type=Path, required=True)
    p.add_argument("--b", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--batch", type=int, default=15)
    p.add_argument("--seed", type=int, default=20261207)
    s = sub.add_parser("score")
    s.add_argument("--packets", type=Path, required=True)
    r = sub.add_parser("realistic")
    r.add_argument("--heldout", action="store_true", help="the held-out set (default: the dev set the cards were tuned on)")
    r.add_argument("--set", dest="realistic_set", choices=sorted(REALISTIC_SETS), default="dev",
                   help="dev / dev2 / dev3 (tuned on) or heldout (the one to report)")
    q = sub.add_parser("quotes")
    q.add_argument("--heldout", choices=("interleaved", "blocked"), default=None,
                   help="held-out folds: the ranker's files refitted without each fold (slow: about 10 min a fold)")
    q.add_argument("--folds", type=int, default=5)
    q.add_argument("--per-fold", type=int, default=None)
    q.add_argument("--only-folds", type=lambda v: [int(x) for x in v.split(",")], default=None,
                   help="e.g. 0,1: just these folds (each refit takes 15-60 min of CPU)")
    k = sub.add_parser("cards")
    k.add_argument("--set", choices=("dev",), default="dev", help="the STARD dev share (gold articles)")
    k.add_argument("--limit", type=int, default=None, help="an evenly spaced sample (default: every question)")
    k.add_argument("--ungated", action="store_true",
                   help="the cards the word patterns pick before the register gate (the question in a person's own words)")
    for cmd in (c, p):
        cmd.add_argument("--set", choices=("dev", "realistic", "realistic_heldout"), default="dev")
    for cmd in (c, q):
        cmd.add_argument("--limit", type=int, default=60)
    for cmd in (c, r, q, k):
        cmd.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "collect":
        print(f"{collect(args.set, args.limit, args.data_dir, args.out)} answers written to {args.out}")
    elif args.command == "packets":
        print(f"{packets(args.a, args.b, args.out, args.set, args.batch, args.seed)} questions in packets under {args.out}")
    elif args.command == "score":
        print(json.dumps(score(args.packets), ensure_ascii=False, indent=1))
    elif args.command == "realistic":
        result = realistic(args.data_dir, REALISTIC_SETS["heldout" if args.heldout else args.realistic_set])
        for miss in result.pop("misses"):
            print("miss", json.dumps(miss, ensure_ascii=False))
        print(json.dumps(result, ensure_ascii=False, indent=1))
    elif args.command == "cards":
        from evals.card_precision import card_precision

        result = card_precision(load_questions(args.limit), args.data_dir, args.ungated)
        for miss in result.pop("wrong_issue"):      # "wrong": no card fits; "stray": a wrong one rides along
            print("wrong" if miss["kind"] == "wrong_issue" else "stray", json.dumps(miss, ensure_ascii=False))
        print(json.dumps(result, ensure_ascii=False, indent=1))
    elif args.heldout:
        print(json.dumps(quotes_held_out(args.folds, args.heldout, args.per_fold, args.data_dir, args.only_folds), ensure_ascii=False, indent=1))
    else:
        print(json.dumps(quotes(args.limit, args.data_dir), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
