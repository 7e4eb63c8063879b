"""Records tables of the chat: one row per conversation session and one per message.

Message text is stored masked (身份证号, phone numbers, bank cards, income). What the person
actually wrote, where it differs, is kept only sealed (AES-GCM, assistant/conversation/transcript_seal.py) in
`chat_message_originals`, for the conversation's holder and the staff handling its ticket."""
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


class ChatMessageOriginalRow(RecordsBase):
    """The sealed original of a message whose masked text differs (see assistant/conversation/transcript_seal.py).
    A table of its own: existing databases get it from create_all, no column migration."""
    __tablename__ = "chat_message_originals"

    message_id: Mapped[int] = mapped_column(ForeignKey("chat_messages.id", ondelete="CASCADE"), primary_key=True)
    sealed: Mapped[str] = mapped_column(Text)                # base64(nonce + AES-GCM ciphertext), never plain
