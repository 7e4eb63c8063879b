"""The console's template environment and the labels its pages show."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi.templating import Jinja2Templates

from api.console.facts import fact_rows
from api.console.labels import PRIORITY_LABELS, ROLE_LABELS, STATUS_LABELS, label
from assistant.handoff.tickets import as_utc

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
CHINA = timezone(timedelta(hours=8))

STATUS_FILTERS = [("open", "未办结"), ("", "全部")] + list(STATUS_LABELS.items())


def local_time(value: datetime | None) -> str:
    """Beijing time for staff, whatever the database returned."""
    value = as_utc(value)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if value else ""


def local_iso(value: str | None) -> str:
    """The same for ISO strings (transcript messages arrive as dicts)."""
    try:
        return local_time(datetime.fromisoformat(value)) if value else ""
    except ValueError:
        return value or ""


TEMPLATES.env.filters["local_time"] = local_time
TEMPLATES.env.filters["local_iso"] = local_iso
TEMPLATES.env.filters["zh"] = label
TEMPLATES.env.filters["fact_rows"] = fact_rows
TEMPLATES.env.globals.update(status_labels=STATUS_LABELS, priority_labels=PRIORITY_LABELS, role_labels=ROLE_LABELS)
