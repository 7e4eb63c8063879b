"""Known answers over real HTTP on both records databases and the small knowledge base: staff
approve a resolved ticket's reply, a later paraphrase is answered from it (articles re-verified,
approval date shown), unrelated questions are not; refused approvals say why; retired answers and
answers whose article is gone are never used."""
from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.app import create_app
from api.services import build_services
from assistant.known_answers.match import approval_date
from assistant.known_answers.models import KnownAnswerRow
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER

QUESTION = "公司拖欠我三个月工资不发，我该怎么办？电话13812345678"
PARAPHRASE = "老板欠了我好几个月的工钱一直不给，怎么办"
# two articles, as a lawyer's reply on arrears would cite: the new question's retrieval must agree with
# one of them (its top 5), and which one ranks higher shifts a little with the embedding's int8 noise
REPLY = ("您好。用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬（《劳动合同法》第三十条），"
         "不得克扣或者无故拖欠劳动者的工资（《劳动法》第五十条）。"
         "可以先找单位要一份欠薪的书面确认，再向当地劳动保障监察投诉，或者申请劳动仲裁。")
KNOWN_MARK = "审核的答复"


@pytest.fixture
def desk(records_db_url, small_kb, small_kb_settings, tmp_path):
    settings = small_kb_settings.model_copy(update={"data_dir": tmp_path / "data", "database_url": records_db_url})
    services = build_services(settings)
    services.knowledge = small_kb
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    for name, role in (("lin", "staff"), ("wang", "staff"), ("boss", "admin")):
        services.staff.add(name, f"{name}-password", role=role)
    with TestClient(create_app(settings, services), follow_redirects=False) as client:
        tokens = {}
        for name in ("lin", "wang", "boss"):
            answer = client.post("/v1/auth/token", json={"username": name, "password": f"{name}-password"})
            tokens[name] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        yield client, services, tokens
        services.records_engine.dispose()


def ask(client, message, session_id=None) -> dict:
    answer = client.post("/v1/chat", json={"message": message, "session_id": session_id})
    assert answer.status_code == 200, answer.text
    return answer.json()


def resolved_ticket(client, tokens, question=QUESTION, reply=REPLY, staff="lin") -> str:
    """A person asks, asks for a human; `staff` claims, replies and resolves — all over HTTP."""
    session_id = ask(client, question)["session_id"]
    ticket_id = ask(client, "转人工", session_id)["handoff"]["ticket_id"]
    headers = tokens[staff]
    assert client.post(f"/v1/handoffs/{ticket_id}/claim", headers=headers).status_code == 200
    assert client.post(f"/v1/handoffs/{ticket_id}/reply", json={"text": reply}, headers=headers).status_code == 200
    assert client.post(f"/v1/handoffs/{ticket_id}/resolve", json={"outcome": "已解答"},
                       headers=headers).status_code == 200
    return ticket_id


def approve(client, tokens, ticket_id, staff="lin", **body):
    return client.post(f"/v1/handoffs/{ticket_id}/known-answer", json=body, headers=tokens[staff])


def test_an_approved_reply_answers_a_paraphrase_with_verified_articles_and_its_date(desk):
    client, services, tokens = desk
    before = ask(client, PARAPHRASE)
    assert KNOWN_MARK not in before["answer"]

    ticket_id = resolved_ticket(client, tokens)
    approved = approve(client, tokens, ticket_id)
    assert approved.status_code == 200, approved.text
    known = approved.json()
    assert known["citations"] == [{"law": "劳动合同法", "article_id": "30", "label": "《劳动合同法》第三十条"},
                                  {"law": "劳动法", "article_id": "50", "label": "《劳动法》第五十条"}]
    assert known["approved_by"] == "lin" and known["status"] == "active" and known["reply"] == REPLY
    assert "13812345678" not in known["question"] and "拖欠我三个月工资" in known["question"]
    assert not known["question"].startswith("咨询")

    answer = ask(client, PARAPHRASE)
    date = approval_date(datetime.fromisoformat(known["approved_at"]))
    assert f"工作人员于{date}{KNOWN_MARK}" in answer["answer"], answer["answer"]
    assert REPLY in answer["answer"] and "依据：《劳动合同法》第三十条" in answer["answer"]
    assert [(c["law"], c["article_id"]) for c in answer["citations"]] == [("劳动合同法", "30"), ("劳动法", "50")]
    assert "劳动者及时足额支付劳动报酬" in answer["citations"][0]["text"]   # the article as the knowledge base has it

    # a question carrying a phone number still gets it (compared masked, like the stored question)
    assert KNOWN_MARK in ask(client, "老板欠了我好几个月的工钱一直不给，怎么办？电话13900001111")["answer"]

    for unrelated in ("邻居家的狗把我咬了怎么办", "公司不给加班费怎么办", "我想离婚，老公不同意怎么办"):
        assert KNOWN_MARK not in ask(client, unrelated)["answer"], unrelated

    listed = client.get("/v1/known-answers", headers=tokens["wang"]).json()["known_answers"]
    assert [(a["id"], a["use_count"]) for a in listed] == [(known["id"], 2)]
    assert listed[0]["last_used_at"]


def test_approval_is_refused_with_a_reason(desk):
    client, services, tokens = desk
    missing = resolved_ticket(client, tokens, reply="按照《劳动合同法》第九百九十九条，单位必须付钱。")
    refused = approve(client, tokens, missing)
    assert refused.status_code == 422 and "不存在" in refused.json()["detail"], refused.text

    uncited = resolved_ticket(client, tokens, reply="您好，建议您先和单位协商，协商不成可以申请劳动仲裁。")
    refused = approve(client, tokens, uncited)
    assert refused.status_code == 422 and "没有引用法条" in refused.json()["detail"]
    # the staff member may write the reply to approve: a correct citation is then accepted
    fixed = approve(client, tokens, uncited, reply=REPLY)
    assert fixed.status_code == 200 and fixed.json()["reply"] == REPLY
    assert approve(client, tokens, uncited, reply=REPLY).status_code == 409   # once per ticket

    other = resolved_ticket(client, tokens)
    assert approve(client, tokens, other, staff="wang").status_code == 403    # not wang's ticket
    assert approve(client, tokens, other, staff="boss").status_code == 200    # an admin may
    assert approve(client, tokens, "HT-missing").status_code == 404

    session_id = ask(client, "单位不给我交社保")["session_id"]
    still_open = ask(client, "转人工", session_id)["handoff"]["ticket_id"]
    client.post(f"/v1/handoffs/{still_open}/claim", headers=tokens["lin"])
    refused = approve(client, tokens, still_open, reply=REPLY)
    assert refused.status_code == 409 and "办结" in refused.json()["detail"]
    assert client.post(f"/v1/handoffs/{still_open}/known-answer", json={}).status_code == 401


def test_a_retired_answer_is_never_used_again(desk):
    client, services, tokens = desk
    known = approve(client, tokens, resolved_ticket(client, tokens)).json()
    assert KNOWN_MARK in ask(client, PARAPHRASE)["answer"]

    retired = client.post(f"/v1/known-answers/{known['id']}/retire", headers=tokens["wang"])
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert retired.json()["retired_by"] == "wang"
    assert KNOWN_MARK not in ask(client, PARAPHRASE)["answer"]
    assert client.post(f"/v1/known-answers/{known['id']}/retire", headers=tokens["wang"]).status_code == 409
    assert client.post("/v1/known-answers/999/retire", headers=tokens["wang"]).status_code == 404
    assert client.get("/v1/known-answers", params={"status": "active"}, headers=tokens["lin"]).json()["count"] == 0
    assert client.get("/v1/known-answers", params={"status": "bogus"}, headers=tokens["lin"]).status_code == 422


def test_an_answer_whose_article_is_gone_is_not_used_and_is_flagged(desk):
    client, services, tokens = desk
    known = approve(client, tokens, resolved_ticket(client, tokens)).json()
    assert KNOWN_MARK in ask(client, PARAPHRASE)["answer"]
    # as after a re-ingest without that article: the row cites one the knowledge base does not have
    # (the real citations stay, so retrieval still agrees and only the re-verification can stop it)
    with services.records_engine.begin() as db:
        db.execute(update(KnownAnswerRow).where(KnownAnswerRow.id == known["id"]).values(citations=[
            {"law": "劳动合同法", "article_id": "30"}, {"law": "劳动法", "article_id": "50"},
            {"law": "劳动合同法", "article_id": "999"}]))
    services.known_answers._changed()   # this process's copy reloads at once (other workers within seconds)

    answer = ask(client, PARAPHRASE)
    assert KNOWN_MARK not in answer["answer"] and answer["citations"]
    row = client.get("/v1/known-answers", headers=tokens["lin"]).json()["known_answers"][0]
    assert "劳动合同法第999条在知识库中不存在" in row["flag"] and row["use_count"] == 1


def test_console_approves_on_resolve_lists_and_retires(desk):
    client, services, tokens = desk
    client.get("/console/login")
    login = client.post("/console/login", data={"username": "lin", "password": "lin-password",
                                                 "csrf_token": client.cookies.get("fayuan_login_csrf")})
    assert login.status_code == 303
    session_id = ask(client, QUESTION)["session_id"]
    ticket_id = ask(client, "转人工", session_id)["handoff"]["ticket_id"]
    page = client.get(f"/console/tickets/{ticket_id}")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    for action, data in (("claim", {}), ("reply", {"text": REPLY})):
        assert client.post(f"/console/tickets/{ticket_id}/{action}", data={"csrf_token": csrf, **data}).status_code == 303
    assert "同时把最后一条回复审核为已知答复" in client.get(f"/console/tickets/{ticket_id}").text
    done = client.post(f"/console/tickets/{ticket_id}/resolve",
                       data={"csrf_token": csrf, "outcome": "已解答", "approve_known": "1"})
    shown = client.get(done.headers["location"]).text
    assert "已审核为已知答复" in shown and "已使用 0 次" in shown
    assert KNOWN_MARK in ask(client, PARAPHRASE)["answer"]

    listing = client.get("/console/known-answers").text
    for label in ("已知答复", "使用次数", "使用中", "《劳动合同法》第三十条", "停用"):
        assert label in listing, label
    known_id = services.known_answers.for_ticket(ticket_id).id
    assert client.post(f"/console/known-answers/{known_id}/retire", data={"csrf_token": "forged"}).status_code == 403
    retired = client.post(f"/console/known-answers/{known_id}/retire", data={"csrf_token": csrf})
    assert "今后不再使用" in client.get(retired.headers["location"]).text
    assert "已停用" in client.get("/console/known-answers").text
    assert KNOWN_MARK not in ask(client, PARAPHRASE)["answer"]

    # a reply without an article: the console says why it was not approved
    session_id = ask(client, "单位不给我交社保")["session_id"]
    other = ask(client, "转人工", session_id)["handoff"]["ticket_id"]
    client.post(f"/console/tickets/{other}/claim", data={"csrf_token": csrf})
    client.post(f"/console/tickets/{other}/reply", data={"csrf_token": csrf, "text": "请先和单位协商。"})
    done = client.post(f"/console/tickets/{other}/resolve", data={"csrf_token": csrf, "outcome": "已解答",
                                                                   "approve_known": "1"})
    shown = client.get(done.headers["location"]).text
    assert "已办结" in shown and "未能审核为已知答复" in shown and "没有引用法条" in shown
    # … and offers the form on the resolved ticket: staff correct the reply and approve it there
    assert 'id="approve-known"' in shown and "请先和单位协商。</textarea>" in shown
    approved = client.post(f"/console/tickets/{other}/approve-known",
                           data={"csrf_token": csrf, "question": "单位不给交社保怎么办", "text": REPLY})
    assert "已审核为已知答复" in client.get(approved.headers["location"]).text
    assert services.known_answers.for_ticket(other).question == "单位不给交社保怎么办"
