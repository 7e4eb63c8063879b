"""The WeCom 智能机器人 callback: encrypted JSON (receive id ""), single and group chats with an
@-mention, answers through the stream protocol.

A question answered within the budget is the first reply's finished stream. Otherwise the first
reply opens a stream and WeCom polls it (msgtype "stream") about once a second; the poll after the
answer is stored gets it. If the answer is not there by `stream_deadline_s` (WeCom stops polling at
6 min) the stream closes with a notice and the answer goes to the message's `response_url` once."""
from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable

from assistant.channels.answering import ChannelAnswerer
from assistant.channels.callback_guard import CallbackGuard, CallbackQuery
from assistant.channels.delivery_log import Delivery, DeliveryLog
from assistant.channels.errors import MalformedCallback
from assistant.channels.message_crypto import CallbackCrypto
from assistant.channels.messengers import BOT_MARKDOWN_LIMIT_BYTES, WeComBotResponder
from assistant.channels.reply_text import EMPTY_QUESTION, ONLY_TEXT, STILL_WORKING, WELCOME
from assistant.channels.text_split import truncate_to_bytes

log = logging.getLogger(__name__)

# "@法援助手 工资被拖欠怎么办": WeCom separates a mention with a space or U+2005
_MENTION = re.compile(r"(?:^|(?<=\s))@[^\s@]+\s*")
HUMAN_OWNS = "工作人员正在跟进您的问题，请稍候。"
EXPIRED = "这条消息已过期，请重新提问。"


def strip_mentions(text: str) -> str:
    return _MENTION.sub("", text).strip()


def stream_reply(stream_id: str, *, finish: bool, content: str = "") -> dict:
    return {"msgtype": "stream", "stream": {
        "id": stream_id, "finish": finish, "content": truncate_to_bytes(content, BOT_MARKDOWN_LIMIT_BYTES)}}


class WeComBotChannel:
    name = "wecom_bot"

    def __init__(self, guard: CallbackGuard, crypto: CallbackCrypto, answerer: ChannelAnswerer,
                 deliveries: DeliveryLog, responder: WeComBotResponder | None, *, stream_deadline_s: float,
                 clock: Callable[[], float] = time.time):
        self.guard, self.crypto, self.answerer, self.deliveries = guard, crypto, answerer, deliveries
        self.responder, self.stream_deadline_s, self.clock = responder, stream_deadline_s, clock

    def verify_url(self, query: CallbackQuery) -> str:
        if not query.echostr:
            raise MalformedCallback("echostr missing")
        self.guard.check(query.msg_signature, query, query.echostr)
        return self.crypto.decrypt(query.echostr)

    def handle(self, query: CallbackQuery, body: bytes) -> dict | None:
        """The encrypted JSON reply envelope, or None for an empty 200 response."""
        encrypted = _json_object(body, "body").get("encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise MalformedCallback("encrypt field missing")
        self.guard.check(query.msg_signature, query, encrypted)
        message = _json_object(self.crypto.decrypt(encrypted), "decrypted message")
        reply = self._respond(message)
        if reply is None:
            return None
        return self.crypto.encrypt_json(json.dumps(reply, ensure_ascii=False), query.nonce)

    # -- dispatch ----------------------------------------------------------------------------
    def _respond(self, message: dict) -> dict | None:
        msgtype = message.get("msgtype")
        if msgtype == "stream":
            stream_id = str(_obj(message, "stream").get("id") or "")
            delivery = self.deliveries.by_stream(self.name, stream_id)
            return self._stream_state(delivery) if delivery else stream_reply(stream_id, finish=True, content=EXPIRED)
        if msgtype == "event":
            event = _obj(message, "event").get("eventtype")
            return {"msgtype": "text", "text": {"content": WELCOME}} if event == "enter_chat" else None
        userid = str(_obj(message, "from").get("userid") or "")
        msgid = str(message.get("msgid") or "")
        if not userid or not msgid:
            raise MalformedCallback("from.userid or msgid missing")
        return self._question(message, msgtype, userid, msgid)

    def _question(self, message: dict, msgtype: str, userid: str, msgid: str) -> dict:
        key = f"msg:{msgid}"
        stream_id = secrets.token_hex(16)
        if not self.deliveries.claim(self.name, key, stream_id=stream_id,
                                     response_url=_text(message.get("response_url"))):
            return self._stream_state(self.deliveries.get(self.name, key))   # a retry: same stream
        question = _question_text(message, msgtype)
        if question is None or not question:
            text = ONLY_TEXT if question is None else EMPTY_QUESTION
            self.deliveries.store_answer(self.name, key, text)
            return stream_reply(stream_id, finish=True, content=text)
        # one conversation per person, and per group chat: facts told in one group stay there
        group = message.get("chatid") if message.get("chattype") == "group" else None
        session_id = self.answerer.session_id(self.name, userid, *([str(group)] if group else []))
        answer = self.answerer.ask_within_budget(session_id, question, channel=self.name, user_ref=userid,
                                                 on_late=lambda late: self._deliver_late(key, late))
        if answer is None:
            return stream_reply(stream_id, finish=False)
        self.deliveries.store_answer(self.name, key, answer)
        return stream_reply(stream_id, finish=True, content=answer or HUMAN_OWNS)

    # -- the stream ----------------------------------------------------------------------------
    def _stream_state(self, delivery: Delivery | None) -> dict:
        if delivery is None:
            raise MalformedCallback("unknown message")
        stream_id = delivery.stream_id or ""
        if delivery.state == "answered":
            return stream_reply(stream_id, finish=True, content=delivery.answer or HUMAN_OWNS)
        if delivery.state == "processing":
            if self.clock() - delivery.created_at < self.stream_deadline_s:
                return stream_reply(stream_id, finish=False)
            if not self.deliveries.close_stream(self.name, delivery.message_key):   # the answer won the race
                return self._stream_state(self.deliveries.get(self.name, delivery.message_key))
        return stream_reply(stream_id, finish=True, content=STILL_WORKING)

    def _deliver_late(self, key: str, answer: str) -> None:
        if self.deliveries.store_answer(self.name, key, answer):
            return                               # the next stream poll picks it up
        delivery = self.deliveries.get(self.name, key)
        if not self.deliveries.finish_closed_stream(self.name, key) or not answer:
            return
        if self.responder is None or not delivery or not delivery.response_url:
            log.warning("wecom_bot: stream closed and no response_url; late answer not sent")
            return
        self.responder.respond(delivery.response_url, answer)


def _json_object(raw: bytes | str, what: str) -> dict:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedCallback(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedCallback(f"{what} is not a JSON object")
    return value


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _obj(message: dict, key: str) -> dict:
    """message[key] when it is a JSON object, else {} (a malformed field reads as missing)."""
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def _question_text(message: dict, msgtype: str) -> str | None:
    """The question's text with @-mentions removed; None for messages without text (images…)."""
    if msgtype == "text":
        return strip_mentions(str(_obj(message, "text").get("content") or ""))
    if msgtype == "mixed":
        items = _obj(message, "mixed").get("msg_item")
        items = items if isinstance(items, list) else []
        texts = [str(_obj(item, "text").get("content") or "") for item in items
                 if isinstance(item, dict) and item.get("msgtype") == "text"]
        return strip_mentions(" ".join(texts)) if texts else None
    return None
