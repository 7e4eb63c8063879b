"""The handoff queue on a real database (SQLite and PostgreSQL): states, audit, concurrency, SLA."""
from __future__ import annotations

import random
import threading
from collections import Counter

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from assistant.handoff.models import HandoffEventRow, HandoffTicketRow
from assistant.handoff.sla import sweep_sla
from assistant.handoff.states import InvalidTicketInput, NotTicketOwner, TicketConflict, TicketNotFound
from assistant.conversation.sessions import SessionStore
from tests.handoff_helpers import Clock, make_queue, make_staff


def _open(queue, session_id="s1", **kw):
    params = dict(trigger="person_request", service="法律援助", priority="normal", region="城关镇",
                  summary="工地欠薪三个月，电话13812345678", facts={"monthly_income": 2800},
                  channel="web", user_ref=session_id)
    params.update(kw)
    return queue.open(session_id, **params)


def test_lifecycle_with_audit_trail(records_engine):
    clock = Clock()
    queue = make_queue(records_engine, clock)
    lin, = make_staff(records_engine, "lin")
    SessionStore(records_engine).ensure("s1", channel="web")

    info = queue.open_ticket("s1", trigger="person_request", service="法律援助", priority="normal",
                             region="城关镇", summary="身份证110101199003071234 要求人工", facts={"a": 1},
                             channel="web", user_ref="s1")
    assert info.status == "pending" and info.service == "法律援助"
    assert queue.active_ticket("s1").ticket_id == info.ticket_id
    assert not queue.human_owns("s1")  # pending: the bot still answers
    ticket = queue.get(info.ticket_id)
    assert "110101199003071234" not in ticket.summary and ticket.facts == {"a": 1}
    assert ticket.due_at == clock.now + (ticket.due_at - ticket.created_at)

    clock.advance(minutes=3)
    assert queue.claim(info.ticket_id, lin).status == "assigned"
    assert queue.human_owns("s1")

    clock.advance(minutes=2)
    result = queue.reply(info.ticket_id, lin, "您好，我是法律援助中心的林老师。")
    assert result.delivered and result.ticket.first_reply_at == clock.now
    transcript = queue.transcript(info.ticket_id)
    assert transcript[-1]["role"] == "staff" and "林老师" in transcript[-1]["text"]

    resolved = queue.resolve(info.ticket_id, lin, "已受理法律援助申请")
    assert resolved.status == "resolved" and resolved.outcome == "已受理法律援助申请"
    assert queue.active_ticket("s1") is None and not queue.human_owns("s1")  # back to the bot

    events = queue.events(info.ticket_id)
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("open", None, "pending"), ("claim", "pending", "assigned"), ("reply", "assigned", "assigned"),
        ("resolve", "assigned", "resolved")]
    assert events[1].actor == "staff:lin" and events[0].actor == "bot"
    assert events[1].at == clock.now.replace(minute=clock.now.minute - 2)

    # a new request after resolution opens a new ticket
    again = _open(queue, "s1")
    assert again.id != info.ticket_id and again.status == "pending"


def test_open_is_idempotent_and_raises_priority(records_engine):
    queue = make_queue(records_engine)
    first = _open(queue, "s2", priority="normal")
    same = _open(queue, "s2", priority="normal")
    assert same.id == first.id
    urgent = _open(queue, "s2", priority="urgent", trigger="urgent_risk")
    assert urgent.id == first.id and urgent.priority == "urgent" and urgent.due_at < first.due_at
    assert [e.action for e in queue.events(first.id)] == ["open", "reprioritise"]
    with Session(records_engine) as db:
        assert db.scalar(select(HandoffTicketRow).where(HandoffTicketRow.session_id == "s2")).id == first.id


def test_refusals(records_engine):
    queue = make_queue(records_engine)
    lin, wang = make_staff(records_engine, "lin", "wang")
    boss, = make_staff(records_engine, "boss", role="admin")
    ticket = _open(queue, "s3")
    with pytest.raises(TicketNotFound):
        queue.claim("HT-nope", lin)
    with pytest.raises(TicketConflict):
        queue.reply(ticket.id, lin, "hello")  # claim first
    queue.claim(ticket.id, lin)
    assert queue.claim(ticket.id, lin).owner_name == "lin"  # claiming your own is a no-op
    with pytest.raises(TicketConflict):
        queue.claim(ticket.id, wang)
    with pytest.raises(NotTicketOwner):
        queue.reply(ticket.id, wang, "hello")
    with pytest.raises(NotTicketOwner):
        queue.assign(ticket.id, wang, wang)
    with pytest.raises(TicketConflict):
        queue.cancel(ticket.id, wang, "dup")  # owned tickets are not cancelled
    with pytest.raises(InvalidTicketInput):
        queue.reply(ticket.id, lin, "   ")
    with pytest.raises(InvalidTicketInput):
        queue.resolve(ticket.id, lin, "")
    assert queue.assign(ticket.id, boss, wang).owner_name == "wang"  # an admin reassigns
    queue.hand_back(ticket.id, wang, "已解答")
    assert queue.get(ticket.id).outcome == "交还机器人"
    with pytest.raises(TicketConflict):
        queue.resolve(ticket.id, wang, "late")
    with pytest.raises(InvalidTicketInput):
        _open(queue, "s4", service="法律咨询")
    with pytest.raises(InvalidTicketInput):
        _open(queue, "s4", trigger="because")
    other = _open(queue, "s5")
    assert queue.cancel(other.id, None, "不需要了").status == "cancelled"
    with pytest.raises(TicketConflict):
        queue.claim(other.id, lin)


def test_pull_takes_over_a_bot_conversation(records_engine):
    queue = make_queue(records_engine)
    lin, wang = make_staff(records_engine, "lin", "wang")
    SessionStore(records_engine).open("oa-user", channel="wechat_oa", user_ref="openid-1")
    ticket = queue.pull("oa-user", lin, service="人民调解", region="河西村")
    assert ticket.status == "assigned" and ticket.trigger == "staff_pull" and ticket.owner_name == "lin"
    assert ticket.channel == "wechat_oa" and ticket.user_ref == "openid-1"
    assert queue.human_owns("oa-user")
    with pytest.raises(TicketConflict):
        queue.pull("oa-user", wang, service="人民调解")


def test_audit_trail_is_append_only(records_engine):
    queue = make_queue(records_engine)
    ticket = _open(queue, "s6")
    with pytest.raises(DBAPIError):
        with records_engine.begin() as conn:
            conn.execute(text("UPDATE handoff_events SET note = 'rewritten' WHERE ticket_id = :t"), {"t": ticket.id})
    assert queue.events(ticket.id)[0].note == "trigger=person_request"


def test_twenty_staff_claiming_a_hundred_tickets(records_engine):
    queue = make_queue(records_engine)
    staff = make_staff(records_engine, *[f"staff{i:02d}" for i in range(20)])
    ticket_ids = [_open(queue, f"c{i:03d}").id for i in range(100)]
    wins: list[tuple[str, str]] = []
    conflicts = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(staff))

    def work(member):
        order = ticket_ids[:]
        random.Random(member.id).shuffle(order)
        start.wait()
        for ticket_id in order:
            try:
                queue.claim(ticket_id, member)
            except TicketConflict:
                conflicts[member.username] += 1
                continue
            with lock:
                wins.append((ticket_id, member.username))

    threads = [threading.Thread(target=work, args=(m,)) for m in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    claims_per_ticket = Counter(ticket_id for ticket_id, _ in wins)
    assert len(claims_per_ticket) == 100 and set(claims_per_ticket.values()) == {1}
    owners = {ticket_id: name for ticket_id, name in wins}
    for ticket in queue.list(status="assigned", limit=500):
        assert ticket.owner_name == owners[ticket.id]
    with Session(records_engine) as db:
        claim_events = db.scalars(select(HandoffEventRow).where(HandoffEventRow.action == "claim")).all()
    assert len(claim_events) == 100
    assert sum(conflicts.values()) == 100 * 20 - 100 - 0  # every other attempt was refused cleanly


def test_sla_reminder_then_escalation(records_engine):
    clock = Clock()
    queue = make_queue(records_engine, clock, sla_minutes={"normal": 60})
    lin, = make_staff(records_engine, "lin")
    waiting = _open(queue, "w1")
    answered = _open(queue, "w2")
    queue.claim(answered.id, lin)
    queue.reply(answered.id, lin, "马上处理")

    assert sweep_sla(queue, clock.advance(minutes=29)).reminded == 0
    first = sweep_sla(queue, clock.advance(minutes=1))
    assert (first.reminded, first.escalated) == (1, 0)
    assert sweep_sla(queue, clock.advance(minutes=10)).reminded == 0  # only once
    assert queue.get(waiting.id).reminded_at is not None and queue.get(answered.id).reminded_at is None
    late = sweep_sla(queue, clock.advance(minutes=20))
    assert late.escalated == 1
    assert queue.get(waiting.id).status == "escalated" and queue.get(answered.id).status == "assigned"
    assert sweep_sla(queue, clock.advance(minutes=5)).escalated == 0
    # an escalated ticket can still be claimed and resolved
    queue.claim(waiting.id, lin)
    assert queue.resolve(waiting.id, lin, "已电话联系").status == "resolved"
    assert [e.action for e in queue.events(waiting.id)] == ["open", "remind", "escalate", "claim", "resolve"]


def test_staff_reply_reaches_the_person_on_their_channel(records_engine):
    queue = make_queue(records_engine)
    lin, = make_staff(records_engine, "lin")
    sent: list[tuple[str, str]] = []

    class RecordingMessenger:  # what the WeChat engineer's sender does, minus the network
        def send(self, user_ref, text):
            sent.append((user_ref, text))

    class BrokenMessenger:
        def send(self, user_ref, text):
            raise RuntimeError(f"45015 response out of time limit for {user_ref}")

    queue.outbound.register("wechat_oa", RecordingMessenger())
    ticket = _open(queue, "oa1", channel="wechat_oa", user_ref="openid-9")
    queue.claim(ticket.id, lin)
    assert queue.reply(ticket.id, lin, "请带身份证到中心").delivered
    assert sent[-1] == ("openid-9", "请带身份证到中心")
    assert len(sent) == 2 and "已接手" in sent[0][1]          # the claim notice went the same way

    queue.outbound.register("wecom", BrokenMessenger())
    broken = _open(queue, "wc1", channel="wecom", user_ref="userid-1")
    queue.claim(broken.id, lin)
    result = queue.reply(broken.id, lin, "您好")
    assert not result.delivered and "45015" in result.error
    assert queue.transcript(broken.id)[-1]["text"] == "您好"  # kept, staff can retry
    assert queue.events(broken.id)[-1].action == "delivery_failed"

    nowhere = _open(queue, "x1", channel="sms", user_ref="u")
    queue.claim(nowhere.id, lin)
    assert not queue.reply(nowhere.id, lin, "hi").delivered
