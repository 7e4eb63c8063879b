"""The console's template environment and the labels its pages show."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi.templating import Jinja2Templates

from assistant.handoff.tickets import as_utc
from assistant.eligibility.decision import DECISION_LABELS
from assistant.intents import intent_label

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
CHINA = timezone(timedelta(hours=8))

STATUS_LABELS = {"pending": "待认领", "assigned": "处理中", "escalated": "已超时", "resolved": "已办结",
                 "cancelled": "已取消"}
PRIORITY_LABELS = {"urgent": "紧急", "high": "较急", "normal": "一般"}
ROLE_LABELS = {"user": "当事人", "assistant": "机器人", "staff": "工作人员"}
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
TEMPLATES.env.filters["intent_label"] = intent_label
TEMPLATES.env.globals.update(status_labels=STATUS_LABELS, priority_labels=PRIORITY_LABELS, role_labels=ROLE_LABELS,
                            decision_labels=DECISION_LABELS)
