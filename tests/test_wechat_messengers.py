"""The senders behind late answers and staff replies, against the stand-in API: split in order,
retried only when the message surely was not delivered, response_url only on the WeCom host."""
from __future__ import annotations

import httpx
import pytest

from assistant.channels.access_tokens import AccessTokenCache
from assistant.channels.api_client import TokenApiClient, official_account_token_fetcher, wecom_token_fetcher
from assistant.channels.errors import ChannelApiError
from assistant.channels.messengers import OfficialAccountMessenger, WeComAppMessenger, WeComBotResponder
from assistant.db import create_records_schema
from knowledge.database import make_engine
from tests.wechat_standin import WeChatApiStandIn


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}")
    create_records_schema(engine)
    return engine


@pytest.fixture
def http():
    with httpx.Client(timeout=5) as client:
        yield client


def _oa(engine, http, standin) -> OfficialAccountMessenger:
    tokens = AccessTokenCache(engine, "wechat_oa:t", official_account_token_fetcher(
        http, standin.base_url, standin.appid, standin.secret))
    return OfficialAccountMessenger(TokenApiClient(http, standin.base_url, tokens))


def test_long_staff_reply_is_sent_in_ordered_parts_under_the_limit(engine, http, standin):
    text = "".join(f"第{i}条建议：请保留劳动合同、工资条和考勤记录等证据。\n" for i in range(1, 80))
    _oa(engine, http, standin).send("oVillager", text)
    assert len(standin.sent) > 1 and standin.violations == []
    assert all(len(m.content.encode()) <= 2048 and m.touser == "oVillager" for m in standin.sent)
    assert "\n".join(m.content for m in standin.sent) == text.strip()


def test_system_busy_is_retried_and_delivered_once(engine, http, standin, monkeypatch):
    monkeypatch.setattr("assistant.channels.messengers.RETRY_DELAYS_S", (0.01, 0.01))
    standin.fail_next = [-1]
    _oa(engine, http, standin).send("oBusy", "您好")
    assert [m.content for m in standin.sent] == ["您好"] and standin.send_attempts == 2


def test_permanent_errors_are_not_retried(engine, http, standin):
    standin.fail_next = [45015]          # the person has not written within 48 hours
    with pytest.raises(ChannelApiError) as err:
        _oa(engine, http, standin).send("oGone", "您好")
    assert err.value.errcode == 45015 and standin.send_attempts == 1 and standin.sent == []


def test_wecom_app_messenger_sends_with_the_agent_id(engine, http, standin):
    tokens = AccessTokenCache(engine, "wecom:t", wecom_token_fetcher(
        http, standin.base_url, standin.corp_id, standin.corp_secret))
    WeComAppMessenger(TokenApiClient(http, standin.base_url, tokens), str(standin.agent_id)).send("lisi", "您好")
    assert [(m.path, m.touser, m.body["agentid"]) for m in standin.sent] == [
        ("/cgi-bin/message/send", "lisi", standin.agent_id)]


def test_bot_response_url_is_used_once_and_only_on_the_wecom_host(http, standin):
    responder = WeComBotResponder(http, standin.base_url)
    responder.respond(f"{standin.base_url}/cgi-bin/aibot/response?response_code=r1", "答复")
    with pytest.raises(ChannelApiError):
        responder.respond("http://169.254.169.254/latest/meta-data?x=1", "答复")
    with pytest.raises(ChannelApiError):    # the stand-in, like WeCom, refuses a second use
        responder.respond(f"{standin.base_url}/cgi-bin/aibot/response?response_code=r1", "再一次")
    assert [m.content for m in standin.sent] == ["答复"]
