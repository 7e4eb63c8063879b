"""Retention purge (`fayuan purge`, FAYUAN_RETENTION_DAYS): after the retention period the
conversation text and everything that could point at a person goes; the counts stay.

- chat messages and chat sessions last active before the cut-off: deleted;
- closed handoff tickets closed before the cut-off: summary, facts and user reference emptied,
  the session id replaced by a keyed pseudonym; their audit rows (which quote staff replies) deleted;
- sent or failed notifications before the cut-off: deleted;
- WeChat/WeCom delivery rows (sender openid, answer text) before the cut-off: deleted (the channel
  prunes them after a day itself, but only when new messages arrive);
- consultation records and ratings: kept for the monthly reports, with the session id replaced by
  the same pseudonym (so distinct-conversation counts stay right) and rating comments emptied;
- generated documents past their own, much shorter expiry (FAYUAN_DOCUMENTS_TTL_HOURS): deleted
  (the handoff worker also deletes them every few minutes); their audit rows older than the cut-off too.
Open tickets are never touched. Running it twice changes nothing the second time."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from assistant.channels.wechat_models import ChannelDelivery
from assistant.documents.models import DocumentEventRow
from assistant.documents.store import purge_expired_documents
from assistant.handoff.models import HandoffEventRow, HandoffTicketRow, NotificationOutboxRow, utcnow
from assistant.handoff.states import CLOSED_STATUSES, OPEN_STATUSES
from knowledge.database import flush_deleted
from assistant.records.models import ConsultationRatingRow, ConsultationRecordRow
from assistant.conversation.session_models import ChatMessageOriginalRow, ChatMessageRow, ChatSessionRow

PSEUDONYM_PREFIX = "purged-"


@dataclass
class PurgeResult:
    cutoff: str
    messages_deleted: int = 0
    sessions_deleted: int = 0
    tickets_anonymised: int = 0
    audit_events_deleted: int = 0
    notifications_deleted: int = 0
    channel_deliveries_deleted: int = 0
    records_pseudonymised: int = 0
    ratings_pseudonymised: int = 0
    documents_deleted: int = 0
    document_events_deleted: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def pseudonym(session_id: str, key: str) -> str:
    if session_id.startswith(PSEUDONYM_PREFIX):
        return session_id
    digest = hmac.new(key.encode(), session_id.encode(), hashlib.sha256).hexdigest()[:24]
    return PSEUDONYM_PREFIX + digest


def purge_old_records(engine: Engine, *, retention_days: int, key: str, now: datetime | None = None,
                      dry_run: bool = False) -> PurgeResult:
    if retention_days < 1:
        raise ValueError("FAYUAN_RETENTION_DAYS must be at least 1")
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    result = PurgeResult(cutoff=cutoff.isoformat())
    db = Session(engine)
    try:
        _purge(db, cutoff, key, result, now or utcnow())
        if dry_run:
            db.rollback()
        else:
            db.commit()
            flush_deleted(engine)
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()
    return result


def _purge(db: Session, cutoff: datetime, key: str, result: PurgeResult, now: datetime) -> None:
    open_sessions = select(HandoffTicketRow.session_id).where(HandoffTicketRow.status.in_(OPEN_STATUSES))
    old_sessions = select(ChatSessionRow.id).where(ChatSessionRow.updated_at < cutoff,
                                                   ChatSessionRow.id.not_in(open_sessions))
    result.messages_deleted = db.execute(
        delete(ChatMessageRow).where((ChatMessageRow.created_at < cutoff) | ChatMessageRow.session_id.in_(old_sessions))
        .execution_options(synchronize_session=False)).rowcount
    # the sealed originals go with their messages (SQLite/PostgreSQL cascade too; said here outright)
    db.execute(delete(ChatMessageOriginalRow).where(ChatMessageOriginalRow.message_id.not_in(select(ChatMessageRow.id)))
               .execution_options(synchronize_session=False))
    result.sessions_deleted = db.execute(
        delete(ChatSessionRow).where(ChatSessionRow.id.in_(old_sessions.scalar_subquery()))
        .execution_options(synchronize_session=False)).rowcount

    tickets = db.scalars(select(HandoffTicketRow).where(HandoffTicketRow.status.in_(CLOSED_STATUSES),
                                                        HandoffTicketRow.closed_at < cutoff,
                                                        HandoffTicketRow.session_id.not_like(f"{PSEUDONYM_PREFIX}%"))
                         ).all()
    for ticket in tickets:
        ticket.session_id = pseudonym(ticket.session_id, key)
        ticket.summary, ticket.facts, ticket.user_ref = "", {}, None
    result.tickets_anonymised = len(tickets)
    old_closed = select(HandoffTicketRow.id).where(HandoffTicketRow.status.in_(CLOSED_STATUSES),
                                                   HandoffTicketRow.closed_at < cutoff)
    result.audit_events_deleted = db.execute(
        delete(HandoffEventRow).where(HandoffEventRow.ticket_id.in_(old_closed))
        .execution_options(synchronize_session=False)).rowcount
    result.notifications_deleted = db.execute(
        delete(NotificationOutboxRow).where(NotificationOutboxRow.created_at < cutoff,
                                            NotificationOutboxRow.status.in_(("sent", "failed")))
        .execution_options(synchronize_session=False)).rowcount
    result.channel_deliveries_deleted = db.execute(
        delete(ChannelDelivery).where(ChannelDelivery.created_at < cutoff.timestamp())
        .execution_options(synchronize_session=False)).rowcount

    records = db.scalars(select(ConsultationRecordRow).where(
        ConsultationRecordRow.created_at < cutoff,
        ConsultationRecordRow.session_id.not_like(f"{PSEUDONYM_PREFIX}%"))).all()
    for record in records:
        record.session_id = pseudonym(record.session_id, key)
    result.records_pseudonymised = len(records)
    ratings = db.scalars(select(ConsultationRatingRow).where(
        ConsultationRatingRow.created_at < cutoff,
        ConsultationRatingRow.session_id.not_like(f"{PSEUDONYM_PREFIX}%"))).all()
    for rating in ratings:
        new_id = pseudonym(rating.session_id, key)
        db.execute(update(ConsultationRatingRow).where(ConsultationRatingRow.session_id == rating.session_id)
                   .values(session_id=new_id, comment="").execution_options(synchronize_session=False))
    result.ratings_pseudonymised = len(ratings)
    result.documents_deleted = purge_expired_documents(db.get_bind(), now, db=db)
    result.document_events_deleted = db.execute(
        delete(DocumentEventRow).where(DocumentEventRow.at < cutoff).execution_options(synchronize_session=False)).rowcount
