"""Citation parsing (no model) and exact lookup against the small knowledge base."""
from __future__ import annotations

import pytest

from knowledge.citations import LawNameResolver, normalise_law_name, parse


@pytest.mark.parametrize("text, law, article, clause, item", [
    ("劳动合同法第38条", "劳动合同法", "38", None, None),
    ("民法典第一千零七十九条", "民法典", "1079", None, None),
    ("《工伤保险条例》第十四条第(一)项", "工伤保险条例", "14", None, 1),
    ("《工伤保险条例》第十四条第（六）项", "工伤保险条例", "14", None, 6),
    ("法律援助法31条", "法律援助法", "31", None, None),
    ("刑法第一百二十条之一", "刑法", "120-1", None, None),
    ("《中华人民共和国劳动争议调解仲裁法》第二十七条", "中华人民共和国劳动争议调解仲裁法", "27", None, None),
    ("劳动法第四十四条第一款第（二）项", "劳动法", "44", 1, 2),
    ("依照《中华人民共和国劳动法（2018修正）》第四十四条", "中华人民共和国劳动法（2018修正）", "44", None, None),
    ("根据劳动合同法第 38 条的规定", "劳动合同法", "38", None, None),
])
def test_parse_every_form(text, law, article, clause, item):
    refs = parse(text)
    assert len(refs) == 1, refs
    ref = refs[0]
    assert (ref.law, ref.article_id, ref.clause, ref.item) == (law, article, clause, item)
    assert ref.raw in text


def test_parse_enumerations_share_the_law():
    refs = parse("用人单位违反劳动合同法第三十八条、第四十六条和第47条的规定，应当支付经济补偿")
    assert [(r.law, r.article_id) for r in refs] == [("劳动合同法", "38"), ("劳动合同法", "46"), ("劳动合同法", "47")]


def test_parse_finds_several_laws_and_ignores_plain_text():
    text = "先看《工伤保险条例》第十七条，再看民法典第一千一百六十五条。第三段没有引用。"
    assert [(r.law, r.article_id) for r in parse(text)] == [("工伤保险条例", "17"), ("民法典", "1165")]
    assert parse("工资被拖欠了三个月怎么办？") == []


def test_normalise_law_name():
    assert normalise_law_name("《中华人民共和国劳动法（2018修正）》") == "劳动法"
    assert normalise_law_name(" 中华人民共和国 民法典 ") == "民法典"


def test_resolver_aliases_abbreviations_and_lead_words():
    names = {"劳动合同法": 1, "消费者权益保护法": 2, "劳动争议调解仲裁法": 3, "工伤保险条例": 4}
    r = LawNameResolver(names)
    assert r.resolve("中华人民共和国劳动合同法") == 1
    assert r.resolve("《劳动合同法》") == 1
    assert r.resolve("消法") == 2
    assert r.resolve("劳动争议仲裁法") == 3
    assert r.resolve("原告主张依劳动合同法") == 1          # leading words the regex kept
    assert r.resolve("工伤条例") == 4
    assert r.resolve("不存在的法") is None
    assert r.resolve("") is None


# ---- resolution against the real small knowledge base -------------------------------------
@pytest.mark.parametrize("citation, law, article", [
    ("劳动合同法第38条", "劳动合同法", "38"),
    ("《工伤保险条例》第十四条第(一)项", "工伤保险条例", "14"),
    ("法律援助法31条", "法律援助法", "31"),
    ("《中华人民共和国劳动争议调解仲裁法》第二十七条", "劳动争议调解仲裁法", "27"),
    ("中华人民共和国劳动法第四十四条", "劳动法", "44"),
    ("消法第五十五条", "消费者权益保护法", "55"),
    ("反家暴法第二十三条", "反家庭暴力法", "23"),
])
def test_lookup_resolves_to_the_article(small_kb, citation, law, article):
    hit = small_kb.lookup(citation)
    assert hit is not None, citation
    assert (hit.law, hit.article_id, hit.kind) == (law, article, "statute")
    assert hit.text
    assert hit.citation.startswith(law + "第")


def test_lookup_item_text_is_in_the_article(small_kb):
    hit = small_kb.lookup("《工伤保险条例》第十四条第(六)项")
    assert "上下班途中" in hit.text


def test_lookup_of_a_missing_article_or_law_is_none(small_kb):
    assert small_kb.lookup("劳动合同法第九百条") is None
    assert small_kb.lookup("不存在法第1条") is None
    assert small_kb.resolve_law("不存在法") is None


def test_verify_flags_invented_citations(small_kb):
    checked = small_kb.verify("依据劳动合同法第三十八条和劳动合同法第九百九十九条")
    assert [(ref.article_id, hit is not None) for ref, hit in checked] == [("38", True), ("999", False)]
