"""WeCom through the real app: the self-built app (echostr, encrypted XML, passive or message/send
replies, handoff staff replies) and the 智能机器人 (encrypted JSON, group @-mentions, stream
polling, response_url after the stream deadline)."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.channels.answering import channel_session_id, session_key
from assistant.channels.reply_text import STILL_WORKING, WELCOME
from assistant.channels.wecom_bot import strip_mentions
from tests.wechat_helpers import (BOT_TOKEN, WECOM_TOKEN, CountingAssistant, SlowAssistantDouble, bot_request,
                                  decrypt_bot_reply, decrypt_xml_reply, encrypt_echostr, encrypted_request, event_xml,
                                  fresh, new_aes_key, real_assistant, sign, text_xml, wechat_settings)
from api.secret_key import effective_secret_key
from tests.wechat_standin import WeChatApiStandIn

ANSWER = "拖欠工资可以先向劳动保障监察机构投诉，也可以申请劳动仲裁。"


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def keys():
    return {"wecom_aes_key": new_aes_key(), "wecom_bot_aes_key": new_aes_key()}


def _app(settings, standin, keys, assistant=None, **overrides):
    services = build_services(wechat_settings(settings, standin, **keys, **overrides))
    services.assistant = assistant or CountingAssistant(real_assistant(services))
    return TestClient(create_app(services=services)), services


def _session_of(services, channel: str, *parts: str) -> str:
    """The keyed session id the server derives for a WeCom user (and group chat)."""
    return channel_session_id(session_key(effective_secret_key(services.settings)), channel, *parts)


def _wecom_post(client, standin, keys, xml):
    params, body = encrypted_request(WECOM_TOKEN, keys["wecom_aes_key"], standin.corp_id, xml, oa=False)
    return client.post("/wechat/wecom", params=params, content=body)


# -- self-built app ---------------------------------------------------------------------------
def test_wecom_url_verification_decrypts_and_echoes(settings, standin, keys):
    client, _ = _app(settings, standin, keys)
    timestamp, nonce = fresh()
    echostr = encrypt_echostr(keys["wecom_aes_key"], standin.corp_id, "5927416430")
    params = {"msg_signature": sign(WECOM_TOKEN, timestamp, nonce, echostr), "timestamp": timestamp,
              "nonce": nonce, "echostr": echostr}
    response = client.get("/wechat/wecom", params=params)
    assert response.status_code == 200 and response.text == "5927416430"
    timestamp, nonce = fresh()
    other_corp = encrypt_echostr(keys["wecom_aes_key"], "ww-other-corp", "1")
    params = {"msg_signature": sign(WECOM_TOKEN, timestamp, nonce, other_corp), "timestamp": timestamp,
              "nonce": nonce, "echostr": other_corp}
    assert client.get("/wechat/wecom", params=params).status_code == 403
    params = {"msg_signature": "0" * 40, "timestamp": timestamp, "nonce": fresh()[1], "echostr": echostr}
    assert client.get("/wechat/wecom", params=params).status_code == 403


def test_wecom_encrypted_message_round_trip(settings, standin, keys):
    client, services = _app(settings, standin, keys)
    response = _wecom_post(client, standin, keys, text_xml("zhangsan", "你好", 101, to=standin.corp_id,
                                                           agent_id=standin.agent_id))
    assert response.status_code == 200 and "<Encrypt>" in response.text
    reply = decrypt_xml_reply(WECOM_TOKEN, keys["wecom_aes_key"], standin.corp_id, response.text)
    assert reply["ToUserName"] == "zhangsan" and "法援" in reply["Content"]
    (session_id, message, channel, user_ref), = services.assistant.calls
    assert (session_id, message, channel, user_ref) == (_session_of(services, "wecom", "zhangsan"), "你好", "wecom",
                                                        "zhangsan")


def test_wecom_refuses_wrong_corp_and_other_agents(settings, standin, keys):
    client, services = _app(settings, standin, keys)
    params, body = encrypted_request(WECOM_TOKEN, keys["wecom_aes_key"], "ww-other-corp",
                                     text_xml("lisi", "你好", 102), oa=False)
    assert client.post("/wechat/wecom", params=params, content=body).status_code == 403
    other_agent = text_xml("lisi", "你好", 103, to=standin.corp_id, agent_id=999)
    assert _wecom_post(client, standin, keys, other_agent).status_code == 403
    assert services.assistant.calls == []


def test_wecom_subscribe_is_welcomed(settings, standin, keys):
    client, _ = _app(settings, standin, keys)
    response = _wecom_post(client, standin, keys, event_xml("wangwu", "subscribe"))
    assert decrypt_xml_reply(WECOM_TOKEN, keys["wecom_aes_key"], standin.corp_id, response.text)["Content"] == WELCOME


def test_wecom_slow_answer_goes_out_once_through_message_send(settings, standin, keys):
    slow = SlowAssistantDouble(0.8, ANSWER)          # timing test: deliberately slow conversation
    client, _ = _app(settings, standin, keys, assistant=slow, wechat_reply_budget_s=0.2)
    xml = text_xml("zhaoliu", "工资拖欠", 104, to=standin.corp_id, agent_id=standin.agent_id)
    assert _wecom_post(client, standin, keys, xml).text == "success"
    assert _wecom_post(client, standin, keys, xml).text == "success"      # WeCom's retry
    standin.wait_for_sent(1)
    time.sleep(1.0)
    assert [(m.path, m.touser, m.content, m.body["agentid"]) for m in standin.sent] == [
        ("/cgi-bin/message/send", "zhaoliu", ANSWER, standin.agent_id)]
    assert len(slow.calls) == 1 and standin.violations == []


def test_handoff_raised_from_wecom_and_staff_reply_goes_back_through_wecom(settings, standin, keys):
    client, services = _app(settings, standin, keys)
    xml = text_xml("sunqi", "转人工", 105, to=standin.corp_id, agent_id=standin.agent_id)
    reply = decrypt_xml_reply(WECOM_TOKEN, keys["wecom_aes_key"], standin.corp_id,
                              _wecom_post(client, standin, keys, xml).text)
    session_id = _session_of(services, "wecom", "sunqi")
    ticket = services.handoff_desk.active_ticket(session_id)
    assert ticket is not None and ticket.ticket_id in reply["Content"]     # the villager is told the number
    staff = services.staff.add("lin", "lin-password-123", role="staff")
    services.handoff_desk.claim(ticket.ticket_id, staff)
    result = services.handoff_desk.reply(ticket.ticket_id, staff, "您好，我是法律援助中心的林律师，请问欠薪多久了？")
    assert result.delivered, result.error
    # the claim notice first (issue 24: the person hears who took their case), then the reply
    assert [(m.path, m.touser, m.content) for m in standin.sent][-1] == (
        "/cgi-bin/message/send", "sunqi", "您好，我是法律援助中心的林律师，请问欠薪多久了？")
    assert len(standin.sent) == 2 and "已接手" in standin.sent[0].content
    # while staff own the conversation the bot stays silent: "success" and nothing sent
    follow_up = text_xml("sunqi", "三个月了", 106, to=standin.corp_id, agent_id=standin.agent_id)
    assert _wecom_post(client, standin, keys, follow_up).text == "success"
    time.sleep(0.3)
    assert len(standin.sent) == 2


# -- 智能机器人 ---------------------------------------------------------------------------------
def _bot_message(standin, msgid, content, *, userid="zhangsan", chatid=None, code="c1"):
    message = {"msgid": msgid, "aibotid": "AIBOT1", "chattype": "group" if chatid else "single",
               "from": {"userid": userid}, "msgtype": "text", "text": {"content": content},
               "response_url": f"{standin.base_url}/cgi-bin/aibot/response?response_code={code}"}
    if chatid:
        message["chatid"] = chatid
    return message


def _bot_post(client, keys, message):
    params, body = bot_request(keys["wecom_bot_aes_key"], message)
    response = client.post("/wechat/wecom-bot", params=params, content=body)
    assert response.status_code == 200, response.text
    return decrypt_bot_reply(keys["wecom_bot_aes_key"], response.json()) if response.content else None


def _poll(client, keys, stream_id):
    return _bot_post(client, keys, {"msgid": f"poll-{time.monotonic_ns()}", "aibotid": "AIBOT1",
                                    "msgtype": "stream", "stream": {"id": stream_id}})


def test_bot_url_verification_uses_an_empty_receive_id(settings, standin, keys):
    client, _ = _app(settings, standin, keys)
    timestamp, nonce = fresh()
    echostr = encrypt_echostr(keys["wecom_bot_aes_key"], "", "bot-echo-77")
    params = {"msg_signature": sign(BOT_TOKEN, timestamp, nonce, echostr), "timestamp": timestamp,
              "nonce": nonce, "echostr": echostr}
    assert client.get("/wechat/wecom-bot", params=params).text == "bot-echo-77"


def test_bot_group_mention_is_stripped_and_sessions_are_per_group_and_person(settings, standin, keys):
    client, services = _app(settings, standin, keys)
    reply = _bot_post(client, keys, _bot_message(standin, "m1", "@法援助手 你好", chatid="wrGroupA"))
    assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
    assert "法援" in reply["stream"]["content"]
    _bot_post(client, keys, _bot_message(standin, "m2", "@法援助手\u2005你好", chatid="wrGroupA", userid="lisi"))
    _bot_post(client, keys, _bot_message(standin, "m3", "你好"))                     # zhangsan, single chat
    calls = services.assistant.calls
    assert [c[1] for c in calls] == ["你好", "你好", "你好"]                         # mention removed
    assert [c[2:] for c in calls] == [("wecom_bot", "zhangsan"), ("wecom_bot", "lisi"), ("wecom_bot", "zhangsan")]
    assert len({c[0] for c in calls}) == 3                                          # three conversations
    assert calls[0][0] == _session_of(services, "wecom_bot", "zhangsan", "wrGroupA")


def test_strip_mentions_keeps_e_mail_addresses_and_inner_text():
    assert strip_mentions("@法援助手 我的邮箱a@b.com被盗用") == "我的邮箱a@b.com被盗用"
    assert strip_mentions("@法援助手\u2005@张三 工伤怎么认定") == "工伤怎么认定"


def test_bot_enter_chat_event_gets_the_welcome(settings, standin, keys):
    client, _ = _app(settings, standin, keys)
    reply = _bot_post(client, keys, {"msgid": "e1", "aibotid": "AIBOT1", "msgtype": "event",
                                     "from": {"userid": "zhangsan"}, "event": {"eventtype": "enter_chat"}})
    assert reply == {"msgtype": "text", "text": {"content": WELCOME}}


def test_bot_slow_answer_arrives_through_stream_polling_once(settings, standin, keys):
    slow = SlowAssistantDouble(0.8, ANSWER)          # timing test: deliberately slow conversation
    client, _ = _app(settings, standin, keys, assistant=slow, wechat_reply_budget_s=0.2)
    first = _bot_post(client, keys, _bot_message(standin, "m10", "@法援助手 工资拖欠", chatid="wrGroupB"))
    stream_id = first["stream"]["id"]
    assert first["stream"]["finish"] is False and first["stream"]["content"] == ""
    retry = _bot_post(client, keys, _bot_message(standin, "m10", "@法援助手 工资拖欠", chatid="wrGroupB"))
    assert retry["stream"]["id"] == stream_id                          # WeCom's retry joins the same stream
    assert _poll(client, keys, stream_id)["stream"]["finish"] is False
    time.sleep(1.0)
    done = _poll(client, keys, stream_id)
    assert done["stream"] == {"id": stream_id, "finish": True, "content": ANSWER}
    assert _poll(client, keys, stream_id)["stream"]["content"] == ANSWER   # idempotent
    assert len(slow.calls) == 1 and standin.sent == []


def test_bot_answer_after_the_stream_deadline_goes_to_response_url_once(settings, standin, keys):
    slow = SlowAssistantDouble(1.2, ANSWER)          # timing test: slower than the (shortened) stream
    client, _ = _app(settings, standin, keys, assistant=slow, wechat_reply_budget_s=0.2,
                     wecom_bot_stream_deadline_s=0.5)
    first = _bot_post(client, keys, _bot_message(standin, "m20", "工资拖欠", code="resp-20"))
    time.sleep(0.6)
    closed = _poll(client, keys, first["stream"]["id"])
    assert closed["stream"]["finish"] is True and closed["stream"]["content"] == STILL_WORKING
    sent = standin.wait_for_sent(1)
    time.sleep(0.5)
    assert [(m.path, m.touser, m.content) for m in sent] == [("/cgi-bin/aibot/response", "resp-20", ANSWER)]
    assert len(standin.sent) == 1 and standin.violations == []
    assert _poll(client, keys, first["stream"]["id"])["stream"]["content"] == STILL_WORKING


def test_bot_refuses_forged_and_replayed_callbacks(settings, standin, keys):
    client, services = _app(settings, standin, keys)
    params, body = bot_request(keys["wecom_bot_aes_key"], _bot_message(standin, "m30", "你好"))
    forged = params | {"msg_signature": "1" * 40}
    assert client.post("/wechat/wecom-bot", params=forged, content=body).status_code == 403
    assert client.post("/wechat/wecom-bot", params=params, content=body).status_code == 200
    assert client.post("/wechat/wecom-bot", params=params, content=body).status_code == 403   # replay
    params, _ = bot_request(keys["wecom_bot_aes_key"], {})
    assert client.post("/wechat/wecom-bot", params=params, content="{not json").status_code == 400
    assert len(services.assistant.calls) == 1


@pytest.mark.parametrize("message", [
    {"msgid": "x1", "msgtype": "text", "from": "zhangsan", "text": {"content": "你好"}},      # from not an object
    {"msgid": "x2", "msgtype": "text", "from": {"userid": "zhangsan"}, "text": "你好"},       # text not an object
    {"msgid": "x3", "msgtype": "stream", "stream": ["id"]},
    {"msgtype": "text", "from": {"userid": "zhangsan"}, "text": {"content": "你好"}},          # no msgid
])
def test_bot_messages_with_wrong_shapes_never_cause_a_server_error(settings, standin, keys, message):
    client, _ = _app(settings, standin, keys)
    params, body = bot_request(keys["wecom_bot_aes_key"], message)
    response = client.post("/wechat/wecom-bot", params=params, content=body)
    assert response.status_code in (200, 400)
    if response.status_code == 200 and response.content:
        reply = decrypt_bot_reply(keys["wecom_bot_aes_key"], response.json())
        assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True


def test_channel_session_ids_are_keyed_with_the_server_secret(settings, standin, keys):
    """A userid is guessable (often a name in pinyin): its session id must not be computable
    without the server's secret (issue 25 row 2)."""
    import hashlib

    _, services = _app(settings, standin, keys)
    derived = _session_of(services, "wecom", "zhangsan")
    unkeyed = "wecom:" + hashlib.sha256("wecom\x1fzhangsan".encode()).hexdigest()[:32]
    assert derived != unkeyed and derived.startswith("wecom:") and len(derived) == 6 + 32
    other_secret = channel_session_id(session_key("another-random-secret-key-0123456789"), "wecom", "zhangsan")
    assert derived != other_secret
    assert _session_of(services, "wecom", "zhangsan") == derived            # stable for the same person
