"""The checks every callback passes before anything in it is read: timestamp within the window,
signature (constant-time), and a nonce never seen before. Ordered cheapest first; the nonce is only
recorded once the signature is valid, so forged requests cannot fill the table."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.channels.nonce_registry import NonceRegistry
from assistant.channels.signatures import verify_signature, verify_timestamp


@dataclass
class CallbackQuery:
    """The query string WeChat/WeCom add to a callback URL."""

    timestamp: str | None = None
    nonce: str | None = None
    signature: str | None = None        # 公众号 plaintext mode: sha1(token, timestamp, nonce)
    msg_signature: str | None = None    # safe mode / WeCom: sha1(token, timestamp, nonce, ciphertext)
    encrypt_type: str | None = None
    echostr: str | None = None


class CallbackGuard:
    def __init__(self, channel: str, token: str, nonces: NonceRegistry, tolerance_s: int):
        self.channel, self.token, self.nonces, self.tolerance_s = channel, token, nonces, tolerance_s

    def check(self, signature: str | None, query: CallbackQuery, *signed_parts: str) -> None:
        verify_timestamp(query.timestamp, self.tolerance_s)
        verify_signature(signature, self.token, query.timestamp or "", query.nonce or "", *signed_parts)
        self.nonces.claim(self.channel, query.nonce)
