"""The console's regulation lookup on the real small knowledge base: exact citations first (a
missing article says so), every result row opens its article with its versions, and filters."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER

pytestmark = pytest.mark.corpus
ROW_LINK = re.compile(r'<tr class="result"><td><a class="open" href="([^"]+)"')


@pytest.fixture(scope="module")
def client(small_kb, tmp_path_factory):
    from api.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("console-laws"))
    services = build_services(settings)
    services.knowledge = small_kb
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
    with TestClient(create_app(settings, services), follow_redirects=False) as client:
        page = client.get("/console/login").text
        token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
        client.post("/console/login", data={"username": "lin", "password": "lin-password", "csrf_token": token})
        yield client


def _article_url(html: str) -> str:
    return ROW_LINK.search(html).group(1).replace("&amp;", "&")


def test_a_citation_that_does_not_exist_says_so_instead_of_listing_hits(client):
    page = client.get("/console/laws", params={"q": "劳动合同法第999条"}).text
    assert "没有这一条" in page and "《劳动合同法》没有第999条" in page
    assert 'id="hits"' not in page and 'id="article"' not in page
    unknown = client.get("/console/laws", params={"q": "火星法第3条"}).text
    assert "没有这一条" in unknown and "没有《火星法》" in unknown


def test_an_existing_citation_is_shown_with_its_law_status_and_date(client):
    page = client.get("/console/laws", params={"q": "劳动合同法第38条"}).text
    assert 'id="article"' in page and "劳动合同法第三十八条" in page and "没有这一条" not in page
    assert "效力级别：法律" in page and "状态：有效" in page


def test_every_keyword_result_row_opens_its_article(client):
    page = client.get("/console/laws", params={"q": "拖欠工资 解除劳动合同 经济补偿"}).text
    links = [m.replace("&amp;", "&") for m in ROW_LINK.findall(page)]
    rows = page.count('<tr class="result">')
    assert rows >= 3 and len(links) == rows          # one link per row, the row's whole area
    for url in links:
        article = client.get(url)
        assert article.status_code == 200 and 'id="article-text"' in article.text
        assert 'id="article-status"' in article.text and 'id="effective-date"' in article.text


def test_the_article_page_lists_the_articles_other_versions(client):
    page = client.get("/console/laws", params={"q": "妇女权益保障法"}).text
    article = client.get(_article_url(page)).text                 # a title row opens its first article
    assert "中华人民共和国妇女权益保障法" in article and "这一条的各个版本" in article
    assert "2023-01-01" in article and "已被修改" in article     # the current and the older version
    older = re.search(r'<a href="(/console/laws/article\?doc=[^"]+)">', article.split('id="versions"')[1]).group(1)
    older_page = client.get(older.replace("&amp;", "&")).text
    assert 'id="article-status">已被修改' in older_page


def test_filters_level_in_force_and_date(client):
    query = {"q": "家庭暴力 人身安全保护令"}
    laws_only = client.get("/console/laws", params={**query, "level": "法律", "in_force": "1"}).text
    levels = re.findall(r'<tr class="result"><td>.*?</td>\s*<td>([^<]*)</td>', laws_only, flags=re.S)
    assert levels and set(levels) == {"法律"}
    none = client.get("/console/laws", params={**query, "level": "部门规章"}).text
    assert 'id="no-results"' in none and "放宽筛选条件" in none
    old = client.get("/console/laws", params={"q": "妇女权益保障法第1条", "as_of": "2020-01-01"}).text
    assert 'id="article"' in old and "已被修改" in old
    assert "日期格式" in client.get("/console/laws", params={**query, "as_of": "2020-13-45"}).text


def test_an_unknown_article_page_is_a_clear_404(client):
    missing = client.get("/console/laws/article", params={"doc": "a:nothing"})
    assert missing.status_code == 404 and "没有这一条" in missing.text
    assert client.get("/console/laws/article", params={"law": "劳动合同法", "article": "999"}).status_code == 404
