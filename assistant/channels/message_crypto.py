"""WeChat's message encryption (安全模式) for one callback endpoint, on wechatpy's AES primitives.

The receive id inside every ciphertext is the 公众号 AppID, the WeCom CorpID, or "" for a WeCom
智能机器人; a message whose decrypted id differs is refused. wechatpy fills the 16-byte random
prefix from `random`; ours uses `secrets`."""
from __future__ import annotations

import base64
import binascii
import secrets
import time

from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

from assistant.channels.errors import ForbiddenCallback, MalformedCallback
from assistant.channels.signatures import compute_signature, verify_signature

_ENCRYPTED_XML = """<xml>
<Encrypt><![CDATA[{encrypt}]]></Encrypt>
<MsgSignature><![CDATA[{signature}]]></MsgSignature>
<TimeStamp>{timestamp}</TimeStamp>
<Nonce><![CDATA[{nonce}]]></Nonce>
</xml>"""


class _SecurePrpCrypto(PrpCrypto):
    def get_random_string(self) -> str:
        return secrets.token_hex(8)


def decode_aes_key(encoding_aes_key: str) -> bytes:
    """The 43-character EncodingAESKey → the 32-byte AES key (ValueError if it is not one)."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("EncodingAESKey must be 43 base64 characters") from None
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 base64 characters (32 bytes)")
    return key


class CallbackCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str):
        self.token = token
        self.key = decode_aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def verify_and_decrypt(self, msg_signature: str | None, timestamp: str, nonce: str, encrypted: str) -> str:
        """Check msg_signature over (token, timestamp, nonce, ciphertext), then decrypt."""
        verify_signature(msg_signature, self.token, timestamp, nonce, encrypted)
        return self.decrypt(encrypted)

    def decrypt(self, encrypted: str) -> str:
        try:
            return _SecurePrpCrypto(self.key).decrypt(encrypted, self.receive_id)
        except InvalidAppIdException:   # raised for a CorpID mismatch too: same PrpCrypto
            raise ForbiddenCallback("AppID/CorpID in the message does not match") from None
        except Exception:  # noqa: BLE001 - bad base64/padding/length/UTF-8 all mean unreadable
            raise MalformedCallback("cannot decrypt the message") from None

    def encrypt(self, plaintext: str, nonce: str, timestamp: str | None = None) -> tuple[str, str, str]:
        """→ (ciphertext, msg_signature, timestamp)."""
        timestamp = timestamp or str(int(time.time()))
        encrypted = _SecurePrpCrypto(self.key).encrypt(plaintext, self.receive_id).decode()
        return encrypted, compute_signature(self.token, timestamp, nonce, encrypted), timestamp

    def encrypt_xml(self, reply_xml: str, nonce: str, timestamp: str | None = None) -> str:
        """A passive reply in safe mode (公众号, WeCom app)."""
        encrypted, signature, timestamp = self.encrypt(reply_xml, nonce, timestamp)
        return _ENCRYPTED_XML.format(encrypt=encrypted, signature=signature, timestamp=timestamp, nonce=nonce)

    def encrypt_json(self, payload: str, nonce: str, timestamp: str | None = None) -> dict:
        """A passive reply of the WeCom 智能机器人 (JSON envelope)."""
        encrypted, signature, timestamp = self.encrypt(payload, nonce, timestamp)
        return {"encrypt": encrypted, "msgsignature": signature, "timestamp": timestamp, "nonce": nonce}
