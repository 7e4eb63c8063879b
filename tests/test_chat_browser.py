"""The H5 chat page in real headless Chromium (Debian's chromium via Playwright) against the app
served by uvicorn on 127.0.0.1, on the small knowledge base, in a phone-sized viewport."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.chat_support import chat_services
from tests.conftest import REPO

CHROMIUM = os.environ.get("FAYUAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} "
                                 "(scripts/system-deps.sh installs it; CI always has it)")]


@pytest.fixture
def served_app(small_kb, small_kb_settings, tmp_path):
    import uvicorn

    from api.app import create_app

    app = create_app(services=chat_services(small_kb, small_kb_settings, tmp_path))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_h5_chat_on_a_phone(served_app):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                    is_mobile=True, has_touch=True, locale="zh-CN")
            page.goto(f"{served_app}/chat")
            expect(page.get_by_test_id("disclaimer")).to_be_visible()
            expect(page.get_by_test_id("disclaimer")).to_contain_text("仅供参考")
            expect(page.get_by_test_id("warming")).to_be_hidden()      # fully embedded: /readyz "ready"

            page.get_by_test_id("input").fill("公司拖欠我三个月工资不发，怎么办？")
            page.get_by_test_id("send").click()
            answer = page.locator(".msg.bot").last
            expect(answer.get_by_test_id("citation").first).to_be_visible(timeout=30_000)
            expect(answer).to_contain_text("劳动")
            first = answer.get_by_test_id("citation").first
            expect(first.get_by_test_id("citation-text")).to_be_hidden()
            first.locator("summary").click()
            expect(first.get_by_test_id("citation-text")).to_be_visible()
            assert len(first.get_by_test_id("citation-text").inner_text()) > 10
            session_id = page.evaluate("localStorage.getItem('fayuan_session_id')")
            assert session_id
            # nothing wider than the phone
            assert page.evaluate("document.documentElement.scrollWidth") <= 390

            page.reload()
            expect(page.locator(".msg.user").first).to_contain_text("拖欠我三个月工资")
            expect(page.locator(".msg.bot").last.get_by_test_id("citation").first).to_be_visible()
            assert page.evaluate("localStorage.getItem('fayuan_session_id')") == session_id

            page.get_by_test_id("handoff").click()
            expect(page.locator(".msg.user").last).to_have_text("转人工")
            expect(page.locator(".msg.bot").last).to_contain_text("人工", timeout=15_000)
            page.get_by_test_id("rate").get_by_role("button", name="满意", exact=True).click()
            expect(page.get_by_test_id("rate")).to_contain_text("感谢")
            page.screenshot(path=str(ARTIFACTS / "chat-h5.png"), full_page=True)
        finally:
            browser.close()
