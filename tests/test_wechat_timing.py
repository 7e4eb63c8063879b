"""The 5-second rule through the real app: an answer ready within the budget is the passive reply;
a slow one is "success" at once and then exactly one customer-service send, split under 2048 bytes.

Slow answers come from `SlowAssistantDouble` (a deliberately slow stand-in for the conversation,
used only in these timing tests)."""
from __future__ import annotations

import time

import pytest
import xmltodict
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.channels.reply_text import ANSWER_FAILED
from tests.wechat_helpers import (CountingAssistant, SlowAssistantDouble, plain_params, real_assistant, text_xml,
                                  wechat_settings)
from tests.wechat_standin import WeChatApiStandIn

ANSWER = "根据《劳动合同法》第三十条，用人单位应当按时足额支付劳动报酬。"


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


def _app(settings, standin, assistant, budget_s=0.3):
    services = build_services(wechat_settings(settings, standin, wechat_reply_budget_s=budget_s))
    services.assistant = assistant(services) if callable(assistant) and not hasattr(assistant, "reply") else assistant
    return TestClient(create_app(services=services)), services


def test_an_answer_ready_in_time_is_the_passive_reply(settings, standin):
    client, services = _app(settings, standin, lambda s: CountingAssistant(real_assistant(s)), budget_s=4.0)
    started = time.perf_counter()
    response = client.post("/wechat/oa", params=plain_params(), content=text_xml("oFast", "你好", 1))
    elapsed = time.perf_counter() - started
    assert "法援" in xmltodict.parse(response.text)["xml"]["Content"]
    assert elapsed < 4.0
    time.sleep(0.3)
    assert standin.sent == [] and standin.token_requests == 0


def test_a_slow_answer_is_success_now_and_one_customer_service_message_later(settings, standin):
    slow = SlowAssistantDouble(1.0, ANSWER)
    client, _ = _app(settings, standin, slow)
    started = time.perf_counter()
    response = client.post("/wechat/oa", params=plain_params(), content=text_xml("oSlow", "工资拖欠", 2))
    assert response.text == "success" and time.perf_counter() - started < 0.9
    sent = standin.wait_for_sent(1)
    time.sleep(0.5)                                    # nothing else may follow
    assert [(m.path, m.touser, m.content) for m in standin.sent] == [
        ("/cgi-bin/message/custom/send", "oSlow", ANSWER)]
    assert sent[0].body["msgtype"] == "text" and standin.violations == []
    assert len(slow.calls) == 1 and standin.token_requests == 1


def test_a_retry_arriving_while_the_answer_is_still_being_made_gets_no_second_answer(settings, standin):
    slow = SlowAssistantDouble(1.0, ANSWER)
    client, _ = _app(settings, standin, slow)
    xml = text_xml("oImpatient", "工资拖欠", 3)
    first = client.post("/wechat/oa", params=plain_params(), content=xml)
    retries = [client.post("/wechat/oa", params=plain_params(), content=xml) for _ in range(2)]
    assert first.text == "success" and [r.text for r in retries] == ["success", "success"]
    standin.wait_for_sent(1)
    time.sleep(1.2)
    assert len(standin.sent) == 1 and len(slow.calls) == 1


def test_a_long_slow_answer_is_split_under_2048_bytes_in_order(settings, standin):
    paragraphs = [f"第{i}点：" + "劳动者可以向劳动争议仲裁委员会申请仲裁，" * 12 + "。" for i in range(1, 13)]
    long_answer = "\n".join(paragraphs)
    assert len(long_answer.encode()) > 3 * 2048
    client, _ = _app(settings, standin, SlowAssistantDouble(0.6, long_answer))
    assert client.post("/wechat/oa", params=plain_params(), content=text_xml("oLong", "仲裁", 4)).text == "success"
    standin.wait_for_sent(4)
    time.sleep(0.5)
    pieces = standin.sent
    assert len(pieces) >= 4 and standin.violations == []
    assert all(len(p.content.encode()) <= 2048 for p in standin.sent)
    assert "".join(p.content for p in pieces).replace("\n", "") == long_answer.replace("\n", "")
    assert all(p.content.endswith("。") for p in pieces)      # cut at sentence ends, not mid-character


def test_an_answer_ready_in_time_but_too_long_for_a_passive_reply_goes_out_in_parts(settings, standin):
    long_answer = "用人单位应当依法支付劳动报酬。" * 200           # ~9 KB, ready at once (0 s delay double)
    client, _ = _app(settings, standin, SlowAssistantDouble(0.0, long_answer), budget_s=4.0)
    assert client.post("/wechat/oa", params=plain_params(), content=text_xml("oBulk", "工资", 5)).text == "success"
    standin.wait_for_sent(5)
    time.sleep(0.3)
    assert "".join(p.content for p in standin.sent) == long_answer and standin.violations == []
    assert all(len(p.content.encode()) <= 2048 for p in standin.sent)


def test_the_conversation_failing_gives_a_plain_chinese_apology(settings, standin):
    # the real conversation without a loaded knowledge base cannot answer a legal question
    client, services = _app(settings, standin, lambda s: CountingAssistant(real_assistant(s)), budget_s=4.0)
    response = client.post("/wechat/oa", params=plain_params(), content=text_xml("oNoKb", "老板拖欠工资三个月怎么办", 6))
    assert xmltodict.parse(response.text)["xml"]["Content"] == ANSWER_FAILED
    assert len(services.assistant.calls) == 1


def test_customer_service_send_survives_a_revoked_token(settings, standin):
    slow = SlowAssistantDouble(0.5, ANSWER)
    client, _ = _app(settings, standin, slow)
    client.post("/wechat/oa", params=plain_params(), content=text_xml("oTok1", "问题一", 7))
    standin.wait_for_sent(1)
    standin.revoke_tokens()                      # e.g. the secret was used elsewhere to fetch a token
    client.post("/wechat/oa", params=plain_params(), content=text_xml("oTok2", "问题二", 8))
    standin.wait_for_sent(2)
    assert [m.touser for m in standin.sent] == ["oTok1", "oTok2"]
    assert standin.token_requests == 2 and standin.violations == []
