"""The permission matrix: every route of the app, enumerated from app.routes (so a new route is
covered the day it is added), against a declared access level:

- PUBLIC: works anonymously (never 401/403);
- CALLBACK: WeChat/WeCom callbacks: anonymous, but only a valid signature gets in (403 otherwise);
- STAFF: anonymous or forged token → 401; a staff token gets through;
- ADMIN: anonymous → 401; a staff (non-admin) token → 403; an admin token gets through;
- CONSOLE: staff HTML pages and forms: anonymous → 303 to /console/login; pages open with a
  staff session cookie;
- HOLDER: a web conversation's own routes (transcript, rating): no login, but only the holder of
  the server-issued session id gets in; a made-up id, or another channel's session, is 404.
- SESSION: the person of a web chat session (its id in the body) or staff: anonymous without a
  session → 403; with the session id, or a staff token, it works;
- LINK: a download link whose token is the credential: a wrong token → 404, never 401/403.

A route missing from ACCESS fails the test: "new route: declare its access level"."""
from __future__ import annotations

import re

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from assistant.documents.catalog import generate
from evals.fuzz import ADMIN, PASSWORDS, STAFF, bearer_token, fuzz_app

PUBLIC, CALLBACK, STAFF_ONLY, ADMIN_ONLY, CONSOLE, HOLDER = "public", "callback", "staff", "admin", "console", "holder"
SESSION, LINK = "session", "link"

# (method, path) → (access level, example request: query params / JSON body)
ACCESS: dict[tuple[str, str], tuple[str, dict]] = {
    ("GET", "/openapi.json"): (PUBLIC, {}),
    ("GET", "/docs"): (PUBLIC, {}),
    ("GET", "/docs/oauth2-redirect"): (PUBLIC, {}),
    ("GET", "/redoc"): (PUBLIC, {}),
    ("GET", "/healthz"): (PUBLIC, {}),
    ("GET", "/readyz"): (PUBLIC, {}),
    ("GET", "/metrics"): (PUBLIC, {}),     # development: open unless FAYUAN_METRICS_TOKEN is set; production: token only
    ("GET", "/v1/search"): (PUBLIC, {"params": {"q": "拖欠工资"}}),
    ("GET", "/v1/laws"): (PUBLIC, {"params": {"q": "劳动"}}),
    ("GET", "/v1/laws/{law}/articles/{article_id}"): (PUBLIC, {"path": {"law": "劳动合同法", "article_id": "38"}}),
    ("POST", "/v1/auth/token"): (PUBLIC, {"json": {"username": STAFF, "password": PASSWORDS[STAFF]}}),
    ("GET", "/v1/auth/me"): (STAFF_ONLY, {}),
    ("POST", "/v1/auth/logout"): (STAFF_ONLY, {}),
    ("POST", "/v1/auth/staff/{username}/revoke"): (ADMIN_ONLY, {"path": {"username": "nobody"}}),
    ("GET", "/v1/handoffs"): (STAFF_ONLY, {}),
    ("POST", "/v1/handoffs/pull"): (STAFF_ONLY, {"json": {"session_id": "web-matrix"}}),
    ("GET", "/v1/handoffs/{ticket_id}"): (STAFF_ONLY, {}),
    ("POST", "/v1/handoffs/{ticket_id}/claim"): (STAFF_ONLY, {}),
    ("POST", "/v1/handoffs/{ticket_id}/assign"): (STAFF_ONLY, {"json": {"username": STAFF}}),
    ("POST", "/v1/handoffs/{ticket_id}/reply"): (STAFF_ONLY, {"json": {"text": "您好"}}),
    ("POST", "/v1/handoffs/{ticket_id}/resolve"): (STAFF_ONLY, {"json": {"outcome": "已解答"}}),
    ("POST", "/v1/handoffs/{ticket_id}/hand-back"): (STAFF_ONLY, {"json": {"note": ""}}),
    ("POST", "/v1/handoffs/{ticket_id}/cancel"): (STAFF_ONLY, {"json": {"note": ""}}),
    ("GET", "/v1/handoffs/{ticket_id}/events"): (ADMIN_ONLY, {}),
    # any staff may call; only the ticket's owner or an admin gets past the check (403); here the ticket is open → 409
    ("POST", "/v1/handoffs/{ticket_id}/known-answer"): (STAFF_ONLY, {"json": {}}),
    ("GET", "/v1/known-answers"): (STAFF_ONLY, {}),
    ("POST", "/v1/known-answers/{answer_id}/retire"): (STAFF_ONLY, {"path": {"answer_id": "1"}}),
    ("POST", "/v1/consultations/{session_id}/rating"): (HOLDER, {"json": {"rating": "满意"}}),
    ("GET", "/v1/reports/monthly"): (STAFF_ONLY, {"params": {"month": "2026-03"}}),
    ("GET", "/v1/reports/monthly.csv"): (STAFF_ONLY, {"params": {"month": "2026-03"}}),
    ("GET", "/v1/reports/monthly.svg"): (STAFF_ONLY, {"params": {"month": "2026-03"}}),
    ("GET", "/console"): (PUBLIC, {}),     # only a redirect to /console/queue (which needs a login)
    ("GET", "/console/login"): (PUBLIC, {}),
    ("POST", "/console/login"): (PUBLIC, {"form": {"username": "x", "password": "y"}}),
    ("POST", "/console/logout"): (CONSOLE, {}),
    ("GET", "/console/queue"): (CONSOLE, {}),
    ("GET", "/console/tickets/{ticket_id}"): (CONSOLE, {}),
    ("POST", "/console/tickets/{ticket_id}/{action}"): (CONSOLE, {"path": {"action": "claim"}}),
    ("POST", "/console/pull"): (CONSOLE, {}),
    ("GET", "/console/known-answers"): (CONSOLE, {}),
    ("POST", "/console/known-answers/{answer_id}/retire"): (CONSOLE, {"path": {"answer_id": "1"}}),
    ("GET", "/console/laws"): (CONSOLE, {"params": {"q": "劳动合同法第38条"}}),
    ("GET", "/console/laws/article"): (CONSOLE, {"params": {"law": "劳动合同法", "article": "38"}}),
    ("GET", "/console/reports"): (CONSOLE, {}),
    ("GET", "/console/standards"): (CONSOLE, {}),
    ("GET", "/console/standards/{region}"): (CONSOLE, {"path": {"region": "上海市"}}),
    ("POST", "/console/standards/{region}"): (CONSOLE, {"path": {"region": "上海市"}}),   # admin only: see test_console_reference
    ("GET", "/console/figures"): (CONSOLE, {}),
    ("POST", "/console/figures"): (CONSOLE, {}),                                          # admin only: as above
    ("GET", "/wechat/oa"): (CALLBACK, {"params": {"echostr": "x", "signature": "forged"}}),
    ("POST", "/wechat/oa"): (CALLBACK, {"params": {"signature": "forged"}, "content": b"<xml></xml>"}),
    ("GET", "/wechat/wecom"): (CALLBACK, {"params": {"echostr": "x", "msg_signature": "forged"}}),
    ("POST", "/wechat/wecom"): (CALLBACK, {"content": b"<xml><Encrypt>QUJD</Encrypt></xml>"}),
    ("GET", "/wechat/wecom-bot"): (CALLBACK, {"params": {"echostr": "x", "msg_signature": "forged"}}),
    ("POST", "/wechat/wecom-bot"): (CALLBACK, {"json": {"encrypt": "QUJD"}}),
    ("POST", "/v1/chat"): (PUBLIC, {"json": {"message": "公司拖欠工资怎么办"}}),
    ("POST", "/v1/chat/stream"): (PUBLIC, {"json": {"message": "公司拖欠工资怎么办"}}),
    ("GET", "/v1/chat/{session_id}/messages"): (HOLDER, {}),
    ("GET", "/v1/chat/{session_id}/handoff"): (HOLDER, {}),
    ("POST", "/v1/chat/completions"): (PUBLIC, {"json": {"messages": [{"role": "user", "content": "加班费怎么算"}]}}),
    ("GET", "/chat"): (PUBLIC, {}),
    ("GET", "/chat/assets/{name}"): (PUBLIC, {"path": {"name": "chat.js"}}),
    ("POST", "/v1/eligibility"): (PUBLIC, {"json": {"facts": {"region": "上海市", "household_size": 3}}}),
    ("GET", "/v1/admin/regions"): (STAFF_ONLY, {}),
    ("GET", "/v1/admin/regions/audit"): (STAFF_ONLY, {}),
    ("GET", "/v1/admin/regions/{region}"): (STAFF_ONLY, {"path": {"region": "上海市"}}),
    ("PUT", "/v1/admin/regions/{region}"): (ADMIN_ONLY, {"path": {"region": "测试县"}, "json": {
        "level": "county", "parent": "上海市", "standards": [{
            "effective_from": "2025-01-01", "formula": {"type": "fixed", "value": 2000}, "comparison": "<=",
            "wording": "不超过2000元（测试数据）", "sources": [{"title": "测试"}]}]}}),
    ("POST", "/v1/tools/deadline"): (PUBLIC, {"json": {"kind": "labor_arbitration", "start_date": "2026-01-05"}}),
    ("POST", "/v1/tools/compensation"): (PUBLIC, {"json": {"kind": "overtime", "monthly_wage": 8700, "hours": 4}}),
    ("GET", "/v1/admin/figures"): (STAFF_ONLY, {}),
    ("GET", "/v1/admin/figures/audit"): (STAFF_ONLY, {}),
    ("GET", "/v1/admin/figures/{region}"): (STAFF_ONLY, {"path": {"region": "全国"}}),
    ("PUT", "/v1/admin/figures/{region}"): (ADMIN_ONLY, {"path": {"region": "测试县"}, "json": {
        "level": "county", "figures": [{"figure": "average_wage", "year": 2024, "annual": 100000,
                                        "source": {"title": "测试", "published": "2025-01-01"}}]}}),
    ("POST", "/v1/documents"): (SESSION, {"json": {"type": "payment_order_application", "facts": {},
                                                   "session_id": "{session_id}"}}),
    ("GET", "/v1/documents/types"): (PUBLIC, {}),
    ("GET", "/v1/documents/download"): (LINK, {"params": {"token": "forged-token"}}),
    ("POST", "/v1/handoffs/{ticket_id}/documents"): (STAFF_ONLY, {"json": {"type": "legal_aid_application"}}),
    ("GET", "/v1/handoffs/{ticket_id}/documents"): (STAFF_ONLY, {}),
    ("GET", "/v1/admin/documents/audit"): (ADMIN_ONLY, {}),
    ("GET", "/console/documents/{document_id}"): (CONSOLE, {}),
}


@pytest.fixture(scope="module")
def matrix(small_kb, small_kb_settings, tmp_path_factory):
    """The real app on the small knowledge base; a pending ticket and a web session to act on."""
    with fuzz_app(small_kb_settings, tmp_path_factory.mktemp("permissions"), knowledge=small_kb) as (app, _):
        services = app.state.services
        with TestClient(app, follow_redirects=False) as client:
            session_id = client.post("/v1/chat", json={"message": "我要找人工"}).json()["session_id"]
            ticket = services.handoff_desk.open_ticket(
                session_id, trigger="person_request", service="法律援助", priority="normal", region="城关镇",
                summary="要求人工", facts={}, channel="web", user_ref=session_id)
            document, _ = services.documents.save(generate("payment_order_application", {}), actor="staff:matrix",
                                                  ticket_id=ticket.ticket_id)
            yield app, client, {"ticket_id": ticket.ticket_id, "session_id": session_id, "document_id": document.id}


def app_routes(app) -> set[tuple[str, str]]:
    return {(method, context.path) for context in iter_route_contexts(app.routes)
            for method in (context.methods or ()) if method != "HEAD"}


def test_every_route_declares_its_access_level(matrix):
    app, _, _ = matrix
    routes = app_routes(app)
    new = sorted(routes - set(ACCESS))
    assert not new, f"new route: declare its access level in tests/test_permissions.py ACCESS: {new}"
    gone = sorted(set(ACCESS) - routes)
    assert not gone, f"routes in ACCESS that the app no longer has: {gone}"


def _call(client, method: str, path: str, example: dict, ids: dict, headers: dict | None = None):
    values = {**ids, **example.get("path", {})}
    url = re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "x")), path)
    return client.request(method, url, params=example.get("params"), json=_filled(example.get("json"), values),
                          data=example.get("form"), content=example.get("content"), headers=headers or {})


def _filled(body, values: dict):
    """A JSON example with "{session_id}"-style placeholders replaced by the fixture's ids."""
    if isinstance(body, dict):
        return {key: _filled(value, values) for key, value in body.items()}
    if isinstance(body, str):
        return re.sub(r"^\{(\w+)\}$", lambda m: str(values.get(m.group(1), m.group(0))), body)
    return body


def _by_level(level: str) -> list[tuple[str, str]]:
    return sorted(route for route, (declared, _) in ACCESS.items() if declared == level)


@pytest.mark.parametrize(("method", "path"), _by_level(STAFF_ONLY) + _by_level(ADMIN_ONLY))
def test_staff_routes_refuse_anonymous_and_forged_callers(matrix, method, path):
    _, client, ids = matrix
    example = ACCESS[(method, path)][1]
    assert _call(client, method, path, example, ids).status_code == 401
    forged = {"Authorization": "Bearer forged.token"}
    assert _call(client, method, path, example, ids, forged).status_code == 401


@pytest.mark.parametrize(("method", "path"), _by_level(ADMIN_ONLY))
def test_admin_routes_refuse_staff_and_admit_admins(matrix, method, path):
    _, client, ids = matrix
    example = ACCESS[(method, path)][1]
    staff = {"Authorization": f"Bearer {bearer_token(client, STAFF)}"}
    assert _call(client, method, path, example, ids, staff).status_code == 403
    admin = {"Authorization": f"Bearer {bearer_token(client, ADMIN)}"}
    assert _call(client, method, path, example, ids, admin).status_code not in (401, 403)


@pytest.mark.parametrize(("method", "path"), _by_level(STAFF_ONLY))
def test_staff_routes_admit_a_staff_member(matrix, method, path):
    _, client, ids = matrix
    example = ACCESS[(method, path)][1]
    staff = {"Authorization": f"Bearer {bearer_token(client, STAFF)}"}   # fresh: logout revokes its token
    answer = _call(client, method, path, example, ids, staff)
    assert answer.status_code not in (401, 403) and answer.status_code < 500, (answer.status_code, answer.text)


@pytest.mark.parametrize(("method", "path"), _by_level(PUBLIC))
def test_public_routes_work_anonymously(matrix, method, path):
    _, client, ids = matrix
    answer = _call(client, method, path, ACCESS[(method, path)][1], ids)
    assert answer.status_code < 400, (answer.status_code, answer.text[:300])


@pytest.mark.parametrize(("method", "path"), _by_level(HOLDER))
def test_holder_routes_need_the_server_issued_session_id(matrix, method, path):
    app, client, ids = matrix
    example = ACCESS[(method, path)][1]
    assert _call(client, method, path, example, ids).status_code == 200
    wechat = app.state.services.chat_sessions.open("wechat_oa:" + "ab" * 16, channel="wechat_oa")
    for other in ("made-up-session-id", wechat.id):
        assert _call(client, method, path, example, {**ids, "session_id": other}).status_code == 404, other


@pytest.mark.parametrize(("method", "path"), _by_level(CALLBACK))
def test_callbacks_are_anonymous_but_need_a_valid_signature(matrix, method, path):
    _, client, ids = matrix
    answer = _call(client, method, path, ACCESS[(method, path)][1], ids)
    assert answer.status_code == 403, (answer.status_code, answer.text)


@pytest.mark.parametrize(("method", "path"), _by_level(SESSION))
def test_session_routes_need_the_persons_session_or_staff(matrix, method, path):
    _, client, ids = matrix
    example = ACCESS[(method, path)][1]
    anonymous = {**example, "json": {k: v for k, v in example["json"].items() if k != "session_id"}}
    assert _call(client, method, path, anonymous, ids).status_code == 403
    assert _call(client, method, path, {**anonymous, "json": {**anonymous["json"], "session_id": "forged"}},
                 ids).status_code == 403
    assert _call(client, method, path, example, ids).status_code < 400
    staff = {"Authorization": f"Bearer {bearer_token(client, STAFF)}"}
    assert _call(client, method, path, anonymous, ids, staff).status_code < 400


@pytest.mark.parametrize(("method", "path"), _by_level(LINK))
def test_link_routes_answer_a_wrong_token_with_404(matrix, method, path):
    _, client, ids = matrix
    answer = _call(client, method, path, ACCESS[(method, path)][1], ids)
    assert answer.status_code == 404, (answer.status_code, answer.text)


@pytest.mark.parametrize(("method", "path"), _by_level(CONSOLE))
def test_console_sends_anonymous_callers_to_the_login_page(matrix, method, path):
    _, client, ids = matrix
    client.cookies.clear()
    answer = _call(client, method, path, ACCESS[(method, path)][1], ids)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login"), answer.status_code


def test_console_pages_open_with_a_staff_session(matrix):
    _, client, ids = matrix
    client.cookies.clear()
    client.get("/console/login")
    login = client.post("/console/login", data={"username": STAFF, "password": PASSWORDS[STAFF],
                                                 "csrf_token": client.cookies.get("fayuan_login_csrf")})
    assert login.status_code == 303 and login.headers["location"] == "/console/queue"
    for (method, path), (level, example) in sorted(ACCESS.items()):
        if level == CONSOLE and method == "GET":
            answer = _call(client, method, path, example, ids)
            assert answer.status_code in (200, 303) and "/console/login" not in answer.headers.get("location", ""), \
                (path, answer.status_code)
    client.cookies.clear()
