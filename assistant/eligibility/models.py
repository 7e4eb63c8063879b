"""Records-DB tables for regional standards changed by staff at run time.

`RegionOverride` holds the current staff version of a region's entry (same schema as
data/regions.json); `RegionStandardAudit` is append-only: who changed which region, when, the
entry before and after."""
from __future__ import annotations

from assistant.db import RecordsBase
from assistant.overlay_models import AuditColumns, OverrideColumns


class RegionOverride(OverrideColumns, RecordsBase):
    __tablename__ = "eligibility_region_overrides"


class RegionStandardAudit(AuditColumns, RecordsBase):
    __tablename__ = "eligibility_region_audit"
