"""Retrieval, filters, versions and catalog behaviour on the real small knowledge base."""
from __future__ import annotations

import pytest


def test_search_returns_statute_hits_with_their_fields(small_kb):
    hits = small_kb.search("公司拖欠工资不发，我能不能解除劳动合同", 10)
    assert hits and len(hits) <= 10
    assert {"劳动合同法", "劳动法"} & {h.law for h in hits[:5]}
    top = next(h for h in hits if h.kind == "statute")
    assert top.law_title and top.article_id and top.status and top.level and top.text
    assert all(hits[i].score >= hits[i + 1].score for i in range(len(hits) - 1))
    keys = [(h.law, h.article_id) if h.kind == "statute" else (h.case_title, h.section) for h in hits]
    assert len(keys) == len(set(keys))                                       # deduplicated


def test_work_injury_question_finds_the_work_injury_article(small_kb):
    hits = small_kb.search("上下班途中出了交通事故算不算工伤", 5)
    assert ("工伤保险条例", "14") in [(h.law, h.article_id) for h in hits]


def test_case_filter_returns_case_sections(small_kb):
    hits = small_kb.search("加班费 仲裁时效", 5, kind="case")
    assert hits and all(h.kind == "case" and h.case_title and h.section for h in hits)
    assert hits[0].case_title == "加班费的仲裁时效应当如何认定"


def test_level_and_region_filters(small_kb):
    assert all(h.level == "行政法规" for h in small_kb.search("工伤", 5, level="行政法规"))
    # the fixtures' 浙江 local rule takes effect in 2030: not in the default (current) set
    assert small_kb.search("养犬", 5, region="浙江") == []
    local = small_kb.search("养犬", 5, region="浙江", as_of="2031-01-01")
    assert local and all("浙江" in h.region for h in local)
    assert local[0].law == "杭州市示例养犬管理条例" and local[0].level == "地方性法规"
    assert small_kb.search("养犬", 5, region="上海", as_of="2031-01-01") == []


def test_as_of_picks_the_version_in_force(small_kb):
    now = small_kb.get_article("妇女权益保障法", "1")
    before = small_kb.get_article("妇女权益保障法", "1", as_of="2020-06-01")
    assert now.effective_date == "2023-01-01" and now.status == "有效"
    assert before.effective_date == "2018-10-26" and before.status == "已被修改"
    assert before.version_id != now.version_id
    assert small_kb.get_article("妇女权益保障法", "1", as_of="1980-01-01") is None   # before any version
    old_hits = small_kb.search("妇女权益保障", 10, as_of="2020-06-01")
    women = [h for h in old_hits if h.law == "妇女权益保障法"]
    assert women and {h.effective_date for h in women} == {"2018-10-26"}
    new_women = [h for h in small_kb.search("妇女权益保障", 10) if h.law == "妇女权益保障法"]
    assert new_women and {h.effective_date for h in new_women} == {"2023-01-01"}


def test_not_yet_in_force_version_is_not_current(small_kb):
    # the fixture's 杭州市示例养犬管理条例 takes effect in 2030
    hit = small_kb.get_article("杭州市示例养犬管理条例", "1")
    assert hit is not None and hit.status == "尚未生效"
    assert small_kb.get_article("杭州市示例养犬管理条例", "1", as_of="2031-01-01").status == "尚未生效"


def test_exact_citation_in_the_query_comes_first(small_kb):
    hits = small_kb.search("劳动合同法第38条是什么意思", 5)
    assert (hits[0].law, hits[0].article_id) == ("劳动合同法", "38")


def test_resolve_law_by_alias_title_and_short_title(small_kb):
    assert small_kb.resolve_law("中华人民共和国劳动法") == "劳动法"
    assert small_kb.resolve_law("《劳动合同法》") == "劳动合同法"
    assert small_kb.resolve_law("劳动争议仲裁法") == "劳动争议调解仲裁法"
    assert small_kb.resolve_law("法律援助法") == "法律援助法"


def test_article_id_forms(small_kb):
    for form in ("38", "第三十八条", "38条"):
        assert small_kb.get_article("劳动合同法", form).article_id == "38"
    assert small_kb.get_article("劳动合同法", "第九百条") is None


def test_case_citations_are_linked_to_articles(small_kb):
    cited = small_kb.case_citations("加班费的仲裁时效应当如何认定")
    linked = {(hit.law, hit.article_id) for _, hit in cited if hit is not None}
    assert ("劳动争议调解仲裁法", "27") in linked and ("劳动法", "44") in linked


def test_search_laws_by_title(small_kb):
    laws = small_kb.search_laws("劳动")
    names = [l["law"] for l in laws]
    assert "劳动法" in names and "劳动合同法" in names
    women = small_kb.search_laws("妇女权益")[0]
    assert women["status"] == "有效" and len(women["versions"]) == 2 and women["dates"]


def test_empty_query_returns_nothing(small_kb):
    assert small_kb.search("   ", 5) == []


def test_langchain_adapter(small_kb):
    from knowledge.retriever import as_langchain_retriever

    docs = as_langchain_retriever(small_kb.retriever, k=3).invoke("工伤认定申请时限")
    assert 0 < len(docs) <= 3
    assert docs[0].page_content and docs[0].metadata["citation"]


@pytest.mark.parametrize("mode", ["lexical", "dense"])
def test_single_side_modes(small_kb, mode):
    hits = small_kb.retriever.search("工伤认定", 5, mode=mode)
    assert hits and any(h.law == "工伤保险条例" for h in hits)
