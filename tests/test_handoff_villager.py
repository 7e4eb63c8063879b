"""A handoff as the villager sees it (issue 24), through the real app on small_kb and real SQLite:
the ticket number and expected reply time when it opens, the staff member's display name when it
is claimed, a closing message with the rating question when it is resolved, one rating per
consultation (changed only on purpose), the state readable after a reload, and the same notices on
a WeChat channel (a real OutboundRegistry messenger)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from assistant.handoff.sla import expected_reply_text
from tests.chat_support import ask_chat, chat_services
from tests.handoff_helpers import FAST_HASHER

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def services(small_kb, small_kb_settings, tmp_path_factory):
    from assistant.staff.accounts import StaffDirectory

    services = chat_services(small_kb, small_kb_settings, tmp_path_factory.mktemp("villager-handoff"))
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("linf", "linf-password-1", display_name="林芳")
    return services


@pytest.fixture(scope="module")
def client(services):
    from api.app import create_app

    return TestClient(create_app(services=services))


@pytest.fixture(scope="module")
def staff_headers(client):
    token = client.post("/v1/auth/token", json={"username": "linf", "password": "linf-password-1"}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_expected_reply_time_in_plain_words():
    now = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)           # 09:00 in Beijing
    assert expected_reply_text(now + timedelta(hours=8), now) == "今天 17:00 前"
    assert expected_reply_text(now + timedelta(hours=20), now) == "明天 5:00 前"
    assert expected_reply_text(now + timedelta(days=5), now) == "3月7日 9:00 前"


def test_the_villager_follows_the_ticket_from_open_to_rating(client, services, staff_headers):
    first = ask_chat(client, "老板拖欠我三个月工资不发，怎么办？")
    sid = first["session_id"]
    assert client.get(f"/v1/chat/{sid}/handoff").json() == {"ticket": None}
    opened = ask_chat(client, "转人工", sid)
    ticket_id = opened["handoff"]["ticket_id"]
    assert ticket_id in opened["answer"] and "预计" in opened["answer"] and "前回复" in opened["answer"]
    assert opened["handoff"]["expected_reply"] in opened["answer"]

    status = client.get(f"/v1/chat/{sid}/handoff").json()["ticket"]
    assert status["ticket_id"] == ticket_id and status["status_text"] == "等待工作人员接手"
    assert status["expected_reply"] and status["staff_name"] is None and not status["rating_asked"]

    assert client.post(f"/v1/handoffs/{ticket_id}/claim", headers=staff_headers).status_code == 200
    status = client.get(f"/v1/chat/{sid}/handoff").json()["ticket"]
    assert status["staff_name"] == "林芳" and status["status_text"] == "工作人员处理中"
    texts = [m["text"] for m in client.get(f"/v1/chat/{sid}/messages").json()["messages"]]
    assert any("工作人员林芳已接手" in t and ticket_id in t for t in texts)
    assert not any("linf" in t for t in texts)                                  # never the username

    assert client.post(f"/v1/handoffs/{ticket_id}/resolve", headers=staff_headers,
                       json={"outcome": "已联系包工头，约定周五前结清"}).status_code == 200
    status = client.get(f"/v1/chat/{sid}/handoff").json()["ticket"]
    assert status["status_text"] == "已办结" and status["rating_asked"] and status["rating"] is None
    closing = client.get(f"/v1/chat/{sid}/messages").json()["messages"][-1]
    assert "已办结" in closing["text"] and "周五前结清" in closing["text"] and "满意" in closing["text"]

    rate = f"/v1/consultations/{sid}/rating"
    assert client.post(rate, json={"rating": "满意"}).json()["rating"] == "满意"
    again = client.post(rate, json={"rating": "不满意"})
    assert again.status_code == 409 and "已经评价过（满意）" in again.json()["detail"]   # not replaced silently
    changed = client.post(rate, json={"rating": "基本满意", "change": True})
    assert changed.status_code == 200 and "改为" in changed.json()["message"]
    assert client.get(f"/v1/chat/{sid}/handoff").json()["ticket"]["rating"] == "基本满意"


def test_a_wechat_villager_gets_the_same_notices_and_rates_by_text(services):
    sent: list[tuple[str, str]] = []

    class Recorder:
        def send(self, user_ref, text):
            sent.append((user_ref, text))

    services.handoff_desk.outbound.register("wechat_oa", Recorder())
    session = "wechat_oa:test-openid-hash"
    services.assistant.reply(session, "包工头欠我工钱不给怎么办", channel="wechat_oa", user_ref="openid-1")
    opened = services.assistant.reply(session, "转人工", channel="wechat_oa", user_ref="openid-1")
    assert "预计" in opened.answer
    staff = services.staff.by_username("linf")
    ticket_id = opened.handoff.ticket_id
    services.handoff_desk.claim(ticket_id, staff)
    services.handoff_desk.resolve(ticket_id, staff, "已处理")
    assert [ref for ref, _ in sent] == ["openid-1", "openid-1"]
    assert "林芳" in sent[0][1] and "已办结" in sent[1][1] and "满意" in sent[1][1]
    thanks = services.assistant.reply(session, "满意", channel="wechat_oa", user_ref="openid-1")
    assert "感谢" in thanks.answer
    again = services.assistant.reply(session, "不满意", channel="wechat_oa", user_ref="openid-1")
    assert "已经评价过（满意）" in again.answer
    changed = services.assistant.reply(session, "改成不满意", channel="wechat_oa", user_ref="openid-1")
    assert "改为“不满意”" in changed.answer
    assert services.records.rating_of(session) == "不满意"


def test_the_holder_and_staff_read_the_persons_own_words_while_the_database_keeps_them_sealed(
        client, services, staff_headers):
    from sqlalchemy import text as sql

    said = "我是农民工，每月收入2000块，家里3口人，电话13812345678"
    sid = ask_chat(client, said)["session_id"]
    shown = [m["text"] for m in client.get(f"/v1/chat/{sid}/messages").json()["messages"] if m["role"] == "user"]
    assert shown == [said]                                            # after a reload: not "每月收入***块"
    with services.records_engine.connect() as conn:
        stored = conn.execute(sql("SELECT text FROM chat_messages WHERE session_id = :s AND role = 'user'"),
                              {"s": sid}).scalar_one()
        sealed = conn.execute(sql("SELECT sealed FROM chat_message_originals")).scalars().all()
    assert "2000" not in stored and "13812345678" not in stored          # the masked copy for everything else
    assert sealed and not any("13812345678" in s or "2000" in s for s in sealed)
    masked_view = services.chat_sessions.messages(sid, masked=True)
    assert "13812345678" not in masked_view[0].text
    ticket_id = ask_chat(client, "转人工", sid)["handoff"]["ticket_id"]
    transcript = client.get(f"/v1/handoffs/{ticket_id}", headers=staff_headers).json()["transcript"]
    assert transcript[0]["text"] == said                              # the staff handling the case see it too


def test_a_sealed_original_from_another_key_falls_back_to_the_masked_text():
    from assistant.conversation.transcript_seal import TranscriptSeal

    token = TranscriptSeal("k" * 40).seal("s1", "每月收入2000块")
    assert TranscriptSeal("k" * 40).open("s1", token) == "每月收入2000块"
    assert TranscriptSeal("other-key-" * 4).open("s1", token) is None
    assert TranscriptSeal("k" * 40).open("s2", token) is None          # bound to its conversation
