"""Generated documents on the records database, for a short time only.

A document is saved with an expiry (FAYUAN_DOCUMENTS_TTL_HOURS) and a random download token of
256 bits; only the token's SHA-256 is stored, so the table alone does not give working links.
Every generation, download and refused download is audited in `document_events` without any
fact of the case (type, actor, ticket, the number of blanks). Expired documents are deleted by
`purge_expired` (the handoff worker runs it, and `fayuan purge`), and when a download meets one."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.documents.catalog import RenderedDocument
from assistant.documents.models import DocumentEventRow, GeneratedDocumentRow, utcnow
from assistant.handoff.tickets import as_utc, iso
from knowledge.database import flush_deleted


class DocumentNotFound(LookupError):
    pass


class DocumentExpired(LookupError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class StoredDocument:
    id: str
    doc_type: str
    title: str
    session_id: str | None
    ticket_id: str | None
    created_by: str
    missing: list
    attachments: list
    created_at: datetime
    expires_at: datetime

    @classmethod
    def from_row(cls, row: GeneratedDocumentRow) -> "StoredDocument":
        return cls(row.id, row.doc_type, row.title, row.session_id, row.ticket_id, row.created_by,
                   list(row.missing or []), list(row.attachments or []), as_utc(row.created_at), as_utc(row.expires_at))

    @property
    def filename(self) -> str:
        return f"{self.title}.docx"

    def to_dict(self) -> dict:
        return {"document_id": self.id, "type": self.doc_type, "title": self.title, "filename": self.filename,
                "ticket_id": self.ticket_id, "created_by": self.created_by, "missing": self.missing,
                "attachments": self.attachments, "created_at": iso(self.created_at), "expires_at": iso(self.expires_at)}


@dataclass
class AuditedEvent:
    at: datetime
    document_id: str
    doc_type: str
    action: str
    actor: str
    ticket_id: str | None
    note: str

    def to_dict(self) -> dict:
        return {"at": iso(self.at), "document_id": self.document_id, "type": self.doc_type, "action": self.action,
                "actor": self.actor, "ticket_id": self.ticket_id, "note": self.note}


class DocumentStore:
    def __init__(self, engine: Engine, *, ttl_hours: float, clock: Callable[[], datetime] = utcnow):
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.ttl = timedelta(hours=ttl_hours)
        self._clock = clock

    def save(self, document: RenderedDocument, *, actor: str, session_id: str | None = None,
             ticket_id: str | None = None, replace: bool = False) -> tuple[StoredDocument, str]:
        """Store the document; returns it and its download token (shown once, never stored).
        `replace`: a regeneration from a ticket removes that ticket's earlier document of the type."""
        now, token = self._clock(), secrets.token_urlsafe(32)
        row = GeneratedDocumentRow(
            id=f"DOC{now:%Y%m%d}-{secrets.token_hex(6)}", token_hash=token_hash(token), doc_type=document.type,
            title=document.title, session_id=session_id, ticket_id=ticket_id, created_by=actor,
            missing=document.missing, attachments=document.attachments, content=document.content,
            created_at=now, expires_at=now + self.ttl)
        with self._sessions.begin() as db:
            if replace and ticket_id:
                for old in db.scalars(select(GeneratedDocumentRow).where(
                        GeneratedDocumentRow.ticket_id == ticket_id, GeneratedDocumentRow.doc_type == document.type)):
                    self._event(db, old, "replaced", actor, now, "")
                    db.delete(old)
            db.add(row)
            self._event(db, row, "generate", actor, now, f"missing={len(document.missing)}")
        return StoredDocument.from_row(row), token

    def open_by_token(self, token: str, *, actor: str = "link") -> tuple[StoredDocument, bytes]:
        """The document behind a download token (audited); DocumentExpired once past its expiry
        (and then deleted), DocumentNotFound for an unknown or purged token."""
        return self._open(GeneratedDocumentRow.token_hash == token_hash(token), actor)

    def open_by_id(self, document_id: str, *, actor: str) -> tuple[StoredDocument, bytes]:
        return self._open(GeneratedDocumentRow.id == document_id, actor)

    def _open(self, where, actor: str) -> tuple[StoredDocument, bytes]:
        now = self._clock()
        with self._sessions.begin() as db:
            row = db.scalars(select(GeneratedDocumentRow).where(where)).first()
            if row is None:
                raise DocumentNotFound()
            if as_utc(row.expires_at) <= now:
                self._event(db, row, "expired", actor, now, "")
                db.delete(row)
                expired = True
            else:
                self._event(db, row, "download", actor, now, "")
                expired = False
            document, content = StoredDocument.from_row(row), row.content
        if expired:
            flush_deleted(self._engine)
            raise DocumentExpired()
        return document, content

    def for_ticket(self, ticket_id: str, session_id: str | None = None) -> list[StoredDocument]:
        """The live documents of a ticket, and those the person generated in its conversation."""
        where = GeneratedDocumentRow.ticket_id == ticket_id
        if session_id:
            where = where | (GeneratedDocumentRow.session_id == session_id)
        with self._sessions() as db:
            rows = db.scalars(select(GeneratedDocumentRow).where(where, GeneratedDocumentRow.expires_at > self._clock())
                              .order_by(GeneratedDocumentRow.created_at.desc())).all()
            return [StoredDocument.from_row(r) for r in rows]

    def audit(self, limit: int = 200) -> list[AuditedEvent]:
        with self._sessions() as db:
            rows = db.scalars(select(DocumentEventRow).order_by(DocumentEventRow.id.desc()).limit(limit)).all()
            return [AuditedEvent(as_utc(r.at), r.document_id, r.doc_type, r.action, r.actor, r.ticket_id, r.note)
                    for r in rows]

    def purge_expired(self, now: datetime | None = None) -> int:
        return purge_expired_documents(self._engine, now or self._clock())

    @staticmethod
    def _event(db: Session, row: GeneratedDocumentRow, action: str, actor: str, now: datetime, note: str) -> None:
        db.add(DocumentEventRow(at=now, document_id=row.id, doc_type=row.doc_type, action=action, actor=actor[:80],
                                ticket_id=row.ticket_id, note=note[:200]))


def purge_expired_documents(engine: Engine, now: datetime, *, db: Session | None = None) -> int:
    """Delete every document past its expiry (audited as `purge`); returns how many. Inside the
    retention purge's transaction when `db` is given, else in its own (and the SQLite WAL flushed)."""
    own = db is None
    db = db or Session(engine)
    try:
        rows = db.execute(select(GeneratedDocumentRow.id, GeneratedDocumentRow.doc_type, GeneratedDocumentRow.ticket_id)
                          .where(GeneratedDocumentRow.expires_at <= now)).all()
        for document_id, doc_type, ticket_id in rows:
            db.add(DocumentEventRow(at=now, document_id=document_id, doc_type=doc_type, action="purge", actor="system",
                                    ticket_id=ticket_id, note=""))
        if rows:
            db.execute(delete(GeneratedDocumentRow).where(GeneratedDocumentRow.id.in_([r[0] for r in rows]))
                       .execution_options(synchronize_session=False))
        if own:
            db.commit()
            if rows:
                flush_deleted(engine)
        return len(rows)
    finally:
        if own:
            db.close()


class DocumentPurgeJob:
    """Housekeeping for the handoff worker: expired documents go within `every` of expiring."""

    def __init__(self, store: DocumentStore, every: timedelta = timedelta(minutes=10)):
        self._store, self._every, self._last = store, every, None

    def __call__(self, now: datetime | None = None) -> int | None:
        now = now or utcnow()
        if self._last is not None and now - self._last < self._every:
            return None
        self._last = now
        return self._store.purge_expired(now)
