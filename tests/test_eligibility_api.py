"""POST /v1/eligibility and the staff-maintained regional standards, through the real app
(TestClient, real SQLite records DB, real staff accounts and tokens)."""
from __future__ import annotations

import copy

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

FACTS = {
    "region": "上海市", "residence_type": "urban", "application_date": "2024-09-01",
    "service": "representation", "proceeding": "civil", "matter_type": "traffic_accident_injury",
    "applicant": {"age": 40, "gender": "M", "hukou": "urban", "statuses": [], "is_natural_person": True},
    "household_size": 2, "household_monthly_income": 7000, "has_counsel": False,
    "threshold_snapshot": {"value": 3190}, "note": "grader only",
}
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def app(records_settings):
    """The real app on a fresh records DB: SQLite, and PostgreSQL when the test server is set."""
    return create_app(records_settings)


@pytest.fixture
def client(app):
    return TestClient(app)


def _token(client, app, username: str, role: str) -> dict:
    app.state.services.staff.add(username, PASSWORD, role=role)
    resp = client.post("/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


# ---- pre-screen ------------------------------------------------------------------------------
def test_pre_screen_returns_the_documented_shape(client):
    resp = client.post("/v1/eligibility", json={"facts": FACTS})
    assert resp.status_code == 200
    body = resp.json()
    assert {"decision", "reasons", "citations", "materials", "threshold", "missing", "explanation"} <= set(body)
    assert body["decision"] == "ineligible"               # 3500 per head > 3190
    assert "法律援助法第四十九条" in body["citations"]
    assert body["threshold"]["value"] == 3190 and body["threshold"]["source"]["title"]
    assert "12348" in body["explanation"]


def test_facts_may_also_come_at_top_level(client):
    assert client.post("/v1/eligibility", json=FACTS).json()["decision"] == "ineligible"


@pytest.mark.parametrize("change, field", [
    ({"household_monthly_income": -100}, "household_monthly_income"),
    ({"household_size": 0}, "household_size"),
    ({"service": "lawsuit"}, "service"),
    ({"applicant": {"statuses": ["vip"]}}, "statuses"),
    ({"urgency": {"days_to_deadline": -3}}, "days_to_deadline"),
])
def test_invalid_facts_are_422_with_a_reason(client, change, field):
    facts = copy.deepcopy(FACTS)
    facts.update(change)
    resp = client.post("/v1/eligibility", json={"facts": facts})
    assert resp.status_code == 422
    assert field in resp.json()["detail"]["reason"]


@pytest.mark.parametrize("body", [[1, 2], "text", {"facts": [1]}])
def test_non_object_bodies_are_422(client, body):
    resp = client.post("/v1/eligibility", json=body)
    assert resp.status_code == 422 and resp.json()["detail"]["reason"]


def test_broken_json_is_422_not_500(client):
    resp = client.post("/v1/eligibility", content=b"{not json", headers={"content-type": "application/json"})
    assert resp.status_code == 422


# ---- admin: regional standards --------------------------------------------------------------------
def _shanghai_entry(client, headers, value: float) -> dict:
    entry = client.get("/v1/admin/regions/上海", headers=headers).json()
    entry.pop("region")
    entry["standards"][0]["formula"]["value"] = value
    entry["standards"][0]["wording"] = f"城乡居民家庭月人均可支配收入低于{value}元"
    return entry


def test_admin_routes_need_login_and_admin_role(client, app):
    assert client.get("/v1/admin/regions").status_code == 401
    assert client.put("/v1/admin/regions/上海市", json={}).status_code == 401
    staff = _token(client, app, "clerk", "staff")
    assert client.get("/v1/admin/regions", headers=staff).status_code == 200
    entry = _shanghai_entry(client, staff, 4000)
    assert client.put("/v1/admin/regions/上海市", json=entry, headers=staff).status_code == 403
    assert client.get("/v1/admin/regions/audit", headers=staff).json()["audit"] == []


def test_admin_change_is_audited_and_applies_at_once(client, app, records_settings):
    admin = _token(client, app, "chief", "admin")
    before = client.post("/v1/eligibility", json={"facts": FACTS}).json()
    assert before["decision"] == "ineligible"

    resp = client.put("/v1/admin/regions/上海市", json=_shanghai_entry(client, admin, 4000), headers=admin)
    assert resp.status_code == 200 and resp.json()["standards"][0]["formula"]["value"] == 4000

    after = client.post("/v1/eligibility", json={"facts": FACTS}).json()
    assert after["decision"] == "eligible" and after["threshold"]["value"] == 4000

    # another worker (a second app on the same records DB) sees it without a restart
    other = TestClient(create_app(records_settings))
    assert other.post("/v1/eligibility", json={"facts": FACTS}).json()["decision"] == "eligible"

    audit = client.get("/v1/admin/regions/audit", params={"region": "上海"}, headers=admin).json()["audit"]
    assert len(audit) == 1
    row = audit[0]
    assert row["actor"] == "chief" and row["region"] == "上海市" and row["action"] == "update"
    assert row["old"]["standards"][0]["formula"]["value"] == 3190
    assert row["new"]["standards"][0]["formula"]["value"] == 4000
    assert row["at"]

    client.put("/v1/admin/regions/上海市", json=_shanghai_entry(client, admin, 3500), headers=admin)
    history = client.get("/v1/admin/regions/audit", headers=admin).json()["audit"]
    assert [r["new"]["standards"][0]["formula"]["value"] for r in history] == [3500, 4000]   # newest first


def test_admin_can_add_a_region_with_parent_fallback(client, app):
    admin = _token(client, app, "chief2", "admin")
    entry = {"level": "city", "parent": "山东省", "aliases": ["青岛"], "legal_aid_centre": "青岛市法律援助中心",
             "standards": [{"effective_from": "2025-01-01", "formula": {"type": "fixed", "value": 2000},
                            "comparison": "<=", "wording": "不超过2000元（测试数据）",
                            "sources": [{"title": "test notice", "published": "2025-01-01"}]}]}
    resp = client.put("/v1/admin/regions/青岛市", json=entry, headers=admin)
    assert resp.status_code == 200
    facts = {**FACTS, "region": "青岛", "application_date": "2025-02-01", "household_monthly_income": 4000}
    body = client.post("/v1/eligibility", json={"facts": facts}).json()
    assert body["decision"] == "eligible" and "income_at_threshold_inclusive" in body["reasons"]
    assert client.get("/v1/admin/regions/audit", headers=admin).json()["audit"][0]["action"] == "create"


@pytest.mark.parametrize("mutate", [
    lambda e: e["standards"][0].update(comparison="maybe"),
    lambda e: e["standards"][0]["formula"].update(value=-5),
    lambda e: e["standards"][0].update(sources=[]),
    lambda e: e.update(parent="火星省"),
    lambda e: e["standards"][0].update(effective_from="2025-01-01", effective_to="2024-01-01"),
])
def test_invalid_region_entries_are_422_and_not_stored(client, app, mutate):
    admin = _token(client, app, "chief3", "admin")
    entry = _shanghai_entry(client, admin, 3190)
    mutate(entry)
    resp = client.put("/v1/admin/regions/上海市", json=entry, headers=admin)
    assert resp.status_code == 422 and resp.json()["detail"]["reason"]
    assert client.get("/v1/admin/regions/audit", headers=admin).json()["audit"] == []


def test_unknown_region_is_404(client, app):
    staff = _token(client, app, "clerk2", "staff")
    assert client.get("/v1/admin/regions/火星", headers=staff).status_code == 404
