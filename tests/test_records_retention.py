"""Retention beyond tests/test_records_purge.py: every records table is either purged or holds no
personal data (a new table must be classified here), old notifications and WeChat delivery rows
go, and the background worker runs the purge by itself once per interval."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.services import build_services
from assistant.channels.wechat_models import ChannelDelivery
from assistant.db import RecordsBase
from assistant.handoff.models import NotificationOutboxRow, utcnow
from assistant.records.purge import purge_old_records
from assistant.conversation.sessions import SessionStore, TurnRecord

PURGED = {   # table -> what the purge does (assistant/records/purge.py)
    "chat_sessions": "deleted after the retention period (state may hold eligibility facts, user_ref an openid)",
    "chat_messages": "deleted with their session",
    "handoff_tickets": "closed ones: summary, facts, user_ref emptied, session id pseudonymised",
    "handoff_events": "deleted for closed old tickets (they quote staff replies)",
    "notification_outbox": "sent/failed rows deleted",
    "consultation_records": "session id pseudonymised (counts kept for the monthly report)",
    "consultation_ratings": "session id pseudonymised, comment emptied",
    "wechat_deliveries": "deleted (sender openid in message_key, answer text)",
    "chat_message_originals": "the person's own words (sealed, AES-GCM) deleted with their messages",
    "generated_documents": "deleted when their link expires (FAYUAN_DOCUMENTS_TTL_HOURS), by the worker and `fayuan purge`",
}
NO_PERSONAL_DATA = {
    "known_answers": ("approved staff replies: question and reply masked and reviewed by the approving staff "
                      "member; no session or user reference (a ticket id, whose ticket the purge empties)"),
    "eligibility_region_audit": "staff edits of regional standards (staff username, thresholds)",
    "eligibility_region_overrides": "regional standards",
    "staff_accounts": "staff, not the public; deactivated by `fayuan staff`, not by retention",
    "staff_revoked_tokens": "token nonces until they expire",
    "staff_token_cutoffs": "staff id and a time",
    "wechat_access_tokens": "the service's own API tokens",
    "wechat_seen_nonces": "random nonces, kept minutes",
    "tool_figure_overrides": "published statistics (average wage, disposable income) staff entered",
    "tool_figure_audit": "staff edits of those statistics (staff username, figures)",
    "document_events": "audit of document generation and downloads: ids, type, actor, counts — no facts",
}


def test_every_records_table_is_classified_for_retention(records_engine):
    tables = {t.name for t in RecordsBase.metadata.sorted_tables}
    assert tables == set(PURGED) | set(NO_PERSONAL_DATA), "classify the new table here and purge it if needed"


def _old_and_new_rows(engine, now):
    old, new = now - timedelta(days=200), now - timedelta(days=1)
    with Session(engine) as db, db.begin():
        for when, status in ((old, "sent"), (old, "failed"), (old, "pending"), (new, "sent")):
            db.add(NotificationOutboxRow(ticket_id=None, kind="new", payload={"text": "工单"}, status=status,
                                         created_at=when, next_attempt_at=when))
        for when, key in ((old, "openid-old:1"), (new, "openid-new:2")):
            db.add(ChannelDelivery(channel="wechat_oa", message_key=key, state="delivered", answer="……",
                                   created_at=when.timestamp()))


def test_purge_deletes_old_notifications_and_channel_deliveries(records_engine):
    now = utcnow()
    _old_and_new_rows(records_engine, now)
    result = purge_old_records(records_engine, retention_days=180, key="k", now=now)
    assert (result.notifications_deleted, result.channel_deliveries_deleted) == (2, 1)
    with Session(records_engine) as db:
        assert sorted(db.scalars(select(NotificationOutboxRow.status))) == ["pending", "sent"]  # pending: still due
        assert list(db.scalars(select(ChannelDelivery.message_key))) == ["openid-new:2"]


def _old_session(engine, session_id: str) -> None:
    store = SessionStore(engine)
    store.ensure(session_id, channel="web")            # a known id (a client-chosen one would not be kept)
    store.save_turn(store.open(session_id), [TurnRecord("user", "我月收入2300元，能申请法律援助吗")])
    with engine.begin() as conn:
        conn.execute(text("UPDATE chat_sessions SET updated_at = :w WHERE id = :s"),
                     {"w": utcnow() - timedelta(days=40), "s": session_id})
        conn.execute(text("UPDATE chat_messages SET created_at = :w WHERE session_id = :s"),
                     {"w": utcnow() - timedelta(days=40), "s": session_id})


def _sessions(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM chat_sessions")).scalar()


def test_the_background_worker_purges_once_per_interval(records_settings):
    settings = records_settings.model_copy(update={"retention_days": 30, "retention_purge_interval_hours": 24,
                                                   "sla_sweep_interval_s": 0})
    services = build_services(settings)
    engine, worker = services.records_engine, services.handoff_worker
    _old_session(engine, "old-1")
    now = utcnow()
    worker.run_once(now)                                   # first round after start-up: purges
    assert _sessions(engine) == 0
    _old_session(engine, "old-2")
    worker.run_once(now + timedelta(hours=1))              # not due yet
    assert _sessions(engine) == 1
    worker.run_once(now + timedelta(hours=25))
    assert _sessions(engine) == 0
    engine.dispose()


def test_the_worker_thread_runs_the_purge_after_start_up(records_settings):
    settings = records_settings.model_copy(update={"retention_days": 30, "sla_sweep_interval_s": 0.2})
    services = build_services(settings)
    _old_session(services.records_engine, "old-thread")
    services.handoff_worker.start()
    try:
        deadline = time.monotonic() + 20
        while _sessions(services.records_engine) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        services.handoff_worker.stop()
    assert _sessions(services.records_engine) == 0
    with services.records_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RecordsBase.metadata.tables["chat_messages"])).scalar() == 0
    services.records_engine.dispose()
