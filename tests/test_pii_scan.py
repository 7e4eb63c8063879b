"""A scripted conversation full of ID numbers, phone numbers and bank cards, through the real app:
afterwards no unmasked value may be found in the logs, the staff notifications (local robot
receiver), ticket summaries, audit notes or any text column of the records database — the
transcript included, whose originals are kept only sealed (the structured `facts` stay, they are
staff-only; the staff transcript shows the person's own words)."""
from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient
from sqlalchemy import String, Text

from api.app import create_app
from api.services import build_services
from assistant.db import RecordsBase
from assistant.privacy import mask_pii
from assistant.staff.accounts import StaffDirectory
from evals.pii_detect import find_leaks, id_check_digit, luhn_check_digit
from tests.handoff_helpers import FAST_HASHER, WebhookReceiver

SECRETS = ["110101199003071234", "11010519491231002X", "13812345678", "13987654321", "6222021234567890123",
           "010-62345678"]
SCRIPT = [
    "你好，我叫张三，身份证号110101199003071234，老板拖欠我三个月工资",
    "我的电话是 138 1234 5678，也可以打 +86 139-8765-4321",
    "工资卡号6222 0212 3456 7890 123，单位座机010-62345678",
    "我妈妈的老身份证11010519491231002X也要用吗",
    "我要找人工，帮我申请法律援助，电话13812345678",
    "还在吗？我的电话13987654321",
]


def _scan(text: str, where: str) -> list[str]:
    return [str(leak) for leak in find_leaks(text, where, SECRETS)]


def test_the_detector_finds_reformatted_and_checksum_valid_values_but_not_masked_ones():
    card = "622202123456789012" + luhn_check_digit("622202123456789012")
    raw = f"身份证11010119900307123{id_check_digit('11010119900307123')}，卡{card[:4]} {card[4:]}，电话138-1234-5678"
    kinds = sorted(leak.kind for leak in find_leaks(raw, "x", ["+86 138 1234 5678"]))
    assert kinds == ["card", "id18", "mobile", "planted"]
    assert find_leaks(mask_pii(raw), "x", ["+86 138 1234 5678"]) == []
    assert find_leaks("工单 HT20261128-3f2a 于 2026-11-28 12:00 创建，seen_at 1764350.0979911314，"
                      "duration 13812345678.5", "x") == []


def test_scripted_session_leaves_no_unmasked_personal_data(records_settings, caplog):
    with WebhookReceiver() as robot:
        settings = records_settings.model_copy(update={"notify_webhook_url": robot.url, "sla_sweep_interval_s": 0,
                                                       "handoff_sla_minutes": {"normal": 1, "high": 1, "urgent": 1}})
        services = build_services(settings)
        services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
        services.staff.add("lin", "lin-password")
        caplog.set_level(logging.DEBUG)
        with TestClient(create_app(settings, services)) as client:
            session_id = None      # the server issues it with the first answer
            for message in SCRIPT:
                answer = client.post("/v1/chat", json={"session_id": session_id, "message": message})
                assert answer.status_code in (200, 503), answer.text
                session_id = answer.json().get("session_id", session_id)
                for value in SECRETS:
                    assert value not in answer.text or value in message  # never echoed unmasked
            ticket_id = services.handoff_desk.active_ticket(session_id).ticket_id
            token = client.post("/v1/auth/token", json={"username": "lin", "password": "lin-password"}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            assert client.post(f"/v1/handoffs/{ticket_id}/claim", headers=headers).status_code == 200
            reply = client.post(f"/v1/handoffs/{ticket_id}/reply", headers=headers,
                                json={"text": "已收到，您的号码13812345678我们会回电"})
            assert reply.status_code == 200
            logging.getLogger("fayuan.scan").info("ticket for %s, card %s", SECRETS[0], SECRETS[4])
            # reminder + escalation notifications, then send the outbox
            from datetime import timedelta

            from assistant.handoff.models import utcnow
            services.handoff_desk.open("pii-scan-2", trigger="urgent_risk", service="法律援助", priority="urgent",
                                       summary="他威胁我，电话13987654321", channel="web")
            services.handoff_worker.run_once(utcnow() + timedelta(seconds=40))
            services.handoff_worker.run_once(utcnow() + timedelta(minutes=2))
            ticket = client.get(f"/v1/handoffs/{ticket_id}", headers=headers).json()

    problems = _scan(caplog.text, "log")
    assert robot.calls, "no notification reached the receiver"
    for body in robot.raw:
        problems += _scan(body.decode("utf-8"), "notification")
    problems += _scan(ticket["summary"], "summary")
    for event in ticket["events"]:
        problems += _scan(event["note"], "audit")
    # the staff handling the case read the person's own words (issue 24: masking is for logs,
    # notifications and exports); the database below holds them only masked or sealed
    assert any(value in message["text"] for message in ticket["transcript"] for value in SECRETS)
    with services.records_engine.connect() as conn:
        for table in RecordsBase.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text)) and c.name != "password_hash"]
            for row in conn.execute(table.select()):
                for column in columns:
                    problems += _scan(str(row._mapping[column.name] or ""), f"{table.name}.{column.name}")
    assert problems == []
    assert len(robot.calls) >= 3  # new ticket(s), reminder, escalation


def test_privacy_scan_reports_each_leaked_database_value_and_skips_allowed_columns(tmp_path):
    import sqlite3

    from evals.privacy_scan import ID18, scan_database

    path = tmp_path / "records.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE chat_messages (text TEXT)")
    db.execute("CREATE TABLE handoff_tickets (facts JSON, summary TEXT)")
    db.execute("INSERT INTO chat_messages VALUES (?), (?)", (f"身份证{ID18}", json.dumps({"text": "月收入2317元"})))
    db.execute("INSERT INTO handoff_tickets VALUES (?, ?)", (f'{{"id_number": "{ID18}"}}', mask_pii(f"号码{ID18}")))
    db.commit()
    db.close()
    leaks, scanned, _ = scan_database(path)
    assert sorted((leak.where, leak.kind) for leak in leaks) == [
        ("db chat_messages.text", "id18"), ("db chat_messages.text", "income"), ("db chat_messages.text", "planted")]
    assert scanned == 3          # handoff_tickets.facts is an allowed raw column
