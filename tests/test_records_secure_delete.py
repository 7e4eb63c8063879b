"""Sensitive eligibility facts (incomes, disability, domestic violence) are kept in a ticket only
while the case is open: staff see them then; resolving or cancelling removes them, and SQLite's
secure_delete plus a WAL checkpoint make sure the removed bytes are not left in the database or
its write-ahead log (read back from the raw files)."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.db import create_records_schema
from assistant.records.purge import purge_old_records
from knowledge.database import make_engine
from tests.handoff_helpers import Clock, make_queue, make_staff

MARKER_INCOME = "987654321"
MARKER_STATUS = "家暴受害人残疾人XYZZY"
FACTS = {"region": "上海市", "事项": "labor_remuneration", "初步判断": "符合申请条件",
         "家庭月收入": MARKER_INCOME, "特殊身份": MARKER_STATUS,
         "facts": {"household_monthly_income": MARKER_INCOME, "statuses": [MARKER_STATUS]}}


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}")
    create_records_schema(engine)
    yield engine
    engine.dispose()


def _raw_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("records.sqlite3*"))


def _open_ticket(engine, session_id: str):
    queue = make_queue(engine, Clock())
    ticket = queue.open(session_id, trigger="eligibility_application", service="法律援助", priority="normal",
                        region="上海市", summary="申请法律援助", facts=FACTS, channel="web", user_ref=session_id)
    return queue, ticket


def test_staff_see_the_facts_while_open_and_resolving_removes_them_from_the_file(engine, tmp_path):
    queue, ticket = _open_ticket(engine, "sd1")
    lin, = make_staff(engine, "lin")
    queue.claim(ticket.id, lin)
    assert queue.get(ticket.id).facts["家庭月收入"] == MARKER_INCOME          # the case worker sees it
    assert MARKER_INCOME.encode() in _raw_bytes(tmp_path)
    queue.resolve(ticket.id, lin, "已受理")
    assert queue.get(ticket.id).facts == {"region": "上海市", "事项": "labor_remuneration", "初步判断": "符合申请条件"}
    raw = _raw_bytes(tmp_path)
    assert MARKER_INCOME.encode() not in raw and MARKER_STATUS.encode("utf-8") not in raw


def test_a_cancelled_ticket_loses_its_facts_too(engine, tmp_path):
    queue, ticket = _open_ticket(engine, "sd2")
    queue.cancel(ticket.id, None, "重复")
    assert "家庭月收入" not in queue.get(ticket.id).facts
    assert MARKER_STATUS.encode("utf-8") not in _raw_bytes(tmp_path)


def test_secure_delete_is_on_for_every_sqlite_connection(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_retention_purge_leaves_no_deleted_transcript_in_the_file(engine, tmp_path):
    from datetime import datetime, timedelta, timezone

    from assistant.conversation.sessions import SessionStore, TurnRecord

    store = SessionStore(engine)
    session = store.open("old-session", channel="web")
    store.save_turn(session, [TurnRecord("user", "我家暴受害XYZZYQ需要帮助", "legal_question")])
    assert "XYZZYQ".encode() in _raw_bytes(tmp_path)
    purge_old_records(engine, retention_days=1, key="k" * 32,
                      now=datetime.now(timezone.utc) + timedelta(days=400))
    assert "XYZZYQ".encode() not in _raw_bytes(tmp_path)
