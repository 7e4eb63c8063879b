"""Staff login throttling, counted before the password is checked.

Two counters, both `Backoff`s (assistant.limits.rate_limit): one per (username, client address) and one
per client address. Each lets a few attempts through, then makes every further one wait twice as
long as the one before. A stranger guessing the admin's password from his own address only
locks out himself: the admin logging in from her address uses another counter. An address
guessing many usernames is stopped by its own counter.

`begin` counts the attempt before the (slow) password check, in one atomic step per counter, so N
parallel guesses cannot all pass a check made before any of them was counted. A right password
then clears the pair's counter and gives the address its attempt back (a busy office behind one
address is not slowed by its successful logins)."""
from __future__ import annotations

from assistant.limits.rate_limit import Backoff, RateLimiter


class LoginThrottle:
    def __init__(self, limiter: RateLimiter, *, max_failures: int, max_failures_per_ip: int, backoff_s: float,
                 max_backoff_s: float, forget_s: float):
        self._limiter = limiter
        self._per_pair = Backoff(max_failures, backoff_s, max_backoff_s, forget_s)
        self._per_ip = Backoff(max_failures_per_ip, backoff_s, max_backoff_s, forget_s)

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        name = (username or "").strip().lower()
        return f"login:pair:{len(name)}:{name}:{ip}", f"login:ip:{ip}"

    def begin(self, username: str, ip: str) -> float | None:
        """Count this attempt; the seconds to wait when it must be refused instead (None: go ahead)."""
        pair_key, ip_key = self._keys(username, ip)
        pair = self._limiter.attempt(pair_key, self._per_pair)
        if not pair.allowed:
            return pair.retry_after_s
        by_ip = self._limiter.attempt(ip_key, self._per_ip)
        if not by_ip.allowed:
            self._limiter.undo(pair_key)      # refused before any check: not a guess at this name
            return by_ip.retry_after_s
        return None

    def abandoned(self, username: str, ip: str) -> None:
        """The attempt was counted but its password never checked (the server was busy)."""
        for key in self._keys(username, ip):
            self._limiter.undo(key)

    def succeeded(self, username: str, ip: str) -> None:
        pair_key, ip_key = self._keys(username, ip)
        self._limiter.reset(pair_key)
        self._limiter.undo(ip_key)
