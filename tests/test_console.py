"""The staff console over HTTP (TestClient): login, session expiry, CSRF, queue and ticket actions."""
from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import SESSION_COOKIE
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from assistant.staff.tokens import TokenSigner
from api.secret_key import effective_secret_key
from tests.handoff_helpers import FAST_HASHER


@pytest.fixture
def console(settings):
    services = build_services(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
    services.staff.add("wang", "wang-password", display_name="王强")
    with TestClient(create_app(settings, services), follow_redirects=False) as client:
        yield client, services


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', html).group(1)


def _login(client, username="lin", password="lin-password"):
    page = client.get("/console/login")
    return client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": _csrf(page.text), "next": "/console/queue"})


def test_pages_need_login_and_login_needs_its_csrf_token(console):
    client, _ = console
    for path in ("/console/queue", "/console/laws", "/console/reports", "/console/tickets/x"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/console/login?next=")
    client.get("/console/login")
    forged = client.post("/console/login", data={"username": "lin", "password": "lin-password", "csrf_token": "x"})
    assert "error=" in forged.headers["location"] and SESSION_COOKIE not in forged.cookies
    wrong = _login(client, password="nope")
    assert "error=" in wrong.headers["location"]
    ok = _login(client)
    assert ok.status_code == 303 and ok.headers["location"] == "/console/queue"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Max-Age=28800" in cookie
    assert "林芳" in client.get("/console/queue").text


def test_open_redirect_is_refused(console):
    client, _ = console
    page = client.get("/console/login")
    response = client.post("/console/login", data={"username": "lin", "password": "lin-password",
                                                   "csrf_token": _csrf(page.text), "next": "https://evil.example/"})
    assert response.headers["location"] == "/console/queue"


def test_expired_session_cookie_sends_back_to_login(console, settings):
    client, services = console
    member = services.staff.by_username("lin")
    stale = TokenSigner(effective_secret_key(settings)).issue(member.id, "console", 60, now=time.time() - 3600)
    client.cookies.set(SESSION_COOKIE, stale)
    assert client.get("/console/queue").status_code == 303


def test_ticket_actions_with_csrf(console):
    client, services = console
    info = services.handoff_desk.open_ticket("web-1", trigger="person_request", service="法律援助",
                                             priority="urgent", region="城关镇",
                                             summary="身份证110101199003071234 被拖欠工资", facts={"月收入": 2800},
                                             channel="web", user_ref="web-1")
    _login(client)
    queue_html = client.get("/console/queue", params={"service": "法律援助"}).text
    assert info.ticket_id in queue_html and "110101199003071234" not in queue_html
    assert info.ticket_id not in client.get("/console/queue", params={"service": "公证"}).text
    page = client.get(f"/console/tickets/{info.ticket_id}")
    token = _csrf(page.text)
    assert "月收入" in page.text and "待认领" in page.text

    no_csrf = client.post(f"/console/tickets/{info.ticket_id}/claim", data={"csrf_token": "forged"})
    assert no_csrf.status_code == 403
    assert services.handoff_desk.get(info.ticket_id).owner_id is None

    assert "msg=" in client.post(f"/console/tickets/{info.ticket_id}/claim", data={"csrf_token": token}).headers["location"]
    client.post(f"/console/tickets/{info.ticket_id}/reply", data={"csrf_token": token, "text": "您好，我是林老师"})
    empty = client.post(f"/console/tickets/{info.ticket_id}/resolve", data={"csrf_token": token, "outcome": ""})
    assert "error=" in empty.headers["location"]
    client.post(f"/console/tickets/{info.ticket_id}/resolve", data={"csrf_token": token, "outcome": "已受理"})
    ticket = services.handoff_desk.get(info.ticket_id)
    assert ticket.status == "resolved" and ticket.owner_name == "lin" and ticket.first_reply_at is not None
    html = client.get(f"/console/tickets/{info.ticket_id}").text
    assert "已办结" in html and "您好，我是林老师" in html and "林芳" in html   # the audit names her
    assert "staff:lin" not in html and ">lin<" not in html
    assert client.get("/console/tickets/HT-missing").status_code == 404

    # another staff member's session has its own CSRF token: lin's token is refused for wang
    client.cookies.clear()
    _login(client, "wang", "wang-password")
    other = services.handoff_desk.open_ticket("web-2", trigger="person_request", service="公证", priority="normal",
                                              region=None, summary="", facts=None, channel="web", user_ref="web-2")
    assert client.post(f"/console/tickets/{other.ticket_id}/claim", data={"csrf_token": token}).status_code == 403
    logout_token = _csrf(client.get("/console/queue").text)
    assert client.post("/console/logout", data={"csrf_token": logout_token}).status_code == 303
    assert client.get("/console/queue").status_code == 303


def test_laws_page_without_knowledge_base_and_reports_page(console):
    client, _ = console
    _login(client)
    assert "知识库尚未加载" in client.get("/console/laws", params={"q": "劳动合同法"}).text
    reports = client.get("/console/reports", params={"month": "2026-03"})
    assert reports.status_code == 200 and "/v1/reports/monthly.svg?month=2026-03" in reports.text
    assert "月份格式" in client.get("/console/reports", params={"month": "bad"}).text
    # the CSV and chart links work with the console session cookie
    assert client.get("/v1/reports/monthly.csv", params={"month": "2026-03"}).status_code == 200


def test_console_cookie_cannot_change_state_through_the_api(console):
    client, services = console
    info = services.handoff_desk.open_ticket("web-3", trigger="person_request", service="公证", priority="normal",
                                             region=None, summary="", facts=None, channel="web", user_ref="web-3")
    _login(client)
    assert client.get(f"/v1/handoffs/{info.ticket_id}").status_code == 200  # reads are fine
    assert client.post(f"/v1/handoffs/{info.ticket_id}/claim").status_code == 401
    assert services.handoff_desk.get(info.ticket_id).owner_id is None


def test_pull_a_bot_conversation_from_the_console(console):
    client, services = console
    services.chat_sessions.ensure("bot-talk", channel="web")
    _login(client)
    token = _csrf(client.get("/console/queue").text)
    pulled = client.post("/console/pull", data={"csrf_token": token, "session_id": "bot-talk", "service": "人民调解"})
    assert pulled.headers["location"].startswith("/console/tickets/HT")
    assert services.handoff_desk.human_owns("bot-talk")
    bad = client.post("/console/pull", data={"csrf_token": token, "session_id": "x", "service": "算命"})
    assert "error=" in bad.headers["location"]


@pytest.mark.corpus
def test_regulation_lookup_shows_status_and_dates(settings, small_kb):
    """Title, citation and keyword searches against the real small knowledge base."""
    services = build_services(settings)
    services.knowledge = small_kb
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password")
    with TestClient(create_app(settings, services), follow_redirects=False) as client:
        _login(client)
        by_title = client.get("/console/laws", params={"q": "妇女权益保障法"}).text
        assert "中华人民共和国妇女权益保障法" in by_title and 'id="laws"' in by_title
        assert "2023-01-01" in by_title  # the current version's effective date
        by_number = client.get("/console/laws", params={"q": "劳动合同法第38条"}).text
        assert 'id="article"' in by_number and "劳动合同法第三十八条" in by_number and "有效" in by_number
        by_keyword = client.get("/console/laws", params={"q": "拖欠工资 解除劳动合同 经济补偿"}).text
        assert 'id="hits"' in by_keyword and "劳动合同法" in by_keyword
        nothing = client.get("/console/laws", params={"q": "第九百九十九条"}).text
        assert "知识库尚未加载" not in nothing


def test_reports_page_names_intents_and_decisions_in_chinese(console):
    client, services = console
    services.records.record_turn("r-1", channel="web", intent="legal_question", region="城关镇")
    services.records.record_turn("r-2", channel="web", intent="eligibility", region="城关镇",
                                 eligibility_outcome="eligible")
    _login(client)
    month = time.strftime("%Y-%m", time.gmtime())
    page = client.get("/console/reports", params={"month": month}).text
    assert "法律咨询 1" in page and "法律援助资格 1" in page and "初筛符合 1" in page
    assert "legal_question" not in page and ">eligible" not in page
