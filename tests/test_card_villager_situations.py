"""Situations found trying the H5 page as villagers ask (session 18): the conclusion that leads
and the first step follow what the message tells.
- 包工头跑了: the unit that subcontracted to a person without employer status bears the work
  injury (工伤保险行政案件规定 3(四)), on both work-injury cards;
- an injured worker not yet recognised is first told to get the injury recognised, not to have
  the disability assessed;
- an old person starved and scolded hears that it is abuse (老年人权益保障法 76) before the housing rule;
- a daughter asking about her share hears 继承权男女平等 among the first conclusions."""
from __future__ import annotations

import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.render import told_form


def card(card_id: str):
    return next(c for c in packaged_cards() if c.id == card_id)


def told_article(card_id: str, message: str) -> tuple[str, str] | None:
    settled = card(card_id).settled(told_form(message))
    first = next((t.conclusion for _, t in sorted(settled.items())), None)
    return (first.law, first.article) if first is not None else None


SUBCONTRACT = ("最高人民法院关于审理工伤保险行政案件若干问题的规定", "3")


@pytest.mark.parametrize("message, stated", [
    ("在工地上从架子上摔下来腿断了 包工头跑了 也没签合同 医药费谁出", True),
    ("在工地干活砸伤了脚，包工头联系不上了", True),
    ("在工地干活砸伤了脚，包工头给垫了医药费", False),
])
def test_a_vanished_gang_boss_points_to_the_unit_that_subcontracted(message, stated):
    recognition = card("work_injury_recognition").conclusions_for(told_form(message))[0]
    benefits = told_article("work_injury_benefits", message)
    assert ((recognition.law, recognition.article) == SUBCONTRACT) is stated
    assert (benefits == SUBCONTRACT) is stated


def benefit_steps(message: str) -> list[str]:
    return [s.text for s in card("work_injury_benefits").steps_for(told_form(message))]


def test_a_worker_not_yet_recognised_is_first_told_to_get_recognised():
    first = benefit_steps("在工地上摔断了腿，医药费谁出")[0]
    assert first.startswith("还没认定工伤的")


@pytest.mark.parametrize("message", ["在厂里把手指头弄断了，定了九级，能拿多少钱", "已经认定工伤了，单位不给赔"])
def test_a_recognised_injury_goes_on_to_the_assessment(message):
    shown = benefit_steps(message)
    assert shown[0].startswith("拿到工伤认定决定书")
    assert not any(s.startswith("还没认定工伤的") for s in shown)


@pytest.mark.parametrize("message, article", [
    ("儿媳妇天天骂俺 还不给饭吃 儿子也不管 俺都七十多了", "76"),
    ("儿子把我关在小屋里，饭都不送", "76"),
    ("儿子儿媳把我从家里轰出来了，没地方住", "16"),           # thrown out, no word of abuse: the housing rule
    ("我妈七十多了，身体不好，儿女都不来看", None),
])
def test_an_old_person_starved_or_scolded_hears_first_that_it_is_abuse(message, article):
    found = told_article("elderly_expelled", message)
    assert (found and found[1]) == article


def test_a_daughter_asking_for_her_share_hears_of_equal_inheritance_first():
    inheritance = card("intestate_inheritance")
    asked = inheritance.conclusions_for(told_form("俺爹走了，三个儿子要分老宅，俺闺女能分不"))
    plain = inheritance.conclusions_for(told_form("俺爹走了，老宅子怎么分"))
    assert (asked[0].law, asked[0].article) == ("民法典", "1126")
    assert plain[0].article != "1126"


# --- through the composer's rendering: the situation's conclusion leads even a stated ask answer -----
def test_a_situation_conclusion_leads_a_told_answer_in_the_rendered_answer(small_kb, small_kb_settings, tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.chat_support import ask_chat, chat_services

    client = TestClient(create_app(services=chat_services(small_kb, small_kb_settings, tmp_path)))
    # 干活的时候 answers the card's first ask (at work), 人没了 is the situation the death benefits are for
    answer = ask_chat(client, "俺男人在厂里干活的时候出事故人没了，厂里不给报工伤")["answer"]
    first = answer[answer.index("【结论】"):]
    assert first.startswith("【结论】认定为工伤的因工死亡"), answer[:120]


@pytest.mark.parametrize("message, article", [
    ("俺在镇上超市买的奶粉过期了 娃喝了拉肚子 老板说最多退钱", "148"),      # food: 食品安全法 十倍
    ("在集上买的肉注了水，老板不认", "148"),
    ("买了个金戒指，一验是假的", "55"),                                         # not food: 消保法 三倍
    ("买的东西是假的，老板不承认", None),
])
def test_food_bought_fake_or_expired_hears_the_food_safety_rule_first(message, article):
    found = told_article("consumer_fraud", message)
    assert (found and found[1]) == article


def test_a_child_beaten_by_a_classmate_at_school_gets_the_school_card():
    from assistant.answers.matcher import match_cards

    matched = [m.card.id for m in match_cards("孩子在学校被同学打了 牙掉了两颗 学校说不关他们的事", [])]
    assert "school_injury" in matched


def test_a_child_beaten_again_and_again_at_school_is_not_the_one_off_school_injury():
    from assistant.answers.matcher import match_cards

    matched = [m.card.id for m in match_cards("俺家孩子在学校被同学打了好几回，班主任说小孩子打打闹闹正常", [])]
    assert "school_injury" not in matched


# --- session 19, from asking as villagers do -------------------------------------------------------
@pytest.mark.parametrize("message, custody", [
    ("俺家老汉去年走了 没留遗嘱 俺儿子说房子全归他 俺闺女能分不", False),   # a parent's estate
    ("俺老伴去世了 儿子说老宅归他 闺女能分不", False),
    ("离婚的时候孩子归他 现在他天天喝酒 孩子能要回来不", True),
])
def test_a_son_claiming_the_house_of_a_dead_parent_is_not_a_custody_question(message, custody):
    from assistant.answers.matcher import match_cards

    matched = [m.card.id for m in match_cards(message, [])]
    assert ("child_custody" in matched) is custody


@pytest.mark.parametrize("message, law, article", [
    ("网上买的化肥是假的 一亩地都不出苗", "消费者权益保护法", "62"),
    ("打了他家卖的除草剂 稻子全死了", "农药管理条例", "64"),
    ("买的苞谷种下地一半没出来", "种子法", "45"),
])
def test_a_fake_farm_input_leads_with_the_rule_for_that_input(message, law, article):
    first = card("fake_farm_inputs").conclusions_for(told_form(message))[0]
    assert (first.law, first.article) == (law, article)


BRIDE_PRICE_RULES = "最高人民法院关于审理涉彩礼纠纷案件适用法律若干问题的规定"


@pytest.mark.parametrize("message, told", [
    ("结婚时给了女方十八万彩礼 才过了半年就要离婚 彩礼能要回来不", (BRIDE_PRICE_RULES, "5")),   # 5 但书
    # not registered is stated: its own answer (婚姻家庭编解释一 5) wins over the short time together
    ("没领证 在一起住了半年 彩礼能要回来不", ("最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）", "5")),
    ("没领证就住在一起了 彩礼能要回来不", (BRIDE_PRICE_RULES, "6")),
])
def test_a_short_marriage_hears_that_part_of_a_high_bride_price_can_come_back(message, told):
    assert told_article("betrothal_gifts", message) == told


def matched_ids(message: str) -> list[str]:
    from assistant.answers.matcher import match_cards

    return [m.card.id for m in match_cards(message, [])]


def test_money_lent_to_someone_who_died_is_a_debt_not_an_injury_at_work():
    assert "labour_service_injury" not in matched_ids("借钱给人家 人家死了 他儿子不认账")
    assert "inheritance_debts" in matched_ids("借钱给人家 人家死了 他儿子不认账")
    assert "labour_service_injury" in matched_ids("给人家盖房子从架子上摔下来了 主家不管")


@pytest.mark.parametrize("message, card_id, law, article", [
    ("儿子儿媳不给俺养老 还把俺的养老金卡拿走了", "elderly_support", "老年人权益保障法", "22"),
    ("承包的地 到期了村里不让续包 给了别人", "land_contract", "农村土地承包法", "21"),
])
def test_a_situation_told_leads_with_its_own_rule(message, card_id, law, article):
    first = card(card_id).conclusions_for(told_form(message))[0]
    assert (first.law, first.article) == (law, article)
    plain = {"elderly_support": "俺三个儿子都不管俺", "land_contract": "村里要把俺家的承包地收回去"}[card_id]
    assert card(card_id).conclusions_for(told_form(plain))[0].article != article


def test_a_hit_and_run_or_an_uninsured_car_hears_of_the_relief_fund():
    assert told_article("traffic_accident", "俺被车撞了 对方没驾照 车也没保险 人跑了") == ("民法典", "1216")
    assert told_article("traffic_accident", "被车撞了 交警定了对方全责") != ("民法典", "1216")


@pytest.mark.parametrize("message, card_id", [
    ("俺家娃在村里小卖部买的辣条吃坏肚子了", "consumer_fraud"),
    ("俺在外打工 老家的房子被村里当成危房给扒了 也没通知俺", "expropriation"),
])
def test_everyday_stories_that_found_no_card_now_do(message, card_id):
    assert matched_ids(message)[:1] == [card_id]


def test_a_family_pulling_down_its_own_old_house_is_not_a_demolition():
    assert "expropriation" not in matched_ids("我把老房子拆了想盖新的 村里不让盖")


@pytest.mark.parametrize("message, first", [
    ("儿子十五岁 偷了人家电动车 被派出所叫去了", "juvenile_offence"),     # a minor's offence: 刑法 17
    ("儿子十五岁 偷了人家电动车 被派出所叫去了 会坐牢不", "juvenile_offence"),   # 会坐牢 asks, no one is held
    ("儿子打架被抓了 会判刑吗", "criminal_detention"),
    ("俺儿子18岁 打架把人打伤了 被派出所抓了 咋办", "criminal_detention"),  # an adult held: not this card
    ("孩子上初中 在学校被同学打了", "school_injury"),                      # the child harmed, not offending
    ("我老公跟别的女人跑了 五年没回家 我能不能自己离婚", "divorce_litigation"),   # asked 能不能离婚
    ("俺爹去世前说房子给俺 没写字 俺哥不认", "wills"),
])
def test_the_card_the_story_asks_about_leads(message, first):
    matched = matched_ids(message)
    assert matched[:1] == [first], matched
    if first != "juvenile_offence":
        assert "juvenile_offence" not in matched


def test_a_fifteen_year_old_thief_hears_first_that_theft_is_not_a_crime_at_his_age():
    first = card("juvenile_offence").conclusions_for(told_form("儿子十五岁 偷了人家电动车"))[0]
    assert (first.law, first.article) == ("刑法", "17") and "不负刑事责任" in first.text


@pytest.mark.parametrize("message, article_quote", [
    ("俺爹去世前说房子给俺 没写字 俺哥不认", "口头遗嘱"),
    ("老公跑了五年没回家 我要离婚", "宣告失踪"),
])
def test_a_spoken_will_or_a_spouse_gone_for_years_leads_with_its_own_rule(message, article_quote):
    card_id = "wills" if "遗嘱" in article_quote else "divorce_litigation"
    assert article_quote in card(card_id).conclusions_for(told_form(message))[0].quote


@pytest.mark.parametrize("card_id, message, law, article", [
    ("neighbour", "隔壁装修 把我家墙震裂了", "民法典", "295"),
    ("neighbour", "邻居家的脏水往俺家院里排", "民法典", "290"),
    ("neighbour", "邻居把俺家出门的路堵死了", "民法典", "291"),
    ("village_affairs", "俺村的书记 把村里的地偷偷卖了 钱不知道去哪了", "村民委员会组织法", "24"),
    ("village_affairs", "村里的账从来不公开", "村民委员会组织法", "31"),
    ("animal_harm", "狗咬了人家孩子 人家要五万 俺家的狗拴着的 是孩子自己去逗的", "民法典", "1245"),
])
def test_the_rule_for_the_situation_told_leads_the_card(card_id, message, law, article):
    first = card(card_id).conclusions_for(told_form(message))[0]
    assert (first.law, first.article) == (law, article)


def test_a_dog_owner_hears_the_rule_told_to_the_owner():
    owner = card("animal_harm").conclusions_for(told_form("俺家的狗咬了邻居家孩子 要赔多少"))[0]
    bitten = card("animal_harm").conclusions_for(told_form("俺被邻居家的狗咬了 他不赔"))[0]
    assert owner.text.startswith("您家的狗") and not bitten.text.startswith("您家的狗")


def test_a_wall_cracked_by_the_neighbours_building_work_finds_the_neighbour_card_and_its_step():
    assert matched_ids("邻居家盖房打地基 把俺家墙震裂了")[:1] == ["neighbour"]
    steps = card("neighbour").steps_for(told_form("邻居家盖房打地基 把俺家墙震裂了"))
    assert steps[0].article == "237"
    assert all(s.article != "237" for s in card("neighbour").steps_for(told_form("邻居家盖房挡了俺家的光")))


def test_resigning_over_unpaid_social_insurance_leads_with_the_compensation():
    message = "公司不给交社保 我想辞职 能要补偿不"
    assert matched_ids(message)[:1] == ["resignation"]
    first = card("resignation").conclusions_for(told_form(message))[0]
    assert (first.law, first.article) == ("劳动合同法", "46")
    assert card("resignation").conclusions_for(told_form("我想辞职 老板不批"))[0].article == "37"


def test_a_driver_who_stayed_with_insurance_hears_the_insurance_order_first():
    assert told_article("traffic_accident", "被车撞了 司机没跑 车有交强险 能赔多少") == ("民法典", "1213")
