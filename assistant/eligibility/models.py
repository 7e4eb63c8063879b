"""Records-DB tables for regional standards changed by staff at run time.

`RegionOverride` holds the current staff version of a region's entry (same schema as
data/regions.json); `RegionStandardAudit` is append-only: who changed which region, when, the
entry before and after."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class RegionOverride(RecordsBase):
    __tablename__ = "eligibility_region_overrides"

    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    entry: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class RegionStandardAudit(RecordsBase):
    __tablename__ = "eligibility_region_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    action: Mapped[str] = mapped_column(String(20))        # create / update
    old: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    new: Mapped[dict] = mapped_column(JSON)
