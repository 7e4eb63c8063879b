"""Read-side views of tickets and audit events (plain dataclasses the API and console render)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from assistant.contracts import HandoffInfo
from assistant.handoff.models import HandoffEventRow, HandoffTicketRow


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def iso(value: datetime | None) -> str | None:
    value = as_utc(value)
    return value.isoformat() if value else None


@dataclass
class TicketView:
    id: str
    session_id: str
    channel: str
    user_ref: str | None
    trigger: str
    service: str
    region: str | None
    priority: str
    status: str
    summary: str
    facts: dict
    owner_id: int | None
    owner_name: str | None
    outcome: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    claimed_at: datetime | None = None
    first_reply_at: datetime | None = None
    closed_at: datetime | None = None

    @classmethod
    def from_row(cls, row: HandoffTicketRow) -> "TicketView":
        values = {name: getattr(row, name) for name in cls.__dataclass_fields__}
        for name, value in values.items():
            if isinstance(value, datetime):
                values[name] = as_utc(value)
        values["facts"] = dict(row.facts or {})
        return cls(**values)

    @property
    def is_open(self) -> bool:
        return self.status in ("pending", "assigned", "escalated")

    @property
    def human_owns(self) -> bool:
        return self.is_open and self.owner_id is not None

    def info(self) -> HandoffInfo:
        from assistant.handoff.sla import expected_reply_text   # sla imports the queue, which imports this

        return HandoffInfo(ticket_id=self.id, service=self.service, priority=self.priority, status=self.status,
                           due_at=iso(self.due_at), expected_reply=expected_reply_text(self.due_at))

    def to_dict(self) -> dict:
        data = asdict(self)
        for name, value in data.items():
            if isinstance(value, datetime):
                data[name] = iso(value)
        return data


@dataclass
class AuditEvent:
    id: int
    ticket_id: str
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str = ""

    @classmethod
    def from_row(cls, row: HandoffEventRow) -> "AuditEvent":
        return cls(row.id, row.ticket_id, as_utc(row.at), row.actor, row.action, row.from_status,
                   row.to_status, row.note or "")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["at"] = iso(self.at)
        return data


@dataclass
class ReplyResult:
    ticket: TicketView
    delivered: bool
    error: str = ""
    message_id: int | None = None
    extra: dict = field(default_factory=dict)


# what a closed ticket keeps of its facts: enough for the report and to recognise the case again;
# incomes, household, disability, violence, the decision's reasons go when the case is closed
# (the retention purge then empties the rest)
CLOSED_FACT_KEYS = ("region", "事项", "初步判断")


def closed_facts(facts: dict | None) -> dict:
    return {k: v for k, v in (facts or {}).items() if k in CLOSED_FACT_KEYS}

