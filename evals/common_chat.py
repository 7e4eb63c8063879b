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


def chat_app(data_dir: Path | None, lay_ranking_dir: Path | None = None):
    """(TestClient over the app, its knowledge base, its settings) on `data_dir`'s knowledge base,
    with a throw-away records database and rate limits off (one client asks every question)."""
    import tempfile

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.services import build_services
    from knowledge.kb import open_knowledge_base
    from api.settings import Settings

    base = Settings() if data_dir is None else Settings(data_dir=data_dir)
    records = Path(tempfile.mkdtemp(prefix="fayuan-chat-eval-")) / "records.sqlite3"
    update = {"database_url": f"sqlite:///{records.as_posix()}", "rate_limits_enabled": False}
    if lay_ranking_dir is not None:
        update["lay_ranking_dir"] = lay_ranking_dir
    settings = base.model_copy(update=update)
    services = build_services(settings)
    services.knowledge = services.knowledge or open_knowledge_base(settings.knowledge)
    return TestClient(create_app(services=services)), services.knowledge, settings
