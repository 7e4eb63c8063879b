"""The staff console in real headless Chromium (Debian's package): login, filter, claim, reply,
resolve, hand back — against uvicorn on 127.0.0.1. Screenshots go to test-artifacts/."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FAYUAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(settings, knowledge=None):
    """uvicorn on a free port over real services; yields (base url, services)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (scripts/system-deps.sh installs it)")
    import uvicorn

    from api.app import create_app
    from api.services import build_services
    from assistant.staff.accounts import StaffDirectory
    from tests.handoff_helpers import FAST_HASHER

    port = _free_port()
    settings = settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}"})
    services = build_services(settings)
    if knowledge is not None:
        services.knowledge = knowledge
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
    services.staff.add("zhou", "zhou-password", role="admin", display_name="周主任")
    server = uvicorn.Server(uvicorn.Config(create_app(settings, services), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", services
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def live_console(records_settings):
    yield from _serve(records_settings)


@pytest.fixture
def live_console_with_laws(settings, small_kb):
    yield from _serve(settings, small_kb)


VIEWPORT = {"width": 1280, "height": 800}
PAGE = {"viewport": VIEWPORT, "locale": "zh-CN"}   # staff's browsers: dates as 年/月/日


def test_console_login_filter_claim_reply_resolve(live_console, request):
    from playwright.sync_api import expect, sync_playwright

    base, services = live_console
    desk = services.handoff_desk
    services.chat_sessions.ensure("h5-visitor", channel="web")
    wanted = desk.open_ticket("h5-visitor", trigger="person_request", service="法律援助", priority="urgent",
                              region="城关镇", summary="工地欠薪三个月，电话13812345678", facts={"家庭人口": 4},
                              channel="web", user_ref="h5-visitor")
    services.chat_sessions.add_message("h5-visitor", "assistant", "【结论】老板拖欠工资是违法的。\n【先做这一步】1. 向劳动保障监察投诉。")
    other = desk.open_ticket("h5-other", trigger="uncertain_answer", service="人民调解", priority="normal",
                             region="河西村", summary="邻里纠纷", facts=None, channel="web", user_ref="h5-other")
    shots = ARTIFACTS / request.node.name
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(**PAGE)
        page.set_default_timeout(15000)
        try:
            page.goto(f"{base}/console/queue")
            expect(page).to_have_url(f"{base}/console/login?next=/console/queue")
            page.fill("#username", "lin")
            page.fill("#password", "wrong-password")
            page.click("#login")
            expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
            page.fill("#username", "lin")
            page.fill("#password", "lin-password")
            page.click("#login")
            expect(page).to_have_url(f"{base}/console/queue")
            expect(page.locator("#tickets")).to_contain_text(wanted.ticket_id)
            expect(page.locator("#tickets")).to_contain_text(other.ticket_id)
            assert "13812345678" not in page.content()
            page.screenshot(path=str(shots / "1-queue.png"), full_page=True)

            page.select_option("#f-service", "法律援助")
            page.click("#apply-filters")
            expect(page.locator("#tickets")).not_to_contain_text(other.ticket_id)
            expect(page.locator("#tickets")).to_contain_text(wanted.ticket_id)
            page.screenshot(path=str(shots / "2-filtered.png"), full_page=True)

            page.click(f"a[href='/console/tickets/{wanted.ticket_id}']")
            expect(page.locator("#ticket-status")).to_have_text("待认领")
            expect(page.locator("#facts")).to_contain_text("家庭人口")
            # the bot's answer keeps its lines (conclusion, step …), not one wall of text
            answer = page.locator("#transcript p.assistant .text").inner_text()
            assert "违法的。\n【先做这一步】" in answer
            page.click("#claim")
            expect(page.get_by_role("status")).to_contain_text("已认领")
            expect(page.locator("#owner")).to_have_text("林芳")                  # display name, not username
            assert desk.human_owns("h5-visitor")

            page.fill("#reply-text", "您好，我是法律援助中心的林老师，请问拖欠了多少工资？")
            page.click("#send-reply")
            expect(page.get_by_role("status")).to_contain_text("回复已发送")
            expect(page.locator("#transcript")).to_contain_text("林老师")
            page.screenshot(path=str(shots / "3-replied.png"), full_page=True)
            stored = services.chat_sessions.messages("h5-visitor")
            assert stored[-1].role == "staff" and "林老师" in stored[-1].text

            page.fill("#outcome-input", "已指导提交法律援助申请")
            page.click("#resolve")
            expect(page.locator("#ticket-status")).to_have_text("已办结")
            expect(page.locator("#outcome")).to_have_text("已指导提交法律援助申请")
            expect(page.locator("#audit")).to_contain_text("办结")
            expect(page.locator("#audit")).to_contain_text("林芳")
            page.screenshot(path=str(shots / "4-resolved.png"), full_page=True)
            assert not desk.human_owns("h5-visitor")

            # hand back the other one to the bot
            page.goto(f"{base}/console/tickets/{other.ticket_id}")
            page.click("#claim")
            page.click("#hand-back")
            expect(page.get_by_role("status")).to_contain_text("已交还机器人")
            assert desk.get(other.ticket_id).outcome == "交还机器人"

            page.goto(f"{base}/console/laws?q=劳动合同法")
            expect(page.locator("#kb-missing")).to_contain_text("知识库尚未加载")
            page.goto(f"{base}/console/reports")
            expect(page.locator("#report")).to_be_visible()
            page.click("#logout")
            expect(page).to_have_url(f"{base}/console/login?msg=%E5%B7%B2%E9%80%80%E5%87%BA")
        finally:
            browser.close()


# --- the regulation lookup, the reference tables, the report, and the no-code scan ----------------

SNAKE_CODE = r"\b[a-z]+(?:_[a-z]+)+\b"
USERNAMES = r"(?<![A-Za-z])(lin|zhou)(?![A-Za-z])"


def _login(page, base, username="lin"):
    page.goto(f"{base}/console/login")
    page.fill("#username", username)
    page.fill("#password", f"{username}-password")
    page.click("#login")


def _seed_tickets_and_records(services):
    from datetime import datetime, timezone

    from assistant.records.service import ConsultationRecords
    from tests.test_console_labels import ELIGIBILITY_FACTS

    desk = services.handoff_desk
    services.chat_sessions.ensure("h5-elig", channel="web")
    elig = desk.open_ticket("h5-elig", trigger="eligibility_application", service="法律援助", priority="normal",
                            region="上海市", summary="农民工讨薪，问能否申请法律援助", facts=ELIGIBILITY_FACTS,
                            channel="web", user_ref="h5-elig")
    urgent = desk.open_ticket("h5-dv", trigger="urgent_risk", service="法律援助", priority="urgent", region="城关镇",
                              summary="紧急情况（家庭暴力）：他又打我了", facts={"risk": "domestic_violence"},
                              channel="web", user_ref="h5-dv")
    records = ConsultationRecords(services.records_engine)
    now = datetime.now(timezone.utc)
    for n, (region, intent, outcome) in enumerate([("城关镇", "legal_question", None), ("城关镇", "urgent_risk", None),
                                                   ("河西村", "eligibility", "eligible"), ("上海市", "human_request", None),
                                                   ("河西村", "statute_lookup", None)]):
        records.record_turn(f"r-{n}", channel="web", intent=intent, region=region, eligibility_outcome=outcome, at=now)
    return elig.ticket_id, urgent.ticket_id


def _visible_codes(page) -> list[str]:
    import re

    text = page.inner_text("body")
    return re.findall(SNAKE_CODE, text) + [m.group(1) for m in re.finditer(USERNAMES, text)]


def test_lookup_article_rows_missing_article_and_report(live_console_with_laws, request):
    from playwright.sync_api import expect, sync_playwright

    base, services = live_console_with_laws
    elig_id, _ = _seed_tickets_and_records(services)
    shots = ARTIFACTS / request.node.name
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(**PAGE)
        page.set_default_timeout(15000)
        try:
            _login(page, base)
            page.goto(f"{base}/console/tickets/{elig_id}")
            expect(page.locator("#facts")).to_contain_text("追讨劳动报酬（欠薪）")
            expect(page.locator("#facts")).to_contain_text("农民工讨要工钱")
            page.screenshot(path=str(shots / "1-eligibility-ticket.png"), full_page=True)

            page.goto(f"{base}/console/laws")
            page.fill("#law-q", "拖欠工资 解除劳动合同 经济补偿")
            page.click("#law-search")
            first = page.locator("#hits tr.result").first
            citation = first.locator("a.open").inner_text()
            page.screenshot(path=str(shots / "2-lookup-results.png"), full_page=True)
            box = first.locator("td").nth(5).bounding_box()  # a click on the row's text, away from its link
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            expect(page.locator("#article-title")).to_have_text(citation)
            expect(page.locator("#article-status")).not_to_be_empty()
            expect(page.locator("#versions")).to_be_visible()
            page.screenshot(path=str(shots / "3-article.png"), full_page=True)

            page.goto(f"{base}/console/laws?q=妇女权益保障法第1条")
            page.click("#article-versions")
            expect(page.locator("#versions tr")).to_have_count(3)          # header + two versions
            page.screenshot(path=str(shots / "4-article-versions.png"), full_page=True)

            page.goto(f"{base}/console/laws")
            page.fill("#law-q", "劳动合同法第999条")
            page.click("#law-search")
            expect(page.locator("#missing-article")).to_contain_text("没有这一条")
            expect(page.locator("#hits")).to_have_count(0)
            page.screenshot(path=str(shots / "5-no-such-article.png"), full_page=True)

            page.goto(f"{base}/console/laws?q=家庭暴力&level=法律&in_force=1")
            expect(page.locator("#f-level")).to_have_value("法律")
            page.screenshot(path=str(shots / "6-filters.png"), full_page=True)

            page.goto(f"{base}/console/reports")
            expect(page.locator("#report")).to_contain_text("河西村")
            chart = page.locator("#chart")
            expect(chart).to_be_visible()
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
            page.screenshot(path=str(shots / "7-report.png"), full_page=True)
        finally:
            browser.close()


CONSOLE_PAGES = ("/console/queue", "/console/queue?status=", "/console/laws?q=劳动合同法",
                 "/console/laws?q=拖欠工资 经济补偿", "/console/laws?q=劳动合同法第999条", "/console/reports",
                 "/console/standards", "/console/standards/上海市", "/console/figures")


def test_no_english_code_or_username_on_any_console_page(live_console_with_laws, request):
    from playwright.sync_api import sync_playwright

    base, services = live_console_with_laws
    elig_id, urgent_id = _seed_tickets_and_records(services)
    desk = services.handoff_desk
    lin = services.staff.by_username("lin")
    desk.assign(urgent_id, services.staff.by_username("zhou"), lin)
    desk.reply(urgent_id, lin, "我是林芳，请先拨打110，注意安全。")
    shots = ARTIFACTS / request.node.name
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(**PAGE)
        page.set_default_timeout(15000)
        try:
            for username in ("lin", "zhou"):                         # staff and admin see different forms
                _login(page, base, username)
                pages = list(CONSOLE_PAGES) + [f"/console/tickets/{elig_id}", f"/console/tickets/{urgent_id}"]
                page.goto(f"{base}/console/laws?q=拖欠工资 经济补偿")
                pages.append(page.locator("#hits a.open").first.get_attribute("href"))
                found = {}
                for n, path in enumerate(pages):
                    page.goto(base + path)
                    page.screenshot(path=str(shots / f"{username}-{n:02d}.png"), full_page=True)
                    if codes := _visible_codes(page):
                        found[path] = codes
                assert not found, found
                page.click("#logout")
        finally:
            browser.close()
