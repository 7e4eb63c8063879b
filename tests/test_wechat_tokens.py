"""Access tokens cached in the records database: reused while valid, refreshed a little before
expiry, fetched by exactly one of several concurrent workers, re-fetched when the API rejects them."""
from __future__ import annotations

import threading

import httpx
import pytest

from assistant.channels.access_tokens import AccessTokenCache
from assistant.channels.api_client import TokenApiClient, official_account_token_fetcher, wecom_token_fetcher
from assistant.channels.errors import ChannelApiError
from assistant.db import create_records_schema
from knowledge.database import make_engine
from tests.wechat_standin import WeChatApiStandIn


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def db_url(tmp_path):
    url = f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}"
    create_records_schema(make_engine(url))
    return url


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _cache(db_url, standin, http, **kwargs) -> AccessTokenCache:
    fetch = official_account_token_fetcher(http, standin.base_url, standin.appid, standin.secret)
    return AccessTokenCache(make_engine(db_url), f"wechat_oa:{standin.appid}", fetch, **kwargs)


def test_token_is_fetched_once_and_reused(db_url, standin):
    with httpx.Client() as http:
        cache = _cache(db_url, standin, http)
        assert cache.get() == cache.get() == cache.get() == "token-1"
    assert standin.token_requests == 1


def test_token_is_refreshed_shortly_before_it_expires(db_url, standin):
    clock = FakeClock()
    with httpx.Client() as http:
        cache = _cache(db_url, standin, http, clock=clock, refresh_margin_s=300)
        assert cache.get() == "token-1"
        clock.now += 7200 - 301            # still outside the margin: reuse
        assert cache.get() == "token-1"
        clock.now += 2                     # 299 s left: refresh now, before WeChat rejects it
        assert cache.get() == "token-2"
        assert cache.get() == "token-2"
    assert standin.token_requests == 2


def test_concurrent_workers_fetch_the_token_once(db_url, standin):
    """Several workers (own engines on one database) ask at once while the fetch is slow."""
    standin.token_delay_s = 0.4
    results, errors = [], []
    with httpx.Client() as http:
        caches = [_cache(db_url, standin, http) for _ in range(3)]
        barrier = threading.Barrier(9)

        def worker(cache):
            barrier.wait()
            try:
                results.append(cache.get())
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(caches[i % 3],)) for i in range(9)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    assert errors == [] and results == ["token-1"] * 9
    assert standin.token_requests == 1


def test_a_failed_fetch_releases_the_refresh_lock(db_url, standin):
    with httpx.Client() as http:
        bad = official_account_token_fetcher(http, standin.base_url, standin.appid, "wrong-secret")
        engine = make_engine(db_url)
        with pytest.raises(ChannelApiError) as err:
            AccessTokenCache(engine, "wechat_oa:x", bad, wait_s=1).get()
        assert err.value.errcode == 40013
        good = official_account_token_fetcher(http, standin.base_url, standin.appid, standin.secret)
        assert AccessTokenCache(engine, "wechat_oa:x", good, wait_s=1).get() == "token-1"


def test_a_rejected_token_is_replaced_and_the_call_retried_once(db_url, standin):
    with httpx.Client() as http:
        cache = _cache(db_url, standin, http)
        api = TokenApiClient(http, standin.base_url, cache)
        api.post("/cgi-bin/message/custom/send", {"touser": "o1", "msgtype": "text", "text": {"content": "一"}})
        standin.revoke_tokens()
        api.post("/cgi-bin/message/custom/send", {"touser": "o1", "msgtype": "text", "text": {"content": "二"}})
    assert [m.content for m in standin.sent] == ["一", "二"] and standin.token_requests == 2


def test_invalidate_does_not_discard_a_token_another_worker_already_replaced(db_url, standin):
    with httpx.Client() as http:
        cache = _cache(db_url, standin, http)
        old = cache.get()
        cache.invalidate(old)
        new = cache.get()
        cache.invalidate(old)              # a late report about the old token
        assert cache.get() == new == "token-2"
    assert standin.token_requests == 2


def test_wecom_token_uses_corpid_and_corpsecret(db_url, standin):
    with httpx.Client() as http:
        fetch = wecom_token_fetcher(http, standin.base_url, standin.corp_id, standin.corp_secret)
        assert AccessTokenCache(make_engine(db_url), "wecom:x", fetch).get() == "token-1"
        wrong = wecom_token_fetcher(http, standin.base_url, standin.corp_id, "nope")
        with pytest.raises(ChannelApiError):
            AccessTokenCache(make_engine(db_url), "wecom:y", wrong, wait_s=1).get()
