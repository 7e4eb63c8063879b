"""The notification outbox: rows are written with the ticket change and sent here, with retries.

A row is leased by a conditional UPDATE before it is sent, so two API replicas never send the same
notification twice at the same moment; a failed send is retried with exponential back-off, and
after `notify_max_attempts` the row is marked failed but kept (visible to operators)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from assistant.handoff.models import NotificationOutboxRow, utcnow
from assistant.privacy import mask_pii

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BASE_BACKOFF_S = 5
MAX_BACKOFF_S = 3600


def enqueue(db: Session, *, ticket_id: str | None, kind: str, payload: dict, now: datetime) -> None:
    """Add a notification inside the caller's transaction."""
    db.add(NotificationOutboxRow(ticket_id=ticket_id, kind=kind, payload=payload, status="pending",
                                 attempts=0, next_attempt_at=now, created_at=now))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BASE_BACKOFF_S * 2 ** max(attempts - 1, 0), MAX_BACKOFF_S))


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


class OutboxDispatcher:
    def __init__(self, engine: Engine, webhook_url: str | None, *, timeout_s: float = 5.0,
                 max_attempts: int = 8, transport: httpx.BaseTransport | None = None):
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._url = webhook_url
        self._max_attempts = max_attempts
        self._timeout = httpx.Timeout(timeout_s)
        self._transport = transport
        self._client: httpx.Client | None = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def dispatch_due(self, now: datetime | None = None, *, limit: int = 50) -> DispatchResult:
        result = DispatchResult()
        if not self._url:
            return result
        now = now or utcnow()
        with self._sessions() as db:
            due = db.scalars(select(NotificationOutboxRow.id)
                             .where(NotificationOutboxRow.status == "pending",
                                    NotificationOutboxRow.next_attempt_at <= now)
                             .order_by(NotificationOutboxRow.id).limit(limit)).all()
        for row_id in due:
            if not self._lease(row_id, now):
                continue  # another replica took it
            self._send_one(row_id, now, result)
        return result

    def _lease(self, row_id: int, now: datetime) -> bool:
        with self._sessions.begin() as db:
            leased = db.execute(update(NotificationOutboxRow)
                                .where(NotificationOutboxRow.id == row_id,
                                       NotificationOutboxRow.status == "pending",
                                       NotificationOutboxRow.next_attempt_at <= now)
                                .values(next_attempt_at=now + LEASE))
            return leased.rowcount == 1

    def _send_one(self, row_id: int, now: datetime, result: DispatchResult) -> None:
        with self._sessions() as db:
            row = db.get(NotificationOutboxRow, row_id)
            payload, attempts, ticket_id = dict(row.payload), row.attempts + 1, row.ticket_id
        error = self._post(payload)
        # the row is leased to us: write the outcome with one UPDATE (no read-then-write transaction)
        if error is None:
            values = {"status": "sent", "sent_at": now, "last_error": ""}
            result.sent += 1
        elif attempts >= self._max_attempts:
            values = {"status": "failed", "last_error": error}
            result.failed += 1
            log.error("notification %s for ticket %s given up after %s attempts: %s", row_id, ticket_id, attempts, error)
        else:
            values = {"next_attempt_at": now + backoff(attempts), "last_error": error}
            result.retried += 1
            log.warning("notification %s for ticket %s failed (attempt %s), will retry: %s",
                        row_id, ticket_id, attempts, error)
        with self._sessions.begin() as db:
            db.execute(update(NotificationOutboxRow).where(NotificationOutboxRow.id == row_id)
                       .values(attempts=attempts, **values))

    def _post(self, payload: dict) -> str | None:
        """None on success, else a short masked reason."""
        try:
            if self._client is None:
                self._client = httpx.Client(timeout=self._timeout, transport=self._transport)
            response = self._client.post(self._url, json=payload)
        except httpx.HTTPError as exc:
            return mask_pii(f"{type(exc).__name__}: {exc}")[:300]
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        try:
            body = response.json()
        except ValueError:
            return "webhook answered with non-JSON"
        if body.get("errcode", 0) != 0:  # WeCom answers 200 with errcode/errmsg on refusal
            return mask_pii(f"errcode {body.get('errcode')}: {body.get('errmsg', '')}")[:300]
        return None
