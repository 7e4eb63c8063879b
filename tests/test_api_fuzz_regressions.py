"""What schemathesis (tests/test_api_fuzz.py, evals/fuzz.py) found, each kept as a plain request
through the real app: a clear 4xx with a reason where it was a 500 or a wrong answer before, and
the OpenAPI schema saying what the routes really do."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from api.app import create_app
    from api.settings import Settings
    from tests.conftest import REPO

    data = tmp_path_factory.mktemp("fuzz-regressions") / "data"
    with TestClient(create_app(Settings(data_dir=data, model_dir=REPO / "data" / "models"))) as client:
        yield client


@pytest.fixture(scope="module")
def schema(client):
    return client.get("/openapi.json").json()


def test_transcript_after_beyond_a_database_integer_is_422_not_500(client):
    # was: OverflowError in the SQLite driver (a 500)
    r = client.get("/v1/chat/web-1/messages", params={"after": 17455306592413696000})
    assert r.status_code == 422
    assert client.get("/v1/chat/web-1/messages", params={"after": -5}).status_code == 404   # clamped, no session


@pytest.mark.parametrize("session_id", [5, ["a"], {"id": "x"}, True])
def test_chat_session_id_that_is_not_text_is_422_in_chinese(client, session_id):
    # was: a non-string id reached the session store; now refused before any work
    r = client.post("/v1/chat", json={"message": "你好", "session_id": session_id})
    assert r.status_code == 422 and "session_id 格式不对" in r.json()["detail"]


@pytest.mark.parametrize("facts", [{"criminal": {"retrial_ordered": 0}}, {"household_size": "3"},
                                   {"applicant": {"is_natural_person": "yes"}}])
def test_eligibility_takes_json_types_as_declared(client, facts):
    # was: pydantic's lax mode read 0 as false and "3" as 3, which the schema says are invalid
    r = client.post("/v1/eligibility", json={"facts": facts})
    assert r.status_code == 422 and r.json()["detail"]["reason"]


@pytest.mark.parametrize("facts", [{"applicant": {"age": 40.0}, "household_size": 3.0},
                                   {"urgency": None, "applicant": None, "proof_available": "户口簿"}])
def test_eligibility_accepts_what_the_schema_allows(client, facts):
    # JSON's 40.0 is the integer 40; null applicant/urgency and a single document string are allowed
    r = client.post("/v1/eligibility", json={"facts": facts})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("path", "allowed"), [("/wechat/oa", "GET, POST"), ("/v1/admin/regions/x", "GET, PUT"),
                                               ("/v1/handoffs/pull", "POST"), ("/v1/admin/regions/audit", "GET")])
def test_405_lists_every_method_of_the_path(client, path, allowed):
    # was: only the methods of the first route matching the path (GET for /wechat/oa)
    r = client.request("DELETE", path)
    assert r.status_code == 405 and r.headers["allow"] == allowed


def test_schema_declares_the_errors_routes_return(schema):
    ops = schema["paths"]
    assert {"401", "403", "404", "409", "422"} <= set(ops["/v1/handoffs/{ticket_id}/claim"]["post"]["responses"])
    assert {"401", "403", "400", "413", "422"} <= set(ops["/v1/admin/regions/{region}"]["put"]["responses"])
    assert {"413", "422", "429", "503"} <= set(ops["/v1/chat"]["post"]["responses"])
    assert "text/event-stream" in ops["/v1/chat/stream"]["post"]["responses"]["200"]["content"]
    assert "text/csv" in ops["/v1/reports/monthly.csv"]["get"]["responses"]["200"]["content"]
    assert {"400", "403", "404", "413"} <= set(ops["/wechat/oa"]["post"]["responses"])
    # the raw-body routes declare their bodies, so fuzzers (and clients) know what to send
    chat_body = ops["/v1/chat"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert chat_body["required"] == ["message"] and chat_body["properties"]["message"]["maxLength"] == 2000
    assert "Encrypt" in ops["/wechat/wecom"]["post"]["requestBody"]["content"]["application/xml"]["schema"]["required"]


def test_blank_search_and_bad_months_are_declared_not_just_refused(schema):
    # was: "q= " and "month=" were schema-valid yet refused (422): now the schema says so
    assert schema["paths"]["/v1/search"]["get"]["parameters"][0]["schema"]["pattern"] == r"\S"
    month = schema["paths"]["/v1/reports/monthly"]["get"]["parameters"][0]["schema"]
    assert month["pattern"].startswith("^(20[0-9]{2}|2100)-")


def test_ticket_list_offset_beyond_a_database_integer_is_422_not_500(client):
    # was: OverflowError in the SQLite driver (a 500) for GET /v1/handoffs?offset=2**70
    services = client.app.state.services
    services.staff.add("offset-check", "offset-check-password", role="staff")
    token = client.post("/v1/auth/token", json={"username": "offset-check", "password": "offset-check-password"})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/v1/handoffs", params={"offset": 2**70}, headers=headers).status_code == 422
    assert client.get("/v1/handoffs", params={"offset": 5}, headers=headers).json()["count"] == 0


def test_completions_parts_schema_matches_what_is_answered(client, schema):
    # was: a message of parts where only one carries text was declared invalid, yet answered
    body = schema["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    user = body["properties"]["messages"]["items"]["anyOf"][0]
    parts = user["properties"]["content"]["anyOf"][1]
    assert "items" not in parts and parts["contains"]["properties"]["text"]["pattern"] == r"\S"
    empty_parts = {"messages": [{"role": "user", "content": [{"type": "text", "text": ""}, {"type": "image"}]}]}
    assert client.post("/v1/chat/completions", json=empty_parts).status_code == 422
