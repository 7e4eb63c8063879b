"""Why a callback was refused; the HTTP layer maps `status` to the response code."""
from __future__ import annotations


class CallbackRejected(Exception):
    status = 400

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ForbiddenCallback(CallbackRejected):
    """Bad signature, stale timestamp, replayed nonce, wrong AppID/CorpID: not from WeChat."""

    status = 403


class MalformedCallback(CallbackRejected):
    """Signed correctly but not a message we can read (bad XML/JSON, DTDs, entities)."""

    status = 400


class CallbackTooLarge(CallbackRejected):
    status = 413


class ChannelNotConfigured(CallbackRejected):
    status = 404


class ChannelApiError(Exception):
    """A WeChat/WeCom API call failed (errcode != 0 or HTTP error)."""

    def __init__(self, message: str, errcode: int | None = None):
        super().__init__(message)
        self.errcode = errcode
