"""A burst of followers through the real app and the WeChat API stand-in: callbacks run on their own
threads, never the shared pool (a sync route still answers while they wait); beyond the free answer
threads a callback is "success" at once and its answer arrives later as one customer-service
message; a full queue gets a polite "ask again later" at once.

Slow answers come from `SlowAssistantDouble` (a deliberately slow stand-in for the conversation,
used only in timing tests)."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
import pytest
import xmltodict
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.channels.reply_text import BUSY
from tests.wechat_helpers import SlowAssistantDouble, plain_params, text_xml, wechat_settings
from tests.wechat_standin import WeChatApiStandIn

ANSWER = "根据《劳动合同法》第三十条，用人单位应当按时足额支付劳动报酬。"


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


def _services(settings, standin, *, workers: int, delay_s: float):
    services = build_services(wechat_settings(settings, standin, wechat_reply_budget_s=4.0,
                                              wechat_answer_workers=workers, rate_limits_enabled=False))
    services.assistant = SlowAssistantDouble(delay_s, ANSWER)
    return services


def _ask(client, n: int) -> tuple[str, str, float]:
    started = time.perf_counter()
    response = client.post("/wechat/oa", params=plain_params(), content=text_xml(f"oBurst{n}", "工资拖欠", 9000 + n))
    return f"oBurst{n}", response.text, time.perf_counter() - started


def _content(reply: str) -> str:
    return "success" if reply == "success" else xmltodict.parse(reply)["xml"]["Content"]


def test_a_burst_larger_than_the_pool_is_success_at_once_and_delivered_later(settings, standin):
    services = _services(settings, standin, workers=2, delay_s=1.0)
    with TestClient(create_app(services=services)) as client:
        # the shared pool squeezed to one thread: a callback holding it would stall /healthz
        client.portal.call(lambda: setattr(anyio.to_thread.current_default_thread_limiter(), "total_tokens", 1))
        with ThreadPoolExecutor(7) as pool:
            burst = [pool.submit(_ask, client, n) for n in range(6)]
            time.sleep(0.2)
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            health_s = time.perf_counter() - started
            results = [f.result() for f in burst]
    passive = [_content(reply) for _, reply, _ in results if reply != "success"]
    later = {user: elapsed for user, reply, elapsed in results if reply == "success"}
    assert passive == [ANSWER, ANSWER]                      # the two that found a free answer thread
    assert len(later) == 4 and max(later.values()) < 0.8   # no wait for a budget nobody could meet
    assert health_s < 0.5
    standin.wait_for_sent(4, timeout=15)
    time.sleep(0.3)                                         # nothing else may follow
    assert sorted(m.touser for m in standin.sent) == sorted(later)
    assert {m.content for m in standin.sent} == {ANSWER} and standin.violations == []
    assert len(services.assistant.calls) == 6


def test_a_full_answer_queue_asks_to_come_back_later_at_once(settings, standin):
    services = _services(settings, standin, workers=1, delay_s=0.5)
    services.wechat.budget._max_in_flight = 2            # one answering, one queued
    client = TestClient(create_app(services=services))
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda n: _ask(client, n), range(3)))
    replies = sorted(_content(reply) for _, reply, _ in results)
    assert replies == sorted([ANSWER, "success", BUSY])     # answered, queued, refused
    assert max(elapsed for _, reply, elapsed in results if _content(reply) == BUSY) < 0.4
    assert [m.content for m in standin.wait_for_sent(1)] == [ANSWER]   # the queued one, later
    assert len(services.assistant.calls) == 2
