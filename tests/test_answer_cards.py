"""Answer cards (assistant/answers): the data files follow the format, every article a card names
exists in the statute corpus and says what the card quotes, and the matcher and the renderer
behave as a villager needs (the right card, issue by issue, nothing said without its article)."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answers.card_check import StatuteIndex, problems
from assistant.answers.cards import CardError, Pattern, load_cards, load_file, packaged_cards
from assistant.answers.matcher import match_cards


@pytest.fixture(scope="module")
def statute_index(laws_dir: Path) -> StatuteIndex:
    return StatuteIndex(laws_dir)


def test_the_packaged_cards_load_with_unique_ids_and_cover_the_common_disputes():
    cards = packaged_cards()
    assert len({c.id for c in cards}) == len(cards) >= 60
    assert {"unpaid_wages", "construction_wages", "divorce_by_agreement", "intestate_inheritance", "animal_harm",
            "homestead", "domestic_violence", "private_loan"} <= {c.id for c in cards}
    assert all(c.conclusions[0].cited for c in cards)


@pytest.mark.corpus
def test_every_card_article_exists_and_every_quote_is_verbatim(statute_index):
    assert problems(packaged_cards(), statute_index) == []


@pytest.mark.corpus
def test_the_check_catches_a_wrong_article_and_a_quote_the_article_does_not_say(tmp_path, statute_index):
    (tmp_path / "bad.toml").write_text('''
[[card]]
id = "bad"
title = "错误示例"
when = ["工资 + 欠"]
[[card.conclusions]]
text = "编造的结论。"
law = "劳动合同法"
article = "30"
quote = "用人单位可以随意拖欠劳动报酬"
[[card.steps]]
text = "不存在的条文。"
law = "劳动合同法"
article = "999"
quote = "任何内容"
''', encoding="utf-8")
    found = problems(load_file(tmp_path / "bad.toml"), statute_index)
    assert len(found) == 2
    assert "quote not in the article" in found[0] and "not in the corpus" in found[1]


def test_a_card_file_out_of_format_is_refused_with_its_name(tmp_path):
    (tmp_path / "x.toml").write_text('[[card]]\nid = "x"\nwhen = ["a"]\n[[card.conclusions]]\ntext = "t"\nlaw = "民法典"\n',
                                     encoding="utf-8")
    with pytest.raises(CardError, match="x.toml.*law, article and quote go together"):
        load_cards(tmp_path)


def test_a_key_toml_puts_into_the_last_step_is_refused(tmp_path):
    """`evidence = [...]` written after a [[card.steps]] table belongs to that step in TOML."""
    (tmp_path / "y.toml").write_text('[[card]]\nid = "y"\nwhen = ["a"]\n[[card.conclusions]]\ntext = "t"\n'
                                     'law = "民法典"\narticle = "1"\nquote = "q"\n[[card.steps]]\ntext = "s"\n'
                                     'evidence = ["借条"]\n', encoding="utf-8")
    with pytest.raises(CardError, match="unknown key.*evidence"):
        load_cards(tmp_path)


def test_every_card_puts_its_conclusion_and_first_step_on_the_first_phone_screen():
    """About 150 characters: what an elderly asker sees before scrolling."""
    for card in packaged_cards():
        first = f"【结论】{card.conclusions[0].text}【先做这一步】{card.steps[0].text if card.steps else ''}"
        assert len(first) <= 150, card.id


def test_every_packaged_card_keeps_its_evidence_list():
    assert all(card.evidence for card in packaged_cards())


def test_a_pattern_needs_every_word_group():
    pattern = Pattern.parse("工资|工钱 + 欠|不发")
    assert pattern.match("老板欠我工钱") == 3 and pattern.match("老板欠我钱") == 0


@pytest.mark.parametrize("question, card", [
    ("老板拖欠我三个月工资不发怎么办", "unpaid_wages"),
    ("在工地跟着包工头干了半年，工钱一直不结", "construction_wages"),
    ("被邻居家的狗咬了，要打疫苗，谁出钱", "animal_harm"),
    ("我爸走了没留遗嘱，房子怎么分", "intestate_inheritance"),
    ("借给亲戚5万块钱，有借条，他一直不还", "private_loan"),
    ("邻居占了我家的宅基地盖房子", "homestead"),
])
def test_everyday_questions_get_their_card_first(question, card):
    assert match_cards(question)[0].card.id == card


# the way villagers say it, beyond the first words the cards were written with (and the near-misses
# those wider words must leave alone)
@pytest.mark.parametrize("question, card", [
    ("老板说干完活年底一块结，到现在还没给", "unpaid_wages"),                        # 年底结 = wages
    ("两个月没发工资了 想辞职 要提前多久说", "unpaid_wages"),                        # over resignation
    ("包工头老是少给工钱，还只发现金", "construction_wages"),
    ("包工头跑了，工钱没结，有个工友还摔伤了", "construction_wages"),              # an injury beside it
    ("签了三年合同 试用期还没过就让我走 我没签解除协议", "probation"),              # 没签 is not 没签合同
    ("六十多岁在食堂打杂 切菜切伤了手 老板不管", "older_worker"),
    ("叫了几个人来家里帮忙修院墙 有一个从梯子上摔下来了", "labour_service_injury"),
    ("离职的时候公司扣着离职证明，说要先交培训费", "resignation"),                  # not non_compete
    ("租的房子没到期房东要收回 还要扣押金 能要违约金吗", "rent_deposit"),           # not non_compete
    ("交警说俺是次要责任 保险公司只赔交强险", "traffic_accident"),                   # over insurance_claim
    ("大风把电线杆上的牌子刮下来砸了我的车", "falling_objects"),                     # not a car scraped
    ("他抄起镰刀就往我胳膊上砍", "assault_injury"),
    ("两家吵起来 对方动手把我爸推倒了", "assault_injury"),
    ("借款合同写的二十万 实际到账只有十八万", "loan_interest"),                     # 砍头息
    ("欠条上写的还款日期过期三个月了 他还不还", "private_loan"),                    # overdue, not time-barred
    ("朋友借钱时我签了担保 过了五年了 债主找我要 还有效吗", "guarantee"),           # 保证期间, over 时效
    ("邻居老太太满村说我儿媳妇作风不好", "defamation"),
])
def test_wider_villager_phrasings_get_their_card_first(question, card):
    assert match_cards(question)[0].card.id == card


# a tree is no building (民法典1257, not 1254) and a tree on a parked car is no traffic accident
@pytest.mark.parametrize("question", [
    "村口的大树被风刮倒砸到俺家车上了 谁赔",
    "路边的老树枝断了掉下来砸了我的头",
    "邻居家院里的枣树倒了压坏了俺家的房顶",
])
def test_a_falling_tree_gets_the_tree_card_alone(question):
    assert [m.card.id for m in match_cards(question)] == ["falling_trees"]


@pytest.mark.parametrize("question", ["儿子骑摩托把人撞了 人家要二十万 会不会坐牢", "开车把人撞死了 会判几年"])
def test_whether_a_crash_is_a_crime_gets_the_traffic_crime_card_not_a_detention(question):
    ids = [m.card.id for m in match_cards(question)]
    assert ids[0] == "traffic_crime" and "criminal_detention" not in ids


def test_a_driver_already_detained_keeps_the_detention_card():
    assert match_cards("俺男人开车撞了人 被交警带走了 关在看守所")[0].card.id == "criminal_detention"


@pytest.mark.parametrize("question", ["隔壁把墙砌到俺家地里了 村里调解也不听", "他家把院墙往俺这边挪了一米"])
def test_a_neighbours_wall_on_the_askers_land_is_a_homestead_boundary_dispute(question):
    assert match_cards(question)[0].card.id == "homestead"


def test_the_conclusion_for_the_told_situation_leads():
    from assistant.answers.cards import packaged_cards
    from assistant.answers.compounds import mark_compounds
    from assistant.answers.matcher import normalise_question

    card = next(c for c in packaged_cards() if c.id == "falling_objects")
    first = lambda q: card.conclusions_for(mark_compounds(normalise_question(q)))[0].article
    assert first("被楼栋墙砖砸伤，可以要求赔偿吗？") == "1253"          # a building's own part: 1253
    assert first("楼上不知道谁扔了个酒瓶子砸到俺头了") == "1254"        # thrown, no one owns up: 1254


def test_leads_when_is_for_conclusions_only(tmp_path):
    from assistant.answers.cards import CardError, load_file

    (tmp_path / "x.toml").write_text(
        '[[card]]\nid = "x"\nwhen = ["甲"]\n[[card.conclusions]]\ntext = "t"\nlaw = "民法典"\narticle = "1"\n'
        'quote = "q"\n[[card.steps]]\ntext = "s"\nleads_when = ["乙"]\n', encoding="utf-8")
    with pytest.raises(CardError):
        load_file(tmp_path / "x.toml")


def test_a_price_agreed_between_neighbours_is_no_wage():
    assert "unpaid_wages" not in [m.card.id for m in match_cards("和邻居约定了他可以来我这引水用，找他要报酬都不给")]
    assert match_cards("在饭店干活三个月 老板一直拖着报酬不给")[0].card.id == "unpaid_wages"


def test_falling_from_a_tree_is_not_a_falling_tree():
    assert "falling_trees" not in [m.card.id for m in match_cards("爬树摘果子摔下来了 腿断了")]


def test_an_injury_without_a_word_of_pay_is_no_wage_question():
    ids = [m.card.id for m in match_cards("工地上干活摔断了腿 包工头跑了")]
    assert ids[0] == "work_injury_recognition" and "construction_wages" not in ids


def test_no_written_contract_stays_beside_an_injury_the_asker_does_not_claim_for():
    assert "no_written_contract" in [m.card.id for m in match_cards("一直没签合同 我在车间受伤了 老板说我不是他的人")]


def test_a_message_with_several_issues_gets_a_card_for_each():
    ids = [m.card.id for m in match_cards("我想离婚，他经常打我，孩子想跟我，房子是婚后买的")]
    assert len(ids) >= 2 and "domestic_violence" in ids


def test_a_question_no_card_covers_gets_none():
    assert match_cards("公司股权转让要交哪些税") == []


def test_a_card_answer_quotes_the_deciding_clause_from_the_knowledge_base(small_kb):
    """The unpaid-wages card: conclusion first, then 劳动合同法第三十条 quoted with the knowledge
    base's own words, then the steps; every citation is the knowledge base's hit."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    question = "老板拖欠我三个月工资不发怎么办"
    composed = OfflineComposer(small_kb, ComposerLimits()).answer(question, small_kb.search(question, k=10))
    assert composed.cards and composed.cards[0] == "unpaid_wages"
    first_lines = composed.text.split("\n")
    assert first_lines[0].startswith("【结论】") and first_lines[1].startswith("【先做这一步】")
    assert len(first_lines[0]) + len(first_lines[1]) <= 150        # the first phone screen
    assert "《劳动合同法》第三十条规定：“用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。”" in composed.text
    kb_text = {(h.law, h.article_id): h.text for h in composed.citations}
    assert kb_text[("劳动合同法", "30")] == small_kb.get_article("劳动合同法", "30").text


def test_a_claim_whose_article_is_missing_is_left_out(small_kb):
    """A knowledge base without the card's article: the claim is not said (no law without its text)."""
    from assistant.answers.cards import Card, Claim, Pattern
    from assistant.answers.render import CardRenderer

    card = Card(id="t", title="测试", domain="", when=(Pattern.parse("工资"),),
                conclusions=(Claim("存在的结论。", "劳动合同法", "30", "向劳动者及时足额支付劳动报酬"),
                             Claim("不存在的结论。", "劳动合同法", "999", "任何内容")),
                steps=(Claim("编造的期限。", "劳动合同法", "30", "三十天内必须支付"),))
    rendered = CardRenderer(small_kb).render([card])
    assert "存在的结论" in rendered.text
    assert "不存在的结论" not in rendered.text and "编造的期限" not in rendered.text
    assert [(h.law, h.article_id) for h in rendered.citations] == [("劳动合同法", "30")]


def test_the_clause_that_answers_is_the_focus_and_a_short_article_is_quoted_whole():
    """保险法第四十二条: the question is whether the money is an estate; the deciding words are in
    the 款 that lists when it becomes one, with the item that matches (没有指定受益人) — the focus
    (what a conclusion is read off). The article is short: it is quoted whole, nothing cut."""
    from assistant.answers.clauses import article_units, best_clause

    article = ("第四十二条 被保险人死亡后，有下列情形之一的，保险金作为被保险人的遗产，由保险人依照《中华人民共和国继承法》"
               "的规定履行给付保险金的义务：\n（一）没有指定受益人，或者受益人指定不明无法确定的；\n"
               "（二）受益人先于被保险人死亡，没有其他受益人的；\n（三）受益人依法丧失受益权或者放弃受益权，没有其他受益人的。\n"
               "受益人与被保险人在同一事件中死亡，且不能确定死亡先后顺序的，推定受益人死亡在先。")
    clause = best_clause("被保险人死亡，没有指定受益人，保险金是否属于遗产？", article)
    assert clause.point.startswith("被保险人死亡后，有下列情形之一的，保险金作为被保险人的遗产")
    assert "（一）没有指定受益人" in clause.point and clause.point.endswith("……") and "（二）" not in clause.point
    assert clause.text == "".join(lead + "".join(items) for lead, items in article_units(article))
    later = best_clause("受益人和被保险人在同一事件中死亡，先后顺序怎么定", article)
    assert later.point.startswith("受益人与被保险人在同一事件中死亡") and later.position == 1


def test_a_long_clause_is_cut_to_its_best_sentences_and_marked():
    from assistant.answers.clauses import QUOTE_LIMIT, best_clause

    filler = "，".join(["有关部门应当依法加强监督管理"] * 12) + "。"
    article = f"第一条 {filler}借款合同对支付利息没有约定的，视为没有利息。{filler}"
    clause = best_clause("借条上没写利息，能要利息吗", article)
    assert "视为没有利息" in clause.text and len(clause.text) <= QUOTE_LIMIT + 4 and "……" in clause.text


def test_a_question_about_the_law_in_the_abstract_takes_a_card_only_when_retrieval_agrees():
    from assistant.answers.matcher import CardMatch, fits_the_asker

    card = match_cards("被邻居家的狗咬了，要打疫苗，谁出钱")[0].card
    deciding = (card.conclusions[0].law, card.conclusions[0].article)
    assert fits_the_asker("被邻居家的狗咬了，谁出钱", [CardMatch(card, 3, 0)])           # a person's own dispute
    assert fits_the_asker("狗咬了人打疫苗的钱谁出", [CardMatch(card, 3, 0)])             # everyday speech, no 我
    assert not fits_the_asker("饲养的动物致人损害，由谁承担责任？", [CardMatch(card, 3, 0)])  # the law's register
    assert not fits_the_asker("宠物被人打伤，能否要求精神损害赔偿？", [CardMatch(card, 3, 0)], [("民法典", "1183")])
    assert fits_the_asker("饲养的动物致人损害，谁承担责任？", [CardMatch(card, 3, 1)], [deciding])  # retrieval's top
    assert not fits_the_asker("饲养的动物致人损害，谁承担责任？", [CardMatch(card, 3, 1)],
                              [("民法典", "1"), ("民法典", "2"), ("民法典", "3"), deciding], depth=3)  # below the top 3


def test_a_card_the_knowledge_base_cannot_back_is_left_out_not_announced(small_kb):
    """A deployment without the card's deciding law: no "没有可以引用的规定" line — the card is
    skipped and the composer answers from the retrieved articles."""
    from assistant.answers.cards import Card, Claim, Pattern
    from assistant.answers.render import CardRenderer

    missing = Card(id="m", title="缺", domain="", when=(Pattern.parse("工资"),),
                   conclusions=(Claim("不存在的结论。", "某某不存在条例", "1", "任何内容"),))
    rendered = CardRenderer(small_kb).render([missing])
    assert rendered.text == "" and rendered.citations == []


LABOUR_39 = ("第三十九条 劳动者有下列情形之一的，用人单位可以解除劳动合同：\n（一）在试用期间被证明不符合录用条件的；\n"
             "（二）严重违反用人单位的规章制度的；\n（三）严重失职，营私舞弊，给用人单位造成重大损害的；\n"
             "（四）劳动者同时与其他用人单位建立劳动关系，对完成本单位的工作任务造成严重影响，或者经用人单位提出，拒不改正的；\n"
             "（五）因本法第二十六条第一款第一项规定的情形致使劳动合同无效的；\n（六）被依法追究刑事责任的。")


def test_a_question_asking_for_the_cases_gets_the_whole_list_and_a_pointed_one_its_item():
    """有哪些情形 is answered by the list itself; 严重违反规章制度能不能开除 by its 项 (the focus;
    the list is short, so the quote is the whole list, the matching 项 in it)."""
    from assistant.answers.clauses import LIST_LIMIT, best_clause

    listed = best_clause("用人单位在哪些情形下可以解除劳动合同？", LABOUR_39)
    assert all(f"（{n}）" in listed.text for n in "一二三四五六") and not listed.text.endswith("……")
    pointed = best_clause("员工严重违反规章制度，单位能解除劳动合同吗", LABOUR_39)
    assert "（二）严重违反用人单位的规章制度的" in pointed.point and "（六）" not in pointed.point
    assert pointed.text == listed.text
    long_list = best_clause("有哪些情形", "第一条 有下列情形之一的：\n" + "\n".join(f"（{n}）{'某某事项' * 12}；" for n in "一二三四五六七八"))
    assert len(long_list.text) <= LIST_LIMIT + 2 and long_list.text.endswith("……")


def test_a_pointed_question_under_a_card_leads_with_the_article_that_settles_it():
    """我可以放弃遗产吗 matches the inheritance card, whose conclusions are about who inherits; the
    article on renouncing (retrieval's top) answers it and comes first — but not for a long story,
    nor from another part of the law."""
    from assistant.answers.composer import OfflineComposer
    from knowledge.types import Hit

    card = next(c for c in packaged_cards() if c.id == "intestate_inheritance")
    part = ["继承编", "第一章 一般规定"]
    renounce = Hit("d1", "statute", "第一千一百二十四条 继承开始后，继承人放弃继承的，应当在遗产处理前，以书面形式作出放弃继承的表示；"
                   "没有表示的，视为接受继承。", law="民法典", article_id="1124", path=part)
    card_hit = Hit("d2", "statute", "…", law="民法典", article_id="1123", path=part)
    composer = OfflineComposer(kb=None)
    assert composer.specific_point("我可以放弃遗产吗？", [renounce], card, [card_hit])[0] is renounce
    story = "我爹去年走了，留下三间房和几亩地，我们兄妹四个，我在外地打工，我可以放弃遗产吗？"
    assert composer.specific_point(story, [renounce], card, [card_hit]) is None
    elsewhere = Hit("d2", "statute", "…", law="民法典", article_id="1127", path=["继承编", "第二章 法定继承"])
    assert composer.specific_point("我可以放弃遗产吗？", [renounce], card, [elsewhere]) is None
    assert composer.specific_point("我可以放弃遗产吗？", [card_hit], card, [card_hit]) is None   # already cited


@pytest.mark.parametrize("message", ["楼上掉下来个花盆 把俺砸破了头 缝了八针", "俺爹在卫生院打完针就不行了 没救过来",
                                     "邻居家的狗把娃脸上咬了好几个口子"])
def test_an_injury_card_is_urgent_on_a_serious_injury_or_a_death(message):
    from assistant.answers.matcher import normalise_question

    card = match_cards(message)[0].card
    assert card.urgent == "if_serious" and card.urgent_for(normalise_question(message))
    assert not card.urgent_for(normalise_question("邻居家的狗咬了我裤腿 没破皮"))


@pytest.mark.parametrize("question", ["抵押权依法设立之后，抵押财产被征收，抵押权人还可以优先受偿吗？",
                                      "未成年人聚众相约打架，会被抓吗？", "仓单多重担保时，怎么确定清偿顺序？"])
def test_a_question_in_the_laws_register_needs_retrievals_agreement_for_a_card(question):
    from assistant.answers.matcher import CardMatch, fits_the_asker

    card = next(c for c in packaged_cards() if c.id == "assault_injury")
    assert not fits_the_asker(question, [CardMatch(card, 2, 0)])


def test_steps_are_numbered_as_the_points_a_follow_up_expands(small_kb):
    """One card: 先做这一步 is "1." when more steps follow and 接下来 goes on at "2."; a lone step
    has no number. Several cards: one numbering through the answer, each number the point that
    "第N点再说详细点" expands."""
    import re

    from assistant.answers.cards import Card, Claim, Pattern
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from assistant.answers.render import CardRenderer

    def card(card_id: str, *steps: str) -> Card:
        return Card(id=card_id, title=card_id, domain="", when=(Pattern.parse("工资"),),
                    conclusions=(Claim("结论。", "劳动合同法", "30", "向劳动者及时足额支付劳动报酬"),),
                    steps=tuple(Claim(s, "", "", "") for s in steps))

    two = CardRenderer(small_kb).render([card("a", "找老板要。", "去劳动监察。")])
    assert "【先做这一步】1. 找老板要。" in two.text and "【接下来】\n2. 去劳动监察。" in two.text
    lone = CardRenderer(small_kb).render([card("b", "找老板要。")])
    assert "【先做这一步】找老板要。" in lone.text and "【接下来】" not in lone.text

    both = CardRenderer(small_kb).render([card("a", "甲一。", "甲二。", "甲三。"), card("b", "乙一。")])
    shown = re.findall(r"(\d+)\. (\S+?。)", both.text)
    assert shown == [("1", "甲一。"), ("2", "甲二。"), ("3", "乙一。")]
    composer = OfflineComposer(small_kb, ComposerLimits())
    assert [composer.expand(both.points, n).split("\n")[0] for n in (1, 2, 3)] == ["第1点：甲一。", "第2点：甲二。", "第3点：乙一。"]
