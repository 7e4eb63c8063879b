"""The legal tools inside the chat (assistant/tools/in_chat.py): a date question gets the deadline
in the first sentence with the article under it; a how-much question about a dismissal gets the
amount, or one question for the fact that is missing; other questions are left to the cards."""
from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from assistant.tools.in_chat import deadline_answer, tool_answer
from tests.chat_support import ask_chat, chat_services


@pytest.fixture(scope="module")
def services(small_kb, small_kb_settings, tmp_path_factory):
    return chat_services(small_kb, small_kb_settings, tmp_path_factory.mktemp("chat-tools"))


@pytest.fixture(scope="module")
def client(services):
    from api.app import create_app

    return TestClient(create_app(services=services))


def test_a_dismissal_date_gets_the_arbitration_deadline_with_its_article(small_kb):
    # 2025-03-01 + one year = 2026-03-01, a Sunday -> the next working day, Monday 2026-03-02;
    # from 2026-02-01 that is 29 days: fewer than 30, so urgent
    answer = deadline_answer("我2025年3月1日被辞退的，现在还能申请仲裁吗", small_kb, today=dt.date(2026, 2, 1))
    first = answer.text.split("\n")[0]
    assert first.startswith("【结论】来得及") and "2026年3月2日" in first and "还剩 29 天" in first
    assert answer.urgent
    assert "《劳动争议调解仲裁法》第二十七条规定：“" in answer.text
    assert ("劳动争议调解仲裁法", "27") in {(h.law, h.article_id) for h in answer.citations}


def test_a_passed_deadline_is_said_plainly(small_kb):
    answer = deadline_answer("我2023年3月1日被辞退的，现在还能申请仲裁吗", small_kb, today=dt.date(2026, 12, 7))
    # passed, yet urgent: an interruption (讨要、投诉) may have restarted it — a person should look
    assert "已经过了" in answer.text.split("\n")[0] and answer.urgent


def test_questions_without_a_date_or_a_deadline_word_are_left_to_the_cards(small_kb):
    assert tool_answer("老板拖欠我三个月工资不发怎么办", small_kb, None) is None
    assert deadline_answer("我2025年3月1日入职的，工资是多少", small_kb) is None


def test_dismissal_compensation_in_chat_first_sentence_is_the_amount(client, small_kb):
    # three years and five months: 3 months + half a month (劳动合同法47) = 3.5 x 6,000 = 21,000;
    # unlawful dismissal: twice that (87) = 42,000
    body = ask_chat(client, "干了三年五个月，月薪6000，公司违法辞退能赔多少")
    first = body["answer"].split("\n")[0]
    assert first.startswith("【结论】") and "42,000.00 元" in first
    cited = {(c.get("law"), c.get("article_id")) for c in body["citations"]}
    assert ("劳动合同法", "87") in cited and ("劳动合同法", "47") in cited


def test_a_missing_fact_is_asked_one_at_a_time(client):
    body = ask_chat(client, "公司把我辞退了，能赔多少钱")
    assert "干了多久" in body["answer"] and "工资" not in body["answer"].split("？")[0].replace("干了多久", "")


def test_a_card_answer_offers_its_form_and_help_me_write_fills_it(client):
    """The unpaid-wages card offers the 仲裁申请书; "帮我写申请书" then fills it with blanks and an
    expiring link the same session can download; the file opens in python-docx."""
    import io

    from docx import Document

    first = ask_chat(client, "老板拖欠我三个月工资不发怎么办")
    assert "【文书】" in first["answer"] and "劳动人事争议仲裁申请书" in first["answer"]
    reply = ask_chat(client, "帮我写申请书", first["session_id"])
    assert reply["intent"] == "document_request" and "已经帮您生成《劳动人事争议仲裁申请书》" in reply["answer"]
    path = reply["answer"].split("下载（24 小时内有效）：")[1].split("\n")[0]
    download = client.get(path[path.index("/v1/documents/download"):])
    assert download.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "仲裁申请书" in text


def test_help_me_write_without_a_known_form_asks_which_one(client):
    reply = ask_chat(client, "帮我写个文书")
    assert reply["intent"] == "document_request" and "您想写哪一种" in reply["answer"]
