"""Rate limits shared by every worker through Redis (assistant/limits/redis_rate_limit.py) and what happens
when Redis fails (assistant/limits/rate_limit_guard.py): the same GCRA decisions as the in-memory limiter,
one budget for separate limiters and separate apps, keys that expire and reveal no IP or name,
fail-open chat and in-process login counting while Redis is down or silent.

Against a real redis-server: FAYUAN_TEST_REDIS_URL (scripts/system-deps.sh), and private throw-away
servers for the tests that stop or pause one. The guard tests without a server use a closed port."""
from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
import time

import pytest
import redis
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from api.app import create_app
from api.services import build_services
from assistant import telemetry
from assistant.limits.rate_limit import Decision, MemoryRateLimiter
from assistant.limits.rate_limit_guard import GuardedLimiter
from assistant.limits.redis_rate_limit import KEY_PREFIX, RedisRateLimiter, redis_client
from assistant.staff.accounts import StaffDirectory
from knowledge.rates import Rate
from tests.chat_support import chat_services
from tests.handoff_helpers import FAST_HASHER
from tests.server_process import free_port

ELIGIBILITY = {"facts": {"region": "浙江省杭州市", "household_size": 3, "monthly_income_total": 3000}}


class Clock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _limiter(url: str, clock=None, secret: str | None = None) -> RedisRateLimiter:
    """A limiter with its own client; a fresh key secret keeps its keys this test's alone."""
    return RedisRateLimiter(redis_client(url, 0.5), key_secret=secret or secrets.token_hex(8), clock=clock)


def _counted(metric, **labels) -> float:
    registry = CollectorRegistry()
    registry.register(metric)
    return registry.get_sample_value(f"{metric._name}_total", labels) or 0.0


def _errors(limiter: str) -> float:
    return _counted(telemetry.RATE_LIMIT_BACKEND_ERRORS, limiter=limiter)


def _fallbacks(limiter: str, fallback: str) -> float:
    return _counted(telemetry.RATE_LIMIT_FALLBACKS, limiter=limiter, fallback=fallback)


@pytest.fixture
def private_redis(redis_url, tmp_path):
    """A redis-server of this test's own, which it may stop: yields (url, process)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/system-deps.sh installs it)")
    port = free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    probe = redis_client(url, 0.5)
    deadline = time.monotonic() + 10
    while True:
        try:
            probe.ping()
            break
        except redis.RedisError:
            assert time.monotonic() < deadline and proc.poll() is None, "private redis-server did not start"
            time.sleep(0.05)
    yield url, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


# --- the limiter on a real Redis -------------------------------------------------------------------

@pytest.mark.redis
def test_redis_makes_the_same_decisions_as_memory_for_a_scripted_sequence(redis_url):
    clock = Clock()
    shared, memory = _limiter(redis_url, clock), MemoryRateLimiter(clock)
    burst, slow = Rate(3, 60), Rate(2, 10)
    # (seconds to advance, operation, key, rate): bursts, refusals, refills, peeks, resets, two rates
    script = [(0, "hit", "a", burst)] * 4 + [(0, "peek", "a", burst), (5, "hit", "a", burst), (15, "hit", "a", burst),
              (0, "hit", "a", burst), (0, "hit", "b", slow), (0, "hit", "b", slow), (0, "hit", "b", slow),
              (2.5, "peek", "b", slow), (2.5, "hit", "b", slow), (0, "reset", "a", burst), (0, "hit", "a", burst),
              (100, "hit", "a", burst), (0.001, "hit", "a", burst), (0.001, "hit", "a", burst),
              (0.001, "hit", "a", burst), (1e-4, "peek", "a", burst), (19.997, "hit", "a", burst)]
    got_shared, got_memory = [], []
    for advance, op, key, rate in script:
        clock.now += advance
        if op == "reset":
            shared.reset(key), memory.reset(key)
            continue
        got_shared.append(getattr(shared, op)(key, rate))
        got_memory.append(getattr(memory, op)(key, rate))
    assert got_shared == got_memory                      # bit for bit, retry_after included
    # and they are the right decisions: 3 at once, the 4th waits one interval (20 s), refusals are not counted
    assert [d.allowed for d in got_shared[:4]] == [True, True, True, False]
    assert got_shared[3] == Decision(False, pytest.approx(20.0))
    assert got_shared[5] == Decision(False, pytest.approx(15.0)) and got_shared[6].allowed
    assert sum(not d.allowed for d in got_shared) >= 5


@pytest.mark.redis
def test_two_limiters_on_one_redis_share_one_budget(redis_url):
    """Separate clients (as in two worker processes), Redis' own clock: one budget of 5."""
    secret = secrets.token_hex(8)
    first, second = _limiter(redis_url, secret=secret), _limiter(redis_url, secret=secret)
    rate = Rate(5, 60)
    decisions = [limiter.hit("ip:chat:203.0.113.9", rate) for _ in range(4) for limiter in (first, second)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 3
    assert 0 < decisions[-1].retry_after_s <= 12.0
    assert not second.peek("ip:chat:203.0.113.9", rate).allowed
    first.reset("ip:chat:203.0.113.9")
    assert second.hit("ip:chat:203.0.113.9", rate).allowed


@pytest.mark.redis
def test_buckets_expire_when_full_again_and_hold_no_ip_or_name(redis_url):
    clock = Clock()
    limiter, client = _limiter(redis_url, clock), redis.Redis.from_url(redis_url, socket_timeout=2,
                                                                       socket_connect_timeout=2)
    rate = Rate(3, 60)                                   # one request = 20 s of the bucket
    key = "login:name:zhangsan@203.0.113.9"
    assert limiter.peek(key, rate).allowed
    assert client.exists(limiter.redis_key(key)) == 0    # a peek writes nothing
    limiter.hit(key, rate)
    assert 19_000 < client.pttl(limiter.redis_key(key)) <= 20_000
    limiter.hit(key, rate), limiter.hit(key, rate)
    assert 59_000 < client.pttl(limiter.redis_key(key)) <= 60_000
    assert not limiter.hit(key, rate).allowed
    assert 59_000 < client.pttl(limiter.redis_key(key)) <= 60_000   # a refusal extends nothing
    assert limiter.redis_key(key).startswith(KEY_PREFIX)
    assert client.keys("*zhangsan*") == [] and client.keys("*203.0.113.9*") == []


@pytest.mark.redis
def test_the_script_is_sent_again_after_a_script_flush(private_redis):
    url, _ = private_redis
    limiter = _limiter(url)
    assert limiter.hit("k", Rate(1, 60)).allowed
    redis_client(url, 0.5).script_flush()                # as after a Redis restart: EVALSHA → NOSCRIPT
    assert not limiter.hit("k", Rate(1, 60)).allowed


# --- two apps (two workers) on one Redis ----------------------------------------------------------

def _shared_app(settings, redis_url: str, secret: str, **overrides):
    services = build_services(settings.model_copy(update={
        "redis_url": redis_url, "secret_key": secret, "login_max_failures": 3, **overrides}))
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    return TestClient(create_app(services=services)), services


@pytest.mark.redis
def test_two_apps_on_one_redis_share_the_per_ip_and_login_budgets(settings, redis_url):
    secret = secrets.token_hex(16)
    first, services = _shared_app(settings, redis_url, secret, rate_eligibility_per_ip="4/min")
    second, _ = _shared_app(settings, redis_url, secret, rate_eligibility_per_ip="4/min")
    services.staff.add("lin", "lin-password")
    codes = [client.post("/v1/eligibility", json=ELIGIBILITY).status_code
             for _ in range(3) for client in (first, second)]
    assert codes == [200, 200, 200, 200, 429, 429]       # in memory each app would have let 4 through

    login = {"username": "lin", "password": "wrong"}
    assert [c.post("/v1/auth/token", json=login).status_code for c in (first, second, first)] == [401] * 3
    refused = second.post("/v1/auth/token", json={"username": "lin", "password": "lin-password"})
    assert refused.status_code == 429 and "登录失败次数过多" in refused.json()["detail"]


# --- Redis down or silent --------------------------------------------------------------------------

def test_guard_fails_open_for_public_limits_when_redis_refuses_connections(caplog):
    """No server at all (a closed port): every request passes, one warning, counted; after the
    retry period Redis is tried again (and is still down)."""
    clock = Clock()
    dead = RedisRateLimiter(redis_client(f"redis://127.0.0.1:{free_port()}/0", 0.5), key_secret="s")
    guard = GuardedLimiter(dead, "public", fallback=None, retry_after_s=5, clock=clock)
    errors_before, passed_before = _errors("public"), _fallbacks("public", "allowed")
    with caplog.at_level(logging.WARNING, logger="assistant.limits.rate_limit_guard"):
        assert all(guard.hit("ip:chat:203.0.113.9", Rate(1, 60)).allowed for _ in range(10))
        clock.now += 5
        assert guard.hit("ip:chat:203.0.113.9", Rate(1, 60)).allowed
    assert _errors("public") == errors_before + 2      # the first call and the one after 5 s
    assert _fallbacks("public", "allowed") == passed_before + 11
    warnings = [r for r in caplog.records if r.name == "assistant.limits.rate_limit_guard"]
    assert len(warnings) == 1 and "not limited" in warnings[0].getMessage()


def test_guard_counts_logins_in_process_when_redis_is_down():
    dead = RedisRateLimiter(redis_client(f"redis://127.0.0.1:{free_port()}/0", 0.5), key_secret="s")
    guard = GuardedLimiter(dead, "login", fallback=MemoryRateLimiter(), retry_after_s=5)
    before = _fallbacks("login", "memory")
    rate = Rate(3, 900)
    assert [guard.hit("login:name:lin", rate).allowed for _ in range(4)] == [True, True, True, False]
    assert not guard.peek("login:name:lin", rate).allowed
    guard.reset("login:name:lin")                        # a success clears the in-process count too
    assert guard.peek("login:name:lin", rate).allowed
    assert _fallbacks("login", "memory") == before + 6


@pytest.mark.redis
def test_redis_stopped_mid_way_chat_answers_and_logins_stay_throttled(small_kb, small_kb_settings, tmp_path,
                                                                       private_redis, caplog):
    url, proc = private_redis
    services = chat_services(small_kb, small_kb_settings, tmp_path, redis_url=url, secret_key=secrets.token_hex(16),
                             rate_chat_per_user="3/min", login_max_failures=3, redis_retry_after_s=0)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password")
    client = TestClient(create_app(services=services))
    first = client.post("/v1/chat", json={"message": "公司拖欠我三个月工资怎么办"})
    chat = {"session_id": first.json()["session_id"], "message": "公司拖欠我三个月工资怎么办"}   # the issued id
    assert first.status_code == 200       # the limit counts per address and issued session: this one has none yet
    assert [client.post("/v1/chat", json=chat).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.post("/v1/auth/token", json={"username": "lin", "password": "wrong"}).status_code == 401

    proc.kill()
    proc.wait(timeout=10)
    with caplog.at_level(logging.WARNING, logger="assistant.limits.rate_limit_guard"):
        assert [client.post("/v1/chat", json=chat).status_code for _ in range(3)] == [200, 200, 200]   # fail open
        wrong = [client.post("/v1/auth/token", json={"username": "lin", "password": "wrong"}).status_code
                 for _ in range(4)]
    # counted in this process from the outage on (the failure made before it is in the dead Redis)
    assert wrong == [401, 401, 401, 429]
    assert client.post("/v1/auth/token", json={"username": "wang", "password": "x"}).status_code == 401
    assert any("not limited" in r.getMessage() for r in caplog.records)
    assert any("counted in this process" in r.getMessage() for r in caplog.records)
    metrics = client.get("/metrics").text
    assert 'fayuan_rate_limit_fallback_total{fallback="allowed",limiter="public"}' in metrics
    assert 'fayuan_rate_limit_backend_errors_total{limiter="login"}' in metrics


@pytest.mark.redis
def test_a_silent_redis_costs_at_most_the_timeout(settings, private_redis):
    """Redis accepts connections but answers nothing (CLIENT PAUSE): the request waits for the
    command timeout (one retry), not for ever, and then passes."""
    url, _ = private_redis
    client, _ = _shared_app(settings, url, secrets.token_hex(16), redis_timeout_s=0.2, redis_retry_after_s=30)
    assert client.post("/v1/eligibility", json=ELIGIBILITY).status_code == 200     # connection pooled
    redis_client(url, 0.5).execute_command("CLIENT", "PAUSE", 3000, "ALL")
    started = time.monotonic()
    assert client.post("/v1/eligibility", json=ELIGIBILITY).status_code == 200
    assert time.monotonic() - started < 1.5
    started = time.monotonic()                           # within the retry period Redis is not asked
    assert client.post("/v1/eligibility", json=ELIGIBILITY).status_code == 200
    assert time.monotonic() - started < 0.5


@pytest.mark.redis
def test_a_silent_redis_does_not_stall_other_requests(settings, private_redis):
    """While one request waits for a paused Redis, requests that need no limiter (/healthz) are
    answered at once: the limiter's call runs off the event loop."""
    import threading

    url, _ = private_redis
    _, services = _shared_app(settings, url, secrets.token_hex(16), redis_timeout_s=1.0, redis_retry_after_s=30)
    with TestClient(create_app(services=services)) as client:       # one event loop for every request
        assert client.post("/v1/eligibility", json=ELIGIBILITY).status_code == 200     # connection pooled
        redis_client(url, 0.5).execute_command("CLIENT", "PAUSE", 4000, "ALL")
        waiting = threading.Thread(target=client.post, args=("/v1/eligibility",), kwargs={"json": ELIGIBILITY})
        waiting.start()
        time.sleep(0.2)                                  # the eligibility request is now waiting on Redis
        started = time.monotonic()
        assert client.get("/healthz").status_code == 200
        assert time.monotonic() - started < 0.5
        waiting.join(timeout=10)
