"""Shared pieces of the chat evals: the STARD dev questions and an app on the configured data."""
from __future__ import annotations

import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FAYUAN_SHARED_DIR", REPO.parent / "shared"))
STARD_DEV = SHARED / "evals" / "stard" / "devshare.jsonl"


def load_questions(limit: int | None = None, path: Path = STARD_DEV) -> list[dict]:
    """The dev questions; with `limit`, an evenly spaced sample (the file is grouped by topic)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def gold_keys(row: dict) -> set[tuple[str, str]]:
    return {(g["law"], str(g["article"])) for g in row["gold"]}


def write_result(name: str, result: dict, data_dir: Path) -> Path:
    out = data_dir / "evals" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return out
