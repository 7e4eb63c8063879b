"""The load-test machinery (evals.http_load, evals.load_test) against the real app served by
uvicorn on 127.0.0.1 over the small knowledge base: the lean client speaks HTTP/1.1 correctly
(keep-alive, JSON, chunked streams), an open-loop phase sends the mix and counts every answer."""
from __future__ import annotations

import os
import random

import pytest

from evals.http_load import Connection, ConnectionPool, cpu_seconds, rss_mb, run
from evals.load_test import Workload, memory_trend, run_phase
from tests.chat_support import chat_services, served_in_thread


@pytest.fixture
def served_app(small_kb, small_kb_settings, tmp_path):
    """The app in a uvicorn thread on the small knowledge base."""
    from api.app import create_app

    with served_in_thread(create_app(services=chat_services(small_kb, small_kb_settings, tmp_path))) as url:
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_client_keeps_the_connection_and_reads_json_and_chunked_bodies(served_app):
    async def session():
        pool = ConnectionPool("127.0.0.1", _port(served_app))
        first = await pool.request("POST", "/v1/chat", {"message": "老板拖欠工资怎么办"})
        again = await pool.request("POST", "/v1/chat", {"session_id": first.json()["session_id"],
                                                       "message": "那如果公司不给呢？"})
        stream = await pool.request("POST", "/v1/chat/stream", {"message": "离婚孩子归谁"})
        bad = await pool.request("POST", "/v1/chat", {"message": ""})
        health = await pool.request("GET", "/healthz")
        pool.close()
        return pool.opened, first, again, stream, bad, health

    opened, first, again, stream, bad, health = run(session())
    assert opened == 1                                  # five requests, one keep-alive connection
    assert first.status == 200 and first.json()["citations"]
    assert again.status == 200 and again.json()["session_id"] == first.json()["session_id"]
    assert stream.status == 200 and b"event: done" in stream.body   # a chunked SSE body, read whole
    assert bad.status == 422 and "消息不能为空" in bad.json()["detail"]
    assert health.status == 200


def test_open_loop_phase_sends_the_mix_and_counts_every_answer(served_app):
    workload = Workload.load(seed=3)
    workload.rng = random.Random(3)
    phase = run(run_phase(_port(served_app), workload, rate=15, duration_s=3, max_requests=45,
                          max_in_flight=200, server_pid=os.getpid()))
    assert phase["sent"] == phase["completed"] > 20 and phase["unfinished"] == 0
    assert phase["errors"] == 0, phase["endpoints"]
    assert set(phase["endpoints"]) == {"chat", "search", "eligibility"}
    assert all(s["p50_ms"] > 0 for s in phase["endpoints"].values())
    assert workload.sessions                            # new chats left sessions to follow up in
    assert phase["server_cpu_ms_per_request"] > 0


def test_a_phase_that_cannot_keep_up_stops_early_as_overloaded(served_app):
    phase = run(run_phase(_port(served_app), Workload.load(seed=5), rate=400, duration_s=2, max_requests=800,
                          max_in_flight=5, server_pid=os.getpid()))
    assert phase["overloaded"] and not phase["passed"]
    assert phase["sent"] <= 5 + 1 and phase["completed"] == phase["sent"]


def test_memory_trend_reports_slope_after_warm_up():
    # grows while warming up (caches fill), then only jitters
    flat = [(t, 1460.0 if t < 60 else 1500.0 + (t % 20) * 0.01) for t in range(0, 600, 10)]
    trend = memory_trend(flat, warm_up_s=60)
    assert abs(trend["slope_mb_per_min_after_warm_up"]) < 0.1
    assert (trend["first_mb"], trend["after_warm_up_first_mb"], trend["max_mb"]) == (1460.0, 1500.0, 1500.1)
    growing = [(t, 1500.0 + t / 10) for t in range(0, 600, 10)]     # +1 MB every 10 s
    assert memory_trend(growing, warm_up_s=60)["slope_mb_per_min_after_warm_up"] == pytest.approx(6.0)


def test_slope_per_window_falls_when_caches_fill_and_stays_for_a_leak():
    # caches filling: RSS approaches a ceiling (the recorded 30-minute run looked like this)
    filling = [(t, 3400.0 - 100.0 * 0.998 ** t) for t in range(0, 1860, 10)]
    windows = [w["slope_mb_per_min"] for w in memory_trend(filling, warm_up_s=60)["slope_by_window"]]
    assert len(windows) == 3 and windows[0] > windows[1] > windows[2] > 0
    leaking = [(t, 3300.0 + t / 20) for t in range(0, 1860, 10)]        # +3 MB/min for ever
    windows = [w["slope_mb_per_min"] for w in memory_trend(leaking, warm_up_s=60)["slope_by_window"]]
    assert windows == pytest.approx([3.0, 3.0, 3.0])


def test_process_figures_of_this_process():
    assert cpu_seconds(os.getpid()) > 0
    assert rss_mb(os.getpid()) > 10
