"""Search latency, warm, k=10, over the STARD dev questions: in-process (KnowledgeBase.search) and
through HTTP (/v1/search served by uvicorn on loopback). Prints p50/p95 and writes
data/evals/search_latency.json.

    python -m evals.search_latency [--limit 300] [--warmup 20]"""
from __future__ import annotations

import argparse
import sys
import threading
import time

from evals.common import load_questions, open_kb, percentile, write_result
from evals.harness import free_port


def timed(fn, questions: list[str]) -> list[float]:
    out = []
    for q in questions:
        t = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)

    import httpx
    import uvicorn

    from api.app import create_app
    from api.services import build_services
    from api.settings import get_settings

    kb = open_kb()
    questions = [q["question"] for q in load_questions(args.limit)]
    warm = questions[: args.warmup]

    timed(lambda q: kb.search(q, 10), warm)
    in_process = timed(lambda q: kb.search(q, 10), questions)

    # one client sends every query: per-IP rate limits would refuse most of them (docs/limits.md)
    services = build_services(get_settings().model_copy(update={"rate_limits_enabled": False}))
    services.knowledge = kb
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(services=services), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        def http(q: str) -> None:
            r = client.get("/v1/search", params={"q": q, "k": 10})
            r.raise_for_status()
        timed(http, warm)
        over_http = timed(http, questions)
    server.should_exit = True
    thread.join(timeout=10)

    rows = {name: {"p50_ms": round(percentile(v, 0.5), 1), "p95_ms": round(percentile(v, 0.95), 1),
                   "max_ms": round(max(v), 1), "n": len(v)}
            for name, v in (("in_process", in_process), ("http", over_http))}
    print(f"/v1/search latency, warm, k=10, {len(questions)} STARD dev questions")
    print(f"{'path':<12}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, r in rows.items():
        print(f"{name:<12}{r['p50_ms']:>10}{r['p95_ms']:>10}{r['max_ms']:>10}")
    print(f"written to {write_result('search_latency', {'results': rows})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
