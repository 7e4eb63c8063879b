"""Records tables of generated documents: the document itself (personal data: deleted when it
expires) and the generation/download audit (no personal data: type, who, when, which ticket)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class GeneratedDocumentRow(RecordsBase):
    __tablename__ = "generated_documents"
    __table_args__ = (Index("ix_generated_documents_expires", "expires_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)    # sha256 of the download token
    doc_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(40))
    session_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    ticket_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    created_by: Mapped[str] = mapped_column(String(80))                # person / staff:<username>
    missing: Mapped[list] = mapped_column(JSON, default=list)           # labels of blank fields, no values
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentEventRow(RecordsBase):
    """Audit: one row per generation, download, refused (expired) download and purge."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    document_id: Mapped[str] = mapped_column(String(32), index=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))      # generate / download / expired / purge
    actor: Mapped[str] = mapped_column(String(80))       # person / staff:<username> / system
    ticket_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")   # counts only, e.g. "missing=3"
