"""Staff login throttling: after too many failed logins for one username, or from one IP, within
the window, further attempts are refused (429) without even checking the password. A successful
login clears the username's count; the IP's count is not cleared, so an attacker with one valid
account cannot use it to keep guessing other accounts' passwords."""
from __future__ import annotations

from assistant.rate_limit import Rate, RateLimiter


class LoginThrottle:
    def __init__(self, limiter: RateLimiter, *, max_failures: int, max_failures_per_ip: int, window_s: float):
        self._limiter = limiter
        self._per_name, self._per_ip = Rate(max_failures, window_s), Rate(max_failures_per_ip, window_s)

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"login:name:{(username or '').strip().lower()}", f"login:ip:{ip}"

    def retry_after(self, username: str, ip: str) -> float | None:
        """Seconds to wait when this attempt must be refused; None when it may go ahead."""
        name_key, ip_key = self._keys(username, ip)
        waits = [d.retry_after_s for d in (self._limiter.peek(name_key, self._per_name),
                                           self._limiter.peek(ip_key, self._per_ip)) if not d.allowed]
        return max(waits) if waits else None

    def failed(self, username: str, ip: str) -> None:
        name_key, ip_key = self._keys(username, ip)
        self._limiter.hit(name_key, self._per_name)
        self._limiter.hit(ip_key, self._per_ip)

    def succeeded(self, username: str, ip: str) -> None:
        self._limiter.reset(self._keys(username, ip)[0])
