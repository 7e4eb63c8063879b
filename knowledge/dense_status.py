"""How much of a generation's dense side exists: the knowledge base serves on BM25 and the lay
vocabulary as soon as the catalog and the lexical index are built, then the articles are embedded
part by part (national law, cases, local regulations, older versions), each finished part
published as a new generation (knowledge.generations), so search switches to the hybrid retriever
part by part.

    data/kb/gen-…/dense.json          {"complete": false, "parts": {"national": {"embedded": n, "total": m}, …}}
    data/kb/embedding-progress.json   the part being embedded now: {"part": "cases", "done": d, "total": t}

A generation without dense.json (built before this existed) is complete."""
from __future__ import annotations

import json
import os
from pathlib import Path

from knowledge.catalog import IndexDoc

PARTS = ("national", "cases", "local", "history")   # embedding order: what most questions need first
STATUS_FILE = "dense.json"
PROGRESS_FILE = "embedding-progress.json"


def part_of(doc: IndexDoc) -> str:
    """National current statutes first, then cases, local rules, older versions."""
    if doc.kind == "case":
        return "cases"
    if not doc.current:
        return "history"
    return "local" if doc.category == "DLC" or doc.region else "national"


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)          # readers see the old or the new file, never half of one


def count_parts(docs: list[IndexDoc], embedded_ids: set[str]) -> dict[str, dict[str, int]]:
    parts = {p: {"embedded": 0, "total": 0} for p in PARTS}
    for d in docs:
        row = parts[part_of(d)]
        row["total"] += 1
        row["embedded"] += d.doc_id in embedded_ids
    return parts


def write_status(generation_dir: Path, parts: dict[str, dict[str, int]]) -> dict:
    status = {"complete": all(r["embedded"] >= r["total"] for r in parts.values()), "parts": parts}
    _write_json(generation_dir / STATUS_FILE, status)
    return status


def read_status(generation_dir: Path | None) -> dict:
    if generation_dir is None:
        return {"complete": False, "parts": {}}
    try:
        status = json.loads((generation_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"complete": True, "parts": {}}
    except (OSError, ValueError):
        return {"complete": False, "parts": {}}
    return status if isinstance(status, dict) and "complete" in status else {"complete": False, "parts": {}}


def pending_parts(status: dict) -> list[str]:
    parts = status.get("parts") or {}
    return [p for p in PARTS if p in parts and parts[p]["embedded"] < parts[p]["total"]]


def write_progress(kb_dir: Path, part: str, done: int, total: int) -> None:
    _write_json(kb_dir / PROGRESS_FILE, {"part": part, "done": done, "total": total})


def clear_progress(kb_dir: Path) -> None:
    (kb_dir / PROGRESS_FILE).unlink(missing_ok=True)


def read_progress(kb_dir: Path) -> dict | None:
    try:
        return json.loads((kb_dir / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def embedding_report(kb_dir: Path, generation_dir: Path | None) -> dict:
    """What /readyz shows: the served generation's parts, and the part being embedded now."""
    status = read_status(generation_dir)
    parts = status.get("parts") or {}
    embedded = sum(r["embedded"] for r in parts.values())
    total = sum(r["total"] for r in parts.values())
    report = {"complete": bool(status.get("complete")), "parts": parts, "embedded": embedded, "total": total}
    if not report["complete"]:
        report["in_progress"] = read_progress(kb_dir)
    return report
