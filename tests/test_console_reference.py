"""Console pages for the legal-aid standards and the compensation statistics: every staff member
reads them with sources, dates and the audit trail; only admins change them, and a change made
here is the one the pre-screen and the calculator use next."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.eligibility import standards_book
from api.routers.tools import figures_book
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER
from tests.test_console_labels import codes_and_usernames, visible_text


@pytest.fixture
def console(settings):
    services = build_services(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
    services.staff.add("wang", "wang-password", role="admin", display_name="王主任")
    with TestClient(create_app(settings, services), follow_redirects=False) as client:
        yield client, services


def _login(client, username) -> str:
    client.cookies.clear()
    page = client.get("/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    client.post("/console/login", data={"username": username, "password": f"{username}-password", "csrf_token": token})
    return re.search(r'name="csrf_token" value="([^"]*)"', client.get("/console/queue").text).group(1)


NEW_SHANGHAI = {"effective_from": "2025-01-01", "formula_type": "fixed", "amount": "3500", "comparison": "<",
                "wording": "家庭月人均可支配收入低于3500元", "citation": "测试公告〔2025〕1号",
                "source_title": "上海市司法局测试公告", "source_published": "2024-12-20"}


def test_staff_read_the_standards_with_sources_and_cannot_change_them(console):
    client, services = console
    token = _login(client, "lin")
    page = visible_text(client.get("/console/standards").text)
    assert "上海市" in page and "3190" in page and "上海市司法局公告" in page and "2024-07-17" in page
    assert not codes_and_usernames(page), codes_and_usernames(page)
    region = client.get("/console/standards/上海").text       # an alias opens the region
    assert "上海市 法律援助经济困难标准" in region and 'id="read-only"' in region and 'id="new-version"' not in region
    assert not codes_and_usernames(visible_text(region))
    refused = client.post("/console/standards/上海市", data={"csrf_token": token, **NEW_SHANGHAI})
    assert "error=" in refused.headers["location"]
    assert standards_book(services).audit() == []


def test_an_admin_adds_a_standard_version_that_the_pre_screen_uses(console):
    client, services = console
    token = _login(client, "wang")
    assert client.post("/console/standards/上海市", data={**NEW_SHANGHAI}).status_code == 403   # no CSRF token
    saved = client.post("/console/standards/上海市", data={"csrf_token": token, **NEW_SHANGHAI})
    assert "msg=" in saved.headers["location"], saved.headers["location"]
    table = standards_book(services).snapshot()
    assert table.standard_for("上海市", dt.date(2025, 6, 1)).threshold("urban") == 3500
    assert table.standard_for("上海市", dt.date(2024, 9, 1)).threshold("urban") == 3190   # history kept
    page = visible_text(client.get("/console/standards/上海市").text)
    assert "新增：2025-01-01起 每人每月 3500.0 元" in page or "新增：2025-01-01起 每人每月 3500 元" in page
    assert "王主任" in page and "上海市司法局测试公告" in page and not codes_and_usernames(page)
    bad = client.post("/console/standards/上海市", data={"csrf_token": token, **NEW_SHANGHAI, "amount": "很多"})
    assert "error=" in bad.headers["location"]
    assert "数额应为数字" in client.get(bad.headers["location"]).text


def test_figures_page_shows_sources_and_an_admin_corrects_a_figure(console):
    client, services = console
    token = _login(client, "lin")
    page = visible_text(client.get("/console/figures").text)
    assert "全国" in page and "职工平均工资（年）" in page and not codes_and_usernames(page), codes_and_usernames(page)
    form = {"region": "上海市", "level": "province", "figure": "average_wage", "year": "2024", "annual": "220000",
            "source_title": "2024年上海市职工平均工资公告", "source_publisher": "上海市人力资源和社会保障局",
            "source_published": "2025-06-30"}
    assert "error=" in client.post("/console/figures", data={"csrf_token": token, **form}).headers["location"]

    token = _login(client, "wang")
    saved = client.post("/console/figures", data={"csrf_token": token, **form})
    assert "msg=" in saved.headers["location"]
    found = figures_book(services).figure("average_wage", "上海", 2024)
    assert found.region == "上海市" and float(found.annual) == 220000
    page = visible_text(client.get("/console/figures").text)
    assert "220,000" in page and "2024年上海市职工平均工资公告" in page and "王主任" in page
    assert "新增：职工平均工资（年） 2024年 220000.0 元" in page or "新增：职工平均工资（年） 2024年 220000 元" in page
    missing_date = client.post("/console/figures", data={"csrf_token": token, **form, "source_published": ""})
    assert "来源发布日期" in client.get(missing_date.headers["location"]).text
