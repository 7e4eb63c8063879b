"""Consultation records, ratings and the monthly report (numbers, CSV, chart, HTTP) on both databases."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.records.report import monthly_report, report_csv
from assistant.records.service import ConsultationRecords, RecordsError, UnknownConsultation
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER, Clock, make_queue, make_staff

MARCH = datetime(2026, 3, 5, 2, 0, tzinfo=timezone.utc)


def _populate(engine):
    records = ConsultationRecords(engine)
    clock = Clock(MARCH)
    queue = make_queue(engine, clock)
    lin, = make_staff(engine, "lin")
    # 城关镇: two conversations, three turns, one handoff answered after 12 minutes
    records.record_turn("a", channel="web", intent="statute_question", citations=["劳动合同法第三十八条"],
                        region="城关镇", at=MARCH)
    records.record_turn("a", channel="web", intent="eligibility", region="城关镇", eligibility_outcome="eligible",
                        at=MARCH + timedelta(minutes=1))
    records.record_turn("b", channel="wechat_oa", intent="human_request", region="城关镇",
                        at=MARCH + timedelta(minutes=2))
    ticket = queue.open("b", trigger="person_request", service="法律援助", region="城关镇", summary="", channel="web")
    queue.claim(ticket.id, lin)
    clock.advance(minutes=12)
    queue.reply(ticket.id, lin, "您好")
    # 河西村: one conversation, not eligible, a second handoff still waiting
    records.record_turn("c", channel="wecom", intent="eligibility", region="河西村",
                        eligibility_outcome="not_eligible", at=MARCH)
    queue.open("c", trigger="eligibility_application", service="人民调解", region="河西村", summary="", channel="web")
    # April: must not count in March
    records.record_turn("d", channel="web", intent="statute_question", region="城关镇",
                        at=datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc))
    records.rate("a", "满意", at=MARCH)
    records.rate("b", "不满意", comment="电话13812345678一直打不通", at=MARCH)
    records.rate("b", "基本满意", at=MARCH)  # a new rating replaces the old one
    records.rate("c", "不满意", at=MARCH)
    return records


def test_monthly_report_numbers(records_engine):
    records = _populate(records_engine)
    report = monthly_report(records_engine, 2026, 3)
    by_region = {r.region: r for r in report.regions}
    town, village = by_region["城关镇"], by_region["河西村"]
    assert (town.consultations, town.turns, town.handoffs) == (2, 3, 1)
    assert town.intents == {"statute_question": 1, "eligibility": 1, "human_request": 1}
    assert town.median_first_reply_minutes == 12.0
    assert town.eligibility == {"eligible": 1}
    assert town.ratings == {"满意": 1, "基本满意": 1} and town.satisfaction_rate == 1.0
    assert (village.consultations, village.handoffs, village.median_first_reply_minutes) == (1, 1, None)
    assert village.satisfaction_rate == 0.0
    assert report.total.consultations == 3 and report.total.handoffs == 2
    assert monthly_report(records_engine, 2026, 4).total.turns == 1
    only_village = monthly_report(records_engine, 2026, 3, region="河西村")
    assert [r.region for r in only_village.regions] == ["河西村"]

    names, *coded = list(csv.reader(io.StringIO(report_csv(report))))
    rows = [dict(zip(coded[0], row)) for row in coded[1:]]        # the second header row: the codes
    assert [r["region"] for r in rows] == ["城关镇", "河西村", "合计"]
    assert rows[0]["intent:human_request"] == "1" and rows[0]["median_first_reply_minutes"] == "12.0"
    assert rows[2]["rating:不满意"] == "1" and rows[1]["eligibility:not_eligible"] == "1"

    with pytest.raises(UnknownConsultation):
        records.rate("never-seen", "满意")
    with pytest.raises(RecordsError):
        records.rate("a", "还行")
    assert records.turns("a")[0]["citations"] == ["劳动合同法第三十八条"]


def test_rating_and_report_endpoints(records_settings):
    # the records are from March, older than the retention period: the purge that runs right after
    # start-up would race the requests below (this test is about the report, not the purge)
    records_settings = records_settings.model_copy(update={"retention_purge_interval_hours": 0})
    services = build_services(records_settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("zhao", "zhao-password")
    _populate(services.records_engine)
    services.chat_sessions.ensure("a", channel="web")     # "a" as a server-issued web session id
    with TestClient(create_app(records_settings, services)) as client:
        # "a" was rated 满意 in _populate: a second rating is refused unless it asks to change it
        again = client.post("/v1/consultations/a/rating", json={"rating": "基本满意"})
        assert again.status_code == 409 and "满意" in again.json()["detail"]
        ok = client.post("/v1/consultations/a/rating", json={"rating": "基本满意", "change": True})
        assert ok.status_code == 200 and "改为" in ok.json()["message"]
        assert client.post("/v1/consultations/zzz/rating", json={"rating": "满意"}).status_code == 404
        # "c" has consultation records, but is a WeCom conversation: its holder never sees its id
        assert client.post("/v1/consultations/c/rating", json={"rating": "满意"}).status_code == 404
        bad = client.post("/v1/consultations/a/rating", json={"rating": "一般"})
        assert bad.status_code == 422 and "满意" in bad.json()["detail"]

        for path in ("/v1/reports/monthly", "/v1/reports/monthly.csv", "/v1/reports/monthly.svg"):
            assert client.get(path, params={"month": "2026-03"}).status_code == 401
        token = client.post("/v1/auth/token", json={"username": "zhao", "password": "zhao-password"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        data = client.get("/v1/reports/monthly", params={"month": "2026-03"}, headers=headers).json()
        assert data["total"]["handoffs"] == 2 and data["regions"][0]["region"] == "城关镇"
        assert client.get("/v1/reports/monthly", params={"month": "2026-13"}, headers=headers).status_code == 422
        assert client.get("/v1/reports/monthly", params={"month": "March"}, headers=headers).status_code == 422
        csv_response = client.get("/v1/reports/monthly.csv", params={"month": "2026-03"}, headers=headers)
        assert csv_response.headers["content-type"].startswith("text/csv")
        assert "attachment" in csv_response.headers["content-disposition"]
        header, codes = csv_response.text.lstrip("\ufeff").splitlines()[:2]
        assert header.startswith("月份,地区,咨询数") and codes.startswith("month,region,consultations")
        svg = client.get("/v1/reports/monthly.svg", params={"month": "2026-03"}, headers=headers)
        assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
