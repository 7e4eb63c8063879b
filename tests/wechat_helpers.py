"""Building real signed and encrypted WeChat/WeCom callbacks for the tests (wechatpy's own crypto,
the test's token and AES key), and reading the encrypted replies back."""
from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

from assistant.contracts import ChatReply

OA_TOKEN = "fayuan-oa-token"
WECOM_TOKEN = "fayuan-wecom-token"
BOT_TOKEN = "fayuan-bot-token"


def new_aes_key() -> str:
    return base64.b64encode(os.urandom(32)).decode().rstrip("=")


def sign(token: str, *parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    return signer.signature


def fresh() -> tuple[str, str]:
    return str(int(time.time())), secrets.token_hex(8)


def text_xml(openid: str, content: str, msg_id: int, *, to: str = "gh_fayuan", agent_id: int | None = None) -> str:
    agent = f"<AgentID>{agent_id}</AgentID>" if agent_id is not None else ""
    return (f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>{agent}</xml>")


def event_xml(openid: str, event: str, create_time: int | None = None) -> str:
    return (f"<xml><ToUserName><![CDATA[gh_fayuan]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event><![CDATA[{event}]]></Event></xml>")


def plain_params(token: str = OA_TOKEN, *, timestamp: str | None = None, nonce: str | None = None) -> dict:
    ts, nc = fresh()
    timestamp, nonce = timestamp or ts, nonce or nc
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}


def encrypted_request(token: str, aes_key: str, receive_id: str, xml: str, *, timestamp: str | None = None,
                      nonce: str | None = None, oa: bool = True) -> tuple[dict, str]:
    """(query params, body) of a safe-mode callback, encrypted by wechatpy."""
    ts, nc = fresh()
    timestamp, nonce = timestamp or ts, nonce or nc
    envelope = WeChatCrypto(token, aes_key, receive_id).encrypt_message(xml, nonce, timestamp)
    fields = xmltodict.parse(envelope)["xml"]
    params = {"msg_signature": fields["MsgSignature"], "timestamp": timestamp, "nonce": nonce}
    if oa:
        params |= {"encrypt_type": "aes", "signature": sign(token, timestamp, nonce)}
    body = f"<xml><ToUserName><![CDATA[{receive_id}]]></ToUserName><Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>"
    return params, body


def decrypt_xml_reply(token: str, aes_key: str, receive_id: str, body: str) -> dict:
    """Verify and decrypt a safe-mode passive reply (wechatpy checks the reply's signature)."""
    outer = xmltodict.parse(body)["xml"]
    plain = WeChatCrypto(token, aes_key, receive_id).decrypt_message(
        body, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
    return xmltodict.parse(plain)["xml"]


def encrypt_echostr(aes_key: str, receive_id: str, echo: str) -> str:
    return PrpCrypto(base64.b64decode(aes_key + "=")).encrypt(echo, receive_id).decode()


def bot_request(aes_key: str, message: dict, *, token: str = BOT_TOKEN) -> tuple[dict, str]:
    """(query params, JSON body) of a WeCom 智能机器人 callback (receive id "")."""
    timestamp, nonce = fresh()
    encrypted = PrpCrypto(base64.b64decode(aes_key + "=")).encrypt(json.dumps(message, ensure_ascii=False), "").decode()
    params = {"msg_signature": sign(token, timestamp, nonce, encrypted), "timestamp": timestamp, "nonce": nonce}
    return params, json.dumps({"encrypt": encrypted})


def decrypt_bot_reply(aes_key: str, envelope: dict, *, token: str = BOT_TOKEN) -> dict:
    expected = sign(token, envelope["timestamp"], envelope["nonce"], envelope["encrypt"])
    assert envelope["msgsignature"] == expected, "reply signature does not verify"
    return json.loads(PrpCrypto(base64.b64decode(aes_key + "=")).decrypt(envelope["encrypt"], ""))


class CountingAssistant:
    """Wraps the real assistant and counts the calls (to prove refused callbacks reach nothing)."""

    def __init__(self, inner):
        self.inner, self.calls, self.replies, self._lock = inner, [], [], threading.Lock()

    def reply(self, session_id, message, *, channel="web", user_ref=None) -> ChatReply:
        with self._lock:
            self.calls.append((session_id, message, channel, user_ref))
        reply = self.inner.reply(session_id, message, channel=channel, user_ref=user_ref)
        with self._lock:
            self.replies.append(reply)
        return reply


class SlowAssistantDouble:
    """TEST DOUBLE for timing tests only: answers after `delay_s` with a fixed text."""

    def __init__(self, delay_s: float, answer: str):
        self.delay_s, self.answer, self.calls, self._lock = delay_s, answer, [], threading.Lock()

    def reply(self, session_id, message, *, channel="web", user_ref=None) -> ChatReply:
        with self._lock:
            self.calls.append((session_id, message, channel, user_ref))
        time.sleep(self.delay_s)
        return ChatReply(session_id=session_id, answer=self.answer, intent="legal_question")


def wechat_settings(settings, standin, **overrides):
    """The test settings with all three channels pointed at the stand-in API."""
    values = {
        "wechat_token": OA_TOKEN, "wechat_appid": standin.appid, "wechat_secret": standin.secret,
        "wechat_api_base": standin.base_url,
        "wecom_token": WECOM_TOKEN, "wecom_corp_id": standin.corp_id, "wecom_secret": standin.corp_secret,
        "wecom_agent_id": str(standin.agent_id), "wecom_api_base": standin.base_url,
        "wecom_aes_key": new_aes_key(), "wecom_bot_token": BOT_TOKEN, "wecom_bot_aes_key": new_aes_key(),
    }
    values.update(overrides)
    return settings.model_copy(update=values)


def real_assistant(services):
    """The product's conversation (services.assistant once wired, else built the same way)."""
    existing = getattr(services, "assistant", None)
    if existing is not None:
        return existing
    from assistant.conversation.service import ConversationService
    from assistant.conversation.sessions import SessionStore

    return ConversationService(store=SessionStore(services.records_engine), knowledge=services.current_knowledge)
