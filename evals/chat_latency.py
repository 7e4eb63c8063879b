"""Warm /v1/chat latency and throughput on loopback: the app in a uvicorn subprocess (offline
composer, the configured knowledge base, a throw-away records database, rate limits off), load from
a lean asyncio HTTP/1.1 client with keep-alive (evals.http_load: it shares the 2 cores, so it must
cost little — httpx in threads cost several ms of CPU a request).

    python -m evals.chat_latency [--requests 300] [--concurrency 4] [--max-seconds 60] [--data-dir data]
                                 [--workers 1]

Phase 1: sequential requests → p50/p95 warm latency. Phase 2: `--concurrency` workers for at most
`--max-seconds` or `--requests` requests → requests/s and latency under load. Targets: p95 ≤ 300 ms,
≥ 50 requests/s. Also reported: server CPU ms per request (user + system, all its processes — less
sensitive to other load on the machine than requests/s), client CPU, server RSS.
Writes data/evals/chat_latency.json."""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.common_chat import load_questions, write_result
from evals.harness import free_port
from evals.http_load import Connection, HttpError, cpu_seconds, rss_mb
from evals.http_load import run as run_async


def serve(port: int, data_dir: str | None, database_url: str, workers: int = 1) -> None:
    """Entry point of the server subprocess: the app as `fayuan serve` builds it, configured by
    environment (each uvicorn worker process builds its own from the same variables)."""
    import uvicorn

    os.environ.update(server_environment(data_dir, database_url))
    uvicorn.run("api.app:create_app", factory=True, host="127.0.0.1", port=port, workers=workers,
                log_level="warning", access_log=False)


def server_environment(data_dir: str | None, database_url: str) -> dict[str, str]:
    """Settings of a load-test server: a throw-away records database, and the per-IP rate limits
    off (every request comes from 127.0.0.1)."""
    env = {"HF_HUB_OFFLINE": "1", "FAYUAN_DATABASE_URL": database_url, "FAYUAN_RATE_LIMITS_ENABLED": "false",
           "FAYUAN_LLM_BASE_URL": ""}                    # the offline composer
    if data_dir:
        env["FAYUAN_DATA_DIR"] = data_dir
    return env


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_percentile(ms, 0.95), 1),
            "max_ms": round(max(ms), 1)}


def _wait_ready(server: subprocess.Popen, port: int, timeout_s: float = 600) -> None:
    async def ping() -> bool:
        try:
            return (await Connection("127.0.0.1", port).request("GET", "/healthz")).status == 200
        except (OSError, HttpError):
            return False

    deadline = time.monotonic() + timeout_s
    while not run_async(ping()):
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("the server did not start")
        time.sleep(0.2)


async def _sequential(port: int, questions: list[str], statuses: dict) -> list[float]:
    conn, out = Connection("127.0.0.1", port), []
    for q in questions[:20]:                     # warm-up: model, caches, SQLite
        await conn.request("POST", "/v1/chat", {"message": q})
    for q in questions[20:]:
        t = time.perf_counter()
        r = await conn.request("POST", "/v1/chat", {"message": q})
        out.append((time.perf_counter() - t) * 1000)
        statuses[r.status] = statuses.get(r.status, 0) + 1
    conn.close()
    return out


async def _loaded(port: int, questions: list[str], requests: int, concurrency: int, max_seconds: float,
                  statuses: dict) -> list[float]:
    """`concurrency` closed-loop clients, each on its own keep-alive connection."""
    loaded: list[float] = []
    next_index = iter(range(requests))
    stop_at = time.monotonic() + max_seconds

    async def worker() -> None:
        conn = Connection("127.0.0.1", port)
        for i in next_index:
            if time.monotonic() >= stop_at:
                break
            t = time.perf_counter()
            r = await conn.request("POST", "/v1/chat", {"message": questions[i % len(questions)]})
            loaded.append((time.perf_counter() - t) * 1000)
            statuses[r.status] = statuses.get(r.status, 0) + 1
        conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return loaded


def run(requests: int, concurrency: int, max_seconds: float, data_dir: Path | None, workers: int = 1) -> dict:
    port = free_port()
    records = Path(tempfile.mkdtemp(prefix="fayuan-chat-latency-")) / "records.sqlite3"
    code = ("import sys; from evals.chat_latency import serve; "
            "serve(int(sys.argv[1]), sys.argv[2] or None, sys.argv[3], int(sys.argv[4]))")
    server = subprocess.Popen([sys.executable, "-c", code, str(port), str(data_dir or ""),
                               f"sqlite:///{records.as_posix()}", str(workers)],
                              env={**os.environ, "HF_HUB_OFFLINE": "1"})
    statuses: dict[int, int] = {}
    try:
        _wait_ready(server, port)
        questions = [q["question"] for q in load_questions(requests + 20)]
        sequential = run_async(_sequential(port, questions[:20 + min(requests, 100)], statuses))
        server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
        started = time.perf_counter()
        loaded = run_async(_loaded(port, questions[20:], requests, concurrency, max_seconds, statuses))
        wall = time.perf_counter() - started
        server_cpu, client_cpu = cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu
        rss = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return {"sequential": _summary(sequential), "loaded": {**_summary(loaded), "concurrency": concurrency,
            "seconds": round(wall, 2), "requests_per_s": round(len(loaded) / wall, 1),
            "server_cpu_ms_per_request": round(server_cpu / len(loaded) * 1000, 1),
            "client_cpu_ms_per_request": round(client_cpu / len(loaded) * 1000, 2)},
            "server_workers": workers, "server_rss_mb": rss,
            "http_status": statuses, "cpu_count": os.cpu_count(),
            "load_average_1m_after": round(os.getloadavg()[0], 2)}   # other processes share the cores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args(argv)
    result = run(args.requests, args.concurrency, args.max_seconds, args.data_dir, args.workers)
    print(f"sequential (warm): {result['sequential']}")
    print(f"loaded:            {result['loaded']}")
    print(f"server:            {result['server_workers']} worker(s), RSS {result['server_rss_mb']} MB")
    print(f"http status:       {result['http_status']}  (load average {result['load_average_1m_after']} "
          f"on {result['cpu_count']} cores)")
    from api.settings import Settings

    print("written to", write_result("chat_latency", result, args.data_dir or Settings().data_dir))


if __name__ == "__main__":
    main()
