"""Records-DB tables for compensation figures changed by staff (same shape and mechanism as the
legal-aid standards: assistant/overlay.py): the current staff entry per region, and the audit."""
from __future__ import annotations

from assistant.db import RecordsBase
from assistant.overlay_models import AuditColumns, OverrideColumns


class FigureOverride(OverrideColumns, RecordsBase):
    __tablename__ = "tool_figure_overrides"


class FigureAudit(AuditColumns, RecordsBase):
    __tablename__ = "tool_figure_audit"
