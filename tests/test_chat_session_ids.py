"""Session ids nobody can guess or borrow (issue 25 rows 2, 3, 6, 11), through the real app on a
real records database: ids are issued by the server and bound to their channel, the OpenAI
facade's `user` is keyed with the server's secret, transcripts and ratings need the server-issued
id, the per-user chat limit is keyed by client address and server-issued session, and the access
log never carries a session id. Greetings need no knowledge base: none is loaded."""
from __future__ import annotations

import hashlib
import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.conversation.sessions import TurnRecord

HELLO = {"role": "user", "content": "你好"}


@pytest.fixture
def app_services(settings):
    services = build_services(settings.model_copy(update={"retention_purge_interval_hours": 0,
                                                           "sla_sweep_interval_s": 0}))
    services.knowledge = None
    return create_app(services=services), services


@pytest.fixture
def client(app_services):
    with TestClient(app_services[0]) as client:
        yield client


def _chat(client, session_id=None, channel=None, **kwargs):
    body = {"message": "你好", "session_id": session_id} | ({"channel": channel} if channel else {})
    answer = client.post("/v1/chat", json=body, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()["session_id"]


def _wechat_session(services, state=None):
    """A 公众号 conversation as the channel stores it (its id derived by the server)."""
    store = services.chat_sessions
    session = store.open("wechat_oa:0123456789abcdef0123456789abcdef", channel="wechat_oa", user_ref="oVillager")
    session.state = state or {}
    store.save_turn(session, [TurnRecord("user", "我家月收入两千，我想申请法律援助")])
    return session.id


# --- row 2: server-issued ids, bound to their channel -----------------------------------------------

def test_an_unknown_session_id_starts_a_new_session_whose_id_comes_back(client, app_services):
    _, services = app_services
    issued = _chat(client, "made-up-by-the-client")
    assert issued != "made-up-by-the-client" and len(issued) >= 16
    assert services.chat_sessions.get("made-up-by-the-client") is None
    assert _chat(client, issued) == issued                   # the server-issued id continues
    assert len(services.chat_sessions.messages(issued)) == 4


def test_another_channels_session_is_never_opened_by_the_web_api(client, app_services):
    _, services = app_services
    wechat = _wechat_session(services, {"flow": "eligibility", "flow_state": {"facts": {"monthly_income": 2000}}})
    for channel in ("h5", "api"):
        issued = _chat(client, wechat, channel)
        assert issued != wechat
    assert [m.role for m in services.chat_sessions.messages(wechat)] == ["user"]   # nothing added to it
    assert client.get(f"/v1/chat/{wechat}/messages").status_code == 404
    h5 = _chat(client, channel="h5")
    assert _chat(client, h5, "api") != h5                     # bound to its own web channel too
    assert _chat(client, h5, "h5") == h5


# --- row 3: the OpenAI facade --------------------------------------------------------------------------

def test_facade_user_is_keyed_and_its_transcript_is_not_readable(client, app_services):
    _, services = app_services
    first = client.post("/v1/chat/completions", json={"user": "village-7", "messages": [HELLO]})
    session_id = first.json()["fayuan"]["session_id"]
    unkeyed = "oa-" + hashlib.sha256(b"village-7").hexdigest()[:32]
    assert session_id.startswith("api_user:") and session_id not in ("village-7", unkeyed)
    again = client.post("/v1/chat/completions", json={"user": "village-7", "messages": [HELLO]}).json()
    assert again["fayuan"]["session_id"] == session_id         # one conversation per front-end user
    assert client.get(f"/v1/chat/{session_id}/messages").status_code == 404
    assert client.get(f"/v1/chat/{unkeyed}/messages").status_code == 404
    # nor can it be continued as an X-Session-Id or through /v1/chat
    borrowed = client.post("/v1/chat/completions", json={"messages": [HELLO]}, headers={"X-Session-Id": session_id})
    assert borrowed.headers["x-session-id"] != session_id
    assert _chat(client, session_id) != session_id
    assert len(services.chat_sessions.messages(session_id)) == 4


def test_facade_session_header_must_be_server_issued(client):
    unknown = client.post("/v1/chat/completions", json={"messages": [HELLO]}, headers={"X-Session-Id": "guessed-1"})
    issued = unknown.headers["x-session-id"]
    assert unknown.status_code == 200 and issued != "guessed-1"
    assert unknown.json()["fayuan"]["session_id"] == issued
    follow = client.post("/v1/chat/completions", json={"messages": [HELLO]}, headers={"X-Session-Id": issued})
    assert follow.headers["x-session-id"] == issued


# --- row 11: ratings by the holder, limits by address and server-issued session ------------------------

def test_only_the_holder_of_a_web_session_can_rate_it(client, app_services):
    _, services = app_services
    own = _chat(client, channel="h5")
    assert client.post(f"/v1/consultations/{own}/rating", json={"rating": "满意"}).status_code == 200
    wechat = _wechat_session(services)
    services.records.record_turn(wechat, channel="wechat_oa", intent="greeting")
    for other in (wechat, "guessed-id"):
        refused = client.post(f"/v1/consultations/{other}/rating", json={"rating": "不满意"})
        assert refused.status_code == 404 and "无法评价" in refused.json()["detail"]


def test_chat_limit_is_per_client_address_and_server_issued_session(settings):
    services = build_services(settings.model_copy(update={
        "rate_chat_per_user": "2/min", "trusted_proxies": ["127.0.0.0/8"], "retention_purge_interval_hours": 0}))
    services.knowledge = None
    client = TestClient(create_app(services=services), client=("127.0.0.1", 50000))
    villager, other = {"X-Forwarded-For": "203.0.113.1"}, {"X-Forwarded-For": "203.0.113.2"}
    own = _chat(client, headers=villager)
    # someone else sending the villager's id spends their own budget, not the villager's
    codes = [client.post("/v1/chat", json={"message": "你好", "session_id": own}, headers=other).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]
    assert [client.post("/v1/chat", json={"message": "你好", "session_id": own}, headers=villager).status_code
            for _ in range(3)] == [200, 200, 429]     # the first turn (no id yet) was a new conversation
    # made-up ids are no session: each starts a new one and counts only against the per-IP limit
    assert {client.post("/v1/chat", json={"message": "你好", "session_id": f"made-up-{i}"}, headers=other
                        ).status_code for i in range(5)} == {200}


# --- row 6: the access log carries the route template, never the session id ----------------------------

def test_the_access_log_never_carries_a_session_id(client, caplog):
    session_id = _chat(client, channel="h5")
    with caplog.at_level(logging.INFO, logger="fayuan.access"):
        assert client.get(f"/v1/chat/{session_id}/messages", params={"after": 0}).status_code == 200
        client.post(f"/v1/consultations/{session_id}/rating", json={"rating": "满意"})
    lines = [r for r in caplog.records if r.name == "fayuan.access"]
    assert len(lines) == 2
    for record in lines:
        assert session_id not in record.getMessage() and session_id not in str(record.__dict__)
    assert [r.path for r in lines] == ["/v1/chat/{session_id}/messages", "/v1/consultations/{session_id}/rating"]
