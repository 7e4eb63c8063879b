"""The retention purge as a background job: the handoff worker calls it every round, it purges
once per FAYUAN_RETENTION_PURGE_INTERVAL_HOURS (the first time right after start-up), so nobody has
to remember a cron entry. `fayuan purge` stays for a manual or dry run."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from assistant.records.purge import PurgeResult, purge_old_records
from assistant.conversation.session_models import utcnow

log = logging.getLogger(__name__)


class RetentionJob:
    def __init__(self, engine: Engine, *, retention_days: int, key: str, interval_hours: float):
        self._engine = engine
        self._retention_days = retention_days
        self._key = key
        self._interval = timedelta(hours=interval_hours) if interval_hours > 0 else None
        self._last_run: datetime | None = None

    def __call__(self, now: datetime | None = None) -> PurgeResult | None:
        """Purge if due; returns what was purged, or None when not due (or switched off)."""
        now = now or utcnow()
        if self._interval is None or (self._last_run is not None and now - self._last_run < self._interval):
            return None
        self._last_run = now
        result = purge_old_records(self._engine, retention_days=self._retention_days, key=self._key, now=now)
        log.info("retention purge (%d days): %s", self._retention_days, result.to_dict())
        return result
