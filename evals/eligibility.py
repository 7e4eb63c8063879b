"""Eligibility pre-screen evaluation on the dev-share scenarios.

    python -m evals.eligibility [--scenarios PATH] [--out data/evals/eligibility.json] [--no-chat]

Three paths, all through real components:
  facts     POST /v1/eligibility (FastAPI TestClient) with each scenario's `facts`
  dialogue  EligibilityDialogue from the `narrative` alone; a simulated user answers each
            follow-up question from the scenario's `facts`
  chat      the same through POST /v1/chat (the chat's eligibility flow), when it is wired
Metrics: decision accuracy; recall of expected reason codes, citations (numerals and spacing
normalised: 第31条 = 第三十一条) and materials (soft: keyword overlap). Prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FAYUAN_SHARED_DIR", REPO.parent / "shared"))
DEFAULT_SCENARIOS = SHARED / "evals" / "eligibility" / "devshare.jsonl"
GRADER_ONLY = ("threshold_snapshot", "note")
ELIGIBILITY_CUE = "我能申请法律援助吗？"
FOLLOW_UP = "那我能申请法律援助吗？"


# ---- scoring ----------------------------------------------------------------------------------
def normalise_citation(text: str) -> str:
    """'法律援助法 第31条' → '法律援助法第三十一条'."""
    from knowledge.numerals import int_to_cn

    text = re.sub(r"\s+", "", text)
    return re.sub(r"第(\d+)条", lambda m: f"第{int_to_cn(int(m.group(1)))}条", text)


def recall(expected: list[str], got: list[str], same=lambda a, b: a == b) -> float | None:
    if not expected:
        return None
    return sum(any(same(e, g) for g in got) for e in expected) / len(expected)


def _keywords(item: str) -> set[str]:
    parts = re.split(r"[（）()、/，,；;：:或及和与\s]+", item)
    return {p for p in parts if len(p) >= 2}


def material_matches(expected: str, got: str) -> bool:
    """Soft: substring either way, or a shared keyword of 2+ characters (e.g. '拘留通知书')."""
    if expected in got or got in expected:
        return True
    ek, gk = _keywords(expected), _keywords(got)
    return bool(ek & gk) or any(e in g or g in e for e in ek for g in gk if min(len(e), len(g)) >= 3)


def score(scenario: dict, decision: dict | None) -> dict:
    decision = decision or {}
    cites = [normalise_citation(c) for c in decision.get("citations", [])]
    return {
        "id": scenario["id"], "expected": scenario["expected"], "got": decision.get("decision"),
        "correct": decision.get("decision") == scenario["expected"],
        "reason_recall": recall(scenario.get("expected_reasons", []), decision.get("reasons", [])),
        "citation_recall": recall([normalise_citation(c) for c in scenario.get("citations", [])], cites),
        "materials_recall": recall(scenario.get("expected_materials", []), decision.get("materials", []),
                                   material_matches),
    }


def summarise(rows: list[dict]) -> dict:
    def mean(key):
        vals = [r[key] for r in rows if r.get(key) is not None]
        return round(sum(vals) / len(vals), 4) if vals else None
    return {"n": len(rows), "decision_accuracy": mean("correct"), "reason_recall": mean("reason_recall"),
            "citation_recall": mean("citation_recall"), "materials_recall": mean("materials_recall"),
            "wrong": [f"{r['id']}({r['expected']}→{r['got']})" for r in rows if not r["correct"]]}


# ---- the simulated person -----------------------------------------------------------------------
def _money(value) -> str:
    f = float(value)
    return str(int(f)) if f == int(f) else f"{f:.2f}"


def simulated_answer(question: str, facts: dict) -> str:
    """Answer the question asked, from the scenario's facts, as a person would type it."""
    ap = facts.get("applicant") or {}
    cr = facts.get("criminal") or {}
    if "需要我把您的情况" in question:
        return "不用了，谢谢"
    if "什么事" in question:
        if facts.get("matter_desc"):
            return facts["matter_desc"]
        if cr:
            return "刑事案件，要辩护律师" if cr.get("role") == "suspect_defendant" else "刑事案件，我是被害人，要代理律师"
        return "不好说"
    if "哪一步" in question:
        return {"investigation": "还在公安", "prosecution": "到检察院了", "trial": "在法院审",
                "death_review": "死刑复核"}.get(cr.get("stage"), "不清楚")
    if "多大年纪" in question:
        age = cr.get("age_now") or ap.get("age")
        return f"{age}岁" if age else "不清楚"
    if "判多重" in question:
        return {"death": "可能判死刑", "life": "可能判无期"}.get(cr.get("possible_sentence"), "没说会判那么重")
    if "证明这个身份" in question:
        return "有" if facts.get("proof_available") else "没有"
    if "哪个市" in question:
        return facts.get("region") or "还不确定"
    if "几口人" in question:
        return f"{facts['household_size']}口人" if facts.get("household_size") else "不好说"
    if "您自己每月收入" in question:
        own = facts.get("applicant_monthly_income")
        if own is None and facts.get("household_size") == 1:
            own = facts.get("household_monthly_income")
        return f"我自己一个月{_money(own)}元" if own is not None else "不好说"
    if "低保标准的几倍" in question:
        ratio = facts.get("per_capita_income_to_dibao_ratio")
        return f"大概是低保的{ratio}倍" if ratio is not None else "不清楚"
    if "收入" in question:
        if facts.get("per_capita_income_to_dibao_ratio") is not None:
            return f"人均收入大概是低保的{facts['per_capita_income_to_dibao_ratio']}倍"
        income = facts.get("household_monthly_income")
        return f"一个月一共{_money(income)}元" if income is not None else "不清楚"
    if "城镇还是农村" in question:
        return {"urban": "住城里", "rural": "住农村"}.get(facts.get("residence_type"), "不清楚")
    return "不清楚"


def run_dialogue(dialogue, scenario: dict, max_turns: int = 12) -> tuple[dict | None, int]:
    facts = scenario["facts"]
    turn = dialogue.start(scenario["narrative"])
    turns = 1
    while turn.decision is None and not turn.done and turns < max_turns:
        turn = dialogue.answer(turn.state, simulated_answer(turn.reply, facts))
        turns += 1
    return turn.decision, turns


def run_chat(client, services, scenario: dict, max_turns: int = 12) -> tuple[dict | None, int]:
    """Through POST /v1/chat; the decision is read from the chat session's state. When the chat
    answers the narrative another way first (urgent-risk advice, a legal answer), the person
    follows up with "那我能申请法律援助吗？" in the same session."""
    facts = scenario["facts"]
    sid, message, asked_outright = None, scenario["narrative"], False
    for turns in range(1, max_turns + 1):
        resp = client.post("/v1/chat", json={"message": message, **({"session_id": sid} if sid else {})})
        reply = resp.json() if resp.status_code == 200 else {}
        sid = reply.get("session_id", sid)
        session = services.chat_sessions.get(sid) if sid else None
        state = session.state if session else {}
        if state.get("eligibility_decision"):
            return state["eligibility_decision"], turns
        if reply.get("intent") != "eligibility" and not asked_outright:
            asked_outright = True
            message = FOLLOW_UP if sid else scenario["narrative"] + ELIGIBILITY_CUE
            continue
        message = simulated_answer(reply.get("answer", ""), facts)
    return None, max_turns


# ---- a small knowledge base of the cited instruments (the chat verifies every citation) -----------
def citation_kb_settings(root: Path, records_url: str):
    """Settings over a knowledge base of exactly the instruments the pre-screen cites, built once
    under `root` (incremental re-ingest afterwards) from ../shared/laws."""
    import shutil

    from assistant.eligibility.sources import MIRROR_PATHS
    from ingest.pipeline import IngestPipeline
    from api.settings import Settings

    laws = root / "laws"
    for rel in MIRROR_PATHS.values():
        src, dst = SHARED / "laws" / rel, laws / rel
        if not dst.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    settings = Settings(data_dir=root / "data", model_dir=REPO / "data" / "models", laws_dir=laws,
                        database_url=records_url)
    if not (settings.kb_dir / "CURRENT").exists():
        IngestPipeline(settings, show_progress=False).ingest_folder(laws)
    return settings


# ---- main ---------------------------------------------------------------------------------------
def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=Path, default=DEFAULT_SCENARIOS)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "evals" / "eligibility.json")
    parser.add_argument("--no-chat", action="store_true", help="skip the /v1/chat path")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.eligibility.dialogue import EligibilityDialogue
    from api.settings import Settings

    scenarios = load(args.scenarios)
    with tempfile.TemporaryDirectory() as tmp:
        records_url = f"sqlite:///{Path(tmp) / 'records.sqlite3'}"
        settings = (Settings(data_dir=Path(tmp) / "data") if args.no_chat
                    else citation_kb_settings(args.out.parent / "eligibility-kb", records_url))
        # one client sends every scenario: per-IP rate limits would refuse most of them (docs/limits.md)
        app = create_app(settings.model_copy(update={"rate_limits_enabled": False}))
        services = app.state.services
        client = TestClient(app)
        facts_rows, dialogue_rows, chat_rows, turns = [], [], [], {"dialogue": [], "chat": []}
        started = time.perf_counter()
        for sc in scenarios:
            facts = {k: v for k, v in sc["facts"].items() if k not in GRADER_ONLY}
            resp = client.post("/v1/eligibility", json={"facts": facts})
            facts_rows.append(score(sc, resp.json() if resp.status_code == 200 else None))
        facts_ms = (time.perf_counter() - started) * 1000 / max(len(scenarios), 1)
        chat_wired = not args.no_chat
        for sc in scenarios:
            day = dt.date.fromisoformat(sc["facts"]["application_date"]) if sc["facts"].get("application_date") else None
            dialogue = EligibilityDialogue(services.eligibility_standards, today=day)
            decision, n = run_dialogue(dialogue, sc)
            dialogue_rows.append({**score(sc, decision), "turns": n})
            turns["dialogue"].append(n)
            if chat_wired:
                services.eligibility_dialogue = dialogue   # judged at the scenario's date
                decision, n = run_chat(client, services, sc)
                chat_rows.append({**score(sc, decision), "turns": n})
                turns["chat"].append(n)

    report = {"scenarios": str(args.scenarios.name), "n": len(scenarios),
              "facts_api": summarise(facts_rows), "narrative_dialogue": summarise(dialogue_rows),
              "narrative_chat": summarise(chat_rows) if chat_rows else None,
              "mean_ms_per_facts_request": round(facts_ms, 2),
              "mean_turns": {k: round(sum(v) / len(v), 2) for k, v in turns.items() if v},
              "rows": {"facts_api": facts_rows, "narrative_dialogue": dialogue_rows, "narrative_chat": chat_rows}}
    _print_table(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten {args.out}")
    return 0


def _print_table(report: dict) -> None:
    cols = ("decision_accuracy", "reason_recall", "citation_recall", "materials_recall")
    print(f"{'path':<22}" + "".join(f"{c:>19}" for c in cols))
    for name in ("facts_api", "narrative_dialogue", "narrative_chat"):
        s = report.get(name)
        if not s:
            print(f"{name:<22}{'(not wired)':>19}")
            continue
        print(f"{name:<22}" + "".join(f"{(s[c] if s[c] is not None else float('nan')):>19.3f}" for c in cols))
    for name in ("facts_api", "narrative_dialogue", "narrative_chat"):
        s = report.get(name)
        if s and s["wrong"]:
            print(f"wrong ({name}): {', '.join(s['wrong'])}")


if __name__ == "__main__":
    sys.exit(main())
