"""The SLA sweep: a reminder at half time and escalation at the deadline, for tickets still
waiting for a first human reply. Timers live in the database (due_at, reminded_at), so a restart
or a second replica changes nothing; each step is a conditional UPDATE and happens once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from assistant.handoff.models import utcnow
from assistant.handoff.queue import HandoffQueue
from assistant.handoff.tickets import as_utc
from assistant.telemetry import SLA_BREACHES_TOTAL


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0


def reminder_time(created_at: datetime, due_at: datetime) -> datetime:
    created_at, due_at = as_utc(created_at), as_utc(due_at)
    return created_at + (due_at - created_at) / 2


def sweep_sla(queue: HandoffQueue, now: datetime | None = None) -> SweepResult:
    now = as_utc(now) if now else utcnow()
    result = SweepResult()
    for ticket in queue.due_candidates(now):
        if ticket.due_at <= now:
            if queue.escalate(ticket.id, now):
                result.escalated += 1
                SLA_BREACHES_TOTAL.labels(priority=ticket.priority).inc()
        elif ticket.reminded_at is None and reminder_time(ticket.created_at, ticket.due_at) <= now:
            result.reminded += queue.mark_reminded(ticket.id, now)
    return result


CHINA_TIME = timezone(timedelta(hours=8), "北京时间")   # the people and the centres are in China


def expected_reply_text(due_at: datetime, now: datetime | None = None) -> str:
    """When the person can expect a first reply, in their words: "今天 18:30 前", "明天 9:05 前",
    "3月5日 10:00 前" (Beijing time; the SLA deadline of the ticket)."""
    due = as_utc(due_at).astimezone(CHINA_TIME)
    today = (as_utc(now) if now else utcnow()).astimezone(CHINA_TIME).date()
    days = (due.date() - today).days
    day = {0: "今天", 1: "明天", 2: "后天"}.get(days, f"{due.month}月{due.day}日")
    return f"{day} {due.hour}:{due.minute:02d} 前"
