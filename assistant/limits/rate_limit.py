"""Rate limits: how many requests a key (an IP, a chat session, a WeChat user, a login name) may make.

`RateLimiter` is the seam: the in-memory `MemoryRateLimiter` serves one process (the default);
`assistant.limits.redis_rate_limit.RedisRateLimiter` (FAYUAN_REDIS_URL) runs the same arithmetic in Redis
for several workers and replicas, behind `assistant.limits.rate_limit_guard` for when Redis fails.

The arithmetic is GCRA, a token bucket kept as one timestamp per key: a `Rate` of N per period
lets N requests through at once, then one every period/N — "20 per minute" never lets more than
20 through in any 60 s, and tells the caller exactly how long to wait.

`attempt` is the other counter, for guesses (staff logins): a `Backoff` lets `free` attempts
through, then each further one waits twice as long as the one before (up to `max_s`); a key left
alone for `forget_s` after its wait starts from zero. Checking and counting are one atomic step,
so parallel guesses cannot all slip through between a check and a count."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from knowledge.rates import Rate


@dataclass(frozen=True)
class Backoff:
    free: int          # attempts that never wait
    base_s: float      # the wait after them; doubles with each further attempt
    max_s: float       # the longest wait
    forget_s: float    # a key idle this long after its wait starts again from zero

    def wait_after(self, count: int) -> float:
        """How long after the `count`-th attempt the next one may come."""
        if count < self.free:
            return 0.0
        return min(self.max_s, self.base_s * 2.0 ** min(count - self.free, 60))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: float = 0.0   # when refused: wait this long before the next request passes


class RateLimiter(Protocol):
    def hit(self, key: str, rate: Rate) -> Decision:
        """Count one request for `key`; refused requests are not counted."""

    def peek(self, key: str, rate: Rate) -> Decision:
        """Would one more request for `key` pass? Counts nothing."""

    def reset(self, key: str) -> None:
        """Forget `key` (e.g. a login name after a successful login)."""

    def attempt(self, key: str, backoff: Backoff) -> Decision:
        """Count one attempt for `key` unless it must wait (atomic; a refused attempt is not counted)."""

    def undo(self, key: str) -> None:
        """Give back one attempt of `key` (it turned out not to be a guess: a right password)."""


class MemoryRateLimiter:
    """GCRA in a dict, for one process; thread-safe (WeChat answers run in worker threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self._clock, self._max_keys = clock, max_keys
        self._tat: dict[str, float] = {}   # key → theoretical arrival time of the next request
        self._attempts: dict[str, tuple[int, float, float]] = {}   # key → (count, last attempt, forget at)
        self._lock = threading.Lock()

    def hit(self, key: str, rate: Rate) -> Decision:
        with self._lock:
            now = self._clock()
            decision, next_tat = self._decide(key, rate, now)
            if decision.allowed:
                if len(self._tat) >= self._max_keys and key not in self._tat:
                    self._forget_idle(now)
                self._tat[key] = next_tat
            return decision

    def peek(self, key: str, rate: Rate) -> Decision:
        with self._lock:
            return self._decide(key, rate, self._clock())[0]

    def reset(self, key: str) -> None:
        with self._lock:
            self._tat.pop(key, None)
            self._attempts.pop(key, None)

    def attempt(self, key: str, backoff: Backoff) -> Decision:
        with self._lock:
            now = self._clock()
            count, last, forget_at = self._attempts.get(key, (0, now, now))
            if count and now >= forget_at:
                count = 0
            wait = last + backoff.wait_after(count) - now if count else 0.0
            if wait > 1e-9:
                return Decision(False, wait)
            if len(self._attempts) >= self._max_keys and key not in self._attempts:
                self._forget_idle_attempts(now)
            count += 1
            self._attempts[key] = (count, now, now + backoff.wait_after(count) + backoff.forget_s)
            return Decision(True)

    def undo(self, key: str) -> None:
        with self._lock:
            count, last, forget_at = self._attempts.get(key, (0, 0.0, 0.0))
            if count > 1:
                self._attempts[key] = (count - 1, last, forget_at)
            else:
                self._attempts.pop(key, None)

    def _forget_idle_attempts(self, now: float) -> None:
        for key in [k for k, (_, _, forget_at) in self._attempts.items() if forget_at <= now]:
            del self._attempts[key]
        if len(self._attempts) >= self._max_keys:   # a flood of fresh keys: drop the oldest half
            for key in sorted(self._attempts, key=lambda k: self._attempts[k][1])[: len(self._attempts) // 2]:
                del self._attempts[key]

    def _decide(self, key: str, rate: Rate, now: float) -> tuple[Decision, float]:
        next_tat = max(self._tat.get(key, now), now) + rate.interval_s
        wait = next_tat - now - rate.period_s
        if wait > 1e-9:
            return Decision(False, wait), next_tat
        return Decision(True), next_tat

    def _forget_idle(self, now: float) -> None:
        """Keys whose bucket is full again carry no state; drop them so memory stays bounded."""
        for key in [k for k, tat in self._tat.items() if tat <= now]:
            del self._tat[key]
        if len(self._tat) >= self._max_keys:   # all busy (a flood of fresh keys): drop the oldest half
            for key in sorted(self._tat, key=self._tat.__getitem__)[: len(self._tat) // 2]:
                del self._tat[key]
