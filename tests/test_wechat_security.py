"""Callbacks that must be refused — forged signature, wrong AppID, replayed nonce, stale or future
timestamp, oversized body, malformed XML, entity expansion — and must reach nothing: no assistant
call, no delivery claimed, no outgoing message."""
from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.services import build_services
from assistant.channels.wechat_models import ChannelDelivery
from tests.wechat_helpers import (OA_TOKEN, CountingAssistant, encrypted_request, new_aes_key, plain_params,
                                  real_assistant, sign, text_xml, wechat_settings)
from tests.wechat_standin import WeChatApiStandIn

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName>gh_fayuan</ToUserName><FromUserName>oBomb</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>9</MsgId></xml>"""

XXE = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oX</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&e;</Content><MsgId>10</MsgId></xml>"""


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def plain_app(settings, standin):
    services = build_services(wechat_settings(settings, standin))
    services.assistant = CountingAssistant(real_assistant(services))
    return TestClient(create_app(services=services)), services


@pytest.fixture
def safe_app(settings, standin):
    aes_key = new_aes_key()
    services = build_services(wechat_settings(settings, standin, wechat_aes_key=aes_key))
    services.assistant = CountingAssistant(real_assistant(services))
    return TestClient(create_app(services=services)), services, aes_key


def assert_nothing_processed(services, standin):
    assert services.assistant.calls == []
    with services.records_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ChannelDelivery)).scalar() == 0
    assert standin.sent == []


def test_forged_signature_is_refused(plain_app, standin):
    client, services = plain_app
    params = plain_params()
    params["signature"] = sign("not-our-token", params["timestamp"], params["nonce"])
    response = client.post("/wechat/oa", params=params, content=text_xml("oF", "你好", 1))
    assert response.status_code == 403
    missing = {k: v for k, v in plain_params().items() if k != "signature"}
    assert client.post("/wechat/oa", params=missing, content=text_xml("oF", "你好", 2)).status_code == 403
    assert_nothing_processed(services, standin)


def test_forged_msg_signature_in_safe_mode_is_refused(safe_app, standin):
    client, services, aes_key = safe_app
    params, body = encrypted_request(OA_TOKEN, aes_key, standin.appid, text_xml("oF", "你好", 3))
    params["msg_signature"] = "f" * 40
    assert client.post("/wechat/oa", params=params, content=body).status_code == 403
    assert_nothing_processed(services, standin)


def test_message_encrypted_for_another_appid_is_refused(safe_app, standin):
    client, services, aes_key = safe_app
    params, body = encrypted_request(OA_TOKEN, aes_key, "wxSomeoneElse", text_xml("oF", "你好", 4))
    response = client.post("/wechat/oa", params=params, content=body)
    assert response.status_code == 403 and "AppID" in response.text
    assert_nothing_processed(services, standin)


def test_message_encrypted_with_another_key_is_refused(safe_app, standin):
    client, services, _ = safe_app
    params, body = encrypted_request(OA_TOKEN, new_aes_key(), standin.appid, text_xml("oF", "你好", 5))
    assert client.post("/wechat/oa", params=params, content=body).status_code in (400, 403)
    assert_nothing_processed(services, standin)


def test_replayed_nonce_is_refused_even_with_a_valid_signature(plain_app, standin):
    client, services = plain_app
    params = plain_params()
    assert client.post("/wechat/oa", params=params, content=text_xml("oR", "你好", 6)).status_code == 200
    replay = client.post("/wechat/oa", params=params, content=text_xml("oR", "你好", 7))
    assert replay.status_code == 403 and "nonce" in replay.text
    assert len(services.assistant.calls) == 1          # only the original was answered


def test_replayed_nonce_on_url_verification_is_refused(plain_app):
    client, _ = plain_app
    params = plain_params() | {"echostr": "42"}
    assert client.get("/wechat/oa", params=params).text == "42"
    assert client.get("/wechat/oa", params=params).status_code == 403


@pytest.mark.parametrize("offset", [-301, -3600, 330, 86400])   # +330: slack for a slow request
def test_timestamps_outside_five_minutes_are_refused(plain_app, standin, offset):
    client, services = plain_app
    params = plain_params(timestamp=str(int(time.time()) + offset))   # correctly signed, just stale/future
    assert client.post("/wechat/oa", params=params, content=text_xml("oT", "你好", 8)).status_code == 403
    assert_nothing_processed(services, standin)


def test_non_numeric_timestamp_is_refused(plain_app, standin):
    client, services = plain_app
    params = plain_params(timestamp="yesterday")
    assert client.post("/wechat/oa", params=params, content=text_xml("oT", "你好", 9)).status_code == 403
    assert_nothing_processed(services, standin)


def test_oversized_body_is_refused_with_413(plain_app, standin):
    client, services = plain_app
    big = text_xml("oBig", "法" * 30000, 10)      # ~90 KB of UTF-8, over the 64 KB cap
    assert client.post("/wechat/oa", params=plain_params(), content=big).status_code == 413

    def chunks():                                 # no Content-Length: the streamed count still stops it
        for _ in range(70):
            yield b"<!-- " + b"x" * 1024 + b" -->"
    assert client.post("/wechat/oa", params=plain_params(), content=chunks()).status_code == 413
    assert_nothing_processed(services, standin)


@pytest.mark.parametrize("body", [
    "<xml><ToUserName>gh</ToUserName><FromUserName>oM",            # truncated
    "not xml at all",
    "",
    "<root><MsgType>text</MsgType></root>",                       # not WeChat's <xml> root
    "<xml><ToUserName>gh</ToUserName><Content>hi</Content></xml>",  # no MsgType / FromUserName
    "\xff\xfe<xml/>",
])
def test_malformed_xml_is_refused_with_400(plain_app, standin, body):
    client, services = plain_app
    response = client.post("/wechat/oa", params=plain_params(), content=body.encode("utf-8", "surrogateescape"))
    assert response.status_code == 400
    assert_nothing_processed(services, standin)


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE])
def test_entity_expansion_and_external_entities_are_refused(plain_app, standin, body):
    client, services = plain_app
    started = time.perf_counter()
    response = client.post("/wechat/oa", params=plain_params(), content=body)
    assert response.status_code == 400 and time.perf_counter() - started < 2
    assert_nothing_processed(services, standin)


def test_entity_bomb_inside_the_encrypted_payload_is_refused(safe_app, standin):
    client, services, aes_key = safe_app
    params, body = encrypted_request(OA_TOKEN, aes_key, standin.appid, BILLION_LAUGHS)
    assert client.post("/wechat/oa", params=params, content=body).status_code == 400
    assert_nothing_processed(services, standin)


def test_garbage_ciphertext_with_a_valid_signature_is_refused(safe_app, standin):
    client, services, _ = safe_app
    params = plain_params()
    encrypted = "bm90IHJlYWxseSBlbmNyeXB0ZWQ="
    params |= {"encrypt_type": "aes", "msg_signature": sign(OA_TOKEN, params["timestamp"], params["nonce"], encrypted)}
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    assert client.post("/wechat/oa", params=params, content=body).status_code == 400
    assert_nothing_processed(services, standin)


def test_invalid_utf8_and_non_numeric_ids_are_refused_with_400(plain_app, standin):
    client, services = plain_app
    latin1 = '<?xml version="1.0" encoding="ISO-8859-1"?>' + text_xml("oL", "caf\xe9", 11)
    assert client.post("/wechat/oa", params=plain_params(), content=latin1.encode("latin-1")).status_code == 400
    raw = text_xml("oL", "X", 12).replace("X", "\udcff").encode("utf-8", "surrogateescape")   # a lone 0xff byte
    assert client.post("/wechat/oa", params=plain_params(), content=raw).status_code == 400
    bad_id = text_xml("oL", "你好", 13).replace("<MsgId>13</MsgId>", "<MsgId>thirteen</MsgId>")
    assert client.post("/wechat/oa", params=plain_params(), content=bad_id).status_code == 400
    assert_nothing_processed(services, standin)
