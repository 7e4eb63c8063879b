"""The H5 chat page in real headless Chromium (Debian's chromium via Playwright) against the app
served by uvicorn on 127.0.0.1, on the small knowledge base: the villager's journeys of issue 24
(a legal answer whose first screen comes first, the eligibility check, a handoff followed to its
rating, reloads) and the 适老化 sizes, on a 390×844 phone and on WeChat's built-in browser at 360 px.
Screenshots go to test-artifacts/ (CI keeps them)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.chat_support import chat_services, served_in_thread
from tests.conftest import REPO
from tests.handoff_helpers import FAST_HASHER

CHROMIUM = os.environ.get("FAYUAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 8.1.0; PACM00 Build/O11019; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Version/4.0 Chrome/57.0.2987.132 MQQBrowser/6.2 TBS/044704 Mobile Safari/537.36 "
             "MicroMessenger/7.0.3.1400(0x2700033C) Process/tools NetType/WIFI Language/zh_CN")
PHONES = {"phone-390": {"viewport": {"width": 390, "height": 844}},
          "wechat-360": {"viewport": {"width": 360, "height": 640}, "user_agent": WECHAT_UA}}
MIN_TEXT_PX, MIN_TARGET_PX = 16, 44

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM} "
                                 "(scripts/system-deps.sh installs it; CI always has it)")]


@pytest.fixture
def served(small_kb, small_kb_settings, tmp_path):
    from api.app import create_app
    from assistant.staff.accounts import StaffDirectory

    services = chat_services(small_kb, small_kb_settings, tmp_path)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    with served_in_thread(create_app(services=services)) as url:
        yield url, services


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _page(browser, phone: str):
    return browser.new_page(**PHONES[phone], device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")


def _say(page, text: str):
    from playwright.sync_api import expect

    bots = page.locator(".msg.bot").count()
    page.get_by_test_id("input").fill(text)
    page.get_by_test_id("send").click()
    expect(page.locator(".msg.bot")).to_have_count(bots + 1, timeout=30_000)
    return page.locator(".msg.bot").last


def _shot(page, name: str):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_a_legal_answer_shows_its_first_screen_and_the_rest_on_request(served, browser):
    from playwright.sync_api import expect

    url, _ = served
    page = _page(browser, "phone-390")
    page.goto(f"{url}/chat")
    expect(page.get_by_test_id("disclaimer")).to_contain_text("仅供参考")
    expect(page.get_by_test_id("warming")).to_be_hidden()      # fully embedded: /readyz "ready"
    answer = _say(page, "公司拖欠我三个月工资不发，每月工资3000，怎么办？")
    expect(answer).to_contain_text("【结论】")
    expect(answer).to_contain_text("【先做这一步】")
    detail = answer.get_by_test_id("detail")
    expect(detail).to_be_hidden()                                   # 法律依据… wait behind the toggle
    _shot(page, "01-answer-first-screen")
    answer.get_by_test_id("more").click()
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("【法律依据】")
    first = detail.get_by_test_id("citation").first
    first.locator("summary").click()
    expect(first.get_by_test_id("citation-text")).to_be_visible()
    _shot(page, "02-answer-expanded")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # HTML typed in comes back as text; after a reload the person's own words are not masked
    _say(page, "<b>粗体</b><img src=x onerror=alert(1)>")
    expect(page.locator(".msg.user").last).to_have_text("<b>粗体</b><img src=x onerror=alert(1)>")
    page.reload()
    expect(page.locator(".msg.user").first).to_contain_text("每月工资3000")
    assert page.locator(".msg img").count() == 0


def test_the_migrant_worker_journey_in_the_page(served, browser):
    from playwright.sync_api import expect

    url, services = served
    page = _page(browser, "wechat-360")
    page.goto(f"{url}/chat")
    _say(page, "我在杭州的工地上干活，包工头拖欠我三个月工钱不给")
    asked = _say(page, "那我能申请法律援助吗？")
    expect(asked).to_contain_text("农民工")
    expect(_say(page, "我是农民工，每月收入2000块，家里3口人")).to_contain_text("材料")
    verdict = _say(page, "有户口簿，工友也能作证")
    expect(verdict).to_contain_text("【初步判断】符合申请条件")
    _shot(page, "03-eligibility-verdict-wechat-360")
    handed = _say(page, "需要")
    expect(page.get_by_test_id("ticket")).to_contain_text("编号 HT")
    ticket_id = handed.get_by_test_id("handoff-note").inner_text().split()[-1]
    ticket = services.handoff_desk.get(ticket_id)
    assert ticket.region == "杭州市" and ticket.facts["农民工"] == "是" and ticket.facts["家庭人口"] == 3
    assert ticket.facts["家庭月收入"] == "2000" and ticket.facts["初步判断"] == "符合申请条件"
    _shot(page, "04-eligibility-handed-to-staff-wechat-360")


def test_a_handoff_followed_from_the_page_to_the_rating(served, browser):
    from playwright.sync_api import expect

    url, services = served
    lin = services.staff.add("linf", "linf-password-1", display_name="林芳")
    page = _page(browser, "phone-390")
    page.goto(f"{url}/chat")
    _say(page, "老板拖欠我工资怎么办")
    expect(page.get_by_test_id("rate")).to_be_hidden()             # no rating from the first answer
    page.get_by_test_id("handoff").click()
    expect(page.locator(".msg.user").last).to_have_text("转人工")
    card = page.get_by_test_id("ticket")
    expect(card).to_contain_text("等待工作人员接手", timeout=15_000)
    expect(card).to_contain_text("预计")
    _shot(page, "05-handoff-waiting")
    ticket_id = services.handoff_desk.active_ticket(
        page.evaluate("localStorage.getItem('fayuan_session_id')")).ticket_id

    services.handoff_desk.claim(ticket_id, lin)
    expect(card).to_contain_text("工作人员林芳", timeout=15_000)
    expect(page.locator(".msg.notice").last).to_contain_text("林芳已接手")
    services.handoff_desk.reply(ticket_id, lin, "您好，请问欠了几个月？")
    expect(page.locator(".msg.staff").last).to_contain_text("欠了几个月", timeout=15_000)
    page.reload()                                                    # the state survives a reload
    expect(page.get_by_test_id("ticket")).to_contain_text("工作人员林芳")
    expect(page.get_by_test_id("ticket")).to_contain_text(ticket_id)
    _shot(page, "06-handoff-claimed-after-reload")

    services.handoff_desk.resolve(ticket_id, lin, "已联系用人单位，约定周五前结清")
    expect(page.locator(".msg.notice").last).to_contain_text("已办结", timeout=15_000)
    rate = page.get_by_test_id("rate")
    expect(rate).to_be_visible()
    expect(page.get_by_test_id("ticket")).not_to_contain_text("预计")
    rate.get_by_role("button", name="满意", exact=True).click()
    expect(page.get_by_test_id("rate-result")).to_contain_text("感谢")
    rate.get_by_role("button", name="基本满意", exact=True).click()  # changing it is explicit and said
    expect(page.get_by_test_id("rate-result")).to_contain_text("改为")
    _shot(page, "07-resolved-and-rated")
    page.reload()
    expect(page.get_by_test_id("rate")).to_contain_text("您的评价：基本满意")


def _too_small(page) -> dict:
    """Visible text under 16 px and tap targets under 44 px (computed styles, bounding boxes)."""
    return page.evaluate("""([minText, minTarget]) => {
        const small = [], tiny = [];
        const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
        for (const e of document.querySelectorAll('body *')) {
            if (!visible(e) || ['SCRIPT', 'STYLE', 'BR'].includes(e.tagName)) continue;
            const ownText = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            if (ownText && parseFloat(getComputedStyle(e).fontSize) < minText)
                small.push(e.tagName + '.' + e.className + ' ' + getComputedStyle(e).fontSize);
        }
        for (const e of document.querySelectorAll('button, summary, textarea, a, input')) {
            if (!visible(e)) continue;
            const r = e.getBoundingClientRect();
            if (r.height < minTarget || r.width < minTarget)
                tiny.push(e.tagName + ' ' + (e.textContent || '').trim().slice(0, 10) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
        }
        return {small, tiny};
    }""", [MIN_TEXT_PX, MIN_TARGET_PX])


@pytest.mark.parametrize("phone", list(PHONES))
def test_text_and_targets_are_big_enough_and_the_limit_is_told(served, browser, phone):
    from playwright.sync_api import expect

    url, services = served
    page = _page(browser, phone)
    page.goto(f"{url}/chat")
    answer = _say(page, "公司拖欠我三个月工资不发，怎么办？")
    answer.get_by_test_id("more").click()
    answer.get_by_test_id("citation").first.locator("summary").click()
    page.get_by_test_id("handoff").click()
    expect(page.get_by_test_id("ticket")).to_be_visible(timeout=15_000)
    width = PHONES[phone]["viewport"]["width"]
    assert _too_small(page) == {"small": [], "tiny": []}
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    handoff = page.get_by_test_id("handoff").bounding_box()
    assert handoff["y"] + handoff["height"] <= PHONES[phone]["viewport"]["height"]   # 转人工 always on screen
    _shot(page, f"08-sizes-{phone}")

    page.get_by_test_id("bigger").click()                          # 大字, remembered
    assert float(page.evaluate("getComputedStyle(document.querySelector('.msg')).fontSize")[:-2]) >= 20
    page.reload()
    expect(page.get_by_test_id("bigger")).to_have_attribute("aria-pressed", "true")
    assert _too_small(page) == {"small": [], "tiny": []}
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"09-large-text-{phone}")

    limit = services.settings.chat_max_message_chars
    page.get_by_test_id("input").fill("工资" * (limit // 2 + 50))
    expect(page.get_by_test_id("counter")).to_contain_text(f"{limit + 100} / {limit}")
    expect(page.get_by_test_id("too-long")).to_contain_text(f"超过了 {limit} 字")
    users = page.locator(".msg.user").count()
    page.get_by_test_id("send").click()
    assert page.locator(".msg.user").count() == users               # not sent, and not cut silently
    assert len(page.get_by_test_id("input").input_value()) == limit + 100
    _shot(page, f"10-too-long-{phone}")
