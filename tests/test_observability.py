"""Structured logs with request ids, /metrics, and readiness failure modes, through the real app
(real SQLite records, the real small knowledge base where retrieval is involved)."""
from __future__ import annotations

import io
import json
import logging
import random
import shutil
import socket
import string
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.logging_setup import JsonFormatter, TextFormatter, logging_config
from api.request_context import UNMATCHED_ROUTE
from assistant.privacy import PiiLogFilter
from tests.chat_support import ask_chat, chat_services

ID18 = "110101199003071234"
MOBILE = "13812345678"
BANK = "6222021234567890123"


@contextmanager
def captured_logs(formatter: logging.Formatter, level: int = logging.DEBUG):
    """Every record of the process, formatted by `formatter` (as `fayuan serve` configures it),
    into a buffer; yields the buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    handler.addFilter(PiiLogFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def json_lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def samples(client, name: str) -> list:
    """Samples of metric family `name` (without the _total/_bucket suffixes) from GET /metrics."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.text):
        if family.name == name:
            return family.samples
    return []


def value(client, name: str, sample: str | None = None, **labels) -> float:
    found = [s.value for s in samples(client, name)
             if (sample is None or s.name == sample) and all(s.labels.get(k) == v for k, v in labels.items())]
    return sum(found)


# ---- request ids and JSON logs -------------------------------------------------------------------

def test_json_access_lines_carry_the_request_id_of_the_response(settings):
    with captured_logs(JsonFormatter()) as logs, TestClient(create_app(settings)) as client:
        given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
        made = client.get("/healthz")
        for bad in ("has spaces", "x" * 65, "<script>", MOBILE):   # not sane, or personal data
            assert client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"] != bad
    assert given.headers["x-request-id"] == "lb-7f3a.42"
    assert len(made.headers["x-request-id"]) == 16
    access = [line for line in json_lines(logs) if line["logger"] == "fayuan.access"]
    by_id = {line["request_id"]: line for line in access}
    for response in (given, made):
        line = by_id[response.headers["x-request-id"]]
        assert line["route"] == "/healthz" and line["status"] == 200 and line["method"] == "GET"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert {"ts", "level", "message"} <= set(line)


def test_log_lines_inside_a_request_carry_its_id(settings):
    """A route's own log line (the readiness warning, written from the thread pool) has the id."""
    from knowledge.database import make_engine

    app = create_app(settings)
    app.state.services.records_engine = make_engine(f"postgresql+psycopg://u:p@127.0.0.1:{_closed_port()}/x")
    with captured_logs(JsonFormatter()) as logs, TestClient(app) as client:
        response = client.get("/readyz")
    rid = response.headers["x-request-id"]
    warning = [line for line in json_lines(logs) if line["logger"] == "api.routers.health"]
    assert warning and all(line["request_id"] == rid and line["route"] == "/readyz" for line in warning)
    assert "exception" not in warning[0] or "u:p" not in warning[0]["exception"]


def test_pii_in_chat_never_reaches_any_json_log_line(small_kb, small_kb_settings, tmp_path):
    services = chat_services(small_kb, small_kb_settings, tmp_path)
    messages = [f"老板拖欠工资三个月，我电话{MOBILE}，身份证{ID18}，工资卡{BANK}怎么办",
                f"我月收入2300元，身份证号 {ID18}，能申请法律援助吗", f"转人工，打我手机 {MOBILE}"]
    with captured_logs(JsonFormatter()) as logs, TestClient(create_app(services=services)) as client:
        session = None
        for message in messages:
            session = ask_chat(client, message, session)["session_id"]
        client.get("/v1/search", params={"q": f"拖欠工资 {MOBILE}"})
        client.get(f"/v1/chat/{ID18}/messages")
        client.get(f"/no-such-page/{BANK}")
        client.post("/v1/chat", json={"message": f"{MOBILE}" * 2000})     # refused: too long
        logging.getLogger("fayuan.test").info("extras", extra={"phone": int(MOBILE), "card": {"no": BANK}})
    lines = json_lines(logs)            # every line is one JSON object
    # the test's own HTTP client logs its request URLs (a '+'-encoded query); the server is judged
    lines = [line for line in lines if "http://testserver/" not in line["message"]]
    text = json.dumps(lines, ensure_ascii=False)
    assert len(lines) >= len(messages) + 4
    for secret in (MOBILE, ID18, BANK, "2300"):
        assert secret not in text, f"{secret} leaked into the logs"
    assert any(line.get("path") == "/no-such-page/***************0123" for line in lines)


def test_a_crashing_route_answers_500_with_the_request_id(settings):
    app = create_app(settings)

    def boom():
        raise RuntimeError(f"bug while handling {MOBILE}")

    app.add_api_route("/test-boom/{item}", boom)
    with captured_logs(JsonFormatter()) as logs, TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/test-boom/1")
        assert value(client, "fayuan_http_requests", route="/test-boom/{item}", status_class="5xx") == 1
    assert response.status_code == 500
    assert response.json()["request_id"] == response.headers["x-request-id"]
    assert "12348" in response.json()["detail"] and MOBILE not in response.text
    access = next(line for line in json_lines(logs) if line.get("route") == "/test-boom/{item}")
    assert access["status"] == 500 and access["level"] == "WARNING"


def test_wechat_answer_threads_log_with_the_callback_request_id():
    """WeChat answers are computed on worker threads (the 5-second budget); their log lines,
    late deliveries included, keep the request id of the callback that started them."""
    import threading

    from api.request_context import RequestContext, enter_request, leave_request
    from assistant.channels.answer_budget import AnswerBudget

    budget = AnswerBudget(budget_s=0.05, workers=2)
    release, delivered = threading.Event(), threading.Event()
    log = logging.getLogger("fayuan.test.wechat")

    def slow_answer():
        log.info("answering")
        release.wait(5)
        return "答复"

    def late(answer):
        log.info("late delivery of %s", answer)
        delivered.set()

    with captured_logs(JsonFormatter()) as logs:
        token = enter_request(RequestContext("wx-cb-1", {}))
        try:
            assert budget.run(slow_answer, late) is None       # over budget: delivered later
            budget.submit(lambda: log.info("split part sent")).result(5)
        finally:
            leave_request(token)
        release.set()
        assert delivered.wait(5)
        budget.shutdown()
    lines = [line for line in json_lines(logs) if line["logger"] == "fayuan.test.wechat"]
    assert sorted(line["message"] for line in lines) == ["answering", "late delivery of 答复", "split part sent"]
    assert all(line["request_id"] == "wx-cb-1" for line in lines)


def test_text_format_is_masked_and_has_the_request_id(settings):
    with captured_logs(TextFormatter()) as logs, TestClient(create_app(settings)) as client:
        response = client.get(f"/nothing/{MOBILE}", headers={"X-Request-ID": "abc-1"})
    line = next(x for x in logs.getvalue().splitlines() if "fayuan.access" in x)
    assert response.status_code == 404
    assert "request_id=abc-1" in line and "route=unmatched" in line and MOBILE not in line


def test_logging_config_rejects_an_unknown_format_and_covers_uvicorn():
    with pytest.raises(ValueError, match="FAYUAN_LOG_FORMAT"):
        logging_config("yaml", "INFO")
    config = logging_config("json", "info")
    assert config["root"]["level"] == "INFO"
    assert {"uvicorn", "uvicorn.error", "uvicorn.access"} <= set(config["loggers"])
    # request URLs of the WeChat APIs hold access tokens: the HTTP client's INFO lines stay out
    assert config["loggers"]["httpx"]["level"] == "WARNING"


# ---- /metrics ------------------------------------------------------------------------------------

def test_metrics_expose_routes_retrieval_chat_and_queues(small_kb, small_kb_settings, tmp_path):
    services = chat_services(small_kb, small_kb_settings, tmp_path)
    with TestClient(create_app(services=services)) as client:
        assert value(client, "fayuan_knowledge_base_loaded") == 1
        assert value(client, "fayuan_knowledge_base_rows", table="articles") > 100
        assert value(client, "fayuan_database_up") == 1
        before = {stage: value(client, "fayuan_retrieval_stage_seconds", "fayuan_retrieval_stage_seconds_count",
                               stage=stage) for stage in ("lexical", "dense", "hits")}
        turns_before = value(client, "fayuan_chat_stage_seconds", "fayuan_chat_stage_seconds_count", stage="turn")
        assert client.get("/v1/search", params={"q": "拖欠工资"}).status_code == 200
        assert client.get("/v1/laws/劳动合同法/articles/38").status_code in (200, 404)
        session = ask_chat(client, "老板拖欠工资不给怎么办")["session_id"]
        ask_chat(client, "转人工", session)

        requests = samples(client, "fayuan_http_requests")
        routes = {s.labels["route"] for s in requests}
        assert {"/v1/search", "/v1/laws/{law}/articles/{article_id}", "/v1/chat"} <= routes
        assert not any("劳动合同法" in r for r in routes)
        assert value(client, "fayuan_http_requests", route="/v1/chat", method="POST", status_class="2xx") == 2
        assert value(client, "fayuan_http_request_duration_seconds", "fayuan_http_request_duration_seconds_count",
                     route="/v1/search") == 1
        for stage, count in before.items():
            assert value(client, "fayuan_retrieval_stage_seconds", "fayuan_retrieval_stage_seconds_count",
                         stage=stage) > count, stage
        assert value(client, "fayuan_search_seconds", "fayuan_search_seconds_count") >= 2
        assert value(client, "fayuan_query_embedding_seconds", "fayuan_query_embedding_seconds_count") >= 2
        assert value(client, "fayuan_chat_stage_seconds", "fayuan_chat_stage_seconds_count",
                     stage="turn") == turns_before + 2
        assert value(client, "fayuan_chat_stage_seconds", "fayuan_chat_stage_seconds_count", stage="compose") >= 1
        assert value(client, "fayuan_handoff_open_tickets", status="pending", priority="normal") == 1
        assert value(client, "process_resident_memory_bytes") > 0


def test_sla_breach_and_outbox_backlog_are_counted(settings):
    from datetime import timedelta

    from assistant.handoff.models import utcnow

    settings = settings.model_copy(update={"notify_webhook_url": f"http://127.0.0.1:{_closed_port()}/hook",
                                           "notify_timeout_s": 0.5, "sla_sweep_interval_s": 0})
    app = create_app(settings)
    services = app.state.services
    with TestClient(app) as client:
        breaches = value(client, "fayuan_handoff_sla_breaches", "fayuan_handoff_sla_breaches_total",
                         priority="urgent")
        services.handoff_desk.open("sess-metrics-1", trigger="urgent_risk", service="法律援助",
                                   priority="urgent", summary="紧急")
        assert value(client, "fayuan_notification_outbox", status="pending") == 1
        services.handoff_worker.run_once(utcnow() + timedelta(hours=2))    # deadline passed: escalate
        assert value(client, "fayuan_handoff_sla_breaches", "fayuan_handoff_sla_breaches_total",
                     priority="urgent") == breaches + 1
        assert value(client, "fayuan_handoff_open_tickets", status="escalated", priority="urgent") == 1
        # the webhook is down: the new-ticket and escalation notifications wait in the outbox
        assert value(client, "fayuan_notification_outbox", status="pending") == 2
        assert value(client, "fayuan_notification_outbox_oldest_pending_seconds") >= 0
        assert value(client, "fayuan_notifications", "fayuan_notifications_total", result="retried") >= 1


def test_random_404_paths_keep_label_cardinality_bounded(settings):
    rng = random.Random(8)
    with TestClient(create_app(settings)) as client:
        client.get("/healthz")
        for _ in range(100):
            path = "/" + "/".join("".join(rng.choices(string.ascii_letters + string.digits, k=8))
                                  for _ in range(rng.randint(1, 4)))
            assert client.get(path).status_code == 404
        for method in ("PURGE", "FOO", "BAR-1"):
            client.request(method, "/healthz")
        requests = samples(client, "fayuan_http_requests")
        durations = samples(client, "fayuan_http_request_duration_seconds")
    series = {tuple(sorted(s.labels.items())) for s in requests if s.name.endswith("_total")}
    routes = {dict(s)["route"] for s in series}
    assert routes <= {"/healthz", "/metrics", UNMATCHED_ROUTE}
    assert {dict(s)["method"] for s in series} <= {"GET", "other"}
    assert len(series) <= 4
    assert sum(s.value for s in requests if s.name.endswith("_total") and s.labels["route"] == UNMATCHED_ROUTE) == 100
    assert len({tuple(sorted(s.labels.items())) for s in durations}) <= 4 * 15    # series x buckets


def test_metrics_token_and_switch(settings):
    guarded = settings.model_copy(update={"metrics_token": "s3cret-token"})
    with TestClient(create_app(guarded)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    with TestClient(create_app(settings.model_copy(update={"metrics_enabled": False}))) as client:
        assert client.get("/metrics").status_code == 404
        assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_metrics_scrape_survives_an_unreachable_database(settings):
    from knowledge.database import make_engine

    app = create_app(settings)
    app.state.services.records_engine = make_engine(f"postgresql+psycopg://u:p@127.0.0.1:{_closed_port()}/x")
    with TestClient(app) as client:
        assert value(client, "fayuan_database_up") == 0
        assert value(client, "fayuan_knowledge_base_loaded") == 0
        assert samples(client, "fayuan_handoff_open_tickets") == []


# ---- readiness -------------------------------------------------------------------------------------

def test_readyz_without_knowledge_base(settings):
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"knowledge_base": False, "database": True}
    assert "knowledge base not loaded" in body["reasons"]["knowledge_base"] and "database" not in body["reasons"]


def test_readyz_when_the_database_is_unreachable(small_kb, small_kb_settings, tmp_path):
    from knowledge.database import make_engine

    services = chat_services(small_kb, small_kb_settings, tmp_path)
    with TestClient(create_app(services=services)) as client:
        assert client.get("/readyz").status_code == 200
        services.records_engine = make_engine(f"postgresql+psycopg://fayuan:pw@127.0.0.1:{_closed_port()}/records")
        response = client.get("/readyz")
        assert client.get("/healthz").status_code == 200      # alive, not ready
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"knowledge_base": True, "database": False}
    assert body["reasons"]["database"].startswith("records database unreachable (")
    assert "pw" not in body["reasons"]["database"] and "127.0.0.1" not in json.dumps(body)


def test_readyz_when_the_served_generation_disappears(small_kb_settings, tmp_path):
    """A generation folder deleted under the running process (a botched clean-up) is not ready."""
    from knowledge.kb import LiveKnowledgeBase

    copy = small_kb_settings.model_copy(update={"data_dir": tmp_path / "data"})
    shutil.copytree(small_kb_settings.kb_dir, copy.kb_dir)
    app = create_app(copy)
    assert isinstance(app.state.services.knowledge, LiveKnowledgeBase)
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        shutil.rmtree(app.state.services.knowledge.current().generation_dir)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reasons"] == {
        "knowledge_base": "knowledge base files are missing (the served generation was deleted)"}


def _closed_port() -> int:
    """A local port nothing listens on: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_fayuan_serve_writes_json_lines_for_app_and_uvicorn(tmp_path):
    """The real `fayuan serve` process: uvicorn's own lines and the app's are JSON, the access line
    carries the request id the response returned (no knowledge base: it starts in seconds)."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from tests.conftest import REPO

    port = _closed_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "FAYUAN_DATA_DIR": str(tmp_path / "data"),
           "FAYUAN_LAWS_DIR": str(tmp_path / "no-laws"), "FAYUAN_LOG_FORMAT": "json", "FAYUAN_SLA_SWEEP_INTERVAL_S": "0"}
    stderr = tmp_path / "serve.log"
    with open(stderr, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                                  cwd=REPO, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-1"}, timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, stderr.read_text(errors="replace")
                time.sleep(0.3)
        assert response.headers["x-request-id"] == "probe-1"
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 503
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [json.loads(line) for line in stderr.read_text(encoding="utf-8").splitlines() if line.strip()]
    loggers = {line["logger"] for line in lines}
    assert {"uvicorn.error", "fayuan.access"} <= loggers
    assert any(line["message"] == "Application startup complete." for line in lines)
    probe = [line for line in lines if line.get("request_id") == "probe-1"]
    assert [(p["logger"], p["route"], p["status"]) for p in probe] == [("fayuan.access", "/healthz", 200)]
