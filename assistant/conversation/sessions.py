"""The chat session store: conversation state and the masked transcript, on the records database.

A session's `state` is a small JSON document the conversation uses for follow-ups:
  topic        the last legal question asked (combined with short follow-ups for retrieval)
  citations    the citations of the last answer ([{"law", "article_id"} | {"case_title", "section"}])
  points       the numbered next-step points of the last answer ("第二点再说详细点")
  flow         a pending multi-turn flow ("eligibility") and its state under `flow_state`

Session ids are the only key to a conversation, so the client never chooses one. On the web
channels (CLIENT_HELD_CHANNELS: the H5 page and the API hand the id back) ids are issued here at
random; an id that is unknown or belongs to another channel opens nothing: a new session with a
fresh id starts, and the caller returns that id. Every other channel's ids are derived by the
server with an HMAC of the secret key (assistant.channels.answering.channel_session_id, the facade's
`user`): the first message creates the session under that id.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from assistant.conversation.session_models import ChatMessageOriginalRow, ChatMessageRow, ChatSessionRow, utcnow
from knowledge.database import for_writes

try:  # the handoff engineer's masker (one place for the PII patterns)
    from assistant.privacy import mask_pii
except ImportError:  # pragma: no cover - only while assistant/privacy.py is not yet in the tree
    _DIGIT_RUN = re.compile(r"\d[\d\s-]{6,}\d")

    def mask_pii(text: str) -> str:
        return _DIGIT_RUN.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 5) + m.group()[-2:], text)

SESSION_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:@-]{1,64}$")
# channels whose session id the client holds and presents back (H5 page, /v1/chat API, the
# facade's X-Session-Id): their transcripts are readable with the id, their ids issued at random
CLIENT_HELD_CHANNELS = frozenset({"web", "h5", "api"})
# a turn's writes as Core statements built once (every chat turn runs them: the ORM's unit of work and
# per-call statement building cost ~1 ms of CPU a turn more)
_SESSIONS, _MESSAGES = ChatSessionRow.__table__, ChatMessageRow.__table__
_ORIGINALS = ChatMessageOriginalRow.__table__
_UPDATE_SESSION = (update(_SESSIONS).where(_SESSIONS.c.id == bindparam("sid"))
                   .values(state=bindparam("state"), updated_at=bindparam("now"),
                           user_ref=func.coalesce(_SESSIONS.c.user_ref, bindparam("user_ref"))))
_INSERT_SESSION = insert(_SESSIONS)
_INSERT_MESSAGES = insert(_MESSAGES).returning(_MESSAGES.c.id, sort_by_parameter_order=True)
_INSERT_ORIGINALS = insert(_ORIGINALS)


class InvalidSessionId(ValueError):
    pass


def new_session_id() -> str:
    return secrets.token_urlsafe(16)


def check_session_id(session_id: str) -> str:
    if not SESSION_ID_PATTERN.fullmatch(session_id or ""):
        raise InvalidSessionId("session_id 只能包含字母、数字和 _ . : @ -，长度 1–64")
    return session_id


@dataclass
class ChatSession:
    id: str
    channel: str
    user_ref: str | None
    state: dict = field(default_factory=dict)
    created: bool = False   # True when this turn opened the session


@dataclass
class StoredMessage:
    id: int
    session_id: str
    role: str
    text: str
    intent: str | None
    citations: list
    created_at: datetime

    def to_dict(self) -> dict:
        return {"id": self.id, "role": self.role, "text": self.text, "intent": self.intent,
                "citations": self.citations, "created_at": self.created_at.isoformat()}


@dataclass
class TurnRecord:
    """One message to append; `text` is masked on the way in."""
    role: str
    text: str
    intent: str | None = None
    citations: list = field(default_factory=list)


class SessionStore:
    def __init__(self, engine: Engine, seal=None):
        """`seal`: an assistant.conversation.transcript_seal.TranscriptSeal; with it the person's own words are
        kept (sealed) and `messages()` returns them; without it only the masked text exists."""
        self._seal = seal
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # writes look the session up first: take the write lock before that read (SQLite)
        self._write_engine = for_writes(engine)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    def open(self, session_id: str | None, *, channel: str = "web", user_ref: str | None = None,
             persist: bool = True) -> ChatSession:
        """The session with this id on this channel. A new one (`created`) when no id is given, or on
        a client-held channel when the id is unknown or another channel's: then with a fresh random
        id, never the one presented. A new session is written at once, or with `persist=False` by
        the turn's `save_turn` (one commit per turn)."""
        if session_id:
            row = self._row(check_session_id(session_id))
            if row is not None and row.channel == channel:
                return ChatSession(row.id, row.channel, row.user_ref, dict(row.state or {}))
            if row is not None or channel in CLIENT_HELD_CHANNELS:
                session_id = None    # not this caller's session: start a new one
        session_id = session_id or new_session_id()   # a fresh random id cannot exist yet: no read
        session = ChatSession(session_id, channel, user_ref, {}, created=True)
        if persist:
            self._write(session, [])
        return session

    def ensure(self, session_id: str, *, channel: str, user_ref: str | None = None) -> None:
        """Store a session under an id the server (not a client) holds, e.g. a handoff ticket's
        conversation that has no stored session yet; an existing one is left as it is."""
        if self._row(check_session_id(session_id)) is None:
            self._write(ChatSession(session_id, channel, user_ref, {}, created=True), [])

    def save_turn(self, session: ChatSession, records: list[TurnRecord]) -> list[int]:
        """Append the turn's messages and store the new state in one transaction."""
        try:
            return self._write(session, records)
        except IntegrityError:   # the same new session id was created concurrently: append to it
            return self._write(session, records)

    def _write(self, session: ChatSession, records: list[TurnRecord]) -> list[int]:
        now = utcnow()
        with self._write_engine.begin() as conn:
            found = conn.execute(_UPDATE_SESSION, {"sid": session.id, "state": session.state, "now": now,
                                                   "user_ref": session.user_ref}).rowcount
            if not found:   # new (or purged meanwhile: recreate rather than lose the turn)
                conn.execute(_INSERT_SESSION, {"id": session.id, "channel": session.channel, "user_ref": session.user_ref,
                                               "state": session.state, "created_at": now, "updated_at": now})
            ids = []
            if records:
                masked = [mask_pii(r.text) for r in records]
                ids = list(conn.execute(_INSERT_MESSAGES, [
                    {"session_id": session.id, "role": r.role, "text": text, "intent": r.intent,
                     "citations": r.citations, "created_at": now} for r, text in zip(records, masked)]).scalars())
                originals = self._originals(session.id, ids, [r.text for r in records], masked)
                if originals:
                    conn.execute(_INSERT_ORIGINALS, originals)
            return ids

    def _originals(self, session_id: str, ids: list[int], texts: list[str], masked: list[str]) -> list[dict]:
        if self._seal is None:
            return []
        return [{"message_id": i, "sealed": self._seal.seal(session_id, text)}
                for i, text, shown in zip(ids, texts, masked) if text != shown]

    def add_message(self, session_id: str, role: str, text: str, *, intent: str | None = None) -> int:
        """Append one message outside a bot turn (a staff reply, a ticket notice shown on the H5 page)."""
        with self._write_sessions.begin() as db:
            if db.get(ChatSessionRow, session_id) is None:
                raise KeyError(session_id)
            masked = mask_pii(text)
            row = ChatMessageRow(session_id=session_id, role=role, text=masked, intent=intent, citations=[])
            db.add(row)
            db.flush()
            for original in self._originals(session_id, [row.id], [text], [masked]):
                db.add(ChatMessageOriginalRow(**original))
            return row.id

    def messages(self, session_id: str, *, after_id: int = 0, limit: int = 200,
                 masked: bool = False) -> list[StoredMessage]:
        """The transcript as its holder and the staff of its ticket read it: the person's own words
        (unsealed); `masked=True` for anything that leaves that circle (exports, notifications)."""
        with self._sessions() as db:
            rows = db.execute(select(ChatMessageRow, ChatMessageOriginalRow.sealed)
                              .outerjoin(ChatMessageOriginalRow, ChatMessageOriginalRow.message_id == ChatMessageRow.id)
                              .where(ChatMessageRow.session_id == session_id, ChatMessageRow.id > after_id)
                              .order_by(ChatMessageRow.id).limit(limit)).all()
            return [_stored(row, None if masked else self._unseal(session_id, sealed)) for row, sealed in rows]

    def _unseal(self, session_id: str, sealed: str | None) -> str | None:
        if sealed is None or self._seal is None:
            return None
        return self._seal.open(session_id, sealed)

    def get(self, session_id: str) -> ChatSession | None:
        row = self._row(session_id)
        return None if row is None else ChatSession(row.id, row.channel, row.user_ref, dict(row.state or {}))

    def held(self, session_id: object, channels=CLIENT_HELD_CHANNELS) -> ChatSession | None:
        """The session a client presents this id for, when it is one of `channels` (the id is then
        server-issued: only its holder knows it); None for anything else, malformed ids included."""
        if not (isinstance(session_id, str) and SESSION_ID_PATTERN.fullmatch(session_id)):
            return None
        session = self.get(session_id)
        return session if session is not None and session.channel in channels else None

    def _row(self, session_id: str) -> ChatSessionRow | None:
        with self._sessions() as db:
            return db.get(ChatSessionRow, session_id)


def _stored(row: ChatMessageRow, original: str | None = None) -> StoredMessage:
    return StoredMessage(row.id, row.session_id, row.role, original or row.text, row.intent,
                         list(row.citations or []), row.created_at)


class WebMessenger:
    """OutboundMessenger for the H5/API channel: a staff reply is stored in the transcript and the
    page shows it when it polls `GET /v1/chat/{session_id}/messages`. For web sessions the
    `user_ref` is the session id."""

    def __init__(self, store: SessionStore):
        self._store = store

    def send(self, user_ref: str, text: str) -> None:
        self._store.add_message(user_ref, "staff", text)


__all__ = ["CLIENT_HELD_CHANNELS", "ChatSession", "SessionStore", "StoredMessage", "TurnRecord", "WebMessenger", "InvalidSessionId",
           "check_session_id", "new_session_id", "mask_pii"]
