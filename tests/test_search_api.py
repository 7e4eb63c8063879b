"""/v1/search and /v1/laws through the real FastAPI app over the small knowledge base."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client(small_kb_settings, small_kb):
    from api.app import create_app
    from api.services import build_services

    services = build_services(small_kb_settings)
    services.knowledge = small_kb            # same data; spares a second model load
    with TestClient(create_app(services=services)) as c:
        yield c


def test_search_shape(client):
    r = client.get("/v1/search", params={"q": "拖欠工资 解除劳动合同", "k": 5})
    assert r.status_code == 200
    results = r.json()["results"]
    assert 0 < len(results) <= 5
    statute = next(x for x in results if x["kind"] == "statute")
    for key in ("law", "law_title", "article_id", "path", "text", "kind", "level", "effective_date", "status", "score"):
        assert key in statute
    assert not statute["law"].startswith("中华人民共和国")


def test_search_cases_carry_title_and_section(client):
    results = client.get("/v1/search", params={"q": "加班费", "kind": "case"}).json()["results"]
    assert results and all(x["kind"] == "case" and x["case_title"] and x["section"] for x in results)
    assert all("article_id" not in x for x in results)


def test_search_as_of(client):
    old = client.get("/v1/search", params={"q": "妇女权益保障", "as_of": "2020-06-01", "k": 20}).json()["results"]
    assert {x["effective_date"] for x in old if x.get("law") == "妇女权益保障法"} == {"2018-10-26"}


@pytest.mark.parametrize("params, fragment", [
    ({"q": "   "}, "q"),
    ({"q": "工资", "k": 0}, "k"),
    ({"q": "工资", "k": 101}, "k"),
    ({"q": "工资", "as_of": "2020-13-45"}, "as_of"),
    ({"q": "工资", "kind": "poem"}, "kind"),
    ({}, "q"),
])
def test_search_bad_parameters_are_422_with_a_reason(client, params, fragment):
    r = client.get("/v1/search", params=params)
    assert r.status_code == 422
    assert fragment in r.text


def test_laws_title_search(client):
    r = client.get("/v1/laws", params={"q": "劳动"})
    assert r.status_code == 200
    laws = r.json()["laws"]
    assert {"劳动法", "劳动合同法"} <= {l["law"] for l in laws}
    assert all(l["status"] and "dates" in l for l in laws)


@pytest.mark.parametrize("law, article", [
    ("劳动合同法", "38"), ("中华人民共和国劳动合同法", "第三十八条"), ("劳合法", "38"), ("《劳动合同法》", "38条"),
])
def test_article_lookup_forms(client, law, article):
    r = client.get(f"/v1/laws/{law}/articles/{article}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["law"] == "劳动合同法" and body["article_id"] == "38" and body["label"] == "第三十八条"
    assert body["clauses"] and body["clauses"][0]["items"]            # 款 with their 项
    assert body["citation"] == "劳动合同法第三十八条"


def test_article_lookup_as_of(client):
    old = client.get("/v1/laws/妇女权益保障法/articles/1", params={"as_of": "2020-06-01"}).json()
    assert old["effective_date"] == "2018-10-26"
    assert client.get("/v1/laws/妇女权益保障法/articles/1", params={"as_of": "1970-01-01"}).status_code == 404
    assert client.get("/v1/laws/妇女权益保障法/articles/1", params={"as_of": "yesterday"}).status_code == 422


def test_article_lookup_errors(client):
    r = client.get("/v1/laws/不存在法/articles/1")
    assert r.status_code == 404 and "unknown law" in r.json()["detail"] and "没有" in r.json()["detail"]
    r = client.get("/v1/laws/劳动合同法/articles/900")
    assert r.status_code == 404 and "not found" in r.json()["detail"]
    assert client.get("/v1/laws/劳动合同法/articles/abc").status_code == 422


def test_openapi_lists_the_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/search" in paths and "/v1/laws/{law}/articles/{article_id}" in paths


def test_search_without_a_knowledge_base_is_503(settings):
    from api.app import create_app

    with TestClient(create_app(settings)) as c:
        assert c.get("/v1/search", params={"q": "工资"}).status_code == 503
        assert c.get("/readyz").status_code == 503


def test_app_loads_the_knowledge_base_at_start_up(small_kb_settings):
    from api.app import create_app

    with TestClient(create_app(small_kb_settings)) as c:
        assert c.get("/readyz").status_code == 200
        assert c.get("/v1/search", params={"q": "工伤认定", "k": 3}).json()["results"]
