"""Rate limits and body caps through the real app (api/limits.py, assistant/limits/rate_limit.py):
429 with Retry-After and a plain-Chinese message, per-IP and per-user independence, trusted
proxies, WeChat users over their rate get a polite reply, 413 on large and chunked bodies."""
from __future__ import annotations

import asyncio

import json

import pytest
import xmltodict
from fastapi.testclient import TestClient

from api.app import create_app
from api.client_ip import client_ip, parse_networks
from api.limits import RATE_LIMITED
from api.services import build_services
from assistant.channels.reply_text import RATE_LIMITED as WECHAT_RATE_LIMITED
from assistant.limits.rate_limit import MemoryRateLimiter
from knowledge.rates import Rate
from tests.wechat_helpers import plain_params, text_xml, wechat_settings
from tests.wechat_standin import WeChatApiStandIn

ELIGIBILITY = {"facts": {"region": "浙江省杭州市", "household_size": 3, "monthly_income_total": 3000}}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _client(settings, **limits) -> tuple[TestClient, object]:
    services = build_services(settings.model_copy(update=limits))
    return TestClient(create_app(services=services)), services


# --- the limiter ---------------------------------------------------------------------------------

def test_rate_parsing_accepts_common_forms_and_names_bad_ones():
    assert Rate.parse("20/min") == Rate(20, 60)
    assert Rate.parse("5/10s") == Rate(5, 10)
    assert Rate.parse(" 1000 / hour ") == Rate(1000, 3600)
    for bad in ("20", "0/min", "20/fortnight", "-1/s", ""):
        with pytest.raises(ValueError):
            Rate.parse(bad)


def test_limiter_allows_the_burst_then_one_per_interval_and_reset_forgets():
    clock = Clock()
    limiter, rate = MemoryRateLimiter(clock), Rate(3, 60)
    assert [limiter.hit("a", rate).allowed for _ in range(4)] == [True, True, True, False]
    refused = limiter.hit("a", rate)
    assert not refused.allowed and refused.retry_after_s == pytest.approx(20.0)
    assert limiter.hit("b", rate).allowed                  # another key has its own bucket
    clock.now += 20.0
    assert limiter.peek("a", rate).allowed                 # peek counts nothing …
    assert limiter.hit("a", rate).allowed and not limiter.hit("a", rate).allowed
    limiter.reset("a")
    assert limiter.hit("a", rate).allowed


def test_limiter_memory_stays_bounded_under_a_flood_of_keys():
    clock = Clock()
    limiter, rate = MemoryRateLimiter(clock, max_keys=100), Rate(5, 60)
    for i in range(1000):
        limiter.hit(f"ip-{i}", rate)
    assert len(limiter._tat) <= 100


def test_client_ip_believes_forwarded_for_only_from_trusted_proxies():
    headers = [(b"x-forwarded-for", b"203.0.113.9, 10.0.0.7")]
    proxies = parse_networks(["10.0.0.0/8", "127.0.0.1"])
    assert client_ip({"client": ("198.51.100.1", 1), "headers": headers}, proxies) == "198.51.100.1"
    assert client_ip({"client": ("127.0.0.1", 1), "headers": headers}, proxies) == "203.0.113.9"
    assert client_ip({"client": ("127.0.0.1", 1), "headers": headers}, ()) == "127.0.0.1"
    garbage = [(b"x-forwarded-for", b"not-an-ip")]
    assert client_ip({"client": ("127.0.0.1", 1), "headers": garbage}, proxies) == "127.0.0.1"


def test_bad_rate_settings_fail_at_start_up_naming_the_setting():
    from pydantic import ValidationError

    from api.settings import Settings

    with pytest.raises(ValidationError, match="FAYUAN_RATE_CHAT_PER_USER"):
        Settings(rate_chat_per_user="lots")
    with pytest.raises(ValidationError, match="FAYUAN_TRUSTED_PROXIES"):
        Settings(trusted_proxies=["proxy.example"])


# --- per IP, through the app -----------------------------------------------------------------------

def test_eligibility_per_ip_limit_answers_429_in_chinese_with_retry_after(settings):
    client, _ = _client(settings, rate_eligibility_per_ip="2/min")
    assert [client.post("/v1/eligibility", json=ELIGIBILITY).status_code for _ in range(2)] == [200, 200]
    refused = client.post("/v1/eligibility", json=ELIGIBILITY)
    assert refused.status_code == 429
    assert refused.json()["detail"] == RATE_LIMITED and "12348" in refused.json()["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 30
    # other route groups have their own budget; staff routes are not limited per IP
    assert client.get("/v1/search", params={"q": "工资"}).status_code != 429
    assert client.get("/healthz").status_code == 200


def test_two_ips_have_independent_budgets_behind_a_trusted_proxy(settings):
    client, _ = _client(settings, rate_eligibility_per_ip="1/min", trusted_proxies=["127.0.0.0/8"])
    client = TestClient(client.app, client=("127.0.0.1", 50000))

    def post(ip):
        return client.post("/v1/eligibility", json=ELIGIBILITY, headers={"X-Forwarded-For": ip}).status_code

    assert (post("203.0.113.1"), post("203.0.113.2")) == (200, 200)
    assert (post("203.0.113.1"), post("203.0.113.2")) == (429, 429)


def test_untrusted_peer_cannot_dodge_the_limit_with_forwarded_for(settings):
    client, _ = _client(settings, rate_eligibility_per_ip="1/min")
    codes = [client.post("/v1/eligibility", json=ELIGIBILITY, headers={"X-Forwarded-For": f"203.0.113.{i}"}
                         ).status_code for i in range(3)]
    assert codes == [200, 429, 429]


def test_limits_can_be_turned_off_for_load_tests(settings):
    client, _ = _client(settings, rate_eligibility_per_ip="1/min", rate_limits_enabled=False)
    assert {client.post("/v1/eligibility", json=ELIGIBILITY).status_code for _ in range(3)} == {200}


# --- per user: chat sessions -------------------------------------------------------------------------

def test_chat_per_session_limit_and_sessions_are_independent(settings):
    client, services = _client(settings, rate_chat_per_user="2/min")
    services.knowledge = None          # no knowledge base needed: greetings are answered without one
    first = client.post("/v1/chat", json={"message": "你好"}).json()["session_id"]
    second = client.post("/v1/chat", json={"message": "你好"}).json()["session_id"]
    codes = [client.post("/v1/chat", json={"message": "你好", "session_id": first}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.post("/v1/chat", json={"message": "你好", "session_id": second}).status_code == 200
    refused = client.post("/v1/chat/stream", json={"message": "你好", "session_id": first})
    assert refused.status_code == 429 and refused.headers["retry-after"]
    facade = {"messages": [{"role": "user", "content": "你好"}]}
    assert client.post("/v1/chat/completions", json=facade, headers={"X-Session-Id": first}).status_code == 429
    body = client.post("/v1/chat/completions", json=facade, headers={"X-Session-Id": first}).json()
    assert body["error"]["type"] == "rate_limit_error"


def test_completions_history_caps(settings):
    client, _ = _client(settings, chat_max_history_messages=3, chat_max_history_chars=100)
    many = {"messages": [{"role": "user", "content": "你好"}] * 4}
    response = client.post("/v1/chat/completions", json=many)
    assert response.status_code == 422 and "对话记录太长" in response.json()["detail"]
    long = {"messages": [{"role": "assistant", "content": [{"type": "text", "text": "长" * 90}]},
                         {"role": "user", "content": "好" * 20}]}
    assert client.post("/v1/chat/completions", json=long).status_code == 422
    odd = {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}
    assert client.post("/v1/chat/completions", json=odd).status_code == 422   # no text: not a 500


# --- body caps --------------------------------------------------------------------------------------

def test_oversized_body_is_refused_with_413_before_parsing(settings):
    client, _ = _client(settings, max_body_bytes=2048)
    big = json.dumps({"message": "长" * 2000}, ensure_ascii=False)
    for path in ("/v1/chat", "/v1/eligibility", "/v1/auth/token", "/wechat/oa"):
        response = client.post(path, content=big, headers={"Content-Type": "application/json"})
        assert response.status_code == 413, path
        assert "请求内容太大" in response.json()["detail"]


def test_chunked_body_without_content_length_is_cut_off_with_413(settings):
    client, _ = _client(settings, max_body_bytes=2048)

    def chunks():
        for _ in range(10):
            yield b'{"facts": {"region": "' + b"x" * 500

    for path in ("/v1/eligibility", "/v1/chat", "/v1/chat/completions"):
        response = client.post(path, content=chunks(), headers={"Content-Type": "application/json"})
        assert "content-length" not in response.request.headers
        assert response.status_code == 413, (path, response.text)
    # a small chunked body still goes through
    small = client.post("/v1/eligibility", content=iter([json.dumps(ELIGIBILITY).encode()]),
                        headers={"Content-Type": "application/json"})
    assert small.status_code == 200


def test_console_form_over_the_cap_is_413(settings):
    client, _ = _client(settings, max_body_bytes=1024)
    response = client.post("/console/login", data={"username": "a", "password": "x" * 5000})
    assert response.status_code == 413


# --- WeChat --------------------------------------------------------------------------------------------

@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


def test_wechat_user_over_the_limit_gets_a_polite_passive_reply(settings, standin):
    services = build_services(wechat_settings(settings, standin, rate_callback_per_user="2/min"))
    client = TestClient(create_app(services=services))

    def ask(openid, msg_id):
        response = client.post("/wechat/oa", params=plain_params(), content=text_xml(openid, "你好", msg_id))
        assert response.status_code == 200       # WeChat always gets a proper answer: no retries
        return xmltodict.parse(response.text)["xml"]["Content"]

    answers = [ask("oBusy", i) for i in range(1, 4)]
    assert WECHAT_RATE_LIMITED not in answers[:2] and answers[2] == WECHAT_RATE_LIMITED
    assert ask("oCalm", 10) != WECHAT_RATE_LIMITED     # another villager is not affected


def test_wechat_callbacks_are_limited_per_ip_before_the_signature_check(settings, standin):
    services = build_services(wechat_settings(settings, standin, rate_callback_per_ip="2/min"))
    client = TestClient(create_app(services=services))
    forged = {"signature": "0" * 40, "timestamp": "1", "nonce": "n"}
    codes = [client.post("/wechat/oa", params=forged, content="<xml/>").status_code for _ in range(3)]
    assert codes == [403, 403, 429]


# --- field caps -------------------------------------------------------------------------------------

def test_eligibility_free_text_fields_are_capped(settings):
    client, _ = _client(settings)
    facts = {"facts": {**ELIGIBILITY["facts"], "criminal": {"charge": "盗窃", "note": "长" * 501}}}
    response = client.post("/v1/eligibility", json=facts)
    assert response.status_code == 422 and "note" in json.dumps(response.json(), ensure_ascii=False)
    proofs = {"facts": {**ELIGIBILITY["facts"], "proof_available": ["户口簿"] * 101}}
    assert client.post("/v1/eligibility", json=proofs).status_code == 422


def test_admin_region_edit_fields_are_capped(settings):
    from assistant.staff.accounts import StaffDirectory
    from tests.handoff_helpers import FAST_HASHER

    client, services = _client(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("boss", "boss-password", role="admin")
    token = client.post("/v1/auth/token", json={"username": "boss", "password": "boss-password"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    entry = client.get("/v1/admin/regions/上海市", headers=headers).json()
    entry.pop("region")
    entry["standards"][0]["basis"] = "长" * 3001
    response = client.put("/v1/admin/regions/上海市", json=entry, headers=headers)
    assert response.status_code == 422 and "basis" in json.dumps(response.json(), ensure_ascii=False)


def test_wecom_bot_user_over_the_limit_gets_the_polite_text_as_a_finished_stream(settings, standin):
    from tests.wechat_helpers import bot_request, decrypt_bot_reply

    configured = wechat_settings(settings, standin, rate_callback_per_user="1/min")
    client = TestClient(create_app(services=build_services(configured)))

    def ask(msgid, userid):
        message = {"msgid": msgid, "aibotid": "AIBOT1", "chattype": "single", "from": {"userid": userid},
                   "msgtype": "text", "text": {"content": "你好"}}
        params, body = bot_request(configured.wecom_bot_aes_key, message)
        response = client.post("/wechat/wecom-bot", params=params, content=body)
        assert response.status_code == 200
        return decrypt_bot_reply(configured.wecom_bot_aes_key, response.json())["stream"]

    assert ask("b1", "zhangsan")["content"] != WECHAT_RATE_LIMITED
    refused = ask("b2", "zhangsan")
    assert refused["finish"] is True and refused["content"] == WECHAT_RATE_LIMITED
    assert ask("b3", "lisi")["content"] != WECHAT_RATE_LIMITED


def test_long_client_chosen_session_keys_cost_no_more_memory(settings):
    from api.limits import Limits, RateLimited

    limiter = MemoryRateLimiter()
    limits = Limits(settings.model_copy(update={"rate_chat_per_user": "1/min"}), limiter)
    asyncio.run(limits.admit_user("chat", "x" * 10_000))
    with pytest.raises(RateLimited):
        asyncio.run(limits.admit_user("chat", "x" * 10_000))         # still counted as the same user
    assert max(len(key) for key in limiter._tat) < 100
