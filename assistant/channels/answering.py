"""Putting a channel message to the assistant: never raises, and honours the reply budget."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from assistant.channels.answer_budget import AnswerBudget, AnswersBacklogged
from assistant.channels.reply_text import ANSWER_FAILED, BUSY, NOT_READY, RATE_LIMITED, chat_reply_text
from assistant.contracts import Assistant
from assistant.privacy import mask_pii
from assistant.rate_limit import Rate, RateLimiter

log = logging.getLogger(__name__)


def channel_session_id(channel: str, *parts: str) -> str:
    """A stable session id per person (and per group chat): `wechat_oa:<32 hex>`.

    Hashed so ids stay short and within the session-id alphabet whatever the platform's ids look
    like, and do not spell out openids/userids; `user_ref` keeps the real id for replies."""
    digest = hashlib.sha256("\x1f".join((channel, *parts)).encode("utf-8")).hexdigest()[:32]
    return f"{channel}:{digest}"


class ChannelAnswerer:
    def __init__(self, assistant: Callable[[], Assistant | None], budget: AnswerBudget, *,
                 limiter: RateLimiter | None = None, user_rate: Rate | None = None):
        self._assistant = assistant      # looked up per call: the assistant may load after start-up
        self.budget = budget
        self._limiter, self._user_rate = limiter, user_rate   # per-user question limit (None: no limit)

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
