"""A villager's legal question through the 公众号 (safe mode) answered by the real conversation on
the small_kb knowledge base: the reply is grounded, every cited article exists, nothing invented."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.chat_support import chat_services
from tests.wechat_helpers import (OA_TOKEN, CountingAssistant, decrypt_xml_reply, encrypted_request, new_aes_key,
                                  text_xml, wechat_settings)
from tests.wechat_standin import WeChatApiStandIn


@pytest.fixture
def standin():
    server = WeChatApiStandIn().start()
    yield server
    server.stop()


def test_legal_question_over_the_official_account_is_grounded(small_kb, small_kb_settings, tmp_path, standin):
    aes_key = new_aes_key()
    overrides = wechat_settings(small_kb_settings, standin, wechat_aes_key=aes_key).model_dump(
        include={"wechat_token", "wechat_appid", "wechat_secret", "wechat_api_base", "wechat_aes_key"})
    services = chat_services(small_kb, small_kb_settings, tmp_path, **overrides)
    services.assistant = CountingAssistant(services.assistant)
    client = TestClient(create_app(services=services))

    small_kb.search("工资", k=1)                    # load the model first: a cold start takes longer than 4 s
    params, body = encrypted_request(OA_TOKEN, aes_key, standin.appid,
                                     text_xml("oVillager", "公司拖欠我三个月工资不发，怎么办？", 880001))
    response = client.post("/wechat/oa", params=params, content=body)
    assert response.status_code == 200
    if response.text == "success":                  # a busy machine: past the budget, sent by customer service
        content = "".join(m.content for m in standin.wait_for_sent(1, timeout=60))
    else:
        content = decrypt_xml_reply(OA_TOKEN, aes_key, standin.appid, response.text)["Content"]

    chat_reply, = services.assistant.replies
    assert chat_reply.intent == "legal_question" and chat_reply.citations
    for citation in chat_reply.citations:
        if citation.law:
            assert small_kb.get_article(citation.law, citation.article_id) is not None, citation
    cited_laws = {c.law for c in chat_reply.citations if c.law}
    assert cited_laws & {"劳动合同法", "劳动法", "劳动争议调解仲裁法"}
    assert any(law in content for law in cited_laws)      # the villager sees where the answer comes from
    assert "仲裁" in content and "12348" in content
    assert standin.violations == []
