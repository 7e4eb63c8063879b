"""The H5 page's static parts: the script stays ES5 (old Android WebViews, WeChat's X5 browser),
the message limit is filled in, and nothing sets HTML from message text."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import REPO

SCRIPT = (REPO / "api" / "static" / "chat" / "chat.js").read_text(encoding="utf-8")
# ES2015+ syntax and APIs an Android 4.4 WebView does not have
MODERN = {"arrow function": r"=>", "let/const": r"\b(?:let|const)\s", "template literal": r"`",
          "class": r"\bclass\s+\w+\s*\{", "fetch": r"\bfetch\(", "Promise": r"\bPromise\b",
          "spread": r"\.\.\.\w", "requestSubmit": r"requestSubmit", "closest": r"\.closest\(",
          "innerHTML": r"innerHTML|insertAdjacentHTML|outerHTML"}


def test_the_script_is_es5_and_never_sets_html():
    code = re.sub(r"//[^\n]*", "", SCRIPT)
    found = [name for name, pattern in MODERN.items() if re.search(pattern, code)]
    assert found == []


def test_the_page_carries_the_message_limit(records_settings):
    from api.app import create_app
    from api.services import build_services

    settings = records_settings.model_copy(update={"chat_max_message_chars": 1500})
    page = TestClient(create_app(settings, build_services(settings))).get("/chat")
    assert page.status_code == 200 and 'data-max="1500"' in page.text and "/ 1500 字" in page.text
    assert "__MAX_CHARS__" not in page.text and "maxlength" not in page.text   # no silent cut
