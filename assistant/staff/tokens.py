"""Signed, expiring credentials for staff: bearer tokens for the API, the console's session cookie
and the console's CSRF tokens. HMAC-SHA256 over the payload with the server's secret key; the
purpose is part of what is signed, so one kind can never be replayed as another."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass


class InvalidToken(ValueError):
    pass


@dataclass(frozen=True)
class TokenClaims:
    staff_id: int
    nonce: str
    expires_at: float
    issued_at: float = 0.0   # tokens from before "iat" was signed read as issued at the epoch


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented token with the expected one. Compared as bytes:
    `hmac.compare_digest` raises TypeError on non-ASCII str, and a header, cookie or form field
    may carry any text."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    def __init__(self, secret_key: str):
        if not secret_key:
            raise ValueError("FAYUAN_SECRET_KEY must not be empty")
        self._key = hashlib.sha256(("fayuan-staff:" + secret_key).encode()).digest()

    def _mac(self, purpose: str, body: str) -> str:
        return _b64(hmac.new(self._key, f"{purpose}.{body}".encode(), hashlib.sha256).digest())

    def issue(self, staff_id: int, purpose: str, ttl_seconds: float, *, now: float | None = None) -> str:
        issued = time.time() if now is None else now
        body = _b64(json.dumps({"sub": staff_id, "exp": round(issued + ttl_seconds, 3), "iat": issued,
                                "n": secrets.token_urlsafe(12)}, separators=(",", ":")).encode())
        return f"{body}.{self._mac(purpose, body)}"

    def verify(self, token: str, purpose: str, *, now: float | None = None) -> TokenClaims:
        body, _, mac = (token or "").partition(".")
        if not body or not mac or not same_secret(mac, self._mac(purpose, body)):
            raise InvalidToken("bad signature")
        try:
            data = json.loads(_unb64(body))
            claims = TokenClaims(int(data["sub"]), str(data["n"]), float(data["exp"]), float(data.get("iat", 0.0)))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidToken("malformed token") from exc
        if claims.expires_at <= (time.time() if now is None else now):
            raise InvalidToken("expired")
        return claims

    def csrf_token(self, session_nonce: str) -> str:
        """The CSRF token for forms of one console session (bound to that session's nonce)."""
        return self._mac("csrf", session_nonce)

    def check_csrf(self, session_nonce: str, token: str | None) -> bool:
        return same_secret(token, self.csrf_token(session_nonce))
