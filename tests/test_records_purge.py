"""Retention purge on both databases: old text and identifiers go, open work and report counts stay."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from assistant.handoff.models import HandoffEventRow, HandoffTicketRow
from assistant.records.purge import purge_old_records
from assistant.records.report import monthly_report
from assistant.records.service import ConsultationRecords
from assistant.conversation.session_models import ChatMessageRow, ChatSessionRow
from assistant.conversation.sessions import SessionStore, TurnRecord
from tests.handoff_helpers import Clock, make_queue, make_staff

OLD = datetime(2025, 1, 10, 3, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 3, 1, 3, 0, tzinfo=timezone.utc)


def _conversation(engine, store, clock, queue, staff, session_id, *, close: bool, region="城关镇"):
    session = store.open(session_id, channel="wechat_oa", user_ref=f"openid-{session_id}")
    store.save_turn(session, [TurnRecord("user", "我身份证110101199003071234，被拖欠工资"),
                              TurnRecord("assistant", "根据劳动合同法第三十八条……")])
    ConsultationRecords(engine).record_turn(session_id, channel="wechat_oa", intent="statute_question",
                                            region=region, at=clock.now)
    ticket = queue.open(session_id, trigger="person_request", service="法律援助", region=region,
                        summary="电话13812345678", facts={"月收入": 2800}, channel="wechat_oa",
                        user_ref=f"openid-{session_id}")
    queue.claim(ticket.id, staff)
    queue.reply(ticket.id, staff, "请带上劳动合同")
    if close:
        queue.resolve(ticket.id, staff, "已解答")
    ConsultationRecords(engine).rate(session_id, "不满意", comment="打电话13812345678没人接", at=clock.now)
    return ticket.id


def _backdate_sessions(engine, when):
    with engine.begin() as conn:
        conn.execute(text("UPDATE chat_sessions SET updated_at = :w"), {"w": when})
        conn.execute(text("UPDATE chat_messages SET created_at = :w"), {"w": when})


def test_purge_removes_old_personal_data_and_keeps_counts(records_engine):
    clock = Clock(OLD)
    queue = make_queue(records_engine, clock)
    store = SessionStore(records_engine)
    lin, = make_staff(records_engine, "lin")
    closed_id = _conversation(records_engine, store, clock, queue, lin, "old-closed", close=True)
    open_id = _conversation(records_engine, store, clock, queue, lin, "old-open", close=False)
    _backdate_sessions(records_engine, OLD)
    clock.now = NOW - timedelta(days=1)
    recent_id = _conversation(records_engine, store, clock, queue, lin, "recent", close=True)
    before = monthly_report(records_engine, 2025, 1)

    dry = purge_old_records(records_engine, retention_days=180, key="k", now=NOW, dry_run=True)
    assert dry.tickets_anonymised == 1 and dry.sessions_deleted == 1
    assert queue.get(closed_id).summary  # a dry run changes nothing

    result = purge_old_records(records_engine, retention_days=180, key="k", now=NOW)
    assert (result.sessions_deleted, result.tickets_anonymised, result.records_pseudonymised,
            result.ratings_pseudonymised) == (1, 1, 2, 2)
    closed = queue.get(closed_id)
    assert closed.summary == "" and closed.facts == {} and closed.user_ref is None
    assert closed.session_id.startswith("purged-") and queue.events(closed_id) == []
    assert closed.status == "resolved" and closed.first_reply_at is not None  # report inputs survive
    # the open ticket's conversation is kept whole: staff are still working on it
    assert queue.get(open_id).summary and queue.events(open_id)
    assert store.get("old-open") is not None and store.get("old-closed") is None
    assert queue.get(recent_id).summary and store.messages("recent")

    with Session(records_engine) as db:
        assert db.scalar(select(func.count()).select_from(ChatMessageRow)
                         .where(ChatMessageRow.session_id == "old-closed")) == 0
        assert db.get(ChatSessionRow, "old-closed") is None
        assert db.scalar(select(func.count()).select_from(HandoffEventRow)
                         .where(HandoffEventRow.ticket_id == recent_id)) == 7  # open…resolve, kept
        # (7: no WeChat sender is registered here, so the claim and closing notices to the person
        # are audited as undelivered)

    after = monthly_report(records_engine, 2025, 1)
    assert after.total.consultations == before.total.consultations == 2
    assert after.total.handoffs == before.total.handoffs == 2
    assert after.total.ratings == before.total.ratings
    assert after.total.median_first_reply_minutes == before.total.median_first_reply_minutes

    again = purge_old_records(records_engine, retention_days=180, key="k", now=NOW)
    assert (again.tickets_anonymised, again.records_pseudonymised, again.sessions_deleted) == (0, 0, 0)

    dump = _dump_all_text(records_engine)
    assert "openid-old-closed" not in dump


def _dump_all_text(engine) -> str:
    from assistant.db import RecordsBase

    parts = []
    with engine.connect() as conn:
        for table in RecordsBase.metadata.sorted_tables:
            if table.name in ("handoff_tickets", "consultation_records", "consultation_ratings", "chat_sessions"):
                parts.extend(repr(tuple(row)) for row in conn.execute(table.select()))
    return "\n".join(parts)


def test_purge_command(settings, monkeypatch, capsys):
    from api.cli import main
    from api.settings import get_settings

    monkeypatch.setenv("FAYUAN_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        assert main(["purge", "--days", "30", "--dry-run"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["dry_run"] is True and out["retention_days"] == 30 and out["messages_deleted"] == 0
        assert main(["purge", "--days", "0"]) == 2
    finally:
        get_settings.cache_clear()
