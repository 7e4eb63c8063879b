"""Nonces of accepted callbacks, remembered for the timestamp window so a captured request cannot
be replayed. Stored in the records database so every API worker sees them."""
from __future__ import annotations

import time

from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError

from assistant.channels.errors import ForbiddenCallback
from assistant.channels.wechat_models import SeenNonce


class NonceRegistry:
    def __init__(self, engine: Engine, window_s: int):
        self.engine = engine
        # keep nonces a little longer than the timestamp window: an older request is refused anyway
        self.keep_s = 2 * window_s + 60

    def claim(self, channel: str, nonce: str | None) -> None:
        """Record `nonce` as used for `channel`; raise ForbiddenCallback if it was used before."""
        if not nonce or len(nonce) > 128:
            raise ForbiddenCallback("nonce missing or too long")
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(SeenNonce).where(SeenNonce.seen_at < now - self.keep_s))
                conn.execute(insert(SeenNonce).values(channel=channel, nonce=nonce, seen_at=now))
        except IntegrityError:
            raise ForbiddenCallback("nonce already used (replayed request)") from None
