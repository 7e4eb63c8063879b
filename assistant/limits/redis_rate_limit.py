"""A `RateLimiter` on Redis, so every worker process and replica counts against one budget.

The GCRA arithmetic of `MemoryRateLimiter` runs atomically in one Lua script (EVALSHA; EVAL when
the server does not know the script yet, e.g. after a restart). The script keeps one key per bucket
holding its theoretical arrival time, with a TTL that ends when the bucket is full again: such a key
carries no state, so nothing accumulates.

Clock: Redis' own (`TIME`), one clock for every process and host; tests pass a clock instead.
Keys: a keyed hash of the limiter key (IPs, WeChat openids and login names never sit in Redis).
Errors are not handled here: `RedisError` goes to the caller (assistant.limits.rate_limit_guard decides)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable

import redis
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError
from redis.retry import Retry

from assistant.limits.rate_limit import Backoff, Decision
from knowledge.rates import Rate

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

# the Backoff counter of assistant.limits.rate_limit (same arithmetic), one "count:last" string per key.
# KEYS[1]; ARGV: free, base_s, max_s, forget_s, now_s ('' = the server's clock), 'attempt' / 'undo'.
BACKOFF_SCRIPT = """
local free, base, maxw, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function wait_after(c)
  if c < free then return 0 end
  return math.min(maxw, base * 2 ^ math.min(c - free, 60))
end
local count, last = 0, now
local stored = redis.call('GET', KEYS[1])
if stored then
  local sep = string.find(stored, ':', 1, true)
  count, last = tonumber(string.sub(stored, 1, sep - 1)), tonumber(string.sub(stored, sep + 1))
end
if ARGV[6] == 'undo' then
  if count > 1 then
    redis.call('SET', KEYS[1], (count - 1) .. ':' .. string.format('%.17g', last), 'KEEPTTL')
  else
    redis.call('DEL', KEYS[1])
  end
  return {1, '0'}
end
if count > 0 and now >= last + wait_after(count) + forget then count = 0 end
local wait = 0
if count > 0 then wait = last + wait_after(count) - now end
if wait > 1e-9 then
  return {0, string.format('%.17g', wait)}
end
count = count + 1
local ttl = wait_after(count) + forget
redis.call('SET', KEYS[1], count .. ':' .. string.format('%.17g', now), 'PX', math.max(1, math.ceil(ttl * 1000)))
return {1, '0'}
"""
BACKOFF_SHA = hashlib.sha1(BACKOFF_SCRIPT.encode()).hexdigest()


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
        self._client.delete(self.redis_key(key), self.redis_key("backoff|" + key))

    def attempt(self, key: str, backoff: Backoff) -> Decision:
        return self._backoff(key, backoff, "attempt")

    def undo(self, key: str) -> None:
        self._backoff(key, Backoff(1, 0.0, 0.0, 0.0), "undo")

    def redis_key(self, key: str) -> str:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), key=self._hash_key, digest_size=16)
        return KEY_PREFIX + digest.hexdigest()

    def _now(self) -> str:
        return "" if self._clock is None else repr(float(self._clock()))

    def _run(self, key: str, rate: Rate, *, count: bool) -> Decision:
        args = (repr(rate.interval_s), repr(float(rate.period_s)), self._now(), "1" if count else "0")
        return self._script(GCRA_SCRIPT, GCRA_SHA, self.redis_key(key), args)

    def _backoff(self, key: str, backoff: Backoff, op: str) -> Decision:
        args = (str(backoff.free), repr(float(backoff.base_s)), repr(float(backoff.max_s)),
                repr(float(backoff.forget_s)), self._now(), op)
        # its own key space: an attempt counter and a GCRA bucket of one name never share a key
        return self._script(BACKOFF_SCRIPT, BACKOFF_SHA, self.redis_key("backoff|" + key), args)

    def _script(self, script: str, sha: str, bucket: str, args: tuple) -> Decision:
        try:
            allowed, wait = self._client.evalsha(sha, 1, bucket, *args)
        except NoScriptError:   # a fresh or restarted server: EVAL sends the script (and caches it)
            allowed, wait = self._client.eval(script, 1, bucket, *args)
        return Decision(True) if int(allowed) else Decision(False, float(wait))
