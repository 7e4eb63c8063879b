"""The eligibility dialogue inside the real chat (/v1/chat on small_kb, real SQLite): the flow
asks one question per turn, gives a cited decision, and on "需要" hands the case to staff with the
pre-filled summary (a real handoff ticket)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.chat_support import ask_chat, chat_services

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def services(small_kb, small_kb_settings, tmp_path_factory):
    return chat_services(small_kb, small_kb_settings, tmp_path_factory.mktemp("chat-elig"))


@pytest.fixture(scope="module")
def client(services):
    from api.app import create_app

    return TestClient(create_app(services=services))


def test_pre_screen_in_chat_then_handoff_with_summary(client, services):
    first = ask_chat(client, "我能申请法律援助吗？老板拖欠我工资")
    sid = first["session_id"]
    assert first["intent"] == "eligibility" and "哪个市" in first["answer"]
    assert "身份证" not in first["answer"]
    migrant_q = ask_chat(client, "上海", sid)
    assert "农民工" in migrant_q["answer"]          # a migrant worker's wage claim needs no means test
    size_q = ask_chat(client, "不是", sid)
    assert "几口人" in size_q["answer"]
    income_q = ask_chat(client, "三口人", sid)
    assert "收入" in income_q["answer"] and "不会另作他用" in income_q["answer"]
    decision = ask_chat(client, "一个月九千", sid)
    assert "【初步判断】符合申请条件" in decision["answer"] and "12348" in decision["answer"]
    state = services.chat_sessions.get(sid).state
    assert state["eligibility_decision"]["decision"] == "eligible"
    assert "法律援助法第三十一条" in state["eligibility_decision"]["citations"]

    handed = ask_chat(client, "需要", sid)
    assert handed["handoff"] is not None, handed
    ticket = services.handoff_desk.active_ticket(sid)
    assert ticket is not None and ticket.service == "法律援助"
