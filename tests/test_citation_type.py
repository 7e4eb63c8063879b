"""One citation type (knowledge.types.Citation) from the composer to the API: one label, the same
in the answer text, the chat reply, the stored transcript and the consultation records."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from knowledge.types import Citation, Hit
from tests.chat_support import ask_chat, chat_services

ARTICLE = Hit(doc_id="a", kind="statute", text="用人单位……", law="劳动合同法", article_id="10-1")
CASE = Hit(doc_id="c", kind="case", text="裁判要点……", case_title="关于《示例法》适用的某案", section="裁判要点")


def test_a_statute_citation_is_labelled_once_for_every_use():
    cited = Citation.of(ARTICLE)
    assert cited.label == "《劳动合同法》第十条之一"
    assert cited.plain == ARTICLE.citation == "劳动合同法第十条之一"
    assert cited.to_json() == {"law": "劳动合同法", "article_id": "10-1", "text": "用人单位……",
                               "label": "《劳动合同法》第十条之一"}
    assert list(cited.to_dict()) == ["text", "law", "article_id", "case_title", "section"]
    assert Citation.from_dict(cited.to_dict()) == cited


def test_a_case_citation_keeps_titles_inside_its_title_in_angle_brackets():
    cited = Citation.of(CASE)
    assert cited.label == "案例《关于〈示例法〉适用的某案》（裁判要点）"
    assert cited.plain == CASE.citation == "关于《示例法》适用的某案（裁判要点）"
    assert list(cited.to_json()) == ["case_title", "section", "text", "label"]
    # the chat API names it as the answer text does (it used to keep the inner 《》)
    assert cited.to_json()["label"] == cited.label


def test_a_stored_citation_missing_keys_reads_back():
    assert Citation.from_dict({"law": "劳动法", "article_id": "44"}).to_json() == {
        "law": "劳动法", "article_id": "44", "text": "", "label": "《劳动法》第四十四条"}


@pytest.fixture(scope="module")
def services(small_kb, small_kb_settings, tmp_path_factory):
    return chat_services(small_kb, small_kb_settings, tmp_path_factory.mktemp("citation-type"))


def test_reply_transcript_and_records_carry_the_same_citations(services):
    from api.app import create_app

    client = TestClient(create_app(services=services))
    body = ask_chat(client, "公司拖欠我三个月工资不发，怎么办？")
    assert body["citations"], body["answer"]
    labels = [c["label"] for c in body["citations"]]
    assert labels[0] in body["answer"]
    stored = client.get(f"/v1/chat/{body['session_id']}/messages").json()["messages"]
    assert stored[-1]["citations"] == body["citations"]
    assert services.records.turns(body["session_id"])[-1]["citations"] == labels
