"""The columns every staff-editable reference table shares (assistant/overlay.py): a mixin for the
current staff entry of a region, and one for the append-only audit. Each table (legal-aid
standards, compensation figures) is a RecordsBase class with its own name over these columns."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class OverrideColumns:
    """The current staff version of one region's entry."""
    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    entry: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditColumns:
    """Who changed which region, when, the entry before and after (append-only)."""
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    action: Mapped[str] = mapped_column(String(20))        # create / update
    old: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    new: Mapped[dict] = mapped_column(JSON)
