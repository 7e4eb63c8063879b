"""Outgoing calls to the WeChat (api.weixin.qq.com) and WeCom (qyapi.weixin.qq.com) server APIs.

JSON bodies are sent as raw UTF-8 (`ensure_ascii=False`): WeChat shows \\uXXXX escapes literally
in some clients. A call rejected for an expired/invalid token is retried once with a new token."""
from __future__ import annotations

import json
import logging

import httpx

from assistant.channels.access_tokens import AccessTokenCache
from assistant.channels.errors import ChannelApiError

log = logging.getLogger(__name__)

TOKEN_REJECTED = {40001, 40014, 42001}   # invalid credential / invalid token / token expired


def _checked_json(response: httpx.Response, what: str) -> dict:
    if response.status_code != 200:
        raise ChannelApiError(f"{what}: HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise ChannelApiError(f"{what}: response is not JSON") from None
    errcode = int(data.get("errcode", 0) or 0)
    if errcode:
        raise ChannelApiError(f"{what}: errcode {errcode} {data.get('errmsg', '')}", errcode=errcode)
    return data


def official_account_token_fetcher(http: httpx.Client, api_base: str, appid: str, secret: str):
    def fetch() -> tuple[str, int]:
        data = _checked_json(http.get(f"{api_base}/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": appid, "secret": secret}), "公众号 access_token")
        return data["access_token"], int(data.get("expires_in", 7200))
    return fetch


def wecom_token_fetcher(http: httpx.Client, api_base: str, corp_id: str, secret: str):
    def fetch() -> tuple[str, int]:
        data = _checked_json(http.get(f"{api_base}/cgi-bin/gettoken", params={
            "corpid": corp_id, "corpsecret": secret}), "WeCom access_token")
        return data["access_token"], int(data.get("expires_in", 7200))
    return fetch


def post_json(http: httpx.Client, url: str, payload: dict, *, params: dict | None = None, what: str) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    response = http.post(url, params=params, content=body,
                         headers={"Content-Type": "application/json; charset=utf-8"})
    return _checked_json(response, what)


class TokenApiClient:
    """POSTs JSON to `{api_base}{path}?access_token=…` with the cached token."""

    def __init__(self, http: httpx.Client, api_base: str, tokens: AccessTokenCache):
        self.http, self.api_base, self.tokens = http, api_base.rstrip("/"), tokens

    def post(self, path: str, payload: dict) -> dict:
        for attempt in (1, 2):
            token = self.tokens.get()
            try:
                return post_json(self.http, f"{self.api_base}{path}", payload,
                                 params={"access_token": token}, what=path)
            except ChannelApiError as exc:
                if exc.errcode in TOKEN_REJECTED and attempt == 1:
                    log.warning("%s rejected the access token (errcode %s); refreshing", path, exc.errcode)
                    self.tokens.invalidate(token)
                    continue
                raise
        raise AssertionError("unreachable")
