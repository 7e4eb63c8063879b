"""A second card riding along for an issue the asker did not raise (issue #22): a later card whose
words all lie inside the words that matched the cards before it is dropped (工伤 inside the
benefits card's 工伤+待遇, 借条 inside the interest card's 借条+实际到手), and card words that also tell
another story (打架 of someone taken by the police, 嫁出去 of a daughter, 自动离职 said by the employer,
车 in 车间, 离婚 in 还没离婚) no longer raise their card alone. A message with two real issues keeps both."""
from __future__ import annotations

import pytest

from assistant.answers.cards import Pattern
from assistant.answers.compounds import mark_compounds
from assistant.answers.matcher import match_cards, normalise_question


def ids(question: str) -> list[str]:
    return [m.card.id for m in match_cards(question)]


# (a question, the card it raises, a card for an issue it did not raise)
@pytest.mark.parametrize("question, main, stray", [
    # the stray's only words are inside the main card's words
    ("要离婚了 他把家里的钱都取走了 咋分", "divorce_property", "divorce_litigation"),
    ("借条上写借五万 实际到手四万五 说先扣了利息", "loan_interest", "private_loan"),
    # a word that also tells another story
    ("孩子他爸因为跟人打架被行政拘留了 我们觉得罚重了", "administrative_penalty", "assault_injury"),
    ("厂里每个月工资都压一个月 现在走了最后两个月的工资也不给", "unpaid_wages", "work_injury_recognition"),
    # the child's father hitting the child is the family's matter, not a stranger's assault
    ("离婚后娃他爹来探望 喝醉了把娃打伤了 我能不让他探望不", "visitation", "assault_injury"),
    # riding into a heap left on the road: the heap's keeper, not a traffic accident
    ("邻居在村道上堆了一堆沙子 晚上我骑电动车撞上去摔了 邻居管不管", "stacked_goods", "traffic_accident"),
])
def test_a_card_for_an_issue_not_raised_no_longer_rides_along(question, main, stray):
    got = ids(question)
    assert got[:1] == [main]
    assert stray not in got


@pytest.mark.parametrize("question, stray", [
    ("在车间里跟班长顶撞了几句 主任就叫我明天不用来了", "traffic_accident"),      # 车 in 车间, 撞 in 顶撞
    ("在车间里跟班长顶撞了几句 主任就叫我明天不用来了", "work_injury_recognition"),
    ("俺闺女嫁出去了 还用给俺养老不", "village_affairs"),                        # no village payout asked
    ("厂里说我旷工三天算自动离职 要开除我", "resignation"),                      # the employer's word, not quitting
    ("俺俩还没离婚前些天他把娃抱走了 不让我见", "divorce_property"),              # 婚前 across 没离婚+前
    ("俺爹每个月领养老金 我哥把他的存折拿走了", "adoption"),                     # 领养 across 领+养老金
])
def test_a_word_telling_another_story_raises_no_card(question, stray):
    assert stray not in ids(question)


# a message with two real issues: each card found its issue in words of its own
@pytest.mark.parametrize("question, cards", [
    ("上班路上骑摩托被货车撞了 算工伤不 对方司机也跑了", {"work_injury_recognition", "traffic_accident"}),
    ("我想辞职老板不批 还扣着上个月工资不发", {"resignation", "unpaid_wages"}),
    ("要离婚他不同意 房子和存款怎么分", {"divorce_litigation", "divorce_property"}),
    ("儿子被人打伤住院了 打人的被派出所拘留了 医药费谁出", {"assault_injury"}),   # 打伤 is its own word
    ("跟邻居打架我也还手了 他现在住院了要我全赔", {"assault_injury"}),            # 打架 with an injury
    ("宅基地是爹妈留下的 我是城里户口能继承不", {"homestead", "intestate_inheritance"}),
    # the death at work told whole inside the compensation card's words: is it a work injury stays
    ("俺哥在工地出事死了 工地老板说给二十万私了 能要多少", {"work_injury_benefits", "work_injury_recognition"}),
])
def test_a_message_with_two_issues_keeps_a_card_for_each(question, cards):
    assert cards <= set(ids(question))


def test_a_patterns_positions_are_where_its_words_occur_and_none_when_it_does_not_match():
    text = mark_compounds(normalise_question("工伤鉴定九级 工伤待遇给多少"))
    both = Pattern.parse("工伤 + 待遇|多少")
    assert both.positions(text) == {0, 1, 6, 7, 8, 9, 11, 12}   # 工伤 twice, 待遇, 多少 (spaces removed)
    assert Pattern.parse("工伤 + 车祸").positions(text) == frozenset()


def test_through_the_composer_the_answer_has_no_section_for_the_issue_not_raised(small_kb):
    """As chat answers, over a small knowledge base holding the labour cards' articles: the
    benefits question gets one section (no 是不是工伤 card), the two-issue message two."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    composer = OfflineComposer(small_kb, ComposerLimits())
    one = "工伤鉴定九级了 在家养伤厂里就停了工资"
    answer = composer.answer(one, small_kb.search(one, k=10))
    assert answer.cards == ["work_injury_benefits"]
    assert "件事，分开说" not in answer.text
    two = "我想辞职老板不批 还扣着上个月工资不发"
    answer = composer.answer(two, small_kb.search(two, k=10))
    assert set(answer.cards) == {"resignation", "unpaid_wages"}
    assert "您说的有 2 件事，分开说" in answer.text


# a later card must tell its issue in one clause: words picked from separate sentences of the
# story (background told before the question) raise no second section
@pytest.mark.parametrize("question, main, stray", [
    ("去年进城买了房 现在村里说户口迁走了承包地要收回", "land_contract", "rural_house_sale"),   # 村里 … 买了房
    ("俺俩离婚都想要娃 法院会咋判", "child_custody", "divorce_litigation"),                  # 离婚 … 法院
    ("厂里一直没给我交社保 老板说要是受伤了也不管", "social_insurance", "work_injury_recognition"),
    ("邻居家小子才十岁 他后爸天天关起门来打 俺隔着墙都听见了 俺能管不", "minors_protection", "assault_injury"),  # 打 | 俺
])
def test_a_second_card_whose_words_lie_in_separate_sentences_is_not_given(question, main, stray):
    got = ids(question)
    assert got[:1] == [main]
    assert stray not in got


def test_a_second_card_spanning_sentences_stays_when_retrieval_found_its_articles():
    """Two signals: the same words across two sentences, with three of the card's articles among
    the search hits, are a real second question (the asker does ask how the court decides)."""
    from assistant.answers.cards import packaged_cards

    question = "俺俩离婚都想要娃 法院会咋判"
    litigation = next(c for c in packaged_cards() if c.id == "divorce_litigation")
    hits = list(dict.fromkeys((c.law, c.article) for c in litigation.claims()))[:3]
    assert len(hits) == 3
    got = [m.card.id for m in match_cards(question, hits)]
    assert {"child_custody", "divorce_litigation"} <= set(got)


def test_clauses_end_at_spaces_and_punctuation_but_not_inside_a_list():
    from assistant.answers.matcher import clause_form, clause_window

    assert clause_form("要离婚他不同意，房子、存款咋分 俺不懂") == "要离婚他不同意，房子、存款咋分，我不懂"
    assert clause_window(0) == 1 and clause_window(2) == 2 and clause_window(3) > 100


def test_an_urgent_card_is_never_cut_by_the_clause_rule():
    """Two cards of the matcher's own kind (real Card objects): the second one's words lie in two
    sentences; it is cut unless it is always urgent (a person's safety is never cut)."""
    from dataclasses import replace

    from assistant.answers.cards import Card, Claim, Pattern

    rule = Claim("示例", "民法典", "1", "示例")
    wages = Card("wages_example", "欠薪", "劳动", (Pattern.parse("工资 + 一直不给"),), (rule,))
    child = Card("child_example", "孩子没人管", "未成年人", (Pattern.parse("孩子 + 没人管"),), (rule,))
    question = "老板工资一直不给 孩子放在老家 一个人没人管"
    assert [m.card.id for m in match_cards(question, cards=[wages, child])] == ["wages_example"]
    urgent = replace(child, urgent="always")
    assert [m.card.id for m in match_cards(question, cards=[wages, urgent])] == ["child_example", "wages_example"]


def test_a_note_is_a_loan_note_only_when_borrowing_or_owing_is_told():
    # 条子 is any handwritten note: a sale's receipt is no loan
    assert "private_loan" not in ids("买了邻居的旧三轮 给了两千 有个手写的条子 现在他说要收回去")
    assert "private_loan" in ids("朋友借了我五千 打了条子 现在一直拖着")


def test_where_to_complain_about_unpaid_social_insurance_is_the_insurance_cards_answer():
    # its card's steps say where to go (社保征收机构, 劳动监察): no second section on suing in court
    assert ids("公司一直没给交五险 我该去哪里告") == ["social_insurance"]
    assert "lawsuit_basics" in ids("保险公司不赔 去哪告")      # a contract claim does go to court


def test_through_the_composer_a_story_sentence_raises_no_second_section(small_kb):
    """As chat answers (retrieval's votes included): 厂里 in the first sentence and 受伤 in a later
    one say no work injury happened; the answer has one section."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    composer = OfflineComposer(small_kb, ComposerLimits())
    question = "厂里一直没给我交社保 我都干了五年了 老板说要是受伤了也不管"
    answer = composer.answer(question, small_kb.search(question, k=10))
    assert answer.cards == ["social_insurance"]
    assert "件事，分开说" not in answer.text
