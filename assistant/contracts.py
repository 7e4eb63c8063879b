"""Contracts between the conversation, the channels and the staff back office.

Channels (H5/API, 公众号, WeCom) call `Assistant.reply`; the handoff queue sends staff replies back
through the `OutboundMessenger` registered for the channel the person used."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

from knowledge.types import Citation


@dataclass
class HandoffInfo:
    ticket_id: str
    service: str          # 法律援助 / 人民调解 / 律师咨询 / 公证
    priority: str         # normal / high / urgent
    status: str           # pending / assigned / resolved / cancelled / escalated
    due_at: str | None = None        # ISO time by which a first reply is due (the SLA)
    expected_reply: str = ""         # the same, as the person reads it ("今天 18:30 前")


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


class HandoffDesk(Protocol):
    """The back office as the conversation sees it (implemented by the handoff queue)."""

    def open_ticket(self, session_id: str, *, trigger: str, service: str, priority: str,
                    region: str | None, summary: str, facts: dict | None, channel: str,
                    user_ref: str | None) -> HandoffInfo:
        """Raise (or return the already-open) ticket for this session. `trigger` is one of
        person_request / urgent_risk / uncertain_answer / eligibility_application / staff_pull."""
        ...

    def active_ticket(self, session_id: str) -> HandoffInfo | None:
        """The session's open ticket (pending/assigned/escalated), if any."""
        ...

    def human_owns(self, session_id: str) -> bool:
        """True while staff own the conversation: the bot must stay silent."""
        ...
