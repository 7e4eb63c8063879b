"""The records table of known answers (created with the other records tables)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase
from assistant.handoff.models import utcnow

ACTIVE, RETIRED = "active", "retired"


class KnownAnswerRow(RecordsBase):
    __tablename__ = "known_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # one known answer per ticket; no foreign key: the retention purge may delete the ticket
    ticket_id: Mapped[str] = mapped_column(String(32), unique=True)
    question: Mapped[str] = mapped_column(Text)                 # masked
    reply: Mapped[str] = mapped_column(Text)                    # the staff reply, masked
    citations: Mapped[list] = mapped_column(JSON)                # [{"law", "article_id"}], verified at approval
    embedding: Mapped[list] = mapped_column(JSON)                # the question's vector (float list)
    embedding_model: Mapped[str] = mapped_column(String(200))    # the model that made it
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(8), default=ACTIVE, index=True)
    retired_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # set when an answer-time check found a cited article missing or repealed (the answer was not used)
    flag: Mapped[str | None] = mapped_column(String(300), nullable=True)
    flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
