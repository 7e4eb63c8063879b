"""Rate limits: how many requests a key (an IP, a chat session, a WeChat user, a login name) may make.

`RateLimiter` is the seam: the in-memory `MemoryRateLimiter` serves one process (the default);
`assistant.redis_rate_limit.RedisRateLimiter` (FAYUAN_REDIS_URL) runs the same arithmetic in Redis
for several workers and replicas, behind `assistant.rate_limit_guard` for when Redis fails.

The arithmetic is GCRA, a token bucket kept as one timestamp per key: a `Rate` of N per period
lets N requests through at once, then one every period/N — "20 per minute" never lets more than
20 through in any 60 s, and tells the caller exactly how long to wait."""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
          "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int        # requests allowed …
    period_s: float   # … within this many seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """"20/min", "300/minute", "5/10s", "1000/h", "100/day"."""
        match = _RATE.match(text.lower()) if isinstance(text, str) else None
        if not match or match.group(3) not in _UNITS:
            raise ValueError(f"{text!r} is not a rate like 20/min, 5/10s or 1000/h")
        limit, count = int(match.group(1)), int(match.group(2) or 1)
        if limit < 1 or count < 1:
            raise ValueError(f"{text!r}: the count and the period must be positive")
        return cls(limit, count * _UNITS[match.group(3)])

    @property
    def interval_s(self) -> float:
        return self.period_s / self.limit

    def __str__(self) -> str:
        return f"{self.limit}/{self.period_s:g}s"


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


class MemoryRateLimiter:
    """GCRA in a dict, for one process; thread-safe (WeChat answers run in worker threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000):
        self._clock, self._max_keys = clock, max_keys
        self._tat: dict[str, float] = {}   # key → theoretical arrival time of the next request
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
