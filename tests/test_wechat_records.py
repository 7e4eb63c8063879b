"""The records the WeChat channels share across workers — delivery claims, seen nonces, access
tokens — hold under concurrency on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.channels.access_tokens import AccessTokenCache
from assistant.channels.delivery_log import DeliveryLog
from assistant.channels.errors import ForbiddenCallback
from assistant.channels.nonce_registry import NonceRegistry


def _race(n, fn):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        return fn(i)
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_only_one_of_many_simultaneous_deliveries_claims_a_message(records_engine):
    log = DeliveryLog(records_engine)
    wins = _race(8, lambda i: log.claim("wechat_oa", "msg:42"))
    assert wins.count(True) == 1
    assert log.claim("wechat_oa", "msg:43") and log.claim("wecom", "msg:42")   # keys are per channel


def test_answer_and_stream_close_cannot_both_win(records_engine):
    log = DeliveryLog(records_engine)
    for i in range(5):
        key = f"msg:race{i}"
        log.claim("wecom_bot", key, stream_id=f"s{i}", response_url="https://example.invalid/r")
        results = _race(2, lambda who: log.store_answer("wecom_bot", key, "答复") if who == 0
                        else log.close_stream("wecom_bot", key))
        assert results.count(True) == 1
        delivery = log.by_stream("wecom_bot", f"s{i}")
        assert delivery.state == ("answered" if results[0] else "stream_closed")
        # after a close only one late sender gets to use the response_url
        if delivery.state == "stream_closed":
            assert _race(3, lambda _: log.finish_closed_stream("wecom_bot", key)).count(True) == 1


def test_a_nonce_is_accepted_once_even_under_concurrency(records_engine):
    nonces = NonceRegistry(records_engine, window_s=300)

    def claim(_):
        try:
            nonces.claim("wechat_oa", "n-123")
            return True
        except ForbiddenCallback:
            return False
    assert _race(6, claim).count(True) == 1
    nonces.claim("wecom", "n-123")          # the same nonce on another channel is another request
    with pytest.raises(ForbiddenCallback):
        nonces.claim("wechat_oa", "")


def test_token_refresh_happens_once_across_threads(records_engine):
    fetches = []

    def fetch():
        fetches.append(1)
        time.sleep(0.3)
        return f"tok-{len(fetches)}", 7200

    caches = [AccessTokenCache(records_engine, "wechat_oa:wx1", fetch) for _ in range(3)]
    tokens = _race(6, lambda i: caches[i % 3].get())
    assert tokens == ["tok-1"] * 6 and len(fetches) == 1
