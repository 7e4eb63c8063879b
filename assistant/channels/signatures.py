"""Callback signatures and timestamps.

WeChat signs with sha1 over the sorted (token, timestamp, nonce[, encrypt]) strings; wechatpy's
`WeChatSigner` computes it. wechatpy compares with `!=`, so the comparison here is our own and
constant-time."""
from __future__ import annotations

import hmac
import time

from wechatpy.utils import WeChatSigner

from assistant.channels.errors import ForbiddenCallback


def compute_signature(token: str, *parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    return signer.signature


def verify_signature(signature: str | None, token: str, *parts: str) -> None:
    """Raise ForbiddenCallback unless `signature` is sha1(sorted(token, *parts))."""
    expected = compute_signature(token, *parts)
    if not signature or not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        raise ForbiddenCallback("signature mismatch")


def verify_timestamp(timestamp: str | None, tolerance_s: int, *, now: float | None = None) -> int:
    """The callback's timestamp must be within `tolerance_s` of our clock (either direction)."""
    try:
        value = int(timestamp or "")
    except ValueError:
        raise ForbiddenCallback("timestamp missing or not a number") from None
    now = time.time() if now is None else now
    if abs(now - value) > tolerance_s:
        raise ForbiddenCallback("timestamp outside the accepted window")
    return value
