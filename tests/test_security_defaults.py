"""Secure defaults and inputs that used to give 500s (issue 25 rows 8 and 11), through the real app:
security headers on every response, production closes /docs and token-less /metrics and makes the
console cookie Secure, 公众号 plaintext mode is refused in production, non-ASCII tokens and CSRF
fields are refused (401/403, never 500), and an integer too long to convert is a 422."""
from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from assistant.staff.tokens import TokenSigner
from api.settings import Settings, describe_errors
from tests.handoff_helpers import FAST_HASHER

STRONG_KEY = "pr0d-x7Qm2vLz9Rk4x7Qm2vLz9Rk4x7Qm2vLz9Rk4"
HUGE_INT = "1" * 5000          # more digits than Python converts (4,300)
APPS = itertools.count()


def _client(settings, **update) -> tuple[TestClient, object]:
    """An app on its own data folder (a test may build several)."""
    folder = settings.data_dir / f"app-{next(APPS)}"
    services = build_services(settings.model_copy(update={"data_dir": folder, "retention_purge_interval_hours": 0,
                                                           "sla_sweep_interval_s": 0, **update}))
    services.knowledge = None
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password-1", role="staff")
    return TestClient(create_app(services=services), follow_redirects=False), services


def _production(settings, **update):
    return _client(settings, env="production", secret_key=STRONG_KEY, **update)


def _console_login(client) -> None:
    client.get("/console/login")
    login = client.post("/console/login", data={"username": "lin", "password": "lin-password-1",
                                                 "csrf_token": client.cookies.get("fayuan_login_csrf")})
    assert login.status_code == 303, login.text
    return login


# --- headers ----------------------------------------------------------------------------------------

def test_every_response_forbids_framing_and_sniffing(settings):
    client, _ = _client(settings, rate_search_per_ip="1/min")
    answers = [client.get("/healthz"), client.get("/chat"), client.get("/no-such-page"),
               client.get("/v1/search", params={"q": "工资"}), client.get("/v1/search", params={"q": "工资"})]
    assert answers[-1].status_code == 429                      # refused by the limits middleware: headers too
    for answer in answers:
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in answer.headers     # plain http development


@pytest.mark.parametrize("update", [{"public_base_url": "https://fayuan.example.cn"}, {"env": "production"}])
def test_hsts_when_https_or_production(settings, update):
    client, _ = _client(settings, **({"secret_key": STRONG_KEY} | update))
    assert client.get("/healthz").headers["strict-transport-security"].startswith("max-age=31536000")


# --- production closes what development leaves open -------------------------------------------------------

def test_production_turns_docs_off_unless_asked(settings):
    development, _ = _client(settings)
    assert development.get("/docs").status_code == 200 and development.get("/openapi.json").status_code == 200
    production, _ = _production(settings)
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert production.get(path).status_code == 404
    asked, _ = _production(settings, api_docs=True)
    assert asked.get("/openapi.json").status_code == 200


def test_production_metrics_need_the_token(settings):
    development, _ = _client(settings)
    assert development.get("/metrics").status_code == 200
    production, _ = _production(settings)
    closed = production.get("/metrics")
    assert closed.status_code == 404 and "FAYUAN_METRICS_TOKEN" in closed.json()["detail"]
    with_token, _ = _production(settings, metrics_token="scrape-token-0123456789")
    assert with_token.get("/metrics").status_code == 401
    assert with_token.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"}).status_code == 200


def test_console_cookie_is_secure_in_production_even_behind_an_http_public_url(settings):
    development, _ = _client(settings)
    assert "secure" not in _console_login(development).headers["set-cookie"].lower()
    production, _ = _production(settings, public_base_url="http://10.0.0.5:8000")
    assert "; secure" in _console_login(production).headers["set-cookie"].lower()


def test_production_refuses_official_account_plaintext_mode():
    with pytest.raises(ValidationError) as caught:
        Settings(env="production", secret_key=STRONG_KEY, wechat_token="oa-token")
    assert "plaintext mode" in describe_errors(caught.value)
    safe = Settings(env="production", secret_key=STRONG_KEY, wechat_token="oa-token", wechat_appid="wx1",
                    wechat_aes_key="a" * 43)
    assert safe.wechat_aes_key
    assert Settings(wechat_token="oa-token").wechat_aes_key is None      # development may still test it


# --- row 8: non-ASCII credentials, huge integers ----------------------------------------------------------

def test_non_ascii_tokens_are_refused_not_crashed(settings):
    assert not TokenSigner(STRONG_KEY).check_csrf("nonce", "令牌")
    client, _ = _client(settings)
    for credential in ("令牌.签名", "abc.é", "é"):
        answer = client.get("/v1/auth/me", headers={"Authorization": f"Bearer {credential}".encode()})
        assert answer.status_code == 401, credential
    cookie = "fayuan_staff_session=café.crème".encode()
    assert client.get("/v1/auth/me", headers={"Cookie": cookie}).status_code == 401


def test_non_ascii_csrf_fields_are_refused_not_crashed(settings):
    client, _ = _client(settings)
    client.get("/console/login")
    bad_login = client.post("/console/login", data={"username": "lin", "password": "lin-password-1",
                                                     "csrf_token": "令牌"})
    assert bad_login.status_code == 303 and "login" in bad_login.headers["location"]
    _console_login(client)
    refused = client.post("/console/pull", data={"csrf_token": "令牌", "session_id": "x", "service": "人民调解"})
    assert refused.status_code == 403 and "CSRF" in refused.text


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/chat", '{"message": "你好", "session_id": %s}'),
    ("/v1/chat/stream", '{"message": "你好", "x": %s}'),
    ("/v1/chat/completions", '{"messages": [{"role": "user", "content": "你好"}], "n": %s}')])
def test_an_integer_too_long_to_convert_is_a_422_with_a_reason(settings, path, body):
    client, _ = _client(settings)
    answer = client.post(path, content=(body % HUGE_INT).encode(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and "数字太长" in answer.json()["detail"]
