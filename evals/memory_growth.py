"""Where a serving process's memory grows under the load-test traffic, in one process.

    python -m evals.memory_growth [--requests 6000] [--warm-up 1000] [--every 1000]

The load test (evals/load_test.py) shows RSS over time from outside; this says *what* grows: the
same request mix (evals.load_test.Workload: new chats with varied wording, follow-ups, searches,
eligibility) goes through the app in-process (TestClient, full knowledge base, throw-away records
database), Python allocations are traced (tracemalloc) from the end of the warm-up, and every
`--every` requests it prints RSS, the traced total, the fill of the bounded caches and the source
files whose live allocations grew most since the warm-up. Growth that sits in the capped caches
and stops when they are full is no leak. tracemalloc slows Python down ~2×: this is a diagnostic,
not a speed measurement. Writes data/evals/memory_growth.json."""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from evals.common import write_result
from evals.http_load import rss_mb
from knowledge.embeddings.query_cache import QueryEmbeddingCache
from knowledge.hit_rows import CachedHitRows

TOP_FILES = 8
REPO = Path(__file__).resolve().parents[1]


def cache_fill(kb) -> dict[str, str]:
    """Entries / cap of the knowledge base's bounded in-memory caches (those switched on)."""
    current = kb.current() if hasattr(kb, "current") else kb
    retriever = current.retriever
    out = {}
    for label, holder in (("catalog hit rows", retriever.catalog), ("query embeddings", retriever.embedder)):
        if isinstance(holder, (CachedHitRows, QueryEmbeddingCache)):
            out[label] = f"{holder.cached_count}/{holder.maxsize}"
    return out


def _short(filename: str) -> str:
    """Repo files relative to the repo, installed packages relative to site-packages."""
    path = Path(filename)
    if path.is_relative_to(REPO):
        return str(path.relative_to(REPO))
    return filename.split("site-packages/")[-1]


def growth_by_file(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> list[tuple[str, float]]:
    stats = after.compare_to(before, "filename")
    return [(_short(s.traceback[0].filename), round(s.size_diff / 1e6, 2))
            for s in sorted(stats, key=lambda s: -s.size_diff)[:TOP_FILES]]


def run(requests: int, warm_up: int, every: int, seed: int) -> dict:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.services import build_services
    from evals.load_test import Workload
    from api.settings import Settings

    records = Path(tempfile.mkdtemp(prefix="fayuan-memory-")) / "records.sqlite3"
    settings = Settings().model_copy(update={"database_url": f"sqlite:///{records.as_posix()}",
                                             "rate_limits_enabled": False, "llm_base_url": None})
    services = build_services(settings)
    workload = Workload.load(seed)
    checkpoints, baseline = [], None
    with TestClient(create_app(services=services)) as client:
        started = time.perf_counter()
        for n in range(1, requests + 1):
            endpoint, method, path, body = workload.request(workload.pick_kind())
            response = client.request(method, path, json=body)
            if response.status_code >= 400:
                raise SystemExit(f"request {n} {method} {path}: HTTP {response.status_code}")
            if endpoint == "chat" and body and "session_id" not in body:
                workload.sessions.append(response.json()["session_id"])
            if n == warm_up:
                tracemalloc.start(1)
                baseline = tracemalloc.take_snapshot()
            if n > warm_up and (n - warm_up) % every == 0:
                snapshot = tracemalloc.take_snapshot()
                point = {"requests": n, "seconds": round(time.perf_counter() - started, 1), "rss_mb": round(rss_mb(os.getpid()), 1),
                         "traced_mb": round(tracemalloc.get_traced_memory()[0] / 1e6, 1),
                         "caches": cache_fill(services.knowledge), "grown_since_warm_up_mb": growth_by_file(baseline, snapshot)}
                checkpoints.append(point)
                print(f"{n:6d} requests  RSS {point['rss_mb']:8.1f} MB  traced {point['traced_mb']:6.1f} MB  "
                      f"caches {point['caches']}", flush=True)
                for name, mb in point["grown_since_warm_up_mb"]:
                    print(f"          {mb:+7.2f} MB  {name}")
    return {"requests": requests, "warm_up": warm_up, "every": every, "seed": seed, "checkpoints": checkpoints}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--warm-up", type=int, default=1000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    result = run(args.requests, args.warm_up, args.every, args.seed)
    print("written to", write_result("memory_growth", result))


if __name__ == "__main__":
    main()
