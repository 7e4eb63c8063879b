"""The point a message asks (issue #22): among several matched cards, the card whose issue the
message's first question clause asks about (its `asks` patterns: 算工伤不, 孩子归谁, 能赔多少, 能见孩子吗)
leads, whatever the patterns' coverage, retrieval's votes or the classifier prefer; an always-urgent
card still comes first; a clause no single card owns (咋办, 这样行吗, 是我赔还是公司赔) changes nothing,
and neither does a later question asked around the first. And the `when`
data that missed a second issue a message plainly raises (俺要跟他离婚 after a beating, a hand
绞 in a machine without 社保) or raised one already settled (离婚时法院判了…). Phrasings are the test
writer's own."""
from __future__ import annotations

import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.classifier import CardVerdict
from assistant.answers.matcher import asked_card, asked_clauses, match_cards

CARDS = {c.id: c for c in packaged_cards()}


def ids(question: str, **kwargs) -> list[str]:
    return [m.card.id for m in match_cards(question, **kwargs)]


@pytest.mark.parametrize("question, asked", [
    ("公司没给我交社保 我上班路上被车撞了 算工伤不", "work_injury_recognition"),
    ("下班路上骑电动车被车撞了 单位没交社保 算工伤吗", "work_injury_recognition"),
    ("想离婚，他不同意，孩子归谁", "child_custody"),
    ("男人在外面赌钱不着家 我要跟他打官司离婚 娃跟谁", "child_custody"),
    ("俺跟他没领证过了五年 有个娃 分了以后娃归谁", "child_custody"),
    ("男人在外面有人了 俺要起诉离婚 能让他多赔点不", "marital_fault"),
    ("在饭店干了一年多 老板没跟我签合同 天天加班到半夜 加班费能要不", "overtime_pay"),
    ("借给他五万 说好三分利 欠了三年不还 这利息合法不", "loan_interest"),
])
def test_the_card_the_question_clause_asks_about_leads(question, asked):
    matched = ids(question)
    assert matched[0] == asked and len(matched) >= 2        # the other issues are still answered after it


@pytest.mark.parametrize("question, asked", [
    # dismissal (session 19): the severance asked, not the social insurance or contract told first
    ("公司一直没给我交社保 现在又把我辞退了 经济补偿能要吗", "dismissal_severance"),
    ("没签合同 干了两年 老板叫我走人 能要补偿不", "dismissal_severance"),
    # inheritance: a debt asked beside a will, a will asked beside a debt, the share of the house
    # asked beside a married-out daughter's land, a homestead's inheritance beside the inheritance card
    ("爹生前写了遗嘱把房子给哥哥 爹还欠了信用社贷款 这贷款要俺还吗", "inheritance_debts"),
    ("爹生前写了遗嘱把房子给哥哥 爹还欠了信用社贷款 遗嘱有效吗", "wills"),
    ("俺娘去世了 俺是嫁出去的闺女 村里把俺的承包地收回了 老房子俺有继承权不", "intestate_inheritance"),
    ("哥哥占着爹的宅基地 爹去世了 宅基地能继承吗", "homestead"),
    # land: the land asked in a widow's story, the compensation rate beside the village's share-out,
    # the land taken back beside the village accounts, the path beside the plot's boundary
    ("俺男人没了 村里要收回俺的责任田 婆家也撵俺 地还能种不", "land_contract"),
    ("村里征地 补偿款给了村里 村干部不分给俺 补偿标准太低能告吗", "expropriation"),
    ("俺家的承包地被村里调给别人了 村里账目也不公开 地能要回来吗", "land_contract"),
    ("邻居砌墙占了俺家宅基地 挡了俺家的路 路能让他让开吗", "neighbour"),
])
def test_inheritance_dismissal_and_land_cards_follow_the_asked_point(question, asked):
    matched = ids(question)
    assert matched[0] == asked and len(matched) >= 2


@pytest.mark.parametrize("question, first", [
    ("俺男人没了 村里要收回俺的责任田 婆家也撵俺 还能住不", "widow_home"),
    ("村里征地 补偿款给了村里 村干部不分给俺 能查账吗", "village_affairs"),
    ("俺家的承包地被村里调给别人了 村里账目也不公开 能查账吗", "village_affairs"),
    ("邻居砌墙占了俺家宅基地 挡了俺家的路 宅基地的边界谁来定", "homestead"),
    # 遗产咋分 / 房子有份不 in a widow's story is no one card's: the widow's card (it answers the
    # share too) keeps the lead
    ("婆婆要把俺撵出去 男人去世了 遗产咋分", "widow_home"),
    ("俺男人车祸没了 婆婆要把俺撵出去 房子俺有份不", "widow_home"),
])
def test_the_same_stories_asking_the_other_point_keep_the_other_card_first(question, first):
    assert ids(question)[0] == first


def test_the_asked_card_leads_over_the_classifiers_lead():
    question = "公司没给我交社保 我上班路上被车撞了 算工伤不"
    sure_of_benefits = CardVerdict({"work_injury_benefits": 2.0, "work_injury_recognition": 0.0,
                                    "traffic_accident": -0.5})
    assert sure_of_benefits.leading(ids(question)) == "work_injury_benefits"
    assert ids(question, verdict=sure_of_benefits)[0] == "work_injury_recognition"


def test_the_first_question_decides_not_one_asked_around_it():
    assert ids("房子咋分？离婚协议咋写？")[0] == "divorce_property"
    assert ids("离婚协议咋写？房子咋分？")[0] == "divorce_by_agreement"
    # 是我赔还是公司赔 asks no one card's point: the later 算工伤不 does not lift its card
    question = "上班路上跟人撞了 交警说我全责 对方要我赔两万 是我赔还是公司赔 我也伤了算工伤不"
    assert asked_clauses(question)[0] == "是我赔还是公司赔"
    assert ids(question)[0] != "work_injury_recognition"


def test_asks_name_the_point_not_a_word_of_it():
    """利息 alone is no interest-rate question: overdue interest on a loan without a written rate is
    the loan card's (民法典 676), while 这利息合法不 asks the rate card's point."""
    loan_cards = [CARDS["private_loan"], CARDS["loan_interest"]]
    assert asked_card(loan_cards, ["我能要利息吗"]) is None
    assert asked_card(loan_cards, ["这利息合法不"]) == "loan_interest"


def test_a_later_question_keeps_its_card_within_the_limit_but_never_leads():
    question = "老公喝醉了就打我 我想跟他离了 孩子能归我不 房子有我的份不"
    assert ids(question, limit=4) == ["domestic_violence", "child_custody", "divorce_property", "divorce_litigation"]
    assert ids(question) == ["domestic_violence", "child_custody", "divorce_property"]   # 我想跟他离了 asks nothing
    assert ids("判的抚养费一个月三百太少了 能加不 他不给钱我能不让他看孩子吗") == ["child_support", "visitation"]


def test_an_always_urgent_card_still_leads_before_the_asked_one():
    assert ids("老公天天喝醉了就打我，孩子归谁") == ["domestic_violence", "child_custody"]


def test_a_clause_no_single_card_owns_changes_nothing():
    cards = [CARDS["work_injury_benefits"], CARDS["traffic_accident"]]
    assert asked_card(cards, ["能赔多少"]) is None                          # both own it: a tie
    assert asked_card(cards, ["咋办"]) is None
    assert asked_card(cards, []) is None                                    # the message asks nothing
    assert asked_card(cards, ["工伤能赔多少"]) == "work_injury_benefits"
    question = "要离婚了，孩子归他，房子归我，这样行吗"
    assert asked_clauses(question) == ["这样行吗"]
    assert asked_card([CARDS[i] for i in ids(question)], asked_clauses(question)) is None


def test_the_asked_clauses_are_those_that_ask():
    assert asked_clauses("俺上班路上被车撞了 单位没交社保 算工伤不") == ["算工伤不"]
    assert asked_clauses("房子咋分？孩子还小，归谁？") == ["房子咋分", "归谁"]
    assert asked_clauses("他打工好几年不回家，我想离了。") == []            # 好几年 asks nothing
    assert asked_clauses("是我赔还是平台赔") == ["是我赔还是平台赔"]
    assert asked_clauses("他还是不给钱") == []
    assert asked_clauses("五分利法院认不认，这利息合法不") == ["五分利法院认不认", "这利息合法不"]
    # 谁/啥 meaning anyone, anything ask nothing
    assert asked_clauses("仨闺女现在谁都不管 俺一个人住") == []
    assert asked_clauses("干了一年没让签啥合同 说不要俺就不要了 能要钱不") == ["能要钱不"]


def test_every_asks_pattern_names_its_own_cards_issue():
    """A card's `asks` are matched only among the cards a message already matched: each card with
    them is one of a family that often matches together, and its asks win its own asked point there."""
    own = {"work_injury_recognition": "算不算工伤", "work_injury_benefits": "工伤待遇有哪些",
           "traffic_accident": "交警的事故认定咋看", "divorce_litigation": "他不同意能离吗",
           "divorce_by_agreement": "离婚协议咋写", "divorce_property": "房子咋分",
           "child_custody": "孩子归谁", "child_support": "抚养费给多少", "visitation": "能见孩子吗",
           "marital_fault": "能让他赔钱吗", "overtime_pay": "加班费给不给", "no_written_contract": "能要双倍工资吗",
           "social_insurance": "社保能补交吗", "loan_interest": "三分利合法不", "loan_limitation": "过了这么多年还能要吗",
           "juvenile_offence": "会坐牢吗",
           "dismissal_severance": "经济补偿咋算", "unlawful_dismissal": "这样开除我合法吗", "resignation": "老板不批能走吗",
           "intestate_inheritance": "闺女能分遗产吗", "wills": "这遗嘱作数不", "inheritance_debts": "这债要我还吗",
           "widow_home": "婆家能把我撵出去吗", "land_contract": "承包地能收回吗", "expropriation": "补偿标准太低咋办",
           "village_affairs": "能查账吗", "homestead": "宅基地的边界谁来定", "neighbour": "挡了路能让他让开吗",
           "adoption": "抱养的没办手续算不算数"}
    assert {c.id for c in packaged_cards() if c.asks} == set(own)
    for card_id, clause in own.items():
        assert asked_card([CARDS[i] for i in own], [clause]) == card_id, clause


# --- `when` data: a second issue the message plainly raises, and one already settled ---
@pytest.mark.parametrize("question, cards", [
    ("俺男人一喝酒就拿皮带抽俺 俺要跟他离婚", ["domestic_violence", "divorce_litigation"]),
    ("他喝多了就打我 我想跟他离了", ["domestic_violence", "divorce_litigation"]),
    ("在厂里干活手被机器绞了 老板没给买社保 能赔多少", ["work_injury_benefits", "work_injury_recognition"]),
    ("离婚时法院判了孩子归她 现在她不让我见孩子", ["visitation", "child_custody"]),
])
def test_the_issues_a_message_raises_are_matched(question, cards):
    assert ids(question) == cards


def test_a_divorce_still_to_come_keeps_the_divorce_card():
    assert "divorce_litigation" in ids("想离婚 离婚时孩子归谁")
    assert "divorce_litigation" in ids("他不同意离婚 离婚时房子判给谁")
