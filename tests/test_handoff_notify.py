"""Staff notifications through a local WeCom-robot look-alike: format, size, masking, retries."""
from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.handoff.models import NotificationOutboxRow
from assistant.handoff.notify import MAX_MARKDOWN_BYTES, truncate_utf8
from assistant.handoff.outbox import OutboxDispatcher
from assistant.handoff.sla import sweep_sla
from tests.handoff_helpers import Clock, WebhookReceiver, make_queue

PII = ["110101199003071234", "13812345678", "6222021234567890123"]


def _urgent_ticket(queue, session_id="n1", summary_repeat=200):
    summary = ("身份证110101199003071234，电话13812345678，工资卡6222021234567890123。"
               + "我在城关镇工地干活被拖欠工资三个月老板一直推脱" * summary_repeat)
    return queue.open(session_id, trigger="urgent_risk", service="法律援助", priority="urgent",
                      region="城关镇", summary=summary, facts={}, channel="web", user_ref=session_id)


def test_truncate_utf8_never_splits_a_character():
    text = "法援" * 10
    for limit in range(0, 61):
        cut = truncate_utf8(text, limit)
        assert len(cut.encode()) <= limit and text.startswith(cut)
    assert truncate_utf8("abc", 10) == "abc"


def test_notification_format_size_mentions_and_masking(records_engine):
    clock = Clock()
    with WebhookReceiver() as robot:
        queue = make_queue(records_engine, clock, notify=True, mentions=["lin", "@all"],
                           public_base_url="https://fayuan.example.gov.cn")
        ticket = _urgent_ticket(queue)
        dispatcher = OutboxDispatcher(records_engine, robot.url)
        assert dispatcher.dispatch_due(clock.now).sent == 1
        dispatcher.close()
    assert len(robot.calls) == 1
    body = robot.calls[0]
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert len(content.encode("utf-8")) <= MAX_MARKDOWN_BYTES
    robot.raw[0].decode("utf-8")  # valid UTF-8 on the wire
    assert f"https://fayuan.example.gov.cn/console/tickets/{ticket.id}" in content
    assert "<@lin>" in content and "<@@all>" in content
    assert "紧急" in content and "法律援助" in content and "已截断" in content
    for value in PII:
        assert value not in content


def test_failed_sends_are_retried_with_backoff_and_never_lose_the_ticket(records_engine):
    clock = Clock()
    with WebhookReceiver(fail_first=2, failure="http") as robot:
        queue = make_queue(records_engine, clock, notify=True)
        ticket = _urgent_ticket(queue, summary_repeat=1)
        dispatcher = OutboxDispatcher(records_engine, robot.url)
        first = dispatcher.dispatch_due(clock.now)
        assert (first.sent, first.retried) == (0, 1)
        assert dispatcher.dispatch_due(clock.now + timedelta(seconds=4)).retried == 0  # backing off
        assert dispatcher.dispatch_due(clock.now + timedelta(seconds=5)).retried == 1
        assert dispatcher.dispatch_due(clock.now + timedelta(seconds=14)).sent == 0
        assert dispatcher.dispatch_due(clock.now + timedelta(seconds=15)).sent == 1
        assert dispatcher.dispatch_due(clock.now + timedelta(hours=1)).sent == 0  # sent once only
        dispatcher.close()
    assert len(robot.raw) == 3 and len(robot.calls) == 1
    assert queue.get(ticket.id).status == "pending"
    with Session(records_engine) as db:
        row = db.scalar(select(NotificationOutboxRow))
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")


def test_robot_refusals_and_dead_endpoint_end_as_failed_rows(records_engine):
    clock = Clock()
    with WebhookReceiver(fail_first=99, failure="errcode") as robot:
        queue = make_queue(records_engine, clock, notify=True)
        _urgent_ticket(queue, summary_repeat=1)
        dispatcher = OutboxDispatcher(records_engine, robot.url, max_attempts=3)
        for minutes in (0, 1, 2, 3):
            dispatcher.dispatch_due(clock.now + timedelta(minutes=minutes))
        dispatcher.close()
    with Session(records_engine) as db:
        row = db.scalar(select(NotificationOutboxRow))
    assert row.status == "failed" and row.attempts == 3 and "45009" in row.last_error

    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}/send"
    queue.open("n2", trigger="person_request", service="公证", priority="normal", region=None, summary="",
               facts={}, channel="web", user_ref="n2")
    dispatcher = OutboxDispatcher(records_engine, dead_url, timeout_s=1)
    assert dispatcher.dispatch_due(clock.now).retried == 1
    dispatcher.close()


def test_sla_notifications_go_through_the_outbox(records_engine):
    clock = Clock()
    with WebhookReceiver() as robot:
        queue = make_queue(records_engine, clock, notify=True, sla_minutes={"normal": 60}, mentions=["lin"])
        queue.open("n3", trigger="uncertain_answer", service="律师咨询", priority="normal", region="河西村",
                   summary="电话13812345678", facts={}, channel="web", user_ref="n3")
        dispatcher = OutboxDispatcher(records_engine, robot.url)
        sweep_sla(queue, clock.advance(minutes=30))
        sweep_sla(queue, clock.advance(minutes=30))
        assert dispatcher.dispatch_due(clock.now).sent == 3
        dispatcher.close()
    titles = [call["markdown"]["content"].splitlines()[0] for call in robot.calls]
    assert titles == ["### 【法援】新的转人工工单", "### 【法援】工单即将超时", "### 【法援】工单已超时升级"]
    assert "<@lin>" not in robot.calls[0]["markdown"]["content"]  # normal new tickets do not page anyone
    assert all("<@lin>" in c["markdown"]["content"] for c in robot.calls[1:])
    assert all("13812345678" not in c["markdown"]["content"] for c in robot.calls)


def test_bad_notification_and_sla_settings_fail_at_start_up():
    import pytest
    from pydantic import ValidationError

    from api.settings import Settings

    with pytest.raises(ValidationError, match="FAYUAN_NOTIFY_WEBHOOK_URL"):
        Settings(notify_webhook_url="qyapi.weixin.qq.com/cgi-bin/webhook/send")
    with pytest.raises(ValidationError, match="FAYUAN_HANDOFF_SLA_MINUTES"):
        Settings(handoff_sla_minutes={"urgent": 30, "high": 0, "normal": 480})
    with pytest.raises(ValidationError, match="FAYUAN_HANDOFF_SLA_MINUTES"):
        Settings(handoff_sla_minutes={"urgent": 30})
    assert Settings(notify_webhook_url="").notify_webhook_url is None


def test_app_worker_sends_a_new_ticket_notification_at_once(settings):
    """End to end: a person asks for a human in the chat; the lifespan worker is woken by the new
    ticket and the robot receives the notification well before the sweep interval."""
    import time

    from fastapi.testclient import TestClient

    from api.app import create_app

    with WebhookReceiver() as robot:
        configured = settings.model_copy(update={"notify_webhook_url": robot.url, "sla_sweep_interval_s": 300})
        with TestClient(create_app(configured)) as client:
            answer = client.post("/v1/chat", json={"session_id": "e2e-1", "message": "我要转人工，电话13812345678"})
            assert answer.status_code == 200 and answer.json()["handoff"]["status"] == "pending"
            deadline = time.time() + 30  # generous: the box is shared; it normally takes milliseconds
            while not robot.calls and time.time() < deadline:
                time.sleep(0.05)
            waited = 30 - (deadline - time.time())
    assert len(robot.calls) == 1, (answer.json(), len(robot.raw), waited)
    content = robot.calls[0]["markdown"]["content"]
    assert answer.json()["handoff"]["ticket_id"] in content and "13812345678" not in content
