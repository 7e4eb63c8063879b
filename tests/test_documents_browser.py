"""A document downloaded from the H5 page's origin in real headless Chromium: the page (served by
uvicorn) asks POST /v1/documents with its chat session, shows the download link it gets back,
and a click saves a .docx that opens in python-docx with the facts filled in."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.chat_support import served_in_thread
from tests.documents_support import FULL, docx_text
from tests.test_chat_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} "
                                 "(scripts/system-deps.sh installs it; CI always has it)")]


@pytest.fixture
def served(settings):
    from api.app import create_app
    from api.services import build_services

    settings = settings.model_copy(update={"sla_sweep_interval_s": 0.0})
    services = build_services(settings)
    with served_in_thread(create_app(settings, services)) as url:
        yield url, services
    services.records_engine.dispose()


SHOW_LINK = """async ([facts, sessionId]) => {
  const answer = await fetch('/v1/documents', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({type: 'labor_arbitration_application', facts, session_id: sessionId})});
  const body = await answer.json();
  const link = document.createElement('a');
  link.href = body.download_path; link.textContent = '下载' + body.title; link.id = 'doc-link';
  document.body.appendChild(link);
  return [answer.status, body.expires_at];
}"""


def test_h5_page_downloads_a_generated_document(served, tmp_path):
    from playwright.sync_api import sync_playwright

    base, services = served
    session_id = services.chat_sessions.open(None, channel="h5").id
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True, viewport={"width": 390, "height": 844}, locale="zh-CN")
            page.goto(f"{base}/chat")
            status, expires = page.evaluate(SHOW_LINK, [FULL["labor_arbitration_application"], session_id])
            assert status == 201 and expires
            with page.expect_download() as download_info:
                page.click("#doc-link")
            download = download_info.value
            assert download.suggested_filename == "劳动人事争议仲裁申请书.docx"
            saved = tmp_path / "saved.docx"
            download.save_as(saved)
        finally:
            browser.close()
    text = docx_text(saved.read_bytes())
    assert "劳动人事争议仲裁申请书" in text and "王小明" in text and "42000元" in text
