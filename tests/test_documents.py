"""Documents (文书): every type filled from its facts and opened again in python-docx, blanks and the
missing list for absent facts, the pre-screen in the 法律援助申请表, CJK fonts, bad facts as 422s
in Chinese, who may generate, expiring download links, the audit without personal data, the purge,
and generation from a ticket (API and console) — real SQLite, real HTTP through the app."""
from __future__ import annotations

import copy
import datetime as dt
import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.services import build_services
from assistant.documents.catalog import TYPES, generate
from assistant.documents.compose import BLANK
from assistant.documents.models import DocumentEventRow, GeneratedDocumentRow
from assistant.documents.store import DocumentPurgeJob, DocumentStore
from assistant.eligibility.decision import DECISION_LABELS
from assistant.records.purge import purge_old_records
from assistant.staff.accounts import StaffDirectory
from tests.documents_support import EXPECTED, FULL, TITLES, doc_type, docx_text
from tests.handoff_helpers import FAST_HASHER

CASES = sorted(FULL)
EMPTY = {"civil_complaint": {"case": "private_loan"}}


# --- the forms ----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", CASES)
def test_every_type_opens_in_python_docx_with_its_facts_filled(key):
    document = generate(doc_type(key), FULL[key])
    text = docx_text(document.content)
    assert TITLES[doc_type(key)] in text.splitlines()[0]
    for value in EXPECTED[key]:
        assert value in text, (key, value)
    parties = [v for v in FULL[key].values() if isinstance(v, dict) and "name" in v]
    for party in parties:
        assert party["name"] in text
    assert "附" in text and all(item in text for item in document.attachments)


@pytest.mark.parametrize("code", sorted(TYPES))
def test_missing_facts_are_blanks_on_the_form_and_listed(code):
    document = generate(code, EMPTY.get(code, {}))
    text = docx_text(document.content)
    assert BLANK * 4 in text
    assert document.missing and len(set(document.missing)) == len(document.missing)
    assert any("姓名" in label for label in document.missing)
    assert "签名" in text and "年" + BLANK * 2 + "月" in text     # signature and a date to write in


def test_control_characters_pasted_into_a_fact_do_not_break_the_document():
    text = docx_text(generate("payment_order_application", {"applicant": {"name": "王\x00小\x0b明"}}).content)
    assert "王小明" in text


def test_a_filled_fact_is_not_listed_as_missing():
    facts = copy.deepcopy(FULL["labor_arbitration_application"])
    del facts["applicant"]["phone"], facts["position"]
    missing = generate("labor_arbitration_application", facts).missing
    assert missing == ["工作岗位", "申请人联系电话"]


def test_legal_aid_application_carries_the_pre_screen_of_the_engine():
    from assistant.eligibility.engine import decide
    from assistant.eligibility.facts import EligibilityFacts
    from assistant.eligibility.standards import StandardsBook

    screened = EligibilityFacts.model_validate({
        "region": "上海市", "residence_type": "urban", "application_date": "2024-09-01", "service": "representation",
        "proceeding": "civil", "matter_type": "traffic_accident_injury",
        "applicant": {"age": 40, "gender": "M", "hukou": "urban", "is_natural_person": True},
        "household_size": 2, "household_monthly_income": 2000, "has_counsel": False})
    decision = decide(screened, StandardsBook()).api_dict()
    facts = {**FULL["legal_aid_application"], "pre_screen": {**decision, "a_key_added_later": 1}}
    document = generate("legal_aid_application", facts)
    text = docx_text(document.content)
    assert DECISION_LABELS[decision["decision"]] in text
    assert decision["citations"] and decision["citations"][0] in text
    assert document.attachments == [m for m in decision["materials"] if m != "法律援助申请表"]
    assert "七日内审查决定" in text
    without = docx_text(generate("legal_aid_application", FULL["legal_aid_application"]).content)
    assert "未经系统预审" in without


def test_title_and_body_fonts_are_set_for_chinese():
    import io

    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(generate("payment_order_application", {}).content))
    title = document.paragraphs[0]
    assert title.alignment == 1   # centred
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"
    assert document.core_properties.author == "法援 Fayuan"


# --- the API ------------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self):
        return self.now


@pytest.fixture
def api(settings):
    settings = settings.model_copy(update={"sla_sweep_interval_s": 0.0, "documents_ttl_hours": 24.0})
    services = build_services(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", role="staff")
    services.staff.add("boss", "boss-password", role="admin")
    clock = Clock()
    services.documents = DocumentStore(services.records_engine, ttl_hours=24.0, clock=clock)
    with TestClient(create_app(settings, services)) as client:
        tokens = {}
        for name in ("lin", "boss"):
            answer = client.post("/v1/auth/token", json={"username": name, "password": f"{name}-password"})
            tokens[name] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        session_id = services.chat_sessions.open(None, channel="h5").id
        yield client, services, tokens, session_id, clock
    services.records_engine.dispose()


@pytest.mark.parametrize("key", CASES)
def test_post_documents_gives_a_link_to_the_filled_docx(api, key):
    client, _, _, session_id, _ = api
    answer = client.post("/v1/documents", json={"type": doc_type(key), "facts": FULL[key], "session_id": session_id})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["title"] == TITLES[doc_type(key)] and body["created_by"] == "person"
    assert body["download_url"].endswith(body["download_path"]) and answer.headers["cache-control"] == "no-store"
    assert len(re.search(r"token=([\w-]+)", body["download_path"]).group(1)) >= 43     # 256 random bits
    file = client.get(body["download_path"])
    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "attachment" in file.headers["content-disposition"] and file.headers["cache-control"] == "no-store"
    assert all(value in docx_text(file.content) for value in EXPECTED[key])


BAD = [
    ({"type": "will"}, "没有这种文书"),
    ({"type": "civil_complaint", "facts": {}}, "请写明案件类型"),
    ({"type": "civil_complaint", "facts": {"case": "inheritance"}}, "案件类型只能是"),
    ({"type": "payment_order_application", "facts": {"amount": -100}}, "不能为负数"),
    ({"type": "labor_arbitration_application", "facts": {"monthly_wage": -1}}, "月工资）：不能为负数"),
    ({"type": "labor_arbitration_application", "facts": {"claims": [{"text": "工资", "amount": -5}]}}, "不能为负数"),
    ({"type": "labor_arbitration_application", "facts": {"start_date": "2025/03/01"}}, "YYYY-MM-DD"),
    ({"type": "labor_arbitration_application", "facts": {"start_date": "2025-02-30"}}, "真实存在的日期"),
    ({"type": "labor_arbitration_application", "facts": {"start_date": 20250301}}, "YYYY-MM-DD"),
    ({"type": "labor_arbitration_application", "facts": {"start_date": "2025-03-01", "end_date": "2024-03-01"}},
     "离职日期不能早于入职日期"),
    ({"type": "labor_arbitration_application", "facts": {"start_date": "2999-01-01"}}, "不能晚于今天"),
    ({"type": "civil_complaint", "facts": {"case": "private_loan", "principal": 100, "repaid": 200}}, "已还金额不能大于"),
    ({"type": "legal_aid_application", "facts": {"household_size": 0}}, "家庭人口"),
    ({"type": "legal_aid_application", "facts": {"pre_screen": {"decision": "maybe"}}}, "只能是"),
    ({"type": "protection_order_application", "facts": {"measures": ["jail"]}}, "只能是"),
    ({"type": "payment_order_application", "facts": {"applicant": {"id_number": "12345"}}}, "公民身份号码"),
    ({"type": "payment_order_application", "facts": {"amout": 5}}, "没有这一项"),
    ({"type": "payment_order_application", "facts": ["x"]}, "facts 必须是 JSON 对象"),
    ({"type": "payment_order_application", "extra": 1}, "不认识的项"),
]


@pytest.mark.parametrize(("body", "reason"), BAD)
def test_bad_input_is_a_422_with_a_chinese_reason(api, body, reason):
    client, _, _, session_id, _ = api
    answer = client.post("/v1/documents", json={**body, "session_id": session_id})
    assert answer.status_code == 422, answer.text
    assert reason in answer.json()["detail"]


def test_a_body_that_is_not_an_object_is_a_422(api):
    client, *_ = api
    assert client.post("/v1/documents", json=["x"]).status_code == 422


def test_only_a_web_session_or_staff_may_generate(api):
    client, services, tokens, session_id, _ = api
    body = {"type": "payment_order_application", "facts": {}}
    assert client.post("/v1/documents", json=body).status_code == 403
    assert "会话" in client.post("/v1/documents", json={**body, "session_id": "never-seen"}).json()["detail"]
    wechat = services.chat_sessions.open("oa:openid-123", channel="wechat_oa").id
    assert client.post("/v1/documents", json={**body, "session_id": wechat}).status_code == 403
    assert client.post("/v1/documents", json={**body, "session_id": session_id}).status_code == 201
    staff = client.post("/v1/documents", json=body, headers=tokens["lin"])
    assert staff.status_code == 201 and staff.json()["created_by"] == "staff:lin"


def test_download_link_expires_and_the_document_is_deleted(api):
    client, services, tokens, session_id, clock = api
    body = client.post("/v1/documents", json={"type": "payment_order_application", "facts": FULL["payment_order_application"],
                                              "session_id": session_id}).json()
    assert body["expires_at"] == "2026-03-03T09:00:00+00:00"
    clock.now += dt.timedelta(hours=23, minutes=59)
    assert client.get(body["download_path"]).status_code == 200
    clock.now += dt.timedelta(minutes=1)
    expired = client.get(body["download_path"])
    assert expired.status_code == 410 and "已过期" in expired.json()["detail"] and "24小时" in expired.json()["detail"]
    assert client.get(body["download_path"]).status_code == 404     # deleted on the first refused download
    with services.records_engine.connect() as conn:
        assert conn.execute(select(GeneratedDocumentRow.id)).all() == []
    assert client.get("/v1/documents/download?token=" + "A" * 43).status_code == 404
    assert client.get("/v1/documents/download").status_code == 404
    actions = [e["action"] for e in client.get("/v1/admin/documents/audit", headers=tokens["boss"]).json()["audit"]]
    assert actions == ["expired", "download", "generate"]


def test_purge_deletes_expired_documents_in_the_worker_and_in_fayuan_purge(api):
    client, services, _, session_id, clock = api
    for _ in range(2):
        client.post("/v1/documents", json={"type": "payment_order_application", "facts": {}, "session_id": session_id})
    job = DocumentPurgeJob(services.documents)
    assert job(clock.now) == 0
    clock.now += dt.timedelta(hours=25)
    assert job(clock.now) == 2
    client.post("/v1/documents", json={"type": "payment_order_application", "facts": {}, "session_id": session_id})
    clock.now += dt.timedelta(hours=25)
    assert job(clock.now - dt.timedelta(hours=24, minutes=55)) is None      # ran 5 minutes before: not due
    client.post("/v1/documents", json={"type": "payment_order_application", "facts": {}, "session_id": session_id})
    result = purge_old_records(services.records_engine, retention_days=180, key="k",
                               now=clock.now + dt.timedelta(days=2))
    assert result.documents_deleted == 2
    assert purge_old_records(services.records_engine, retention_days=1, key="k",
                             now=clock.now + dt.timedelta(days=3)).document_events_deleted >= 3


def test_audit_and_logs_never_hold_the_personal_facts(api, caplog):
    client, services, tokens, session_id, _ = api
    facts = FULL["civil_complaint/divorce"]
    with caplog.at_level(logging.DEBUG):
        answer = client.post("/v1/documents", json={"type": "civil_complaint", "facts": facts, "session_id": session_id})
        client.get(answer.json()["download_path"])
        client.post("/v1/documents", json={"type": "civil_complaint", "session_id": session_id,
                                           "facts": {**facts, "marriage_date": "2012-13-01"}})
    secrets = [facts["plaintiff"]["name"], facts["plaintiff"]["id_number"], facts["plaintiff"]["phone"],
               facts["defendant"]["name"], "酗酒", answer.json()["download_path"].split("=")[1]]
    # the server's own log lines (the test's HTTP client logs its request URLs, the server never does)
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "generated by person" in logged
    audit = client.get("/v1/admin/documents/audit", headers=tokens["boss"]).text
    with services.records_engine.connect() as conn:
        events = "\n".join(map(str, conn.execute(select(DocumentEventRow.__table__)).all()))
    for value in secrets:
        assert value not in logged and value not in audit and value not in events, value
    assert client.get("/v1/admin/documents/audit", headers=tokens["lin"]).status_code == 403


def _eligibility_ticket(services, session_id):
    from assistant.eligibility.dialogue import handoff_summary
    from assistant.eligibility.engine import decide
    from assistant.eligibility.facts import EligibilityFacts
    from assistant.eligibility.standards import StandardsBook

    screened = EligibilityFacts.model_validate({
        "region": "上海市", "residence_type": "rural", "service": "representation", "proceeding": "civil",
        "matter_type": "labor_remuneration", "matter_desc": "工地拖欠工资",
        "applicant": {"gender": "F", "migrant_worker": True, "statuses": ["dibao"]},
        "household_size": 3, "household_monthly_income": 2400})
    decision = decide(screened, StandardsBook()).api_dict()
    facts = handoff_summary(screened, decision)
    ticket = services.handoff_desk.open_ticket(session_id, trigger="eligibility_application", service="法律援助",
                                               priority="normal", region="上海市", summary="法律援助申请", facts=facts,
                                               channel="h5", user_ref=session_id)
    return ticket.ticket_id, decision


def test_staff_generate_and_regenerate_from_a_ticket(api):
    client, services, tokens, session_id, _ = api
    ticket_id, decision = _eligibility_ticket(services, session_id)
    url = f"/v1/handoffs/{ticket_id}/documents"
    assert client.post(url, json={"type": "legal_aid_application"}).status_code == 401
    first = client.post(url, json={"type": "legal_aid_application"}, headers=tokens["lin"])
    assert first.status_code == 201, first.text
    text = docx_text(client.get(first.json()["download_path"]).content)
    for value in ("上海市", "工地拖欠工资", "3人", "2400元", "800元", "女", "低保对象", "农民工", "农村",
                  DECISION_LABELS[decision["decision"]]):
        assert value in text, value
    again = client.post(url, json={"type": "legal_aid_application", "facts": {"applicant": {"name": "陈桂兰"}}},
                        headers=tokens["lin"])
    assert "陈桂兰" in docx_text(client.get(again.json()["download_path"]).content)
    assert client.get(first.json()["download_path"]).status_code == 404      # replaced
    listed = client.get(url, headers=tokens["lin"]).json()["documents"]
    assert [d["document_id"] for d in listed] == [again.json()["document_id"]]
    assert client.post(url, json={"type": "civil_complaint", "facts": {"case": "child_support"}},
                       headers=tokens["lin"]).status_code == 201
    assert client.post(url, json={"type": "nope"}, headers=tokens["lin"]).status_code == 422
    assert client.post("/v1/handoffs/HT-missing/documents", json={"type": "legal_aid_application"},
                       headers=tokens["lin"]).status_code == 404


def test_console_generates_a_document_from_the_ticket_page(api):
    client, services, _, session_id, _ = api
    ticket_id, _ = _eligibility_ticket(services, session_id)
    client.get("/console/login")
    client.post("/console/login", data={"username": "lin", "password": "lin-password",
                                        "csrf_token": client.cookies.get("fayuan_login_csrf")}, follow_redirects=False)
    page = client.get(f"/console/tickets/{ticket_id}").text
    assert "生成文书" in page and "还没有生成文书" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post(f"/console/tickets/{ticket_id}/document", data={"csrf_token": csrf, "doc_type": "civil_complaint",
                                                                       "case": "divorce"}, follow_redirects=False)
    assert done.status_code == 303 and "msg=" in done.headers["location"]
    page = client.get(f"/console/tickets/{ticket_id}").text
    link = re.search(r'href="(/console/documents/[^"]+)"', page).group(1)
    assert "民事起诉状" in page
    file = client.get(link)
    assert file.status_code == 200 and "判决原告与被告离婚" in docx_text(file.content)
    bad = client.post(f"/console/tickets/{ticket_id}/document", data={"csrf_token": csrf, "doc_type": "x"},
                      follow_redirects=False)
    assert "error=" in bad.headers["location"]
    client.cookies.clear()
    assert client.get(link, follow_redirects=False).status_code == 303
