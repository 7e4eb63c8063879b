"""Warm /v1/chat latency and throughput on loopback: the app in a uvicorn subprocess (offline
composer, the configured knowledge base, a throw-away records database), load from httpx workers.

    python -m evals.chat_latency [--requests 300] [--concurrency 4] [--max-seconds 60] [--data-dir data]

Phase 1: sequential requests → p50/p95 warm latency. Phase 2: `--concurrency` workers for at most
`--max-seconds` or `--requests` requests → requests/s and latency under load. Targets: p95 ≤ 300 ms,
≥ 50 requests/s. Writes data/evals/chat_latency.json."""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from evals.common_chat import load_questions, write_result


def serve(port: int, data_dir: str | None, database_url: str) -> None:
    """Entry point of the server subprocess."""
    import uvicorn

    from api.app import create_app
    from api.services import build_services
    from knowledge.kb import open_knowledge_base
    from knowledge.settings import Settings

    base = Settings() if not data_dir else Settings(data_dir=Path(data_dir))
    settings = base.model_copy(update={"database_url": database_url, "llm_base_url": None})
    services = build_services(settings)
    services.knowledge = services.knowledge or open_knowledge_base(settings)
    uvicorn.run(create_app(services=services), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1)}


def run(requests: int, concurrency: int, max_seconds: float, data_dir: Path | None) -> dict:
    import httpx

    port = _free_port()
    records = Path(tempfile.mkdtemp(prefix="fayuan-chat-latency-")) / "records.sqlite3"
    code = ("import sys; from evals.chat_latency import serve; "
            "serve(int(sys.argv[1]), sys.argv[2] or None, sys.argv[3])")
    server = subprocess.Popen([sys.executable, "-c", code, str(port), str(data_dir or ""),
                               f"sqlite:///{records.as_posix()}"], env={**os.environ, "HF_HUB_OFFLINE": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            questions = [q["question"] for q in load_questions(requests + 20)]
            for q in questions[:20]:                     # warm-up: model, caches, SQLite
                client.post("/v1/chat", json={"message": q})
            sequential, statuses = [], {}
            for q in questions[20:20 + min(requests, 100)]:
                t = time.perf_counter()
                r = client.post("/v1/chat", json={"message": q})
                sequential.append((time.perf_counter() - t) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        loaded: list[float] = []
        lock = threading.Lock()
        next_index = [0]
        stop_at = time.monotonic() + max_seconds

        def worker() -> None:
            with httpx.Client(base_url=base, timeout=30) as c:
                while time.monotonic() < stop_at:
                    with lock:
                        if next_index[0] >= requests:
                            return
                        i = next_index[0]
                        next_index[0] += 1
                    t = time.perf_counter()
                    r = c.post("/v1/chat", json={"message": questions[20 + i % requests]})
                    elapsed = (time.perf_counter() - t) * 1000
                    with lock:
                        loaded.append(elapsed)
                        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        started = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"sequential": _summary(sequential), "loaded": {**_summary(loaded), "concurrency": concurrency,
            "seconds": round(wall, 2), "requests_per_s": round(len(loaded) / wall, 1)},
            "http_status": statuses, "cpu_count": os.cpu_count(),
            "load_average_1m_after": round(os.getloadavg()[0], 2)}   # other processes share the cores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    result = run(args.requests, args.concurrency, args.max_seconds, args.data_dir)
    print(f"sequential (warm): {result['sequential']}")
    print(f"loaded:            {result['loaded']}")
    print(f"http status:       {result['http_status']}  (load average {result['load_average_1m_after']} "
          f"on {result['cpu_count']} cores)")
    from knowledge.settings import Settings

    print("written to", write_result("chat_latency", result, args.data_dir or Settings().data_dir))


if __name__ == "__main__":
    main()
