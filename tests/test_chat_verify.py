"""Citation verification against the real small knowledge base: a citation that is not in the
knowledge base never survives; existing ones are canonical and carry the article's real text."""
from __future__ import annotations

from assistant.answers.composer import ComposerLimits, OfflineComposer
from assistant.answers.verify import CitationVerifier, split_sentences


def test_existing_citations_are_kept_in_canonical_form(small_kb):
    result = CitationVerifier(small_kb).verify("根据劳动合同法第38条，您可以解除劳动合同。")
    assert result.text == "根据《劳动合同法》第三十八条，您可以解除劳动合同。"
    assert [(h.law, h.article_id) for h in result.citations] == [("劳动合同法", "38")]
    assert result.citations[0].text == small_kb.get_article("劳动合同法", "38").text
    assert not result.removed


def test_nonexistent_article_law_and_bare_number_are_removed_with_their_claim(small_kb):
    text = ("《劳动合同法》第三十条规定单位要按时发工资。《劳动合同法》第九百九十九条规定可以索赔十倍。"
            "《村民发财促进法》第2条规定镇政府必须垫付。该法第777条另有规定。\n可以申请劳动仲裁。")
    result = CitationVerifier(small_kb).verify(text)
    for gone in ("九百九十九", "十倍", "村民发财促进法", "垫付", "777"):
        assert gone not in result.text
    assert "《劳动合同法》第三十条" in result.text and "可以申请劳动仲裁" in result.text
    assert len(result.removed) == 3
    assert {(h.law, h.article_id) for h in result.citations} == {("劳动合同法", "30")}


def test_follow_on_articles_resolve_against_the_cited_law(small_kb):
    result = CitationVerifier(small_kb).verify("见《劳动合同法》第三十八条、第四十六条。同法第四十七条规定了经济补偿的计算。")
    assert [(h.law, h.article_id) for h in result.citations] == [
        ("劳动合同法", "38"), ("劳动合同法", "46"), ("劳动合同法", "47")]


def test_a_misquote_is_replaced_and_a_true_quote_with_inner_references_is_kept(small_kb):
    fixed = CitationVerifier(small_kb).verify("《劳动合同法》第三十条规定：“单位可以随意扣发工资。”")
    assert "随意扣发" not in fixed.text and "劳动报酬" in fixed.text and fixed.corrected
    real = small_kb.get_article("劳动合同法", "46").text
    quoted = real[real.index("（"):][:60] if "（" in real else real[:60]
    kept = CitationVerifier(small_kb).verify(f"《劳动合同法》第四十六条规定：“{quoted}”")
    assert quoted in kept.text and not kept.removed


def test_free_quotes_with_invented_citations_are_removed(small_kb):
    result = CitationVerifier(small_kb).verify("有人说“《劳动合同法》第五百条规定老板必须道歉”。这不对。")
    assert "五百" not in result.text and result.text == "这不对。"


def test_offline_answers_pass_verification_unchanged(small_kb):
    composer = OfflineComposer(small_kb, ComposerLimits())
    question = "单位不和我签劳动合同，能要求双倍工资吗？"
    composed = composer.answer(question, small_kb.search(question, k=10))
    assert composed.confident and composed.citations
    checked = CitationVerifier(small_kb).verify(composed.text)
    assert checked.text == composed.text and not checked.removed


def test_sentences_keep_quotes_whole():
    assert split_sentences("甲说：“一。二。”乙。\n丙") == ["甲说：“一。二。”乙。", "\n", "丙"]


def test_article_cache_is_per_knowledge_base_object_and_remembers_search_hits(small_kb):
    from assistant.answers.article_cache import ArticleCaches

    caches = ArticleCaches()
    cached = caches.for_kb(small_kb)
    assert caches.for_kb(small_kb) is cached
    hits = cached.search("拖欠劳动报酬", k=5)
    statute = next(h for h in hits if h.kind == "statute")
    assert cached.get_article(statute.law, statute.article_id) is statute      # no second query
    assert cached.get_article("劳动合同法", "999") is None
    assert cached.lookup("劳动合同法第38条").text == small_kb.get_article("劳动合同法", "38").text


def test_nested_titles_are_written_with_inner_angle_brackets_and_verify():
    from knowledge.types import Citation, Hit, book_title

    title = "最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）"
    assert book_title(title) == "《最高人民法院关于适用〈中华人民共和国民法典〉婚姻家庭编的解释（一）》"
    hit = Hit(doc_id="x", kind="statute", text="…", law=title, article_id="82")
    assert Citation.of(hit).label == book_title(title) + "第八十二条"


def test_a_nested_title_citation_survives_verification(small_kb):
    from knowledge.types import Citation

    law = small_kb.resolve_law("最高人民法院关于适用《中华人民共和国示例法典》婚姻家庭编的解释（一）")
    if law is None:
        import pytest

        pytest.skip("small_kb has no interpretation with a nested title")
    hit = small_kb.get_article(law, "1")
    result = CitationVerifier(small_kb).verify(f"{Citation.of(hit).label}对此有规定。")
    assert not result.removed and [h.doc_id for h in result.citations] == [hit.doc_id]


def test_a_foreign_local_rule_is_quoted_after_national_law(small_kb):
    # retrieval ranked national law first (no region known); the local rule shares more words with
    # the question but must not become the answer's lead
    from dataclasses import replace

    from knowledge.types import Hit

    question = "用人单位拖欠进城务工人员工资，可以解除劳动合同吗"
    national = replace(small_kb.get_article("劳动合同法", "38"), score=0.9)
    local = Hit(doc_id="local:1", kind="statute", score=0.85, law="河南省示例务工人员条例", article_id="5",
                text="用人单位拖欠进城务工人员工资的，进城务工人员可以解除劳动合同。", level="地方性法规",
                region="河南省")
    composer = OfflineComposer(small_kb, ComposerLimits())
    # the retrieval-built answer (no answer card: those quote their own articles)
    composed = composer.retrieval_answer(question, [national, local], [], frozenset())
    assert _first_quote(composed.text).startswith("这个问题要看《劳动合同法》第三十八条")
    # when retrieval put the local rule first (the asker's region), it leads (and its plain conclusion
    # comes before the quote: 可以…吗 answered by its 可以)
    composed = composer.retrieval_answer(question, [replace(local, score=0.95), national], [], frozenset())
    assert _first_quote(composed.text).startswith("这个问题要看《河南省示例务工人员条例》第五条")


def _first_quote(text: str) -> str:
    """The line quoting the leading article (a plain conclusion may come before it)."""
    return next(line for line in text.split("\n") if line.startswith("这个问题要看"))


def test_grounding_counts_the_legal_terms_of_the_vocabulary_bridge():
    """邻居盖楼挡光 shares no word with 民法典 第二百九十三条; the bridge's 相邻关系 (its chapter)
    does, so the composer quotes it instead of saying 不确定. An unrelated article still shares nothing."""
    from assistant.answers.grounding import is_about, shared_words
    from knowledge.types import Hit

    question = "邻居盖楼挡住了我家的光怎么办"
    light = Hit("d1", "statute", "建造建筑物，不得违反国家有关工程建设标准，不得妨碍相邻建筑物的通风、采光和日照。",
                law="民法典", article_id="293", path=["第二编 物权", "第七章 相邻关系"])
    wages = Hit("d2", "statute", "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
                law="劳动合同法", article_id="30", path=["第三章 劳动合同的履行和变更"])
    assert shared_words(question, light) == 0 and is_about(question, light)
    assert not is_about(question, wages)
