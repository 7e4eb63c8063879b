"""Contracts between the conversation, the channels and the staff back office.

Channels (H5/API, 公众号, WeCom) call `Assistant.reply`; the handoff queue sends staff replies back
through the `OutboundMessenger` registered for the channel the person used."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol


@dataclass
class Citation:
    text: str
    law: str | None = None
    article_id: str | None = None
    case_title: str | None = None
    section: str | None = None


@dataclass
class HandoffInfo:
    ticket_id: str
    service: str          # 法律援助 / 人民调解 / 律师咨询 / 公证
    priority: str         # normal / high / urgent
    status: str           # pending / assigned / resolved / cancelled / escalated


@dataclass
class ChatReply:
    session_id: str
    answer: str
    intent: str
    citations: list[Citation] = field(default_factory=list)
    handoff: HandoffInfo | None = None
    disclaimer: str = ""
    silent: bool = False  # True while a human owns the conversation: the bot sends nothing

    def to_dict(self) -> dict:
        return asdict(self)


class Assistant(Protocol):
    def reply(self, session_id: str, message: str, *, channel: str = "web",
              user_ref: str | None = None) -> ChatReply:
        """Answer one message. `channel` is web/h5/wechat_oa/wecom/wecom_bot/api; `user_ref` is the
        channel's user id (openid, WeCom userid) needed to send staff replies back later."""
        ...


class OutboundMessenger(Protocol):
    def send(self, user_ref: str, text: str) -> None:
        """Deliver a staff reply to the person on their channel (raises on failure)."""
        ...
