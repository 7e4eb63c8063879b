"""The XML callback protocol shared by the 公众号 and the WeCom self-built app: URL verification,
plaintext and safe (AES) mode, retries de-duplicated, passive reply within the budget, otherwise
"success" and the answer later through the channel's message API."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.channels.answering import ChannelAnswerer
from assistant.channels.callback_guard import CallbackGuard, CallbackQuery
from assistant.channels.delivery_log import DeliveryLog
from assistant.channels.errors import ForbiddenCallback, MalformedCallback
from assistant.channels.message_crypto import CallbackCrypto
from assistant.channels.reply_text import EMPTY_QUESTION, ONLY_TEXT, WELCOME, escape_cdata
from assistant.channels.safe_xml import parse_flat_xml
from assistant.channels.text_split import truncate_to_bytes, utf8_len
from assistant.contracts import OutboundMessenger

log = logging.getLogger(__name__)

SUCCESS = "success"             # "received, no reply": WeChat neither retries nor shows an error
PASSIVE_LIMIT_BYTES = 2048
_NUMERIC_FIELDS = ("MsgId", "CreateTime", "AgentID")


@dataclass
class XmlFormat:
    """wechatpy's message parser and text reply class for the platform (公众号 or WeCom)."""

    parse_message: Callable[[str], Any]
    text_reply: type


class XmlCallbackChannel:
    def __init__(self, name: str, guard: CallbackGuard, answerer: ChannelAnswerer, deliveries: DeliveryLog,
                 fmt: XmlFormat, *, crypto: CallbackCrypto | None = None, encrypted_only: bool = False,
                 messenger: OutboundMessenger | None = None, agent_id: str | None = None):
        self.name, self.guard, self.answerer, self.deliveries, self.fmt = name, guard, answerer, deliveries, fmt
        self.crypto, self.encrypted_only, self.messenger, self.agent_id = crypto, encrypted_only, messenger, agent_id

    # -- URL verification ----------------------------------------------------------------------
    def verify_url(self, query: CallbackQuery) -> str:
        """公众号: echo `echostr` after the plain signature check. WeCom: decrypt it and echo."""
        if not query.echostr:
            raise MalformedCallback("echostr missing")
        if self.encrypted_only:
            self.guard.check(query.msg_signature, query, query.echostr)
            return self.crypto.decrypt(query.echostr)
        self.guard.check(query.signature, query)
        return query.echostr

    # -- messages --------------------------------------------------------------------------------
    def handle(self, query: CallbackQuery, body: bytes) -> str:
        """The HTTP response body: a (possibly encrypted) passive reply, or "success"."""
        message = self._open(query, body)
        text = self._respond(message)
        if text is None:
            return SUCCESS
        reply = self.fmt.text_reply(message=message, content=escape_cdata(text)).render()
        return self.crypto.encrypt_xml(reply, query.nonce) if self.crypto else reply

    def _open(self, query: CallbackQuery, body: bytes):
        """Authenticate and decrypt; nothing in the message is acted on before this passes."""
        if self.crypto:
            if not self.encrypted_only and query.encrypt_type != "aes":   # 公众号 marks safe mode in the URL
                raise ForbiddenCallback("safe mode is on: plaintext messages are refused")
            encrypted = parse_flat_xml(body).get("Encrypt")
            if not encrypted:
                raise MalformedCallback("Encrypt element missing")
            self.guard.check(query.msg_signature, query, encrypted)
            xml = self.crypto.decrypt(encrypted)
        else:
            self.guard.check(query.signature, query)
            xml = body
        fields = parse_flat_xml(xml)   # refuses DTDs/entities before wechatpy's parser sees the text
        if not fields.get("MsgType") or not fields.get("FromUserName"):
            raise MalformedCallback("MsgType or FromUserName missing")
        if any(fields.get(name) and not fields[name].isdigit() for name in _NUMERIC_FIELDS):
            raise MalformedCallback("MsgId, CreateTime and AgentID must be numbers")
        if self.agent_id and fields.get("AgentID") and fields["AgentID"] != str(self.agent_id):
            raise ForbiddenCallback("message is for another WeCom agent")
        if isinstance(xml, bytes):
            try:
                xml = xml.decode("utf-8")
            except UnicodeDecodeError:   # well-formed XML in another declared encoding
                raise MalformedCallback("message is not UTF-8") from None
        return self.fmt.parse_message(xml)

    def _respond(self, message) -> str | None:
        if message.type == "event":
            if message.event in ("subscribe", "subscribe_scan"):
                first = self.deliveries.claim(self.name, f"event:{message.source}:{message.time}")
                return WELCOME if first else None
            return None
        key = f"msg:{message.id}" if message.id else f"msg:{message.source}:{message.time}"
        if not self.deliveries.claim(self.name, key):
            log.info("%s: retry of an already claimed message ignored", self.name)
            return None
        question = getattr(message, "content", None)
        if message.type == "voice":
            question = getattr(message, "recognition", None)   # 语音识别 result, when enabled
        if question is None:
            return ONLY_TEXT
        question = question.strip()
        if not question:
            return EMPTY_QUESTION
        return self._answer(message.source, question, key)

    def _answer(self, user: str, question: str, key: str) -> str | None:

        def late(answer: str) -> None:
            if answer:
                self._send(user, answer)
            self.deliveries.mark_delivered(self.name, key)

        answer = self.answerer.ask_within_budget(self.answerer.session_id(self.name, user), question, channel=self.name,
                                                 user_ref=user, on_late=late)
        if answer is None:                      # not ready in time: "success" now, message API later
            return None
        self.deliveries.mark_delivered(self.name, key)
        if not answer:                          # staff own the conversation
            return None
        if utf8_len(answer) > PASSIVE_LIMIT_BYTES:
            if self.messenger:                  # one passive reply cannot hold it: send all parts in order
                self.answerer.budget.submit(lambda: self.messenger.send(user, answer))
                return None
            return truncate_to_bytes(answer, PASSIVE_LIMIT_BYTES)
        return answer

    def _send(self, user: str, text: str) -> None:
        if self.messenger is None:
            log.warning("%s: answer ready after the reply window but no API secret configured; not sent",
                        self.name)
            return
        self.messenger.send(user, text)
