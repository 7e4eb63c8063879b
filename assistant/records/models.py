"""Records tables of consultations and ratings. Nothing here holds personal data: intents, the
citations given, the region, outcomes — so they outlive the retention purge and keep reports whole."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase

RATINGS = ("满意", "基本满意", "不满意")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ConsultationRecordRow(RecordsBase):
    """One answered turn of a consultation."""

    __tablename__ = "consultation_records"
    __table_args__ = (Index("ix_consultation_records_created_region", "created_at", "region"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    intent: Mapped[str] = mapped_column(String(32))
    citations: Mapped[list] = mapped_column(JSON, default=list)      # ["劳动合同法第三十八条", ...]
    handoff_ticket_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    eligibility_outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsultationRatingRow(RecordsBase):
    """The person's rating at the end of a consultation (one per session; a new rating replaces it)."""

    __tablename__ = "consultation_ratings"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rating: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")           # masked
    region: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
