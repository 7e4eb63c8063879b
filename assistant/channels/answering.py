"""Putting a channel message to the assistant: never raises, and honours the reply budget."""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable

from assistant.channels.answer_budget import AnswerBudget, AnswersBacklogged
from assistant.channels.reply_text import ANSWER_FAILED, BUSY, NOT_READY, RATE_LIMITED, chat_reply_text
from assistant.contracts import Assistant
from assistant.privacy import mask_pii
from assistant.limits.rate_limit import RateLimiter
from knowledge.rates import Rate

log = logging.getLogger(__name__)


def channel_session_id(key: bytes, channel: str, *parts: str) -> str:
    """A stable session id per person (and per group chat): `wechat_oa:<32 hex>`.

    An HMAC keyed with the server's secret: openids and userids are guessable or visible to others,
    so an unkeyed hash would let anyone compute a person's session id. Hex keeps ids short and within
    the session-id alphabet and does not spell out the platform id; `user_ref` keeps it for replies."""
    digest = hmac.new(key, "\x1f".join((channel, *parts)).encode("utf-8"), hashlib.sha256).hexdigest()[:32]
    return f"{channel}:{digest}"


def session_key(secret_key: str) -> bytes:
    """The HMAC key of channel session ids, derived from the server's secret key for this use only."""
    return hashlib.sha256(("fayuan-session-id:" + secret_key).encode("utf-8")).digest()


class ChannelAnswerer:
    def __init__(self, assistant: Callable[[], Assistant | None], budget: AnswerBudget, *, secret_key: str,
                 limiter: RateLimiter | None = None, user_rate: Rate | None = None):
        self._assistant = assistant      # looked up per call: the assistant may load after start-up
        self._session_key = session_key(secret_key)
        self.budget = budget
        self._limiter, self._user_rate = limiter, user_rate   # per-user question limit (None: no limit)

    def session_id(self, channel: str, *parts: str) -> str:
        """The conversation of this person (and group chat) on `channel` (keyed: see channel_session_id)."""
        return channel_session_id(self._session_key, channel, *parts)

    def ask(self, session_id: str, text: str, *, channel: str, user_ref: str) -> str:
        """The text to send back ("" when staff own the conversation and the bot stays silent)."""
        assistant = self._assistant()
        if assistant is None:
            return NOT_READY
        try:
            reply = assistant.reply(session_id, text, channel=channel, user_ref=user_ref)
        except Exception:  # noqa: BLE001 - the villager gets a plain apology, the log the traceback
            log.exception("assistant failed on a %s message", channel)
            return ANSWER_FAILED
        return chat_reply_text(reply) or ""

    def ask_within_budget(self, session_id: str, text: str, *, channel: str, user_ref: str,
                          on_late: Callable[[str], None]) -> str | None:
        """The answer if ready within the budget; otherwise None, and `on_late(answer)` later.
        A user over the per-user rate, or arriving while the answer queue is full, gets a polite
        refusal at once (the callback still succeeds)."""
        if self._over_limit(channel, user_ref):
            return RATE_LIMITED
        try:
            return self.budget.run(lambda: self.ask(session_id, text, channel=channel, user_ref=user_ref), on_late)
        except AnswersBacklogged:
            log.warning("%s: answer queue full; %s asked to try again later", channel, mask_pii(user_ref))
            return BUSY

    def _over_limit(self, channel: str, user_ref: str) -> bool:
        if self._limiter is None or self._user_rate is None:
            return False
        if self._limiter.hit(f"user:{channel}:{user_ref}", self._user_rate).allowed:
            return False
        log.info("%s: %s is over the per-user rate %s", channel, mask_pii(user_ref), self._user_rate)
        return True
