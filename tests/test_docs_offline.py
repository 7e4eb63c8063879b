"""/docs and /redoc work without the internet (api/docs_offline.py): the pages name no outside
host, their assets come from the app, and Swagger UI renders in headless Chromium with every
request off 127.0.0.1 refused."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from tests.test_console_browser import CHROMIUM, CHROMIUM_ARGS, _free_port

OUTSIDE_URL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""")


@pytest.fixture
def app(settings):
    from api.app import create_app

    return create_app(settings)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_doc_pages_load_nothing_from_outside(app, page):
    with TestClient(app) as client:
        html = client.get(page)
        assert html.status_code == 200
        assert not OUTSIDE_URL.search(html.text), html.text       # no CDN, no Google Fonts
        assets = re.findall(r"""(?:src|href)=["']?(/docs-assets/[^"' >]+)""", html.text)
        assert assets
        for asset in assets:
            answer = client.get(asset)
            assert answer.status_code == 200 and len(answer.content) > 1000, asset


def test_the_assets_folder_ships_swagger_ui_5(app):
    from api.docs_offline import assets_dir

    bundle = (assets_dir() / "swagger-ui-bundle.js").read_text(encoding="utf-8", errors="replace")
    # FastAPI publishes OpenAPI 3.1, which Swagger UI renders only from version 5 on
    assert app.openapi()["openapi"].startswith("3.1") and "SwaggerUIBundle" in bundle


@pytest.fixture
def live_app(app):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM} (scripts/system-deps.sh installs it)")
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.browser
def test_swagger_ui_renders_with_the_network_off(live_app):
    from playwright.sync_api import expect, sync_playwright

    refused: list[str] = []

    def only_loopback(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.route("**/*", only_loopback)
            page.goto(f"{live_app}/docs")
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("法援 Fayuan", timeout=20000)
            expect(page.locator(".opblock-summary-path", has_text="/v1/chat").first).to_be_visible()
        finally:
            browser.close()
    assert refused == []
