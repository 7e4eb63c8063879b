"""API access tokens (公众号 / WeCom) cached in the records database and refreshed by one worker.

WeChat invalidates the previous token whenever a new one is fetched, so workers must not all
refresh at once. A worker refreshes only after winning a conditional update on the row's
`refresh_lock_until` (atomic on SQLite and PostgreSQL); the others keep using the old token while it
is still valid, or wait briefly for the new one. Tokens are refreshed `refresh_margin_s` before
they expire."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from assistant.channels.errors import ChannelApiError
from assistant.channels.wechat_models import ChannelAccessToken

log = logging.getLogger(__name__)

TokenFetcher = Callable[[], tuple[str, int]]   # → (access_token, expires_in seconds)


class AccessTokenCache:
    def __init__(self, engine: Engine, name: str, fetch: TokenFetcher, *, refresh_margin_s: float = 300,
                 lock_s: float = 30, wait_s: float = 15, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep):
        self.engine, self.name, self.fetch = engine, name, fetch
        self.refresh_margin_s, self.lock_s, self.wait_s = refresh_margin_s, lock_s, wait_s
        self.clock, self.sleep = clock, sleep

    def get(self) -> str:
        give_up_at = self.clock() + self.wait_s
        while True:
            token, expires_at = self._read()
            now = self.clock()
            if token and expires_at - self.refresh_margin_s > now:
                return token
            if self._take_lock(now):
                return self._refresh_holding_lock()
            if token and expires_at > now + 5:   # someone else is refreshing; the old one still works
                return token
            if self.clock() > give_up_at:
                raise ChannelApiError(f"timed out waiting for another worker to refresh {self.name}")
            self.sleep(0.05)

    def invalidate(self, token: str) -> None:
        """The API rejected `token` (40001/42001): force a refresh, unless it was already replaced."""
        with self.engine.begin() as conn:
            conn.execute(update(ChannelAccessToken)
                         .where(ChannelAccessToken.name == self.name, ChannelAccessToken.token == token)
                         .values(expires_at=0.0))

    # -- internals ---------------------------------------------------------------------------
    def _read(self) -> tuple[str | None, float]:
        with self.engine.connect() as conn:
            row = conn.execute(select(ChannelAccessToken.token, ChannelAccessToken.expires_at)
                               .where(ChannelAccessToken.name == self.name)).first()
        return (row[0], row[1]) if row else (None, 0.0)

    def _take_lock(self, now: float) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(ChannelAccessToken).values(
                    name=self.name, token=None, expires_at=0.0, refresh_lock_until=0.0))
        except IntegrityError:
            pass  # the row exists already
        with self.engine.begin() as conn:
            won = conn.execute(update(ChannelAccessToken)
                               .where(ChannelAccessToken.name == self.name,
                                      ChannelAccessToken.refresh_lock_until < now)
                               .values(refresh_lock_until=now + self.lock_s)).rowcount
        return won == 1

    def _refresh_holding_lock(self) -> str:
        token, expires_at = self._read()
        if token and expires_at - self.refresh_margin_s > self.clock():   # refreshed while we queued
            self._release(token, expires_at)
            return token
        try:
            token, expires_in = self.fetch()
        except Exception:
            with self.engine.begin() as conn:
                conn.execute(update(ChannelAccessToken).where(ChannelAccessToken.name == self.name)
                             .values(refresh_lock_until=0.0))
            raise
        self._release(token, self.clock() + expires_in)
        log.info("access token %s refreshed, valid %ss", self.name, expires_in)
        return token

    def _release(self, token: str, expires_at: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(ChannelAccessToken).where(ChannelAccessToken.name == self.name)
                         .values(token=token, expires_at=expires_at, refresh_lock_until=0.0))
