"""What a rate limit does when its shared backend (Redis) does not answer.

A county office would rather serve villagers unlimited for a while than answer every chat with a
500, so the public limits fail open: the request passes. Staff logins must never become an open
door for password guessing, yet refusing every login would lock the staff out of the console while
people wait for a human; so the login throttle falls back to counting in this process (with N
workers an attacker gets at most N times the budget, e.g. 10 instead of 5 guesses per name).

Either way the failure is logged once (and its end), counted in
`fayuan_rate_limit_backend_errors_total` / `fayuan_rate_limit_fallback_total`, and after an error the
backend is left alone for `retry_after_s`, so a dead Redis costs one timeout per period instead of
one per request."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from redis.exceptions import RedisError

from assistant.limits.rate_limit import Backoff, Decision, RateLimiter
from assistant.telemetry import RATE_LIMIT_BACKEND_ERRORS, RATE_LIMIT_FALLBACKS
from knowledge.rates import Rate

log = logging.getLogger(__name__)


class GuardedLimiter:
    """`primary`, or — while it fails — `fallback` (None: every request passes)."""

    def __init__(self, primary: RateLimiter, name: str, *, fallback: RateLimiter | None, retry_after_s: float,
                 clock: Callable[[], float] = time.monotonic):
        self._primary, self._fallback, self.name = primary, fallback, name
        self._retry_after_s, self._clock = retry_after_s, clock
        self._down_until: float | None = None    # set while the primary is failing
        self._lock = threading.Lock()
        policy = "memory" if fallback is not None else "allowed"
        self._errors = RATE_LIMIT_BACKEND_ERRORS.labels(limiter=name)
        self._fallbacks = RATE_LIMIT_FALLBACKS.labels(limiter=name, fallback=policy)

    def hit(self, key: str, rate: Rate) -> Decision:
        return self._decide("hit", key, rate)

    def peek(self, key: str, rate: Rate) -> Decision:
        return self._decide("peek", key, rate)

    def attempt(self, key: str, backoff: Backoff) -> Decision:
        return self._decide("attempt", key, backoff)

    def undo(self, key: str) -> None:
        self._decide("undo", key)

    def reset(self, key: str) -> None:
        if self._fallback is not None:   # counts made during an outage must not outlive a success
            self._fallback.reset(key)
        if self._primary_usable():
            try:
                self._primary.reset(key)
                self._recovered()
            except RedisError as exc:
                self._failed(exc)

    def _decide(self, op: str, *args) -> Decision:
        if self._primary_usable():
            try:
                decision = getattr(self._primary, op)(*args)
                self._recovered()
                return decision
            except RedisError as exc:
                self._failed(exc)
        self._fallbacks.inc()
        return getattr(self._fallback, op)(*args) if self._fallback is not None else Decision(True)

    def _primary_usable(self) -> bool:
        down_until = self._down_until
        return down_until is None or self._clock() >= down_until

    def _failed(self, exc: Exception) -> None:
        self._errors.inc()
        with self._lock:
            first = self._down_until is None
            self._down_until = self._clock() + self._retry_after_s
        if first:
            what = "counted in this process" if self._fallback is not None else "not limited"
            log.warning("rate limits (%s): the shared backend failed (%s: %s); requests are %s until it answers",
                        self.name, type(exc).__name__, exc, what)

    def _recovered(self) -> None:
        if self._down_until is not None:
            with self._lock:
                was_down, self._down_until = self._down_until is not None, None
            if was_down:
                log.warning("rate limits (%s): the shared backend answers again", self.name)
