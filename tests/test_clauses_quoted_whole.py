"""Quotes that hold the deciding clause (issue #22, "quotes are cut before the deciding clause"):
a short article, 款 or list is quoted whole; the 款 / 项 that matches the question stays the focus
a plain conclusion is read off; a long list's lead-in keeps the offence before the matching 项.
Articles from ../shared/laws; questions written here (not taken from the evaluation sets)."""
from __future__ import annotations


import pytest

from assistant.answers.clauses import LIST_LIMIT, QUOTE_LIMIT, WHOLE_LIMIT, article_units, best_clause

pytestmark = pytest.mark.corpus

GUARANTEE_INTERPRETATION = "最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释"


def _whole(text: str) -> str:
    return "".join(lead + "".join(items) for lead, items in article_units(text))


def test_a_list_none_of_whose_items_the_question_names_is_quoted_whole(statutes):
    """著作权法第三条 lists the kinds of works; 短视频 names none of them (视听作品 is the one): the
    first two items and "……" answered nothing — the whole list is quoted."""
    clause = best_clause("录制的短视频算不算作品？", statutes.text("著作权法", "3"))
    assert "（六）视听作品" in clause.text and "（九）符合作品特征的其他智力成果" in clause.text
    assert "……" not in clause.text


def test_a_short_article_is_quoted_whole_with_the_clause_that_decides(statutes):
    """民法典第五百八十五条 (175 characters, three 款): quoted whole — the 款 that decides (过分高于…
    适当减少) with the rule it adjusts — not one 款 of it."""
    text = statutes.text("民法典", "585")
    assert QUOTE_LIMIT < len(_whole(text)) <= WHOLE_LIMIT
    clause = best_clause("供水公司约定的违约金非常高，能要求降低吗？", text)
    assert clause.text == _whole(text)
    assert "约定的违约金过分高于造成的损失的，人民法院或者仲裁机构可以根据当事人的请求予以适当减少" in clause.text


def test_a_short_kuan_of_a_long_article_is_quoted_whole_with_its_second_half(statutes):
    """担保制度解释第五十二条第一款: "…不予支持；经审查已经办理…的，人民法院应予支持" — cut at the
    first 不予支持 it said the opposite of half the rule."""
    text = statutes.text(GUARANTEE_INTERPRETATION, "52")
    assert len(_whole(text)) > WHOLE_LIMIT
    clause = best_clause("抵押预告登记后，预告登记权利人能否就抵押财产优先受偿？", text)
    assert clause.text.startswith("当事人办理抵押预告登记后")
    assert clause.text.endswith("人民法院应予支持，并应当认定抵押权自预告登记之日起设立。")


def test_a_long_lists_lead_in_keeps_the_offence_before_the_matching_item():
    """A list too long to quote whole, its lead-in the offence and then the penalty tiers (as in the
    刑法): the quote is the offence, the matching 项, and "……" — not "……数额巨大的，…" cut mid-lead."""
    lead = ("有下列情形之一，以非法占有为目的，骗取对方当事人财物，数额较大的，处三年以下有期徒刑或者拘役，并处或者单处罚金；"
            "数额巨大或者有其他严重情节的，处三年以上十年以下有期徒刑，并处二万元以上二十万元以下罚金；"
            "数额特别巨大或者有其他特别严重情节的，处十年以上有期徒刑或者无期徒刑，并处罚金或者没收财产：")
    items = ["（一）以虚构的单位签订合同的；", "（二）以伪造的票据作担保的；", "（三）收受对方当事人给付的预付款后逃匿的；"]
    items += [f"（{n}）其他某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某的；" for n in "四五六七八九"]
    article = "第一条 " + lead + "\n" + "\n".join(items)
    assert len(_whole(article)) > LIST_LIMIT and len(lead + items[2]) > QUOTE_LIMIT
    clause = best_clause("对方收了预付款后逃匿，算不算诈骗？", article)
    assert clause.text.startswith("有下列情形之一，以非法占有为目的，骗取对方当事人财物")
    assert "（三）收受对方当事人给付的预付款后逃匿的" in clause.text and "（一）" not in clause.text
    assert clause.text.endswith("……") and "……（三）" in clause.text


def test_a_retrieval_answer_quotes_the_short_list_whole_and_concludes_from_the_matching_item(small_kb, statutes):
    """民法典第一千零二十五条: the conclusion is read off the item asked about (严重失实), the quote
    shows every exception — (一) and (三) too, not "（二）…；……"."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from knowledge.types import Hit

    hit = Hit(doc_id="mfd:1025", kind="statute", score=0.9, law="民法典", article_id="1025",
              text=statutes.text("民法典", "1025"), level="法律")
    question = "新闻报道严重失实，报道人是否承担侵权责任？"
    lines = OfflineComposer(small_kb, ComposerLimits()).retrieval_answer(question, [hit], [], frozenset()).text.split("\n")
    assert lines[0] == ("依照《民法典》第一千零二十五条，一般不承担民事责任；"
                        "但对他人提供的严重失实内容未尽到合理核实义务的，要承担。")
    assert "（一）捏造、歪曲事实；（二）对他人提供的严重失实内容未尽到合理核实义务；（三）使用侮辱性言辞等贬损他人名誉。" in lines[1]


def test_a_card_answer_leads_with_the_top_article_it_cites_but_never_quotes(statutes):
    """The wills card cites 民法典第一千一百四十三条 only under a later step: for 遗嘱什么时候无效 it
    is not quoted in the card's text, so retrieval's top article (the one that settles it) leads."""
    from assistant.answers.cards import packaged_cards
    from assistant.answers.composer import OfflineComposer
    from knowledge.types import Hit

    card = next(c for c in packaged_cards() if c.id == "wills")
    part = ["继承编", "第三章 遗嘱继承和遗赠"]
    void = Hit("d1", "statute", statutes.text("民法典", "1143"), law="民法典", article_id="1143", path=part)
    quoted = Hit("d2", "statute", statutes.text("民法典", "1134"), law="民法典", article_id="1134", path=part)
    composer = OfflineComposer(kb=None)
    key = lambda h: (h.kind, h.law, h.article_id, h.case_title, h.section)
    point = composer.specific_point("遗嘱在什么情况下无效？", [void], card, [quoted, void], {key(quoted)})
    assert point is not None and point[0] is void and "受欺诈、胁迫所立的遗嘱无效" in point[1]
    # quoted in the card's text already: no second quote of it
    assert composer.specific_point("遗嘱在什么情况下无效？", [void], card, [quoted, void], {key(quoted), key(void)}) is None


def test_a_top_article_outside_the_cards_laws_leads_only_by_a_clear_margin():
    """我可以放弃遗产吗 under the inheritance card, the renouncing article filed under another law:
    it leads only when its clause beats the card's conclusions by far_point_margin."""
    from assistant.answers.cards import packaged_cards
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from knowledge.types import Hit

    card = next(c for c in packaged_cards() if c.id == "intestate_inheritance")
    renounce = Hit("d1", "statute", "第一千一百二十四条 继承开始后，继承人放弃继承的，应当在遗产处理前，以书面形式作出放弃继承的表示；"
                   "没有表示的，视为接受继承。", law="民法典", article_id="1124", path=["继承编", "第一章 一般规定"])
    other_law = Hit("d2", "statute", "…", law="农村土地承包法", article_id="32", path=["第二章 家庭承包"])
    question = "我可以放弃遗产吗？"
    assert OfflineComposer(kb=None, limits=ComposerLimits(far_point_margin=1.0)).specific_point(
        question, [renounce], card, [other_law])[0] is renounce
    assert OfflineComposer(kb=None, limits=ComposerLimits(far_point_margin=10.0)).specific_point(
        question, [renounce], card, [other_law]) is None


def test_a_personal_retrieval_answer_puts_the_first_step_on_the_first_screen(small_kb, statutes):
    """Whole quotes are longer: the first phone screen (about 150 characters) holds the first step,
    the quotes come after it and the other steps after them, numbered on (第2点 expands point 2)."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from knowledge.types import Hit

    hit = Hit(doc_id="mfd:829", kind="statute", score=0.9, law="民法典", article_id="829",
              text=statutes.text("民法典", "829"), level="法律", path=["合同编", "第十九章 运输合同"])
    composed = OfflineComposer(small_kb, ComposerLimits()).retrieval_answer(
        "我托运的货还没到，我想让承运人把货退回来，要赔他钱吗？", [hit], [], frozenset())
    lines = composed.text.split("\n")
    assert len(composed.points) > 1
    first_step = next(i for i, line in enumerate(lines) if line.startswith("先做这一步：1. "))
    quote = next(i for i, line in enumerate(lines) if line.startswith("这个问题要看《民法典》第八百二十九条"))
    assert first_step < quote and composed.text.index("先做这一步") < 150
    assert lines[quote + 1] == "接下来：" and lines[quote + 2].startswith("2. ")
