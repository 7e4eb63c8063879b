"""What the WeChat/WeCom callbacks accept, for the OpenAPI schema. The routes read the raw body
(it is signed and encrypted); these declarations describe its envelope and the query string, and
the plain-text refusals (400 malformed, 403 signature/timestamp/nonce, 404 channel off, 413, 429)."""
from __future__ import annotations

from api.responses import text_error_responses

_BASE64 = {"type": "string", "minLength": 1, "pattern": r"^[A-Za-z0-9+/]+={0,2}$"}


def _query(*names: str, required: tuple[str, ...] = ()) -> list[dict]:
    return [{"name": name, "in": "query", "required": name in required,
             "schema": {"type": "string", "minLength": 1} if name in required else {"type": "string"}}
            for name in names]


VERIFY = {"parameters": _query("echostr", "signature", "msg_signature", "timestamp", "nonce", required=("echostr",))}
_MESSAGE_QUERY = _query("signature", "msg_signature", "timestamp", "nonce", "encrypt_type", "openid")

# safe mode / WeCom: <xml><ToUserName>…</ToUserName><Encrypt>base64</Encrypt></xml>
XML_MESSAGE = {"parameters": _MESSAGE_QUERY, "requestBody": {"required": True, "content": {"application/xml": {
    "schema": {"type": "object", "xml": {"name": "xml"}, "required": ["Encrypt"],
               "properties": {"ToUserName": {"type": "string", "pattern": r"^[A-Za-z0-9_-]*$"},
                              "Encrypt": _BASE64, "AgentID": {"type": "string", "pattern": r"^[0-9]*$"}}}}}}}
# WeCom 智能机器人: {"encrypt": "base64"}
JSON_MESSAGE = {"parameters": _MESSAGE_QUERY, "requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["encrypt"], "properties": {"encrypt": _BASE64}}}}}}

REFUSALS = text_error_responses(400, 403, 404, 413, 429)
# a passive reply (XML, encrypted in safe mode), "success", the bot's encrypted JSON, or empty
MESSAGE_RESPONSES = {200: {"description": "Passive reply, \"success\", or nothing", "content": {
    "application/xml": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}}}}, **REFUSALS}
