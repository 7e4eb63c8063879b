"""Where staff replies go: one `OutboundMessenger` per channel.

Web/H5/API conversations need no messenger: the reply is stored in the transcript and the page
shows it when it polls `GET /v1/chat/{session_id}/messages`. The WeChat engineer registers the
公众号 / WeCom senders at start-up (`services.outbound.register("wechat_oa", sender)`)."""
from __future__ import annotations

import logging
import threading

from assistant.contracts import OutboundMessenger
from assistant.privacy import mask_pii

log = logging.getLogger(__name__)

# staff replies are stored in the transcript (the H5 page polls it); api_user: the OpenAI facade's
# sessions keyed by its `user` field (api/routers/chat.py), whose transcript only staff read
TRANSCRIPT_CHANNELS = frozenset({"web", "h5", "api", "api_user"})


class NoMessengerForChannel(LookupError):
    pass


class OutboundRegistry:
    def __init__(self) -> None:
        self._messengers: dict[str, OutboundMessenger] = {}
        self._lock = threading.Lock()

    def register(self, channel: str, messenger: OutboundMessenger) -> None:
        with self._lock:
            self._messengers[channel] = messenger

    def channels(self) -> list[str]:
        return sorted(TRANSCRIPT_CHANNELS | set(self._messengers))

    def needs_sending(self, channel: str) -> bool:
        return channel not in TRANSCRIPT_CHANNELS or channel in self._messengers

    def deliver(self, channel: str, user_ref: str | None, text: str) -> None:
        """Send `text` to the person (raises on failure; the caller keeps the stored copy)."""
        messenger = self._messengers.get(channel)
        if messenger is None:
            if channel in TRANSCRIPT_CHANNELS:
                return
            raise NoMessengerForChannel(f"no outbound messenger registered for channel {channel!r}")
        if not user_ref:
            raise NoMessengerForChannel(f"the conversation on {channel!r} has no user reference to reply to")
        messenger.send(user_ref, text)
        log.info("staff reply delivered on %s to %s", channel, mask_pii(user_ref))
