"""The request bodies of the chat routes: the pydantic models that read them (refusing in plain
Chinese, api/request_body.py) and the JSON schemas the OpenAPI document declares for them, which
say the same rules (the facade's "the last user message" needs `contains`, which a model's
schema cannot say)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import BaseModel, ValidationInfo, field_validator

from api.request_body import refuse
from api.responses import json_body
from assistant.conversation.sessions import SESSION_ID_PATTERN
from api.settings import Settings


@dataclass(frozen=True)
class ChatLimits:
    """The request limits of the chat routes (FAYUAN_CHAT_MAX_*), passed as validation context."""
    max_message_chars: int
    max_history_messages: int
    max_history_chars: int

    @classmethod
    def of(cls, settings: Settings) -> ChatLimits:
        return cls(settings.chat_max_message_chars, settings.chat_max_history_messages,
                   settings.chat_max_history_chars)


NOT_TEXT = "message 必须是文字 (message must be a string)"
BAD_SESSION_ID = "session_id 格式不对，请刷新页面重新开始对话 (invalid session id)"
NOT_A_LIST = "messages 必须是非空列表 (messages must be a non-empty list)"


def checked_message(message: str, limits: ChatLimits) -> str:
    if not message.strip():
        raise refuse("消息不能为空，请输入您的问题 (message is empty)")
    if len(message) > limits.max_message_chars:
        raise refuse(f"消息太长了（{len(message)} 字），请控制在 {limits.max_message_chars} 字以内，说说主要情况就行 "
                     f"(message longer than {limits.max_message_chars} characters)")
    return message


def checked_session_id(value: str | None) -> str | None:
    if value is None or SESSION_ID_PATTERN.fullmatch(value):
        return value
    raise refuse(BAD_SESSION_ID)


class ChatRequest(BaseModel):
    """POST /v1/chat and /v1/chat/stream (validated with `context=ChatLimits`)."""
    message: str
    channel: Literal["h5", "api"] = "api"     # "h5" from the chat page; anything else counts as api
    session_id: str | None = None

    FIELD_REASONS: ClassVar[dict[str, str]] = {"message": NOT_TEXT, "session_id": BAD_SESSION_ID}

    @field_validator("message")
    @classmethod
    def _message(cls, message: str, info: ValidationInfo) -> str:
        return checked_message(message, info.context)

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: object) -> str:
        return "h5" if value == "h5" else "api"

    @field_validator("session_id")
    @classmethod
    def _session_id(cls, value: str | None) -> str | None:
        return checked_session_id(value)


class FacadeMessage(BaseModel):
    """One OpenAI chat message as the facade reads it: its role, and its content as text."""
    role: str | None = None
    text: str = ""


class CompletionsRequest(BaseModel):
    """POST /v1/chat/completions (validated with `context=ChatLimits`). Like OpenAI-compatible
    servers it does not refuse odd values where it need not: `model` is echoed back as text,
    `stream` is read as true/false, a `user` that is not a string is ignored, a message that is
    not an object counts towards the history but is never answered."""
    messages: list[FacadeMessage]
    model: str = "fayuan"
    stream: bool = False
    user: str | None = None

    FIELD_REASONS: ClassVar[dict[str, str]] = {"messages": NOT_A_LIST}

    @field_validator("messages", mode="before")
    @classmethod
    def _history(cls, messages: object, info: ValidationInfo) -> list[FacadeMessage]:
        """Front ends send the whole conversation; only the last user message is answered, but an
        endless history is refused rather than carried around."""
        limits: ChatLimits = info.context
        if not isinstance(messages, list) or not messages:
            raise refuse(NOT_A_LIST)
        if len(messages) > limits.max_history_messages:
            raise refuse(f"对话记录太长（{len(messages)} 条），请开始新的对话 "
                         f"(more than {limits.max_history_messages} messages)")
        read = [FacadeMessage(role=m.get("role") if isinstance(m.get("role"), str) else None,
                              text=content_text(m.get("content"))) if isinstance(m, dict) else FacadeMessage()
                for m in messages]
        total = sum(len(m.text) for m in read)
        if total > limits.max_history_chars:
            raise refuse(f"对话记录太长（{total} 字），请开始新的对话 "
                         f"(messages longer than {limits.max_history_chars} characters in total)")
        if not any(m.role == "user" for m in read):
            raise refuse("messages 里没有用户消息 (no user message)")
        checked_message(next(m.text for m in reversed(read) if m.role == "user"), limits)
        return read

    @field_validator("model", mode="before")
    @classmethod
    def _model(cls, value: object) -> str:
        return str(value or "fayuan")

    @field_validator("stream", mode="before")
    @classmethod
    def _stream(cls, value: object) -> bool:
        return bool(value)

    @field_validator("user", mode="before")
    @classmethod
    def _user(cls, value: object) -> str | None:
        return value if isinstance(value, str) and value else None

    @property
    def question(self) -> str:
        """The last user message (the one answered)."""
        return next(m.text for m in reversed(self.messages) if m.role == "user")


def content_text(content: object) -> str:
    """An OpenAI message content: a string, or parts [{"type": "text", "text": "..."}]."""
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return content if isinstance(content, str) else ""

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
