"""A real `fayuan serve --workers 2`: /metrics adds up both workers (prometheus_client multiprocess
mode, api/metrics_multiprocess.py) whichever worker answers the scrape, and with FAYUAN_REDIS_URL
both workers count against one rate-limit budget. No knowledge base: the workers start in seconds."""
from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.server_process import ServerProcess

REQUESTS = 40


def _serve(tmp_path: Path, **env: str) -> ServerProcess:
    data = tmp_path / "data"
    env = {"FAYUAN_LAWS_DIR": str(tmp_path / "no-laws"), "FAYUAN_SLA_SWEEP_INTERVAL_S": "0",
           "FAYUAN_RETENTION_PURGE_INTERVAL_HOURS": "0", **env}
    return ServerProcess(data, f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}", tmp_path / "server.log",
                         workers=2, ready_path="/healthz", **env).start(timeout_s=120)


def _fresh_connection_gets(url: str, n: int) -> list[int]:
    """n GETs, each on a new connection (so the kernel hands them to either worker), 4 at a time."""
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: httpx.get(url, timeout=30).status_code, range(n)))


def _healthz_count(metrics_text: str) -> float:
    for family in text_string_to_metric_families(metrics_text):
        if family.name == "fayuan_http_requests":
            return sum(s.value for s in family.samples
                       if s.name == "fayuan_http_requests_total" and s.labels["route"] == "/healthz")
    return 0.0


def _healthz_count_per_worker(folder: Path) -> list[float]:
    """Each worker's own count, read from its file alone."""
    counts = []
    for file in sorted(folder.glob("counter_*.db")):
        alone = Path(tempfile.mkdtemp(dir=folder.parent))
        shutil.copy(file, alone)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))
        counts.append(registry.get_sample_value(
            "fayuan_http_requests_total", {"method": "GET", "route": "/healthz", "status_class": "2xx"}) or 0.0)
    return counts


def test_metrics_add_up_every_worker(tmp_path):
    server = _serve(tmp_path)
    try:
        folder = tmp_path / "data" / "metrics" / str(server.port)
        warm_up = _healthz_count(httpx.get(f"{server.url}/metrics", timeout=30).text)   # the readiness probes
        sent = 0
        while sent < 10 * REQUESTS:   # until both workers have answered some (the kernel picks)
            assert _fresh_connection_gets(f"{server.url}/healthz", REQUESTS) == [200] * REQUESTS
            sent += REQUESTS
            per_worker = _healthz_count_per_worker(folder)
            if len(per_worker) == 2 and all(n > 0 for n in per_worker):
                break
        scrapes = [httpx.get(f"{server.url}/metrics", timeout=30).text for _ in range(8)]
    finally:
        server.stop()
    assert len(per_worker) == 2 and all(n > 0 for n in per_worker), per_worker
    assert sum(per_worker) == warm_up + sent
    assert [_healthz_count(text) for text in scrapes] == [warm_up + sent] * 8   # whichever worker answered
    text = scrapes[-1]
    assert "fayuan_http_requests_in_progress" in text and "fayuan_database_up 1.0" in text
    assert "process_resident_memory_bytes" not in text   # per-process collectors are off in this mode


def test_each_run_starts_from_an_empty_folder(tmp_path, monkeypatch):
    """The files of an earlier run would be added to the new counts: the CLI removes them (only
    *.db files, in case the folder was mistyped) before the workers start."""
    from api.metrics_multiprocess import ENV, prepare_dir

    monkeypatch.delenv(ENV, raising=False)
    folder = prepare_dir(tmp_path / "data", 8000)
    assert folder == tmp_path / "data" / "metrics" / "8000"
    (folder / "counter_4242.db").write_bytes(b"old")
    (folder / "notes.txt").write_text("keep")
    assert prepare_dir(tmp_path / "data", 8000) == folder
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    monkeypatch.setenv(ENV, str(tmp_path / "chosen"))    # the operator's own folder wins
    assert prepare_dir(tmp_path / "data", 8000) == tmp_path / "chosen"


@pytest.mark.redis
def test_both_workers_count_against_one_redis_budget(tmp_path, redis_url):
    import secrets

    server = _serve(tmp_path, FAYUAN_REDIS_URL=redis_url, FAYUAN_SECRET_KEY=secrets.token_hex(16),
                    FAYUAN_RATE_SEARCH_PER_IP="10/min")
    try:
        codes = _fresh_connection_gets(f"{server.url}/v1/laws", 30)
    finally:
        server.stop()
    # 10 in all (per process, two workers would have let up to 20 through)
    assert sum(code != 429 for code in codes) == 10 and codes.count(429) == 20
