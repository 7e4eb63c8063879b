"""Records tables of the handoff queue: tickets, their append-only audit trail, and the
notification outbox (a notification is written in the same transaction as the ticket change, so a
failed webhook call can be retried and never loses the ticket)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import RecordsBase
from assistant.handoff.states import OPEN_STATUSES

# the partial index's condition, written from the one list of open statuses
_OPEN_CONDITION = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class HandoffTicketRow(RecordsBase):
    __tablename__ = "handoff_tickets"
    __table_args__ = (
        # one open ticket per conversation, enforced by the database (two replicas racing to open)
        Index("uq_handoff_open_ticket_per_session", "session_id", unique=True,
              sqlite_where=text(_OPEN_CONDITION), postgresql_where=text(_OPEN_CONDITION)),
        Index("ix_handoff_tickets_status_due", "status", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    user_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)
    trigger: Mapped[str] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    priority: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")       # masked
    facts: Mapped[dict] = mapped_column(JSON, default=dict)       # structured, staff-only
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"), nullable=True)
    owner_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class HandoffEventRow(RecordsBase):
    """Audit trail: one row per transition or staff action; never updated (a trigger refuses it)."""

    __tablename__ = "handoff_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("handoff_tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))          # staff:<username> / person / bot / system
    action: Mapped[str] = mapped_column(String(24))         # open, claim, assign, reply, resolve, ...
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")     # masked


class NotificationOutboxRow(RecordsBase):
    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(16))           # new / reminder / escalation
    payload: Mapped[dict] = mapped_column(JSON)              # the webhook JSON body, already masked
    status: Mapped[str] = mapped_column(String(12), default="pending")   # pending / sent / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


# The audit trail is append-only at the database level too: UPDATE is refused. (DELETE stays
# possible for the retention purge, which removes whole old tickets.)
_SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS handoff_events_append_only BEFORE UPDATE ON handoff_events
BEGIN SELECT RAISE(ABORT, 'handoff_events is append-only'); END
"""
_PG_NO_UPDATE = [
    """CREATE OR REPLACE FUNCTION handoff_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'handoff_events is append-only'; END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS handoff_events_append_only ON handoff_events",
    """CREATE TRIGGER handoff_events_append_only BEFORE UPDATE ON handoff_events
       FOR EACH ROW EXECUTE FUNCTION handoff_events_append_only()""",
]


@event.listens_for(HandoffEventRow.__table__, "after_create")
def _append_only_trigger(target, connection, **_kw):  # noqa: ANN001
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(_SQLITE_NO_UPDATE)
    elif connection.dialect.name == "postgresql":
        for statement in _PG_NO_UPDATE:
            connection.exec_driver_sql(statement)
