"""The request bodies of the chat routes, for the OpenAPI schema. The routes read and check their
bodies themselves (so a person gets a plain-Chinese reason); these schemas say the same rules."""
from __future__ import annotations

from api.responses import json_body
from assistant.sessions import SESSION_ID_PATTERN
from knowledge.settings import Settings

_DEFAULTS = Settings.model_fields
# a question: not blank, at most FAYUAN_CHAT_MAX_MESSAGE_CHARS (the default is declared)
MESSAGE_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S",
                "maxLength": _DEFAULTS["chat_max_message_chars"].default}
SESSION_ID = {"type": "string", "pattern": SESSION_ID_PATTERN.pattern}

CHAT_BODY = json_body({
    "type": "object", "required": ["message"],
    "properties": {
        "message": {**MESSAGE_TEXT, "description": "The question, e.g. 公司拖欠工资怎么办"},
        "session_id": {"anyOf": [SESSION_ID, {"type": "null"}],
                       "description": "Continue this conversation (an id this server issued on the same "
                                      "channel); omit to start one. An unknown id starts a new one: "
                                      "the reply says its id"},
        "channel": {"description": "\"h5\" from the chat page; anything else counts as api"},
    },
})

# parts [{"type": "text", "text": "..."}]: their texts are joined; parts without a text are skipped
_TEXT_PARTS = {"type": "array", "minItems": 1, "description": "Parts; the texts are joined",
               "contains": {"type": "object", "required": ["text"], "properties": {"text": MESSAGE_TEXT}}}
_USER_MESSAGE = {"type": "object", "required": ["role", "content"],
                 "properties": {"role": {"const": "user"},
                                "content": {"anyOf": [MESSAGE_TEXT, _TEXT_PARTS]}}}
_IS_USER = {"type": "object", "properties": {"role": {"const": "user"}}, "required": ["role"]}
COMPLETIONS_BODY = json_body({
    "type": "object", "required": ["messages"],
    "properties": {
        "messages": {"type": "array", "minItems": 1, "contains": _IS_USER,
                     "maxItems": _DEFAULTS["chat_max_history_messages"].default,
                     "items": {"anyOf": [_USER_MESSAGE, {"not": _IS_USER}]},
                     "description": "OpenAI chat messages; the last user message is answered (earlier "
                                    "ones may be sent too, up to FAYUAN_CHAT_MAX_HISTORY_MESSAGES)"},
        # like OpenAI-compatible servers, odd values are not refused: model is echoed back as text,
        # stream is read as true/false, a user that is not a string is ignored
        "model": {"description": "Echoed back"}, "stream": {"description": "true: server-sent chunks"},
        "user": {"description": "A string keeps one conversation per end user (keyed with the server's "
                                "secret; send an unguessable id). X-Session-Id, when sent, takes precedence"},
    },
})


def _sse_response(*also: str) -> dict:
    return {200: {"description": "The answer", "content": {
        "text/event-stream": {}, **{media: {"schema": {"type": "object"}} for media in also}}}}


STREAM_RESPONSE = _sse_response()                          # /v1/chat/stream
COMPLETIONS_RESPONSE = _sse_response("application/json")   # JSON, or chunks when "stream" is true
