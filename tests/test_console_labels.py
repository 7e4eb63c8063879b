"""Staff read Chinese, not codes: every code a console page, the report CSV or chart can show has
a Chinese name, and colleagues appear by display name, never by account username."""
from __future__ import annotations

import csv
import io
import re
import warnings
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.console.facts import fact_rows
from api.console.labels import label
from api.console.people import StaffNames
from api.services import build_services
from assistant.handoff.states import TRIGGERS
from assistant.conversation.intents import INTENT_LABELS
from assistant.records.chart import chart_svg, cjk_font, report_chart_svg
from assistant.records.report import monthly_report, report_csv
from assistant.records.service import ConsultationRecords
from assistant.staff.accounts import StaffDirectory
from assistant.conversation.urgent import GUIDANCE
from tests.handoff_helpers import FAST_HASHER

SNAKE_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
USERNAMES = ("lin", "wang")

# what the eligibility dialogue hands a ticket (assistant/eligibility/dialogue.py handoff_summary)
ELIGIBILITY_FACTS = {
    "region": "上海市", "事项": "wage_arrears", "初步判断": "初步看，您符合申请法律援助的条件。", "家庭人口": 3,
    "家庭月收入": "2000", "农民工": "是",
    "facts": {"region": "上海市", "matter_type": "wage_arrears", "household_size": 3,
              "household_monthly_income": "2000", "applicant": {"migrant_worker": True, "age": 46, "gender": "M",
                                                                "statuses": ["dibao"], "disability": "physical"},
              "urgency": {"days_to_deadline": 20}, "has_counsel": False, "proceeding": "labor_arbitration"},
    "decision": {"decision": "eligible", "reasons": ["exempt_migrant_wage", "income_below_threshold"],
                 "missing": ["missing_residence_type"], "citations": ["法律援助法第四十二条"],
                 "materials": ["身份证", "务工证明"], "where_to_apply": "上海市法律援助中心", "urgent": True,
                 "threshold": {"value": 3190}, "explanation": "x"},
}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def codes_and_usernames(text: str) -> list[str]:
    return SNAKE_CODE.findall(text) + [u for u in USERNAMES if re.search(rf"(?<![A-Za-z]){u}(?![A-Za-z])", text)]


def test_every_trigger_intent_risk_and_card_has_a_chinese_name():
    from assistant.answers.cards import packaged_cards

    codes = list(TRIGGERS) + list(INTENT_LABELS) + list(GUIDANCE) + [c.id for c in packaged_cards()]
    unnamed = [code for code in codes if label(code) == code]
    assert not unnamed, unnamed
    assert label("domestic_violence") == "家庭暴力" and label("open") == "创建工单" and label(True) == "是"


def test_eligibility_facts_are_rows_of_chinese():
    rows = fact_rows(ELIGIBILITY_FACTS)
    text = " ".join(f"{k} {v}" for k, v in rows)
    assert not codes_and_usernames(text), codes_and_usernames(text)
    as_dict = dict(rows)
    assert as_dict["地区"] == "上海市" and as_dict["事项"] == "追讨劳动报酬（欠薪）"
    assert as_dict["初筛结论"] == "初筛符合" and "务工证明" in as_dict["需要准备的材料"]
    assert "农民工讨要工钱" in as_dict["判断理由"] and "城镇还是农村" in as_dict["还缺的信息"]
    assert as_dict["年龄"] == "46" and as_dict["性别"] == "男" and as_dict["残疾类别"] == "肢体残疾"
    assert as_dict["距期限天数"] == "20" and as_dict["已委托律师"] == "否"


def test_staff_names_hide_usernames_everywhere():
    names = StaffNames({"lin": "林芳", "wang": "王强"})
    assert names.name("lin") == "林芳" and names.name("林芳") == "林芳" and names.name("gone") == "工作人员"
    assert names.actor("staff:wang") == "王强" and names.actor("system") == "系统"
    assert names.note("open", "trigger=urgent_risk") == "来源：紧急情况"
    assert names.note("assign", "to wang") == "指派给 王强"
    assert names.note("reprioritise", "normal → urgent") == "一般 → 紧急"
    assert names.message("工单已由 lin 认领 (already claimed)") == "工单已由 林芳 认领"
    assert names.message("工单由 lin 处理 (you do not own this ticket)") == "工单由 林芳 处理"


@pytest.fixture
def console(settings):
    services = build_services(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
    services.staff.add("wang", "wang-password", display_name="王强")
    with TestClient(create_app(settings, services), follow_redirects=False) as client:
        yield client, services


def _login(client, username):
    page = client.get("/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    assert client.post("/console/login", data={"username": username, "password": f"{username}-password",
                                               "csrf_token": token}).status_code == 303
    return re.search(r'name="csrf_token" value="([^"]*)"', client.get("/console/queue").text).group(1)


def test_ticket_and_queue_pages_show_no_code_and_no_username(console):
    client, services = console
    desk = services.handoff_desk
    ticket = desk.open_ticket("web-elig", trigger="eligibility_application", service="法律援助", priority="normal",
                              region="上海市", summary="农民工讨薪", facts=ELIGIBILITY_FACTS, channel="web",
                              user_ref="web-elig")
    desk.open_ticket("web-elig", trigger="urgent_risk", service="法律援助", priority="urgent", region="上海市",
                     summary="紧急", facts=None, channel="web", user_ref="web-elig")   # raises the priority
    lin = services.staff.by_username("lin")
    desk.assign(ticket.ticket_id, lin, services.staff.by_username("wang"))
    token = _login(client, "lin")
    page = client.get(f"/console/tickets/{ticket.ticket_id}").text
    text = visible_text(page)
    assert not codes_and_usernames(text), codes_and_usernames(text)
    assert "法律援助申请" in text and "网页" in text and "指派给 王强" in text and "一般 → 紧急" in text
    assert "追讨劳动报酬（欠薪）" in text and "初筛符合" in text
    queue = visible_text(client.get("/console/queue").text)
    assert "王强" in queue and "法律援助申请" in queue and not codes_and_usernames(queue)

    # lin (not an admin) tries to reply on wang's ticket: the refusal names wang by display name
    refused = client.post(f"/console/tickets/{ticket.ticket_id}/reply", data={"csrf_token": token, "text": "您好"})
    shown = visible_text(client.get(refused.headers["location"]).text)
    assert "王强" in shown and not codes_and_usernames(shown), shown


def test_report_csv_has_chinese_headers_then_codes(console):
    client, services = console
    records = ConsultationRecords(services.records_engine)
    now = datetime.now(timezone.utc)
    records.record_turn("r-1", channel="web", intent="legal_question", region="城关镇", at=now)
    records.record_turn("r-2", channel="web", intent="eligibility", region="河西村", eligibility_outcome="eligible",
                        at=now)
    _login(client, "lin")
    answer = client.get("/v1/reports/monthly.csv", params={"month": f"{now:%Y-%m}"})
    names, codes, *rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert names[:3] == ["月份", "地区", "咨询数"] and "咨询类型：法律咨询" in names and "援助资格：初筛符合" in names
    assert not codes_and_usernames(" ".join(names))
    assert codes[:2] == ["month", "region"] and "intent:legal_question" in codes      # stable keys for scripts
    assert [row[1] for row in rows] == ["城关镇", "河西村", "合计"]
    page = visible_text(client.get("/console/reports", params={"month": f"{now:%Y-%m}"}).text)
    assert "城关镇" in page and not codes_and_usernames(page)


def test_chart_is_drawn_with_a_cjk_font_and_region_names(records_engine):
    records = ConsultationRecords(records_engine)
    march = datetime(2026, 3, 5, tzinfo=timezone.utc)
    records.record_turn("a", channel="web", intent="legal_question", region="城关镇", at=march)
    report = monthly_report(records_engine, 2026, 3)
    if cjk_font() is None:
        pytest.skip("no CJK font installed (scripts/system-deps.sh installs fonts-noto-cjk)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")        # a missing glyph would be a warning: there must be none
        svg = report_chart_svg(report).decode()
    assert "R1" not in svg and "<path" in svg
    # without any CJK font, the names stay as text for the browser to draw, never R1/R2
    fallback = chart_svg(report, None).decode()
    assert "城关镇" in fallback and "各地区咨询量与转人工" in fallback and "R1" not in fallback


def test_report_csv_cells_stay_neutralised(records_engine):
    records = ConsultationRecords(records_engine)
    march = datetime(2026, 3, 5, tzinfo=timezone.utc)
    records.record_turn("a", channel="web", intent="legal_question", region="=cmd|' /C calc'!A0", at=march)
    rows = list(csv.reader(io.StringIO(report_csv(monthly_report(records_engine, 2026, 3), label=label))))
    assert rows[2][1].startswith("'=")


def test_staff_cli_sets_a_display_name(settings, monkeypatch, capsys):
    from api.cli import main
    from knowledge.database import make_engine
    from api.settings import get_settings

    monkeypatch.setenv("FAYUAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAYUAN_STAFF_PASSWORD", "cli-password-1")
    get_settings.cache_clear()
    try:
        assert main(["staff", "add", "zhang", "--display-name", "张律师"]) == 0
        assert main(["staff", "add", "li"]) == 0
        assert "--display-name" in capsys.readouterr().err          # told to set one
        assert main(["staff", "rename", "li", "--display-name", "李调解员"]) == 0
        assert main(["staff", "rename", "nobody", "--display-name", "某人"]) == 2
        directory = StaffDirectory(make_engine(get_settings().resolved_database_url))
        assert directory.display_names() == {"zhang": "张律师", "li": "李调解员"}
    finally:
        get_settings.cache_clear()


def test_every_matter_and_status_the_eligibility_check_records_has_a_console_name():
    # the console names them from assistant/eligibility/labels.py (one source); the dialogue records
    # other_personal_matter for a matter it cannot place, which the console used to show as a code
    from typing import get_args

    from assistant.eligibility.facts import Status
    from assistant.eligibility.matters import CATALOGUE

    codes = [*CATALOGUE, "other_personal_matter", *get_args(Status)]
    assert [code for code in codes if label(code) == code] == []
    assert label("other_personal_matter") == "其他个人事项"
    assert label("wage_arrears") == "追讨劳动报酬（欠薪）" and label("dibao") == "低保对象"   # the console's wording kept
