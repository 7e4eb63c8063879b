"""One row per incoming WeChat/WeCom message, claimed atomically (primary-key insert), so a retry
of the same message — even one arriving at another worker while the first is still being answered —
is recognised and produces no second answer.

State changes are conditional updates (`... WHERE state = 'processing'`), which is what makes
"exactly once" hold when the answer finishing and a WeCom stream refresh race each other."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from assistant.channels.wechat_models import ChannelDelivery

KEEP_S = 24 * 3600  # WeChat retries within seconds, WeCom polls a stream ≤ 6 min; a day bounds the table
# (and how long a WeCom bot answer is kept here for stream polls)


@dataclass
class Delivery:
    channel: str
    message_key: str
    state: str
    stream_id: str | None
    response_url: str | None
    answer: str | None
    created_at: float


class DeliveryLog:
    def __init__(self, engine: Engine):
        self.engine = engine

    def claim(self, channel: str, message_key: str, *, stream_id: str | None = None,
              response_url: str | None = None) -> bool:
        """True for the first delivery of this message, False for every retry."""
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(ChannelDelivery).where(ChannelDelivery.created_at < now - KEEP_S))
                conn.execute(insert(ChannelDelivery).values(
                    channel=channel, message_key=message_key[:255], state="processing",
                    stream_id=stream_id, response_url=response_url, created_at=now))
        except IntegrityError:
            return False
        return True

    def _move(self, channel: str, message_key: str, to_state: str, *, from_state: str = "processing",
              **values) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(ChannelDelivery)
                .where(ChannelDelivery.channel == channel, ChannelDelivery.message_key == message_key[:255],
                       ChannelDelivery.state == from_state)
                .values(state=to_state, **values))
        return result.rowcount == 1

    def mark_delivered(self, channel: str, message_key: str) -> bool:
        return self._move(channel, message_key, "delivered")

    def store_answer(self, channel: str, message_key: str, answer: str) -> bool:
        """processing → answered; False if the stream was closed meanwhile (use response_url)."""
        return self._move(channel, message_key, "answered", answer=answer)

    def close_stream(self, channel: str, message_key: str) -> bool:
        """processing → stream_closed; False if the answer arrived first."""
        return self._move(channel, message_key, "stream_closed")

    def finish_closed_stream(self, channel: str, message_key: str) -> bool:
        """stream_closed → delivered, once: the caller that wins sends to response_url."""
        return self._move(channel, message_key, "delivered", from_state="stream_closed")

    def get(self, channel: str, message_key: str) -> Delivery | None:
        return self._find(ChannelDelivery.channel == channel, ChannelDelivery.message_key == message_key[:255])

    def by_stream(self, channel: str, stream_id: str) -> Delivery | None:
        return self._find(ChannelDelivery.channel == channel, ChannelDelivery.stream_id == stream_id)

    def _find(self, *conditions) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(ChannelDelivery.__table__).where(*conditions)).mappings().first()
        return Delivery(**{k: row[k] for k in Delivery.__dataclass_fields__}) if row else None
