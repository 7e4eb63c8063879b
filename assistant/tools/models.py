"""Records-DB tables for compensation figures changed by staff (same shape and mechanism as the
legal-aid standards: assistant/overlay.py): the current staff entry per region, and the audit."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class FigureOverride(RecordsBase):
    __tablename__ = "tool_figure_overrides"

    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    entry: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class FigureAudit(RecordsBase):
    __tablename__ = "tool_figure_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    action: Mapped[str] = mapped_column(String(20))        # create / update
    old: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    new: Mapped[dict] = mapped_column(JSON)
