"""Shared bits of the evals: where the dev data lives, loading the knowledge base, writing results."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FAYUAN_SHARED_DIR", REPO.parent / "shared"))
STARD_DEV = SHARED / "evals" / "stard" / "devshare.jsonl"


def load_questions(limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in STARD_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def open_kb():
    from knowledge.kb import open_knowledge_base
    from api.settings import get_settings

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return open_knowledge_base(get_settings().knowledge)


def write_result(name: str, data: dict) -> Path:
    from api.settings import get_settings

    out = get_settings().data_dir / "evals" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {"written": time.strftime("%Y-%m-%dT%H:%M:%S"), **data}
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    low, high = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
