"""Records tables of the chat: one row per conversation session and one per message.

Message text is stored masked (身份证号, phone numbers, bank cards, income) — the unmasked text
only lives in memory while one turn is answered."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ChatSessionRow(RecordsBase):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), default="web")
    user_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # last topic, last citations and answer points, pending flow (eligibility dialogue state)
    state: Mapped[dict] = mapped_column(JSON, default=dict)


class ChatMessageRow(RecordsBase):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_session_id_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))          # user / assistant / staff
    text: Mapped[str] = mapped_column(Text)                # masked for personal data
    intent: Mapped[str | None] = mapped_column(String(32), nullable=True)
    citations: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
