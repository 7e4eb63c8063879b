"""/v1/handoffs over real HTTP on both databases: permissions of every route and the staff flow."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER

ROUTES = [
    ("get", "/v1/handoffs", None),
    ("get", "/v1/handoffs/{id}", None),
    ("post", "/v1/handoffs/{id}/claim", None),
    ("post", "/v1/handoffs/{id}/assign", {"username": "lin"}),
    ("post", "/v1/handoffs/{id}/reply", {"text": "您好"}),
    ("post", "/v1/handoffs/{id}/resolve", {"outcome": "已解答"}),
    ("post", "/v1/handoffs/{id}/hand-back", {"note": ""}),
    ("post", "/v1/handoffs/{id}/cancel", {"note": ""}),
    ("post", "/v1/handoffs/pull", {"session_id": "p1", "service": "法律援助"}),
    ("get", "/v1/handoffs/{id}/events", None),
]
ADMIN_ONLY = {"/v1/handoffs/{id}/events"}


@pytest.fixture
def api(records_settings):
    services = build_services(records_settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    for name, role in (("lin", "staff"), ("wang", "staff"), ("boss", "admin")):
        services.staff.add(name, f"{name}-password", role=role)
    with TestClient(create_app(records_settings, services)) as client:
        tokens = {}
        for name in ("lin", "wang", "boss"):
            answer = client.post("/v1/auth/token", json={"username": name, "password": f"{name}-password"})
            tokens[name] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        yield client, services, tokens


def _ticket(services, session_id="api-1", **kw):
    params = dict(trigger="person_request", service="法律援助", priority="normal", region="城关镇",
                  summary="要求人工，电话13812345678", facts={"household_size": 3}, channel="web",
                  user_ref=session_id)
    params.update(kw)
    return services.handoff_desk.open_ticket(session_id, **params).ticket_id


def test_every_route_refuses_anonymous_and_enforces_roles(api):
    client, services, tokens = api
    ticket_id = _ticket(services)
    for method, path, body in ROUTES:
        url = path.format(id=ticket_id)
        anonymous = client.request(method, url, json=body)
        assert anonymous.status_code == 401, (method, url, anonymous.text)
        forged = client.request(method, url, json=body, headers={"Authorization": "Bearer forged.token"})
        assert forged.status_code == 401, (method, url)
        if path in ADMIN_ONLY:
            assert client.request(method, url, json=body, headers=tokens["lin"]).status_code == 403
            assert client.request(method, url, json=body, headers=tokens["boss"]).status_code == 200


def test_staff_flow_over_http(api):
    client, services, tokens = api
    lin, wang = tokens["lin"], tokens["wang"]
    ticket_id = _ticket(services)
    other_id = _ticket(services, "api-2", service="人民调解", region="河西村")

    listed = client.get("/v1/handoffs", params={"status": "pending", "service": "法律援助"}, headers=lin).json()
    assert [t["id"] for t in listed["tickets"]] == [ticket_id]
    assert client.get("/v1/handoffs", params={"region": "河西村"}, headers=lin).json()["tickets"][0]["id"] == other_id
    assert client.get("/v1/handoffs", params={"status": "bogus"}, headers=lin).status_code == 422

    detail = client.get(f"/v1/handoffs/{ticket_id}", headers=lin).json()
    assert detail["facts"] == {"household_size": 3} and "13812345678" not in detail["summary"]
    assert detail["events"][0]["action"] == "open"
    assert client.get("/v1/handoffs/HT-missing", headers=lin).status_code == 404
    assert client.post("/v1/handoffs/HT-missing/claim", headers=lin).status_code == 404

    assert client.post(f"/v1/handoffs/{ticket_id}/reply", json={"text": "x"}, headers=lin).status_code == 409
    assert client.post(f"/v1/handoffs/{ticket_id}/claim", headers=lin).json()["owner_name"] == "lin"
    taken = client.post(f"/v1/handoffs/{ticket_id}/claim", headers=wang)
    assert taken.status_code == 409 and "lin" in taken.json()["detail"]
    assert client.post(f"/v1/handoffs/{ticket_id}/reply", json={"text": "x"}, headers=wang).status_code == 403
    assert client.post(f"/v1/handoffs/{ticket_id}/reply", json={"text": ""}, headers=lin).status_code == 422
    assert client.post(f"/v1/handoffs/{ticket_id}/reply", json={"text": "a" * 2001}, headers=lin).status_code == 422

    replied = client.post(f"/v1/handoffs/{ticket_id}/reply", json={"text": "您好，请问欠薪多久了？"}, headers=lin).json()
    assert replied["delivered"] is True and replied["ticket"]["first_reply_at"]
    assert services.handoff_desk.human_owns("api-1")
    # the H5 page sees the staff reply in the transcript
    transcript = client.get(f"/v1/handoffs/{ticket_id}", headers=lin).json()["transcript"]
    assert transcript[-1]["role"] == "staff"

    assert client.post(f"/v1/handoffs/{ticket_id}/resolve", json={}, headers=lin).status_code == 422
    resolved = client.post(f"/v1/handoffs/{ticket_id}/resolve", json={"outcome": "已指导申请法律援助"}, headers=lin)
    assert resolved.json()["status"] == "resolved"
    assert client.post(f"/v1/handoffs/{ticket_id}/claim", headers=wang).status_code == 409
    assert not services.handoff_desk.human_owns("api-1")

    assert client.post(f"/v1/handoffs/{other_id}/assign", json={"username": "ghost"}, headers=lin).status_code == 404
    assert client.post(f"/v1/handoffs/{other_id}/assign", json={"username": "wang"}, headers=lin).json()["owner_name"] == "wang"
    assert client.post(f"/v1/handoffs/{other_id}/cancel", json={"note": "x"}, headers=lin).status_code == 409
    back = client.post(f"/v1/handoffs/{other_id}/hand-back", json={"note": "已解答"}, headers=wang).json()
    assert back["status"] == "resolved" and back["outcome"] == "交还机器人"

    pulled = client.post("/v1/handoffs/pull", json={"session_id": "api-3", "service": "律师咨询"}, headers=wang)
    assert pulled.status_code == 200 and pulled.json()["owner_name"] == "wang"
    bad_pull = client.post("/v1/handoffs/pull", json={"session_id": "api-4", "service": "算命"}, headers=wang)
    assert bad_pull.status_code == 422
    mine = client.get("/v1/handoffs", params={"mine": "true", "status": "open"}, headers=wang).json()
    assert [t["id"] for t in mine["tickets"]] == [pulled.json()["id"]]

    events = client.get(f"/v1/handoffs/{ticket_id}/events", headers=tokens["boss"]).json()["events"]
    assert [e["action"] for e in events] == ["open", "claim", "reply", "resolve"]


def test_wechat_senders_are_registered_for_staff_replies(settings):
    configured = settings.model_copy(update={"wechat_token": "tok", "wechat_appid": "wx123", "wechat_secret": "s"})
    services = build_services(configured)
    assert "wechat_oa" in services.outbound.channels()
    assert services.outbound.needs_sending("wechat_oa") and not services.outbound.needs_sending("web")
    assert services.handoff_desk.outbound is services.outbound
