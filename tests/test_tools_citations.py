"""Never invent law: every (law, article) the deadline and compensation tools cite exists in the
statute mirror (../shared/laws) with the phrase the rule relies on, and through the app the
citation text is the knowledge base's own (found for the laws in the small knowledge base, and
`found: false` without text for those it lacks)."""
from __future__ import annotations

import dataclasses
from functools import cache

import pytest
from fastapi.testclient import TestClient

from assistant.tools import compensation, deadlines
from assistant.tools.citations import MIRROR_PATHS, Basis
from ingest.lawrefbook import parse_law_file
from tests.conftest import SHARED

pytestmark = pytest.mark.corpus
LAWS = SHARED / "laws"


def every_basis() -> list[Basis]:
    found: list[Basis] = [deadlines.AFTER_EXPIRY, *compensation.ARTICLE.values()]
    for rule in deadlines.RULES.values():
        for f in dataclasses.fields(rule):
            found += _bases_in(getattr(rule, f.name))
    return found


def _bases_in(value) -> list[Basis]:
    if isinstance(value, Basis):
        return [value]
    if isinstance(value, tuple):
        return [b for item in value for b in _bases_in(item)]
    return []


@cache
def articles(law: str) -> dict[str, str]:
    """article_id → text, from the mirror file(s) of `law`."""
    target = LAWS / MIRROR_PATHS[law]
    files = sorted(target.glob("*.md")) if target.is_dir() else [target]
    out: dict[str, str] = {}
    for path in files:
        if path.name.startswith("_"):
            continue
        out.update({a.article_id: a.text for a in parse_law_file(path, LAWS).articles})
    return out


def test_the_rules_cite_many_articles():
    assert len({(b.law, b.article_id) for b in every_basis()}) >= 35


@pytest.mark.parametrize("basis", every_basis(), ids=lambda b: f"{b.law}{b.article_id}")
def test_every_cited_article_exists_with_the_phrase_relied_on(basis: Basis):
    assert basis.law in MIRROR_PATHS, f"add {basis.law} to MIRROR_PATHS"
    text = articles(basis.law).get(basis.article_id)
    assert text is not None, f"{basis.law} has no article {basis.article_id} in {MIRROR_PATHS[basis.law]}"
    assert basis.phrase in text.replace("\n", ""), f"{basis.law}第{basis.article_id}条 lacks “{basis.phrase}”"


def test_the_mirror_files_are_the_versions_in_force():
    for law, rel in MIRROR_PATHS.items():
        path = LAWS / rel
        assert path.exists(), rel
        if path.is_file():
            assert parse_law_file(path, LAWS).status == "有效", rel


@pytest.fixture(scope="module")
def kb_client(small_kb_settings, small_kb):
    from api.app import create_app
    from api.services import build_services

    services = build_services(small_kb_settings)
    services.knowledge = small_kb
    with TestClient(create_app(services=services)) as c:
        yield c


def test_citation_text_comes_from_the_knowledge_base(kb_client, laws_dir):
    body = kb_client.post("/v1/tools/compensation", json={
        "kind": "unlawful_dismissal", "monthly_wage": 6000, "start_date": "2021-10-01",
        "end_date": "2025-02-28", "region": "全国"}).json()
    assert body["amount"] == 42000.0
    by_article = {(c["law"], c["article_id"]): c for c in body["citations"]}
    art47 = by_article[("劳动合同法", "47")]
    assert art47["found"] and "每满一年支付一个月工资" in art47["text"]
    assert by_article[("劳动合同法", "87")]["found"]
    # the implementing regulation is not in the small knowledge base: said, not invented
    assert by_article[("劳动合同法实施条例", "27")] == {"law": "劳动合同法实施条例", "article_id": "27", "text": None, "found": False}
    assert any("《劳动合同法实施条例》第二十七条" in a for a in body["assumptions"])


def test_deadline_citations_from_the_knowledge_base(kb_client):
    body = kb_client.post("/v1/tools/deadline", json={"kind": "labor_arbitration", "start_date": "2025-03-01",
                                                      "today": "2026-02-10"}).json()
    first = body["citations"][0]
    assert first["law"] == "劳动争议调解仲裁法" and first["found"] and "时效期间为一年" in first["text"]
    civil = [c for c in body["citations"] if c["law"] == "民法典"]
    assert civil and not any(c["found"] for c in civil)   # 民法典 is not in the small knowledge base


def test_the_numbers_in_the_tables_are_the_articles_numbers():
    grades = "一二三四五六七八九十"
    injury = "".join(articles("工伤保险条例")[a] for a in ("35", "36", "37"))
    for grade, months in compensation.INJURY_MONTHS.items():
        assert f"{grades[grade - 1]}级伤残为{months}个月的本人工资" in injury
    overtime = articles("劳动法")["44"]
    for _, rate, _ in compensation.OVERTIME_RATES:
        assert f"百分之{ {150: '一百五十', 200: '二百', 300: '三百'}[int(rate * 100)]}" in overtime
    assert "统筹地区职工平均工资300%" in articles("工伤保险条例")["64"]
    assert "统筹地区职工平均工资60%" in articles("工伤保险条例")["64"]
    assert "职工月平均工资三倍" in articles("劳动合同法")["47"]
    assert "七十五周岁以上的，按五年计算" in articles("人身损害赔偿解释")["12"]
    support = articles("民法典婚姻家庭编解释（一）")["49"]
    assert "百分之二十至三十" in support and "不得超过月总收入的百分之五十" in support
    notice = LAWS / "部门规章/人力资源社会保障部/关于职工全年月平均工作时间和工资折算问题的通知(2009-03-29).md"
    assert "21.75" in notice.read_text(encoding="utf-8")   # the overtime assumption's source
