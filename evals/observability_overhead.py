"""Cost of the observability middleware per request, in process (no sockets, so the number is the
middleware's and not the network's):

    python -m evals.observability_overhead [--requests 2000] [--rounds 15]

The same Starlette router (one GET route returning a small JSON body, as /healthz does) is driven
through ASGI calls bare, then behind api.observe_middleware.ObservabilityMiddleware with the
access log off, then with the JSON access log on (written to /dev/null through the JsonFormatter
and the PII filter, as `fayuan serve` writes it to stderr). Each round times `--requests` calls;
the result is the median per-request time of the rounds and the difference to the bare router.
Target: well under 1 ms per request. Writes data/evals/observability_overhead.json."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time

from starlette.responses import JSONResponse
from starlette.routing import Route, Router

from evals.common import write_result


def _router() -> Router:
    async def health(request):
        return JSONResponse({"status": "ok"})

    return Router([Route("/healthz", health)])


def _scope(i: int) -> dict:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": "/healthz", "raw_path": b"/healthz", "root_path": "",
            "query_string": b"", "headers": [(b"host", b"127.0.0.1"), (b"x-request-id", f"bench-{i}".encode())],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}


async def _receive():
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message):
    return None


async def _round(app, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        await app(_scope(i), _receive, _send)
    return (time.perf_counter() - start) / n * 1e6      # µs per request


def _median_us(app, requests: int, rounds: int) -> float:
    async def run():
        await _round(app, 200)                          # warm-up
        return [await _round(app, requests) for _ in range(rounds)]

    return statistics.median(asyncio.run(run()))


def _json_log_to_devnull():
    from api.logging_setup import JsonFormatter
    from assistant.privacy import PiiLogFilter

    handler = logging.StreamHandler(open(os.devnull, "w", encoding="utf-8"))
    handler.setFormatter(JsonFormatter())
    handler.addFilter(PiiLogFilter())
    access = logging.getLogger("fayuan.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False


def run(requests: int, rounds: int) -> dict:
    from prometheus_client import CollectorRegistry

    from api.metrics import HttpMetrics
    from api.observe_middleware import ObservabilityMiddleware

    bare = _median_us(_router(), requests, rounds)
    quiet = _median_us(ObservabilityMiddleware(_router(), HttpMetrics(CollectorRegistry()), access_log_enabled=False),
                       requests, rounds)
    _json_log_to_devnull()
    logged = _median_us(ObservabilityMiddleware(_router(), HttpMetrics(CollectorRegistry())), requests, rounds)
    return {"requests_per_round": requests, "rounds": rounds, "load_average": os.getloadavg()[0],
            "bare_router_us": round(bare, 1),
            "middleware_no_access_log_us": round(quiet, 1), "overhead_no_access_log_us": round(quiet - bare, 1),
            "middleware_json_access_log_us": round(logged, 1), "overhead_json_access_log_us": round(logged - bare, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    result = run(args.requests, args.rounds)
    for key, value in result.items():
        print(f"{key:34} {value}")
    print(f"written to {write_result('observability_overhead', result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
