"""Staff login throttling as an attacker would try it: a stranger failing the admin's password
every few minutes must not lock the admin out of her own address; the wait doubles; parallel
guesses cannot all pass; password checks (argon2) run at most HASH_SLOTS at a time. Real HTTP
through the app, real argon2 (fast parameters), the in-memory and (when FAYUAN_TEST_REDIS_URL is
set) the Redis counter."""
from __future__ import annotations

import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import HASH_SLOTS, login_throttle
from api.services import build_services
from assistant.limits.rate_limit import Backoff, MemoryRateLimiter
from assistant.limits.redis_rate_limit import RedisRateLimiter, redis_client
from assistant.staff.accounts import StaffDirectory
from assistant.staff.hashing_slots import HashingSlots
from tests.handoff_helpers import FAST_HASHER

ATTACKER, ADMIN_DESK = ("198.51.100.7", 1), ("203.0.113.5", 1)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SlowHasher:
    """FAST_HASHER whose verify takes `delay_s` and records how many run at once."""

    def __init__(self, delay_s: float):
        self.delay_s, self.running, self.most = delay_s, 0, 0
        self._lock = threading.Lock()

    def hash(self, password):
        return FAST_HASHER.hash(password)

    def check_needs_rehash(self, password_hash):
        return False

    def verify(self, password_hash, password):
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            time.sleep(self.delay_s)
            return FAST_HASHER.verify(password_hash, password)
        finally:
            with self._lock:
                self.running -= 1


def _app(settings, *, hasher=FAST_HASHER, limiter=None, **overrides):
    services = build_services(settings.model_copy(update={
        "login_max_failures": 3, "login_max_failures_per_ip": 20, "login_backoff_s": 60,
        "login_backoff_max_s": 3600, "login_failure_window_s": 900, **overrides}))
    if limiter is not None:
        services.login_limiter, services.login_throttle = limiter, login_throttle(services.settings, limiter)
    services.staff = StaffDirectory(services.records_engine, hasher=hasher)
    for name in ("boss", "lin", *(f"user{i}" for i in range(8))):
        services.staff.add(name, f"{name}-password", role="admin" if name == "boss" else "staff")
    return create_app(services=services), services


def _login(client, username, password):
    return client.post("/v1/auth/token", json={"username": username, "password": password})


def test_a_stranger_failing_every_three_minutes_does_not_lock_the_admin_out(settings):
    clock = FakeClock()
    app, _ = _app(settings, limiter=MemoryRateLimiter(clock=clock))
    attacker, admin = TestClient(app, client=ATTACKER), TestClient(app, client=ADMIN_DESK)
    for _ in range(20):                               # one hour of a guess every 3 minutes
        _login(attacker, "boss", "guess")
        clock.now += 180
        assert _login(admin, "boss", "boss-password").status_code == 200


def test_the_wait_doubles_with_each_further_failure(settings):
    clock = FakeClock()
    app, _ = _app(settings, limiter=MemoryRateLimiter(clock=clock))
    attacker = TestClient(app, client=ATTACKER)
    assert [_login(attacker, "boss", "guess").status_code for _ in range(3)] == [401] * 3
    waits = []
    for _ in range(4):
        refused = _login(attacker, "boss", "boss-password")       # even the right password waits
        assert refused.status_code == 429 and "登录失败次数过多" in refused.json()["detail"]
        waits.append(int(refused.headers["retry-after"]))
        clock.now += waits[-1]
        assert _login(attacker, "boss", "guess").status_code == 401
    assert waits == [60, 120, 240, 480]
    clock.now += 480 + 900                                          # left alone: forgotten
    assert _login(attacker, "boss", "boss-password").status_code == 200


def test_parallel_guesses_cannot_all_pass_the_check(settings):
    hasher = SlowHasher(0.2)
    app, _ = _app(settings, hasher=hasher)
    with TestClient(app, client=ATTACKER) as client, ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(lambda _: _login(client, "lin", "guess").status_code, range(10)))
    assert sorted(codes) == [401] * 3 + [429] * 7


def test_one_address_guessing_many_names_waits_and_its_right_logins_are_given_back(settings):
    app, _ = _app(settings, login_max_failures_per_ip=4)
    office = TestClient(app, client=ADMIN_DESK)
    for _ in range(6):                                             # successes do not use up the address
        assert _login(office, "lin", "lin-password").status_code == 200
    attacker = TestClient(app, client=ATTACKER)
    assert [_login(attacker, f"user{i}", "guess").status_code for i in range(5)] == [401] * 4 + [429]
    assert _login(office, "user4", "user4-password").status_code == 200


def test_at_most_hash_slots_password_checks_run_at_once(settings):
    hasher = SlowHasher(0.15)
    app, _ = _app(settings, hasher=hasher)
    with TestClient(app, client=ADMIN_DESK) as client, ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: _login(client, f"user{i}", f"user{i}-password").status_code, range(8)))
    assert codes == [200] * 8
    assert hasher.most == HASH_SLOTS == 2


def test_logins_that_find_no_place_in_time_get_a_503_and_are_not_counted(settings):
    hasher = SlowHasher(0.5)
    app, services = _app(settings, hasher=hasher, login_max_failures=1)
    services.login_hashing_slots = HashingSlots(1, max_wait_s=0.1)
    with TestClient(app, client=ADMIN_DESK) as client, ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(lambda i: _login(client, f"user{i}", "guess"), range(3)))
    busy = [r for r in responses if r.status_code == 503]
    assert sorted(r.status_code for r in responses) == [401, 503, 503]
    assert all("请稍后再试" in r.json()["detail"] and r.headers["retry-after"] for r in busy)
    services.login_hashing_slots = HashingSlots(1)
    client = TestClient(app, client=ADMIN_DESK)
    # the busy ones were given back: each of those users still has its one free attempt
    assert sorted(_login(client, f"user{i}", f"user{i}-password").status_code for i in range(3)) == [200, 200, 429]


# --- the counter itself, in memory and on Redis --------------------------------------------------

def _counters():
    clock = FakeClock()
    counters = [("memory", MemoryRateLimiter(clock=clock))]
    if os.environ.get("FAYUAN_TEST_REDIS_URL"):
        counters.append(("redis", RedisRateLimiter(redis_client(os.environ["FAYUAN_TEST_REDIS_URL"], 2),
                                                   key_secret=secrets.token_hex(8), clock=clock)))
    return clock, counters


def test_backoff_counter_arithmetic_in_memory_and_on_redis():
    clock, counters = _counters()
    backoff = Backoff(free=2, base_s=10, max_s=35, forget_s=100)
    for name, limiter in counters:
        clock.now = 1000.0
        assert [limiter.attempt("k", backoff).allowed for _ in range(3)] == [True, True, False], name
        assert limiter.attempt("k", backoff).retry_after_s == pytest.approx(10), name
        clock.now += 10
        assert limiter.attempt("k", backoff).allowed, name
        assert limiter.attempt("k", backoff).retry_after_s == pytest.approx(20), name
        clock.now += 20
        assert limiter.attempt("k", backoff).allowed, name
        assert limiter.attempt("k", backoff).retry_after_s == pytest.approx(35), name   # capped
        limiter.undo("k")
        assert limiter.attempt("k", backoff).retry_after_s == pytest.approx(20), name   # one given back
        clock.now += 35 + 100
        assert limiter.attempt("k", backoff).allowed and limiter.attempt("k", backoff).allowed, name
        limiter.reset("k")
        assert limiter.attempt("k", backoff).allowed, name
