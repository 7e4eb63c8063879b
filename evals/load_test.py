"""Bounded open-loop load test (issue #8 "Load"): a real `fayuan serve` subprocess on the configured
knowledge base, loaded on loopback with a realistic mix at a fixed arrival rate.

    python -m evals.load_test [--duration 600] [--rate 20] [--max-requests N] [--workers 1]
    python -m evals.load_test --find-rate 10,14,18,22 --step-seconds 60 --duration 600

Mix (share of arrivals): a villager's new question on /v1/chat 45 %, a follow-up in an earlier
chat session ("那如果公司不给呢？", "第二点再说详细点") 15 %, staff statute search /v1/search 25 %,
the legal-aid pre-screen POST /v1/eligibility with a scenario's facts 15 %. Questions are the
STARD dev share, facts the eligibility dev share (../shared/evals).

Open loop: arrivals follow a Poisson process at `--rate` requests/s whatever the server does, and
a request's latency counts from its scheduled arrival, so a server that falls behind shows it
(no coordinated omission). Bounded: at most `--max-requests` arrivals (default rate × duration)
and `--duration` seconds, then in-flight requests get 60 s to finish; more than `--max-in-flight`
open requests stop the run early (the box cannot sustain the rate).

`--find-rate R1,R2,…`: short steps (`--step-seconds`) at increasing rates on the same server; the
highest rate whose chat p95 ≤ 300 ms with 0 errors is then run for `--duration`.

Reports per endpoint n, p50/p95/p99, errors (non-2xx or transport failures; must be 0), achieved
rate, and the server's RSS (all its processes) every 10 s: first/last/max and the least-squares
slope after warm-up (MB/min; flat memory ≈ 0). The server runs with a throw-away records database
and its per-IP rate limits off (every request comes from 127.0.0.1). Writes
data/evals/load_test.json."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from evals.chat_latency import server_environment
from evals.common import SHARED, load_questions, percentile, write_result
from evals.harness import free_port
from evals.http_load import ConnectionPool, HttpError, cpu_seconds, new_event_loop, rss_mb

ELIGIBILITY_SCENARIOS = SHARED / "evals" / "eligibility" / "devshare.jsonl"
MIX = {"chat": 0.45, "chat_follow_up": 0.15, "search": 0.25, "eligibility": 0.15}
FOLLOW_UPS = ("那如果公司不给呢？", "第二点再说详细点", "那我需要准备哪些材料？", "那要多长时间才能拿到钱？",
              "如果对方不同意调解呢？", "第一点再说详细点")
# the dev share has 1,234 questions and a 10-minute run asks thousands: the same text over and over
# would be served from the query-embedding cache. Real people word things differently, so each
# question is asked with one of these openings and endings (5 × 4 variants, mostly unseen texts).
OPENINGS = ("", "请问，", "你好，我想问一下：", "麻烦问下，", "村里人让我问问：")
ENDINGS = ("", "谢谢！", "急", "该怎么办？")
CHAT_P95_TARGET_MS = 300.0
RSS_EVERY_S = 10.0


@dataclass
class Workload:
    """What the simulated users send; every choice comes from one seeded random generator."""

    questions: list[str]
    facts: list[dict]
    rng: random.Random
    sessions: deque = field(default_factory=lambda: deque(maxlen=500))   # chat sessions to follow up in

    @classmethod
    def load(cls, seed: int) -> "Workload":
        facts = [json.loads(line)["facts"] for line in ELIGIBILITY_SCENARIOS.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
        return cls([q["question"] for q in load_questions()], facts, random.Random(seed))

    def question(self) -> str:
        return f"{self.rng.choice(OPENINGS)}{self.rng.choice(self.questions)}{self.rng.choice(ENDINGS)}"

    def pick_kind(self) -> str:
        return self.rng.choices(list(MIX), weights=list(MIX.values()))[0]

    def request(self, kind: str) -> tuple[str, str, str, dict | None]:
        """(endpoint label, method, path, JSON body) for one arrival of `kind`."""
        if kind == "chat_follow_up" and self.sessions:
            session = self.sessions[self.rng.randrange(len(self.sessions))]
            return "chat", "POST", "/v1/chat", {"session_id": session, "message": self.rng.choice(FOLLOW_UPS)}
        if kind == "search":
            return "search", "GET", f"/v1/search?k=10&q={quote(self.question()[:200])}", None
        if kind == "eligibility":
            return "eligibility", "POST", "/v1/eligibility", {"facts": self.rng.choice(self.facts)}
        return "chat", "POST", "/v1/chat", {"message": self.question()}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, endpoint: str, ms: float, error: str | None) -> None:
        self.latencies.setdefault(endpoint, []).append(ms)
        if error is not None:
            per = self.errors.setdefault(endpoint, {})
            per[error] = per.get(error, 0) + 1

    def summary(self) -> dict:
        out = {}
        for endpoint, ms in sorted(self.latencies.items()):
            out[endpoint] = {"n": len(ms), "p50_ms": round(statistics.median(ms), 1),
                             "p95_ms": round(percentile(ms, 0.95), 1), "p99_ms": round(percentile(ms, 0.99), 1),
                             "max_ms": round(max(ms), 1), "errors": sum(self.errors.get(endpoint, {}).values()),
                             "error_kinds": self.errors.get(endpoint, {})}
        return out

    @property
    def error_count(self) -> int:
        return sum(sum(e.values()) for e in self.errors.values())


SLOPE_WINDOW_S = 600.0


def _slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB/min (0 for fewer than 3)."""
    if len(samples) < 3:
        return 0.0
    mean_t = sum(t for t, _ in samples) / len(samples)
    mean_m = sum(m for _, m in samples) / len(samples)
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    return sum((t - mean_t) * (m - mean_m) for t, m in samples) / var * 60 if var > 0 else 0.0


def memory_trend(samples: list[tuple[float, float]], warm_up_s: float) -> dict:
    """First/last/max RSS, the least-squares slope (MB/min) of the samples after `warm_up_s`, and
    the slope per 10-minute window after it: bounded caches filling show as a slope that falls
    window by window, a leak as one that stays."""
    if not samples:
        return {}
    steady = [(t, m) for t, m in samples if t >= warm_up_s] or samples
    windows = []
    start = steady[0][0]
    while start < steady[-1][0]:
        part = [(t, m) for t, m in steady if start <= t <= start + SLOPE_WINDOW_S]
        if len(part) >= 3 and part[-1][0] - part[0][0] >= SLOPE_WINDOW_S / 2:
            windows.append({"from_s": part[0][0], "to_s": part[-1][0], "slope_mb_per_min": round(_slope_mb_per_min(part), 2)})
        start += SLOPE_WINDOW_S
    rss = [m for _, m in samples]
    return {"first_mb": rss[0], "last_mb": rss[-1], "max_mb": max(rss), "after_warm_up_first_mb": steady[0][1],
            "slope_mb_per_min_after_warm_up": round(_slope_mb_per_min(steady), 2), "warm_up_s": warm_up_s,
            "slope_by_window": windows}


async def _one(pool: ConnectionPool, workload: Workload, kind: str, scheduled: float, tally: Tally) -> None:
    endpoint, method, path, body = workload.request(kind)
    error = None
    try:
        response = await pool.request(method, path, body)
        if response.status >= 300:
            error = str(response.status)
        elif endpoint == "chat" and body is not None and "session_id" not in body:
            workload.sessions.append(response.json()["session_id"])
    except (OSError, HttpError, ValueError, KeyError) as exc:
        error = type(exc).__name__
    tally.add(endpoint, (time.perf_counter() - scheduled) * 1000, error)


async def run_phase(port: int, workload: Workload, rate: float, duration_s: float, max_requests: int,
                    max_in_flight: int, server_pid: int, rss_log: list[tuple[float, float]] | None = None,
                    clock_start: float | None = None) -> dict:
    """Poisson arrivals at `rate`/s for `duration_s` (at most `max_requests`); waits for stragglers."""
    pool, tally, tasks = ConnectionPool("127.0.0.1", port), Tally(), set()
    started = time.perf_counter()
    clock_start = clock_start if clock_start is not None else started
    cpu_before = cpu_seconds(server_pid)
    next_arrival, next_rss, sent, overloaded = started, started, 0, False
    while sent < max_requests:
        now = time.perf_counter()
        if now - started >= duration_s:
            break
        if rss_log is not None and now >= next_rss:
            rss_log.append((round(now - clock_start, 1), rss_mb(server_pid)))
            next_rss += RSS_EVERY_S
        if now < next_arrival:
            await asyncio.sleep(min(next_arrival - now, max(0.0, next_rss - now) if rss_log is not None else 1.0))
            continue
        if len(tasks) >= max_in_flight:
            overloaded = True
            break
        task = asyncio.ensure_future(_one(pool, workload, workload.pick_kind(), next_arrival, tally))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        sent += 1
        next_arrival += workload.rng.expovariate(rate)
    offered_s = time.perf_counter() - started
    if tasks:
        await asyncio.wait(set(tasks), timeout=60)
    elapsed = time.perf_counter() - started
    pool.close()
    done = sum(len(v) for v in tally.latencies.values())
    summary = tally.summary()
    chat_p95 = summary.get("chat", {}).get("p95_ms", float("inf"))
    return {"target_rate": rate, "sent": sent, "completed": done, "unfinished": sent - done,
            "offered_seconds": round(offered_s, 1), "achieved_rate": round(done / elapsed, 2),
            "overloaded": overloaded, "errors": tally.error_count, "endpoints": summary,
            "server_cpu_ms_per_request": round((cpu_seconds(server_pid) - cpu_before) / max(done, 1) * 1000, 1),
            "connections_opened": pool.opened,
            "passed": (not overloaded and tally.error_count == 0 and sent == done and chat_p95 <= CHAT_P95_TARGET_MS)}


def start_server(port: int, workers: int, records: Path, log_file: Path) -> subprocess.Popen:
    """`fayuan serve` (the CLI users run) on the configured knowledge base, records in `records`."""
    env = {**os.environ, **server_environment(None, f"sqlite:///{records.as_posix()}")}
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    with open(log_file, "ab") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


async def _wait_ready(pool: ConnectionPool, server: subprocess.Popen, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if (await pool.request("GET", "/readyz")).status == 200:
                return
        except (OSError, HttpError):
            pass
        await asyncio.sleep(0.5)
    raise SystemExit("the server was not ready in time")


async def _warm_up(port: int, workload: Workload, connections: int) -> None:
    """Model, caches and SQLite warm (a served deployment has answered questions already), over
    several connections at once so that every worker process gets some."""
    async def client(questions: list[str]) -> None:
        pool = ConnectionPool("127.0.0.1", port)
        for question in questions:
            await pool.request("POST", "/v1/chat", {"message": question})
            await pool.request("GET", f"/v1/search?q={quote(question[:200])}")
            await pool.request("POST", "/v1/eligibility", {"facts": workload.facts[0]})
        pool.close()

    warm = workload.questions[-20 * connections:]
    await asyncio.gather(*(client(warm[i::connections]) for i in range(connections)))


async def main_async(args: argparse.Namespace) -> dict:
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="fayuan-load-"))
    log_file = folder / "server.log"
    server = start_server(port, args.workers, folder / "records.sqlite3", log_file)
    workload = Workload.load(args.seed)
    result: dict = {"mix": MIX, "workers": args.workers, "seed": args.seed, "cpu_count": os.cpu_count(),
                    "server_log": str(log_file)}
    try:
        pool = ConnectionPool("127.0.0.1", port)
        await _wait_ready(pool, server)
        pool.close()
        await _warm_up(port, workload, 2 * args.workers)
        rate = args.rate
        if args.find_rate:
            steps = []
            for step_rate in args.find_rate:
                step = await run_phase(port, workload, step_rate, args.step_seconds,
                                       int(step_rate * args.step_seconds), args.max_in_flight, server.pid)
                steps.append(step)
                _print_phase(f"step {step_rate}/s", step)
                if not step["passed"]:
                    break
                rate = step_rate
            result["rate_steps"] = steps
            if not any(s["passed"] for s in steps):   # still run (errors and memory over time), marked failed
                rate = args.find_rate[0]
                print(f"no step rate passed (chat p95 ≤ {CHAT_P95_TARGET_MS:.0f} ms, 0 errors): the main run uses "
                      f"the lowest, {rate}/s", flush=True)
        rss_log: list[tuple[float, float]] = []
        load_before = os.getloadavg()
        main = await run_phase(port, workload, rate, args.duration, args.max_requests or int(rate * args.duration),
                               args.max_in_flight, server.pid, rss_log)
        rss_log.append((round(args.duration, 1), rss_mb(server.pid)))
        result.update({"rate": rate, "duration_s": args.duration, "main": main,
                       "memory": {**memory_trend(rss_log, args.warm_up_seconds), "samples": rss_log},
                       "load_average_before": [round(x, 2) for x in load_before],
                       "load_average_after": [round(x, 2) for x in os.getloadavg()]})
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    return result


def _print_phase(label: str, phase: dict) -> None:
    print(f"{label}: achieved {phase['achieved_rate']}/s of {phase['target_rate']}/s, errors {phase['errors']}, "
          f"server CPU {phase['server_cpu_ms_per_request']} ms/request, "
          f"{'PASS' if phase['passed'] else 'FAIL'}{' (overloaded)' if phase['overloaded'] else ''}", flush=True)
    for endpoint, s in phase["endpoints"].items():
        print(f"    {endpoint:12s} n={s['n']:6d} p50 {s['p50_ms']:7.1f}  p95 {s['p95_ms']:7.1f}  "
              f"p99 {s['p99_ms']:7.1f} ms  errors {s['errors']} {s['error_kinds'] or ''}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of the main run (default 600)")
    parser.add_argument("--rate", type=float, default=20.0, help="arrivals per second (Poisson)")
    parser.add_argument("--max-requests", type=int, default=0, help="cap on arrivals (default rate × duration)")
    parser.add_argument("--max-in-flight", type=int, default=400, help="open requests that end the run early")
    parser.add_argument("--find-rate", type=lambda s: sorted(float(x) for x in s.split(",")), default=None,
                        help="comma-separated rates tried in short steps first; the best passing one is run")
    parser.add_argument("--step-seconds", type=float, default=60.0)
    parser.add_argument("--warm-up-seconds", type=float, default=60.0,
                        help="memory samples before this are left out of the slope")
    parser.add_argument("--workers", type=int, default=1, help="`fayuan serve --workers`")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.duration <= 0:
        parser.error("--rate and --duration must be positive")
    loop = new_event_loop()
    try:
        result = loop.run_until_complete(main_async(args))
    finally:
        loop.close()
    _print_phase(f"main run {args.duration:.0f} s", result["main"])
    memory = result["memory"]
    print(f"server RSS: first {memory['first_mb']} MB, after warm-up {memory['after_warm_up_first_mb']} MB, "
          f"last {memory['last_mb']} MB, max {memory['max_mb']} MB, slope after warm-up "
          f"{memory['slope_mb_per_min_after_warm_up']} MB/min ({len(memory['samples'])} samples)")
    if memory.get("slope_by_window"):
        print("slope per window: " + ", ".join(f"{w['from_s']:.0f}-{w['to_s']:.0f} s {w['slope_mb_per_min']} MB/min"
                                                for w in memory["slope_by_window"]))
    print(f"load average before {result['load_average_before']}, after {result['load_average_after']} "
          f"on {result['cpu_count']} cores")
    print("written to", write_result("load_test", result))


if __name__ == "__main__":
    main()
