"""Builds the WeChat/WeCom channels that are configured (FAYUAN_WECHAT_* / FAYUAN_WECOM_*, handed
over as `ChannelSettings` by the composition root, api/services.py).

A channel without its token stays `None` (its route answers 404); one without an API secret still
answers passively but cannot send late answers or staff replies."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import wechatpy
import wechatpy.enterprise
from sqlalchemy import Engine
from wechatpy.enterprise.replies import TextReply as WeComTextReply
from wechatpy.replies import TextReply

from assistant.channels.access_tokens import AccessTokenCache
from assistant.channels.answer_budget import AnswerBudget
from assistant.channels.answering import ChannelAnswerer
from assistant.channels.api_client import TokenApiClient, official_account_token_fetcher, wecom_token_fetcher
from assistant.channels.callback_guard import CallbackGuard
from assistant.channels.delivery_log import DeliveryLog
from assistant.channels.message_crypto import CallbackCrypto
from assistant.channels.messengers import OfficialAccountMessenger, WeComAppMessenger, WeComBotResponder
from assistant.channels.nonce_registry import NonceRegistry
from assistant.channels.wecom_bot import WeComBotChannel
from assistant.channels.xml_callbacks import XmlCallbackChannel, XmlFormat
from assistant.contracts import Assistant, OutboundMessenger
from assistant.limits.rate_limit import RateLimiter
from knowledge.rates import Rate

OFFICIAL_ACCOUNT_XML = XmlFormat(wechatpy.parse_message, TextReply)
WECOM_XML = XmlFormat(wechatpy.enterprise.parse_message, WeComTextReply)


@dataclass(frozen=True)
class ChannelSettings:
    """What the channels are built from. The fields carry the names of the settings they come
    from (FAYUAN_ + upper case); `secret_key` is the server's secret (it keys the channel sessions)."""
    secret_key: str
    rate_limits_enabled: bool
    rate_callback_per_user: str           # questions per openid/userid, e.g. "10/min"
    wechat_token: str | None
    wechat_appid: str | None
    wechat_aes_key: str | None
    wechat_secret: str | None
    wechat_api_base: str
    wecom_corp_id: str | None
    wecom_token: str | None
    wecom_aes_key: str | None
    wecom_secret: str | None
    wecom_agent_id: str | None
    wecom_api_base: str
    wecom_bot_token: str | None
    wecom_bot_aes_key: str | None
    wechat_reply_budget_s: float
    wechat_timestamp_tolerance_s: int
    wechat_answer_workers: int
    wechat_http_timeout_s: float
    wecom_bot_stream_deadline_s: float


@dataclass
class WeChatChannels:
    official_account: XmlCallbackChannel | None
    wecom_app: XmlCallbackChannel | None
    wecom_bot: WeComBotChannel | None
    # channel name → messenger for staff replies (handoff desk) and late answers
    messengers: dict[str, OutboundMessenger] = field(default_factory=dict)
    budget: AnswerBudget | None = None
    http: httpx.Client | None = None

    def close(self) -> None:
        if self.budget:
            self.budget.shutdown(wait=True)
        if self.http:
            self.http.close()


def build_wechat_channels(settings: ChannelSettings, engine: Engine, assistant: Callable[[], Assistant | None],
                          *, limiter: RateLimiter | None = None) -> WeChatChannels:
    """`limiter` counts questions per openid/userid (FAYUAN_RATE_CALLBACK_PER_USER); None = no limit."""
    if not (settings.wechat_token or settings.wecom_token or settings.wecom_bot_token):
        return WeChatChannels(None, None, None)       # nothing configured: no threads, no HTTP client
    http = httpx.Client(timeout=settings.wechat_http_timeout_s)
    budget = AnswerBudget(settings.wechat_reply_budget_s, settings.wechat_answer_workers)
    limited = limiter is not None and settings.rate_limits_enabled
    answerer = ChannelAnswerer(assistant, budget, secret_key=settings.secret_key,
                               limiter=limiter if limited else None,
                               user_rate=Rate.parse(settings.rate_callback_per_user))
    nonces = NonceRegistry(engine, settings.wechat_timestamp_tolerance_s)
    deliveries = DeliveryLog(engine)
    tolerance = settings.wechat_timestamp_tolerance_s
    messengers: dict[str, OutboundMessenger] = {}

    official_account = None
    if settings.wechat_token:
        if settings.wechat_appid and settings.wechat_secret:
            tokens = AccessTokenCache(engine, f"wechat_oa:{settings.wechat_appid}", official_account_token_fetcher(
                http, settings.wechat_api_base, settings.wechat_appid, settings.wechat_secret))
            messengers["wechat_oa"] = OfficialAccountMessenger(TokenApiClient(http, settings.wechat_api_base, tokens))
        crypto = None
        if settings.wechat_aes_key:
            if not settings.wechat_appid:
                raise ValueError("FAYUAN_WECHAT_AES_KEY (safe mode) needs FAYUAN_WECHAT_APPID")
            crypto = CallbackCrypto(settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid)
        official_account = XmlCallbackChannel(
            "wechat_oa", CallbackGuard("wechat_oa", settings.wechat_token, nonces, tolerance), answerer, deliveries,
            OFFICIAL_ACCOUNT_XML, crypto=crypto, messenger=messengers.get("wechat_oa"))

    wecom_app = None
    if settings.wecom_token:
        if not (settings.wecom_aes_key and settings.wecom_corp_id):
            raise ValueError("FAYUAN_WECOM_TOKEN needs FAYUAN_WECOM_AES_KEY and FAYUAN_WECOM_CORP_ID "
                             "(WeCom callbacks are always encrypted)")
        if settings.wecom_secret and settings.wecom_agent_id:
            tokens = AccessTokenCache(engine, f"wecom:{settings.wecom_corp_id}:{settings.wecom_agent_id}",
                                      wecom_token_fetcher(http, settings.wecom_api_base,
                                                          settings.wecom_corp_id, settings.wecom_secret))
            messengers["wecom"] = WeComAppMessenger(TokenApiClient(http, settings.wecom_api_base, tokens),
                                                    settings.wecom_agent_id)
        wecom_app = XmlCallbackChannel(
            "wecom", CallbackGuard("wecom", settings.wecom_token, nonces, tolerance), answerer, deliveries, WECOM_XML,
            crypto=CallbackCrypto(settings.wecom_token, settings.wecom_aes_key, settings.wecom_corp_id),
            encrypted_only=True, messenger=messengers.get("wecom"), agent_id=settings.wecom_agent_id)

    wecom_bot = None
    if settings.wecom_bot_token:
        if not settings.wecom_bot_aes_key:
            raise ValueError("FAYUAN_WECOM_BOT_TOKEN needs FAYUAN_WECOM_BOT_AES_KEY (bot callbacks are encrypted)")
        # the bot itself can only answer through its stream/response_url; staff replies to a bot
        # user go out through the self-built app to the same WeCom userid, when it is configured
        if "wecom" in messengers:
            messengers["wecom_bot"] = messengers["wecom"]
        wecom_bot = WeComBotChannel(
            CallbackGuard("wecom_bot", settings.wecom_bot_token, nonces, tolerance),
            CallbackCrypto(settings.wecom_bot_token, settings.wecom_bot_aes_key, ""), answerer, deliveries,
            WeComBotResponder(http, settings.wecom_api_base), stream_deadline_s=settings.wecom_bot_stream_deadline_s)

    return WeChatChannels(official_account, wecom_app, wecom_bot, messengers, budget, http)
