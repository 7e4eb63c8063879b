"""Staff overrides over a repo JSON table, with an append-only audit: the one mechanism behind every
staff-editable reference table (the legal-aid standards, the compensation figures).

A table is keyed by region. `OverlayStore` keeps, in the records DB, the current staff version of
each region's entry (the override model) and who changed what (the audit model); both models take
their columns from assistant/overlay_models.py. Overrides are read on every call (a handful of
rows), so an edit applies to the next request in every worker without a restart."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


class OverlayStore:
    def __init__(self, engine: Engine | None, override_model: type, audit_model: type):
        self.engine = engine
        self._override = override_model
        self._audit = audit_model

    def overrides(self) -> dict[str, dict]:
        if self.engine is None:
            return {}
        with Session(self.engine) as s:
            return {row.region: row.entry for row in s.scalars(select(self._override))}

    def put(self, key: str, new: dict, actor: str, base: dict | None = None) -> None:
        """Create or replace `key`'s entry; the audit row (old = the override in force, else `base`,
        the repo table's entry) is written in the same transaction."""
        if self.engine is None:
            raise RuntimeError("this table is read-only without a records database")
        try:
            self._put_once(key, new, actor, base)
        except IntegrityError:
            # PostgreSQL cannot lock a row that does not exist yet: when two admins create the same
            # key at once, the loser's INSERT fails. Its edit is then an update of the winner's.
            self._put_once(key, new, actor, base)

    def _put_once(self, key: str, new: dict, actor: str, base: dict | None) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        # write lock before the read: two admins creating one key must not both insert it
        with Session(for_writes(self.engine)) as s, s.begin():
            row = s.get(self._override, key)
            old = row.entry if row is not None else base
            if row is None:
                s.add(self._override(region=key, entry=new, updated_by=actor, updated_at=now))
            else:
                row.entry, row.updated_by, row.updated_at = new, actor, now
            s.add(self._audit(region=key, actor=actor, at=now,
                              action="update" if old else "create", old=old, new=new))

    def audit(self, key: str | None = None, limit: int = 200) -> list[AuditRow]:
        if self.engine is None:
            return []
        stmt = select(self._audit).order_by(self._audit.id.desc()).limit(limit)
        if key:
            stmt = stmt.where(self._audit.region == key)
        with Session(self.engine) as s:
            return [AuditRow(r.id, r.region, r.actor, _iso(r.at), r.action, r.old, r.new)
                    for r in s.scalars(stmt)]


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:   # SQLite drops the zone; we always store UTC
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.isoformat()
