"""POST /v1/tools/deadline and /v1/tools/compensation and the staff-edited figures, through the real
app (TestClient, real SQLite records DB, real staff accounts and tokens). The knowledge base is not
loaded here, so every citation must say it has no text; tests/test_tools_citations.py checks the
texts against an ingested knowledge base."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

PASSWORD = "a-long-test-password-1"
SOURCE = {"title": "测试市统计局 2024年测试市职工平均工资（测试数据）", "published": "2025-06-01"}


@pytest.fixture
def app(records_settings):
    return create_app(records_settings)


@pytest.fixture
def client(app):
    return TestClient(app)


def _token(client, app, username: str, role: str) -> dict:
    app.state.services.staff.add(username, PASSWORD, role=role)
    resp = client.post("/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


# ---- deadlines -------------------------------------------------------------------------------
def test_deadline_over_the_national_day_holiday(client):
    # judgment served 2026-09-16: 15 days → 2026-10-01 (国庆) → 2026-10-08; 18 days from 2026-09-20
    resp = client.post("/v1/tools/deadline", json={"kind": "appeal_civil_judgment", "start_date": "2026-09-16",
                                                   "today": "2026-09-20"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["deadline"], body["days_left"], body["expired"], body["urgent"]) == ("2026-10-08", 18, False, True)
    assert body["citations"][0] == {"law": "民事诉讼法", "article_id": "171", "text": None, "found": False}
    assert any("知识库中暂未找到" in n for n in body["notes"])


def test_protection_order_answers_without_a_date(client):
    body = client.post("/v1/tools/deadline", json={"kind": "protection_order"}).json()
    assert body["deadline"] is None and body["citations"][0]["law"] == "反家庭暴力法"


@pytest.mark.parametrize("body, words", [
    ({"kind": "appeal", "start_date": "2026-01-01"}, "类型（kind）无效，可选"),
    ({"kind": "labor_arbitration", "start_date": "2026-02-30"}, "不是有效日期"),
    ({"kind": "labor_arbitration", "start_date": "20260101"}, "不是有效日期"),
    ({"kind": "labor_arbitration"}, "缺少起算日"),
    ({"kind": "labor_arbitration", "start_date": "2026-01-01", "colour": "red"}, "不认识的字段 colour"),
    ({"kind": "appeal_civil_ruling", "start_date": "2026-01-01", "interrupted_on": "2026-01-02"}, "不适用中断"),
    ([1, 2], "JSON 对象"),
    # 9999-12-31 + 1 year is no date at all: refused before counting, not a 500
    ({"kind": "labor_arbitration", "start_date": "9999-12-31"}, "超出可计算的范围"),
    ({"kind": "civil_litigation", "start_date": "2020-01-01", "today": "0001-01-01"}, "超出可计算的范围"),
])
def test_bad_deadline_requests_get_422_in_chinese(client, body, words):
    resp = client.post("/v1/tools/deadline", json=body)
    assert resp.status_code == 422, resp.text
    assert words in resp.json()["detail"]["reason"]


# ---- compensation ----------------------------------------------------------------------------
def test_severance_with_the_national_fallback(client):
    # 3 years 5 months → 3.5 × 6,000 = 21,000; no region → asked for, national average wage assumed
    resp = client.post("/v1/tools/compensation", json={"kind": "severance", "monthly_wage": 6000,
                                                       "start_date": "2021-10-01", "end_date": "2025-02-28"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["amount"] == 21000.0 and body["currency"] == "CNY" and body["missing"] == ["region"]
    assert any("暂按全国数据" in a and "124110" in a for a in body["assumptions"])
    assert {"law": "劳动合同法", "article_id": "47", "text": None, "found": False} in body["citations"]


@pytest.mark.parametrize("body, words", [
    ({"kind": "severance", "monthly_wage": 6000, "start_date": "2025-03-01", "end_date": "2025-01-01"},
     "结束日期 end_date 不能早于开始日期 start_date"),
    ({"kind": "severance", "monthly_wage": -5000}, "月工资（monthly_wage）必须大于 0"),
    ({"kind": "work_injury_lump_sum", "grade": 11, "monthly_wage": 5000}, "伤残等级（grade）不能大于 10"),
    ({"kind": "work_injury_lump_sum", "grade": "七级"}, "伤残等级（grade）应为数字"),
    ({"kind": "pension"}, "类型（kind）无效"),
    ({"kind": "overtime", "monthly_wage": "6000"}, "月工资（monthly_wage）应为数字"),
    ({"kind": "severance", "end_date": "2025-13-01"}, "结束日期（end_date）不是有效日期"),
    ({"monthly_wage": 6000}, "缺少类型（kind）"),
    ("severance", "JSON 对象"),
    ({"kind": "double_wage", "monthly_wage": 5000, "start_date": "9999-01-01", "end_date": "9999-12-31"}, "超出可计算的范围"),
])
def test_bad_compensation_requests_get_422_in_chinese(client, body, words):
    resp = client.post("/v1/tools/compensation", json=body)
    assert resp.status_code == 422, resp.text
    assert words in resp.json()["detail"]["reason"]


# ---- staff-edited figures, audited -----------------------------------------------------------
def test_admin_adds_a_local_figure_and_the_tool_uses_it_at_once(client, app):
    admin, staff = _token(client, app, "admin1", "admin"), _token(client, app, "staff1", "staff")
    entry = {"level": "city", "aliases": ["测试"], "figures": [
        {"figure": "average_wage", "year": 2024, "annual": 120000, "source": SOURCE}]}
    assert client.put("/v1/admin/figures/测试市", json=entry, headers=staff).status_code == 403
    resp = client.put("/v1/admin/figures/测试市", json=entry, headers=admin)
    assert resp.status_code == 200, resp.text
    # 40,000 > 3 × 10,000: 15.5 months limited to 12 × 30,000 = 360,000
    body = client.post("/v1/tools/compensation", json={
        "kind": "severance", "region": "测试", "monthly_wage": 40000,
        "start_date": "2010-01-01", "end_date": "2025-02-28"}).json()
    assert body["amount"] == 360000.0 and body["missing"] == []
    assert any("测试市2024年" in a and "测试数据" in a for a in body["assumptions"])
    audit = client.get("/v1/admin/figures/audit?region=测试", headers=staff).json()["audit"]
    assert [(row["region"], row["actor"], row["action"], row["old"]) for row in audit] == [("测试市", "admin1", "create", None)]
    assert client.get("/v1/admin/figures/测试市", headers=staff).json()["figures"][0]["annual"] == 120000


def test_editing_the_national_row_is_audited_with_the_old_entry(client, app):
    admin = _token(client, app, "admin2", "admin")
    national = client.get("/v1/admin/figures/全国", headers=admin).json()
    national.pop("region")
    national["figures"] = [f for f in national["figures"] if f["year"] != 2023]
    assert client.put("/v1/admin/figures/全国", json=national, headers=admin).status_code == 200
    row = client.get("/v1/admin/figures/audit", headers=admin).json()["audit"][0]
    assert row["action"] == "update" and len(row["old"]["figures"]) == 10 and len(row["new"]["figures"]) == 5


@pytest.mark.parametrize("change, words", [
    ({"figures": [{"figure": "average_wage", "year": 2024, "annual": 120000}]}, "缺少"),             # no source
    ({"figures": [{"figure": "average_wage", "year": 2024, "annual": -1, "source": SOURCE}]}, "必须大于 0"),
    ({"figures": [{"figure": "gdp", "year": 2024, "annual": 1, "source": SOURCE}]}, "无效"),
    ({"level": "planet"}, "无效"),
])
def test_bad_figure_entries_get_422(client, app, change, words):
    admin = _token(client, app, "admin3", "admin")
    entry = {"level": "city", "figures": [], **change}
    resp = client.put("/v1/admin/figures/测试市", json=entry, headers=admin)
    assert resp.status_code == 422 and words in resp.json()["detail"]["reason"]


def test_figures_need_staff(client):
    assert client.get("/v1/admin/figures").status_code == 401
    assert client.get("/v1/admin/figures/audit").status_code == 401
