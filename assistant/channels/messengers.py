"""Sending text to a person on their channel: answers that missed the 5-second window and staff
replies from the handoff desk. Each class is an `assistant.contracts.OutboundMessenger`.

Texts are split under the per-message byte limit (2048 bytes for both APIs) and sent in order."""
from __future__ import annotations

import time

import httpx

from assistant.channels.api_client import TokenApiClient, post_json
from assistant.channels.errors import ChannelApiError
from assistant.channels.text_split import split_by_bytes, truncate_to_bytes

TEXT_LIMIT_BYTES = 2048          # 客服消息 / 应用消息 text content
BOT_MARKDOWN_LIMIT_BYTES = 20480  # 智能机器人 stream / markdown content
SYSTEM_BUSY = -1                 # WeChat's "系统繁忙，请稍候再试"
RETRY_DELAYS_S = (1.0, 3.0)


def post_with_retry(api: TokenApiClient, path: str, payload: dict, *, sleep=time.sleep) -> dict:
    """Retry only failures where the message surely was not delivered (connection refused, system
    busy): retrying a timeout could make the person receive the message twice."""
    for delay in (*RETRY_DELAYS_S, None):
        try:
            return api.post(path, payload)
        except (httpx.ConnectError, ChannelApiError) as exc:
            if delay is None or (isinstance(exc, ChannelApiError) and exc.errcode != SYSTEM_BUSY):
                raise
            sleep(delay)
    raise AssertionError("unreachable")


class OfficialAccountMessenger:
    """公众号 customer-service message API (客服消息, within 48 h of the person's last message)."""

    def __init__(self, api: TokenApiClient, limit_bytes: int = TEXT_LIMIT_BYTES):
        self.api, self.limit_bytes = api, limit_bytes

    def send(self, user_ref: str, text: str) -> None:
        for piece in split_by_bytes(text, self.limit_bytes):
            post_with_retry(self.api, "/cgi-bin/message/custom/send",
                            {"touser": user_ref, "msgtype": "text", "text": {"content": piece}})


class WeComAppMessenger:
    """WeCom self-built app message API (应用消息) to one member's userid."""

    def __init__(self, api: TokenApiClient, agent_id: str, limit_bytes: int = TEXT_LIMIT_BYTES):
        self.api, self.agent_id, self.limit_bytes = api, int(agent_id), limit_bytes

    def send(self, user_ref: str, text: str) -> None:
        for piece in split_by_bytes(text, self.limit_bytes):
            post_with_retry(self.api, "/cgi-bin/message/send", {"touser": user_ref, "msgtype": "text",
                                                                "agentid": self.agent_id, "text": {"content": piece}})


class WeComBotResponder:
    """The WeCom 智能机器人's `response_url`: one POST per message, valid one hour, no token.

    Only URLs on the configured WeCom API host are called (the URL arrives inside the message)."""

    def __init__(self, http: httpx.Client, api_base: str):
        self.http, self.api_base = http, api_base.rstrip("/") + "/"

    def respond(self, response_url: str, text: str) -> None:
        if not response_url.startswith(self.api_base):
            raise ChannelApiError("response_url is not on the WeCom API host; refusing to call it")
        post_json(self.http, response_url,
                  {"msgtype": "markdown", "markdown": {"content": truncate_to_bytes(text, BOT_MARKDOWN_LIMIT_BYTES)}},
                  what="智能机器人 response_url")
