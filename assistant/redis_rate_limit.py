"""A `RateLimiter` on Redis, so every worker process and replica counts against one budget.

The GCRA arithmetic of `MemoryRateLimiter` runs atomically in one Lua script (EVALSHA; EVAL when
the server does not know the script yet, e.g. after a restart). The script keeps one key per bucket
holding its theoretical arrival time, with a TTL that ends when the bucket is full again: such a key
carries no state, so nothing accumulates.

Clock: Redis' own (`TIME`), one clock for every process and host; tests pass a clock instead.
Keys: a keyed hash of the limiter key (IPs, WeChat openids and login names never sit in Redis).
Errors are not handled here: `RedisError` goes to the caller (assistant.rate_limit_guard decides)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError
from redis.retry import Retry

from assistant.rate_limit import Decision, Rate

KEY_PREFIX = "fayuan:rl:"

# KEYS[1] bucket; ARGV: interval_s, period_s, now_s ('' = the server's clock), '1' count / '0' peek.
# Floats go back as strings: Redis truncates Lua numbers to integers in replies.
GCRA_SCRIPT = """
local interval, period = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local stored = redis.call('GET', KEYS[1])
local tat = stored and tonumber(stored) or now
if tat < now then tat = now end
local next_tat = tat + interval
local wait = next_tat - now - period
if wait > 1e-9 then
  return {0, string.format('%.17g', wait)}
end
if ARGV[4] == '1' then
  redis.call('SET', KEYS[1], string.format('%.17g', next_tat), 'PX', math.max(1, math.ceil((next_tat - now) * 1000)))
end
return {1, '0'}
"""
GCRA_SHA = hashlib.sha1(GCRA_SCRIPT.encode()).hexdigest()


def redis_client(url: str, timeout_s: float) -> redis.Redis:
    """A client whose every connect and command gives up after `timeout_s`, retried once (a pooled
    connection the server closed), never with redis-py's default 10 retries and back-off."""
    return redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
                                retry=Retry(NoBackoff(), 1), decode_responses=True)


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, *, key_secret: str, clock: Callable[[], float] | None = None):
        self._client, self._clock = client, clock
        # blake2b keys are at most 64 bytes: hash the secret first
        self._hash_key = hashlib.sha256(b"fayuan rate limit keys\0" + key_secret.encode()).digest()

    def hit(self, key: str, rate: Rate) -> Decision:
        return self._run(key, rate, count=True)

    def peek(self, key: str, rate: Rate) -> Decision:
        return self._run(key, rate, count=False)

    def reset(self, key: str) -> None:
        self._client.delete(self.redis_key(key))

    def redis_key(self, key: str) -> str:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), key=self._hash_key, digest_size=16)
        return KEY_PREFIX + digest.hexdigest()

    def _run(self, key: str, rate: Rate, *, count: bool) -> Decision:
        now = "" if self._clock is None else repr(float(self._clock()))
        args = (repr(rate.interval_s), repr(float(rate.period_s)), now, "1" if count else "0")
        bucket = self.redis_key(key)
        try:
            allowed, wait = self._client.evalsha(GCRA_SHA, 1, bucket, *args)
        except NoScriptError:   # a fresh or restarted server: EVAL sends the script (and caches it)
            allowed, wait = self._client.eval(GCRA_SCRIPT, 1, bucket, *args)
        return Decision(True) if int(allowed) else Decision(False, float(wait))
