"""`Rate`: a request rate such as "20/min", the value type of the FAYUAN_RATE_* settings.

It lives on the ground floor so the settings can check a rate without knowing the rate limiters
(`assistant.limits.rate_limit`), which import it from here."""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Rate"]

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
