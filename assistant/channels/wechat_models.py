"""Records tables the WeChat/WeCom channels share across API workers.

- `SeenNonce`: nonces of accepted callbacks, kept for the timestamp window (replay protection).
- `ChannelDelivery`: one row per incoming message (MsgId, or sender+CreateTime for events), claimed
  atomically so a WeChat retry never produces a second answer; it also carries the answer state
  the WeCom bot's stream refreshes read.
- `ChannelAccessToken`: cached API access tokens with a refresh lock (one worker refreshes)."""
from __future__ import annotations

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase


class SeenNonce(RecordsBase):
    __tablename__ = "wechat_seen_nonces"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[float] = mapped_column(Float, nullable=False)

    __table_args__ = (Index("ix_wechat_seen_nonces_seen_at", "seen_at"),)


class ChannelDelivery(RecordsBase):
    __tablename__ = "wechat_deliveries"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # processing → answered (answer stored, for stream refreshes) | stream_closed (answer goes
    # to response_url) | delivered (sent; nothing more to do)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="processing")
    stream_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    response_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, nullable=False, index=True)


class ChannelAccessToken(RecordsBase):
    __tablename__ = "wechat_access_tokens"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)   # e.g. wechat_oa:<appid>
    token: Mapped[str | None] = mapped_column(Text, nullable=True)
    expires_at: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    refresh_lock_until: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
