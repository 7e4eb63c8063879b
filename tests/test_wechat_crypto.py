"""Our use of wechatpy's message crypto: the cryptography backend is the one in use, our
ciphertexts open with wechatpy's reference implementation and back, and bad keys fail at start-up."""
from __future__ import annotations

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto

from api.services import build_services
from assistant.channels.errors import ForbiddenCallback
from assistant.channels.message_crypto import CallbackCrypto, decode_aes_key
from tests.wechat_helpers import new_aes_key


def test_wechatpy_runs_on_the_cryptography_backend():
    from wechatpy.crypto import base

    assert base.WeChatCipher.__module__ == "wechatpy.crypto.cryptography"


def test_our_replies_open_with_wechatpy_and_wechatpy_messages_open_with_ours():
    key = new_aes_key()
    ours = CallbackCrypto("tok", key, "wxAPP")
    reference = WeChatCrypto("tok", key, "wxAPP")
    envelope = ours.encrypt_xml("<xml><Content><![CDATA[法援]]></Content></xml>", "nonce1", "1700000000")
    fields = xmltodict.parse(envelope)["xml"]
    assert "法援" in reference.decrypt_message(envelope, fields["MsgSignature"], "1700000000", "nonce1")
    theirs = xmltodict.parse(reference.encrypt_message("<xml>问</xml>", "n2", "1700000001"))["xml"]
    assert ours.verify_and_decrypt(theirs["MsgSignature"], "1700000001", "n2", theirs["Encrypt"]) == "<xml>问</xml>"
    with pytest.raises(ForbiddenCallback):
        CallbackCrypto("tok", key, "wxOTHER").decrypt(theirs["Encrypt"])


def test_same_plaintext_encrypts_differently_each_time():
    crypto = CallbackCrypto("tok", new_aes_key(), "")
    assert crypto.encrypt("同一句话", "n")[0] != crypto.encrypt("同一句话", "n")[0]


@pytest.mark.parametrize("bad", ["short", "!" * 43, new_aes_key() + "A"])
def test_malformed_encoding_aes_key_is_refused(bad):
    with pytest.raises(ValueError):
        decode_aes_key(bad)


def test_misconfigured_aes_key_stops_start_up_with_a_clear_error(settings):
    with pytest.raises(ValueError, match="EncodingAESKey"):
        build_services(settings.model_copy(update={"wechat_token": "t", "wechat_appid": "wx1",
                                                   "wechat_aes_key": "not-a-key"}))


@pytest.mark.parametrize("update, names", [
    ({"wecom_token": "t", "wecom_corp_id": "ww1"}, "FAYUAN_WECOM_AES_KEY"),
    ({"wecom_bot_token": "t"}, "FAYUAN_WECOM_BOT_AES_KEY"),
    ({"wechat_token": "t", "wechat_aes_key": new_aes_key()}, "FAYUAN_WECHAT_APPID"),
])
def test_incomplete_channel_configuration_names_the_missing_setting(settings, update, names):
    with pytest.raises(ValueError, match=names):
        build_services(settings.model_copy(update=update))
