"""Situations found asking as villagers do (session 19 sweep, tests/data/villager_sweep_work.toml,
own phrasings): the card that answers first and the article its lead conclusion cites.
- a business in bankruptcy or winding-up: its wages rank first (企业破产法 113); a factory that
  only closed, a boss who ran off, a gang boss gone from a building site keep their wage cards;
- spray drifting to a neighbour's field, burning stubble: crop_damage (民法典 1165), not the
  fake-pesticide card, which keeps the fake product; livestock in a field stays animal_harm, led by
  the owner's liability (1245) and without the rabies step;
- "没买保险" after a three-wheeler knocked someone down is no 社保 story;
- an assault asked as 会坐牢不 leads with 刑法 234; money in hand less than the note with the
  actual-principal rule (民间借贷规定 26); an older worker hurt with 民法典 1165; a worker leaving
  over unpaid 社保 with 劳动合同法 38; "叫俺自己辞职" is the employer's asking, not the worker's."""
from __future__ import annotations

import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.matcher import match_cards
from assistant.answers.render import told_form


def ids(message: str) -> list[str]:
    return [m.card.id for m in match_cards(message)]


def lead_article(card_id: str, message: str) -> tuple[str, str]:
    card = next(c for c in packaged_cards() if c.id == card_id)
    first = card.conclusions_for(told_form(message))[0]
    return first.law, first.article


@pytest.mark.parametrize("message, card, article", [
    ("公司破产了 说欠的工资要等清算 俺们排在哪 能拿到不", "employer_bankruptcy", ("企业破产法", "113")),
    ("厂子申请破产了 管理人说欠俺的工资要公示 俺啥时候能拿到", "employer_bankruptcy", ("企业破产法", "113")),
    ("打药的时候风大 把邻居家的棉花药死了一片 他要俺赔五千 该赔多少", "crop_damage", ("民法典", "1165")),
    ("隔壁打除草剂飘到俺家地里 俺的玉米全黄了死了 他说不是他的事", "crop_damage", ("民法典", "1165")),
    ("邻居烧秸秆把俺家的果树烧死了十几棵 咋让他赔", "crop_damage", ("民法典", "1165")),
    ("俺儿子跟人打架把人家打成轻伤了 人家要报警 会坐牢不 私了行不行", "assault_injury", ("刑法", "234")),
    ("在一个app上借了三千 到手才两千四 一个礼拜就要还三千五",
     "loan_interest", ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", "26")),
    ("俺爹六十五了还在工地看大门 摔了一跤骨折 老板说超龄了不管", "older_worker", ("民法典", "1165")),
    ("在厂里干了五年 一直没给交社保 俺想走人 能要补偿不", "social_insurance", ("劳动合同法", "38")),
])
def test_the_told_situation_gets_its_card_and_deciding_article(message, card, article):
    assert ids(message)[:1] == [card]
    assert lead_article(card, message) == article


@pytest.mark.parametrize("message, card, article", [
    ("村里有人放贷 借了一万 说好月息五分 现在利滚利要俺还三万", "loan_interest",
     ("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", "25")),
    ("喝酒的时候跟人吵起来 他把俺鼻梁打断了 俺能告他不", "assault_injury", ("民法典", "1179")),
    ("俺爹六十五了还在饭店洗碗 老板欠了两个月工钱不给", "older_worker",
     ("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "32")),
    ("单位一直没给交社保 能补交吗", "social_insurance", ("社会保险法", "60")),
])
def test_without_that_situation_the_first_conclusion_stays(message, card, article):
    assert lead_article(card, message) == article


@pytest.mark.parametrize("message, card, absent", [
    ("俺开三轮车把一个老太太刮倒了 她住院了 俺没买保险咋办", "traffic_accident", "social_insurance"),
    ("跟着包工头在工地干了一年 包工头跑了 工钱不给俺们", "construction_wages", "employer_bankruptcy"),
    ("在镇上买的除草剂是假的 打了以后玉米都死了 卖农药的不认", "fake_farm_inputs", "crop_damage"),
    ("俺家狗把邻居小孩咬了 打了疫苗花了两千", "animal_harm", "crop_damage"),
    ("在厂里干了三个月 老板欠俺工资一直不给", "unpaid_wages", "employer_bankruptcy"),
    # a factory that closed or a boss who ran off, no winding-up: complaint and arbitration
    ("老板厂子倒闭了 俺三个月工资没结 人也找不着了 咋办", "unpaid_wages", "employer_bankruptcy"),
    ("厂子倒闭了 老板说一分补偿都没有", "dismissal_severance", "employer_bankruptcy"),
])
def test_another_story_keeps_its_own_card(message, card, absent):
    found = ids(message)
    assert found[:1] == [card]
    assert absent not in found


def told_article(card_id: str, message: str) -> str | None:
    card = next(c for c in packaged_cards() if c.id == card_id)
    settled = card.settled(told_form(message))
    return next((t.conclusion.article for _, t in sorted(settled.items())), None)


@pytest.mark.parametrize("message, article", [
    ("厂子搬到外地去了 俺去不了 叫俺自己辞职 补偿有没有", "47"),   # the employer asked: severance
    ("老板让我自己写辞职 说这样好看", "47"),
    ("俺自己辞职的 能要补偿不", "46"),                            # the worker's own leaving
])
def test_the_employer_telling_the_worker_to_resign_is_not_a_resignation(message, article):
    assert told_article("dismissal_severance", message) == article


def animal_lead(message: str) -> str:
    card = next(c for c in packaged_cards() if c.id == "animal_harm")
    return card.conclusions_for(told_form(message))[0].text


def test_livestock_in_a_field_is_the_owners_liability_without_the_rabies_step():
    message = "邻居家的羊跑到俺麦地里把麦苗啃光了 他不认账"
    assert ids(message)[:1] == ["animal_harm"]
    assert animal_lead(message).startswith("牲口跑到别人地里")
    card = next(c for c in packaged_cards() if c.id == "animal_harm")
    assert not any("狂犬" in s.text for s in card.steps_for(told_form(message)))
    assert "狂犬" in card.steps_for(told_form("被邻居家的狗咬了一口"))[0].text
    assert animal_lead("被邻居家的狗咬了一口").startswith("被别人家的狗")


def test_wages_owed_by_a_private_boss_told_without_the_word_wage():
    assert ids("大棚给人家干活一天一百 干了四十多天 老板娘说年底再给 现在年底了又说没钱")[:1] == ["unpaid_wages"]


@pytest.mark.parametrize("message, article", [
    ("被车撞了 对方有交强险 能赔多少", "1213"),      # insured: the insurer pays first
    ("对方车没买保险 撞了俺", "1216"),                # uninsured: the relief fund advances
    ("对方有没有交强险我不知道", None),                # asked, not told
])
def test_the_traffic_insurance_either_or_has_both_answers(message, article):
    assert told_article("traffic_accident", message) == article


@pytest.mark.parametrize("message", [
    "村里修路的压路机把俺家院墙震裂了 施工队说不关他们的事",
    "村边采石场天天放炮 俺家房子震得裂了好几道缝",
])
def test_works_that_crack_a_house_get_the_neighbouring_safety_rule(message):
    assert ids(message)[:1] == ["neighbour"]
    assert lead_article("neighbour", message) == ("民法典", "295")


@pytest.mark.parametrize("message, article", [
    ("俺是开小饭馆的 招了个服务员干了三天就走了 现在要工资还说要告俺没签合同要双倍", "10"),   # the employer asks
    ("在超市上班干了五天 没签合同", "10"),
    ("在超市干了五个月 没签合同", "82"),
])
def test_a_job_of_a_few_days_hears_the_one_month_rule(message, article):
    assert told_article("no_written_contract", message) == article


@pytest.mark.parametrize("message, article", [
    ("俺出去打工把承包地给堂哥种了 现在回来要地 他不还 说地是他的了", ("农村土地承包法", "44")),
    ("村里把俺家承包地收回去给别人了 说俺户口迁走了", ("农村土地承包法", "27")),   # the village takes it back
])
def test_a_field_lent_to_a_relative_stays_the_familys_contract(message, article):
    assert ids(message)[:1] == ["land_contract"]
    assert lead_article("land_contract", message) == article
