"""`StandardsBook`: the regional standards in force right now = the repo table + staff overrides.

Overrides are read from the records DB on every snapshot (a handful of rows), so a change made
through the admin API applies to the next request in every worker, without a restart."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.eligibility.models import RegionOverride, RegionStandardAudit
from assistant.eligibility.regions import RegionEntry, RegionTable, load_base_regions
from knowledge.database import for_writes


@dataclass
class AuditRow:
    id: int
    region: str
    actor: str
    at: str
    action: str
    old: dict | None
    new: dict

    def to_dict(self) -> dict:
        return self.__dict__.copy()


class StandardsBook:
    def __init__(self, engine: Engine | None = None, base: dict | None = None):
        self._engine = engine
        self._base = base if base is not None else load_base_regions()
        RegionTable.from_json(self._base)   # fail at start-up, not per request, on a bad file

    # ---- reading -----------------------------------------------------------------------
    def snapshot(self) -> RegionTable:
        raw = {k: dict(v) for k, v in self._base["regions"].items()}
        for region, entry in self._overrides().items():
            raw[region] = entry
        return RegionTable.from_json({"regions": raw})

    def entry(self, region: str) -> tuple[str, dict] | None:
        """(canonical name, entry as stored) for a region name or alias."""
        table = self.snapshot()
        key = table.resolve(region)
        if key is None:
            return None
        return key, table.entries[key].model_dump(mode="json")

    def _overrides(self) -> dict[str, dict]:
        if self._engine is None:
            return {}
        with Session(self._engine) as s:
            return {row.region: row.entry for row in s.scalars(select(RegionOverride))}

    # ---- writing (staff) -----------------------------------------------------------------
    def put(self, region: str, entry: RegionEntry, actor: str) -> dict:
        """Create or replace a region's entry; append the audit row in the same transaction."""
        if self._engine is None:
            raise RuntimeError("standards are read-only without a records database")
        try:
            return self._put_once(region, entry, actor)
        except IntegrityError:
            # PostgreSQL cannot lock a row that does not exist yet: when two admins create the same
            # region at once, the loser's INSERT fails. Its edit is then an update of the winner's.
            return self._put_once(region, entry, actor)

    def _put_once(self, region: str, entry: RegionEntry, actor: str) -> dict:
        table = self.snapshot()
        key = table.resolve_entry(region) or region.strip()
        new = entry.model_dump(mode="json")
        if new["parent"] and new["parent"] not in table.entries:
            raise ValueError(f"parent region '{new['parent']}' is not in the table")
        old = table.entries[key].model_dump(mode="json") if key in table.entries else None
        now = dt.datetime.now(dt.timezone.utc)
        # write lock before the read: two admins creating one region must not both insert it
        with Session(for_writes(self._engine)) as s, s.begin():
            row = s.get(RegionOverride, key)
            if row is None:
                s.add(RegionOverride(region=key, entry=new, updated_by=actor, updated_at=now))
            else:
                row.entry, row.updated_by, row.updated_at = new, actor, now
            s.add(RegionStandardAudit(region=key, actor=actor, at=now,
                                      action="update" if old else "create", old=old, new=new))
        return {"region": key, **new}

    def audit(self, region: str | None = None, limit: int = 200) -> list[AuditRow]:
        if self._engine is None:
            return []
        stmt = select(RegionStandardAudit).order_by(RegionStandardAudit.id.desc()).limit(limit)
        if region:
            key = self.snapshot().resolve(region) or region
            stmt = stmt.where(RegionStandardAudit.region == key)
        with Session(self._engine) as s:
            return [AuditRow(r.id, r.region, r.actor, _iso(r.at), r.action, r.old, r.new)
                    for r in s.scalars(stmt)]


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:   # SQLite drops the zone; we always store UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()
