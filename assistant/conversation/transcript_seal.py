"""The person's own words, sealed (AES-GCM) beside the masked transcript.

Masking is for logs, notifications and exports. The holder of a conversation (GET
/v1/chat/{id}/messages) and the staff handling its ticket must read what the person actually wrote
("每月收入2000块", not "每月收入***块"). So a message whose masked text differs from the original
keeps the original here, encrypted with a key derived from the server's secret key and bound to
its session id: a database dump, an export or a log shows only the masked text and ciphertext.
The retention purge deletes these rows with their messages."""
from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class TranscriptSeal:
    def __init__(self, secret_key: str):
        self._aead = AESGCM(hashlib.sha256(("fayuan-transcript-seal:" + secret_key).encode()).digest())

    def seal(self, session_id: str, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), session_id.encode("utf-8"))
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, session_id: str, token: str) -> str | None:
        """The original text; None when it cannot be opened (another key, tampered): the caller
        then shows the masked text."""
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], session_id.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError, UnicodeError):
            return None
