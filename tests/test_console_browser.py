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


@pytest.fixture
def live_console(records_settings):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (scripts/system-deps.sh installs it)")
    import uvicorn

    from api.app import create_app
    from api.services import build_services
    from assistant.staff.accounts import StaffDirectory
    from tests.handoff_helpers import FAST_HASHER

    port = _free_port()
    settings = records_settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}"})
    services = build_services(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
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


def test_console_login_filter_claim_reply_resolve(live_console, request):
    from playwright.sync_api import expect, sync_playwright

    base, services = live_console
    desk = services.handoff_desk
    services.chat_sessions.ensure("h5-visitor", channel="web")
    wanted = desk.open_ticket("h5-visitor", trigger="person_request", service="法律援助", priority="urgent",
                              region="城关镇", summary="工地欠薪三个月，电话13812345678", facts={"家庭人口": 4},
                              channel="web", user_ref="h5-visitor")
    other = desk.open_ticket("h5-other", trigger="uncertain_answer", service="人民调解", priority="normal",
                             region="河西村", summary="邻里纠纷", facts=None, channel="web", user_ref="h5-other")
    shots = ARTIFACTS / request.node.name
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
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
            page.click("#claim")
            expect(page.get_by_role("status")).to_contain_text("已认领")
            expect(page.locator("#owner")).to_have_text("lin")
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
            expect(page.locator("#audit")).to_contain_text("resolve")
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
