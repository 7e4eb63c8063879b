"""`StandardsBook`: the regional standards in force right now = the repo table + staff overrides.

Overrides and their audit are kept by assistant/overlay.py (read on every snapshot, so a change
made through the admin API applies to the next request in every worker, without a restart)."""
from __future__ import annotations

import json

from sqlalchemy import Engine

from assistant.eligibility.models import RegionOverride, RegionStandardAudit
from assistant.eligibility.regions import RegionEntry, RegionTable, load_base_regions
from assistant.overlay import AuditRow, OverlayStore

__all__ = ["AuditRow", "StandardsBook"]


class StandardsBook:
    def __init__(self, engine: Engine | None = None, base: dict | None = None):
        self._store = OverlayStore(engine, RegionOverride, RegionStandardAudit)
        self._base = base if base is not None else load_base_regions()
        RegionTable.from_json(self._base)   # fail at start-up, not per request, on a bad file
        self._last: tuple[str, RegionTable] | None = None   # (the overrides as JSON, their table)

    # ---- reading -----------------------------------------------------------------------
    def snapshot(self) -> RegionTable:
        """The table in force (read-only: the same object serves every request until an override
        changes). The overrides are read every time; the table is rebuilt only when they differ
        from the last call's (validating every region cost ~1 ms of each chat turn)."""
        overrides = self._store.overrides()
        key = json.dumps(list(overrides.items()), sort_keys=True, ensure_ascii=False, default=str)
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        raw = {k: dict(v) for k, v in self._base["regions"].items()}
        for region, entry in overrides.items():
            raw[region] = entry
        table = RegionTable.from_json({"regions": raw})
        self._last = (key, table)
        return table

    def entry(self, region: str) -> tuple[str, dict] | None:
        """(canonical name, entry as stored) for a region name or alias."""
        table = self.snapshot()
        key = table.resolve(region)
        if key is None:
            return None
        return key, table.entries[key].model_dump(mode="json")

    # ---- writing (staff) -----------------------------------------------------------------
    def put(self, region: str, entry: RegionEntry, actor: str) -> dict:
        """Create or replace a region's entry; append the audit row in the same transaction."""
        if self._store.engine is None:
            raise RuntimeError("standards are read-only without a records database")
        table = self.snapshot()
        key = table.resolve_entry(region) or region.strip()
        new = entry.model_dump(mode="json")
        if new["parent"] and new["parent"] not in table.entries:
            raise ValueError(f"parent region '{new['parent']}' is not in the table")
        base = self._base["regions"].get(key)
        old_base = RegionEntry.model_validate(base).model_dump(mode="json") if base else None
        self._store.put(key, new, actor, base=old_base)
        return {"region": key, **new}

    def audit(self, region: str | None = None, limit: int = 200) -> list[AuditRow]:
        key = (self.snapshot().resolve(region) or region) if region else None
        return self._store.audit(key, limit)
