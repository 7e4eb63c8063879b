"""The courts-and-money cards (assistant/answers/cards/courts_and_money.toml): each is the first card
for the way villagers say it (口语, typos), and leaves a near-miss to the card it belongs to."""
from __future__ import annotations

import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.matcher import match_cards, normalise_question

NEW_CARDS = {"court_enforcement", "lawsuit_basics", "sales_payment", "home_building_contract", "insurance_claim",
             "debt_collection_harassment", "product_liability", "online_shopping_return"}


def first_card(question: str) -> str | None:
    matches = match_cards(question)
    return matches[0].card.id if matches else None


def test_the_new_cards_are_packaged():
    assert NEW_CARDS <= {c.id for c in packaged_cards() if c.source == "courts_and_money.toml"}


@pytest.mark.parametrize("question, card", [
    ("法院判了他还我5万，判决书都生效半年了他一分钱没给，咋办", "court_enforcement"),
    ("调解书上说好三月底前给钱，到现在还是不给，能不能强质执行", "court_enforcement"),
    ("仲裁裁决了工资老板还是不给", "court_enforcement"),              # over unpaid_wages
    ("打官司要去哪个法院，要带啥材料", "lawsuit_basics"),
    ("想告他，诉讼费交不起咋办", "lawsuit_basics"),
    ("我想起述他，去哪个法院", "lawsuit_basics"),                     # 起述: a typo the lexicon fixes
    ("去年卖给收粮的三万斤玉米，他打了个白条，到现在不给钱", "sales_payment"),
    ("猪贩子拉走我20头猪，欠我猪款四万多，电话也不接了", "sales_payment"),
    ("卖了树给木材老板，钱一直没给", "sales_payment"),
    ("请施工队盖房子，刚盖好墙就裂了，包工头不管", "home_building_contract"),
    ("找包工头盖房，说好三个月完工，拖了半年还没盖完", "home_building_contract"),
    ("我家盖房包给施工队，他们的工人从架子上摔下来了，我要赔吗", "home_building_contract"),
    ("保险公司说我投保时没如实告知，拒赔", "insurance_claim"),
    ("买的意外险，出事三个月了保线公司一直拖着不赔", "insurance_claim"),
    ("种植险受灾了保险公司不给赔", "insurance_claim"),
    ("网贷逾期，崔收爆通讯录，给我亲戚朋友都打电话了", "debt_collection_harassment"),
    ("信用卡欠款，催收的打电话到我单位领导那里", "debt_collection_harassment"),
    ("讨债的天天堵门泼油漆", "debt_collection_harassment"),
    ("买的电动车充电时着火了，把房子烧了", "product_liability"),
    ("热水器漏电把我老伴电伤了住院，找谁赔", "product_liability"),
    ("农机有问题把手绞伤了", "product_liability"),
    ("给县城几家饭馆供菜 欠了我一年的菜钱不认账", "sales_payment"),
    ("电动车放在楼道里充电 半夜起火把楼道烧了 保险公司说不赔", "product_liability"),   # over insurance_claim
    ("养的羊买了保险 死了一批 保险公司处处刁难", "insurance_claim"),
    ("保险公司不给理陪", "insurance_claim"),                             # 理陪: a typo the lexicon fixes
    ("盖房包给施工队 干到一半跑了 还有个小工从架子上摔下来", "home_building_contract"),
    ("拼多多买的衣服，七天无理由不给退", "online_shopping_return"),
    ("看直播买的东西是假货，商家不退款", "online_shopping_return"),   # over consumer_fraud
    ("淘宝买的东西跟图片不一样，想退货商家不同意", "online_shopping_return"),
])
def test_villager_phrasings_get_the_new_card_first(question, card):
    assert first_card(question) == card


@pytest.mark.parametrize("question, new_card, owner", [
    ("借给亲戚5万块钱，有借条，他一直不还", "court_enforcement", "private_loan"),          # no judgment yet
    ("我想起诉离婚，去哪个法院", "lawsuit_basics", "divorce_litigation"),
    ("法院判决下来了对方不履行怎么办", "lawsuit_basics", "court_enforcement"),
    ("京东白条逾期了催收天天打电话", "sales_payment", "debt_collection_harassment"),
    ("给人家盖房子干活从架子上摔下来骨折了", "home_building_contract", "labour_service_injury"),
    ("跟着包工头给人家盖房子，工钱一直不给", "home_building_contract", "construction_wages"),
    ("单位没给我交社保", "insurance_claim", "social_insurance"),
    ("网贷利息太高了，砍头息合法吗", "debt_collection_harassment", "loan_interest"),
    ("骑电动车被小车撞伤了", "product_liability", "traffic_accident"),
    ("有人欠我三万不还 我年纪大了不想打官司 咋办", "lawsuit_basics", "private_loan"),
    ("淘宝店送货送晚了 店家不给退款", "sales_payment", "online_shopping_return"),
    ("超市买到假酒，能退一赔三吗", "online_shopping_return", "consumer_fraud"),
    ("网购的奶粉过期了", "online_shopping_return", "consumer_fraud"),        # food: 十倍 is consumer_fraud's
])
def test_a_near_miss_is_left_to_the_card_it_belongs_to(question, new_card, owner):
    ids = [m.card.id for m in match_cards(question)]
    assert new_card not in ids and ids[0] == owner


def test_collection_threats_of_death_are_urgent_but_nagging_calls_are_not():
    card = next(c for c in packaged_cards() if c.id == "debt_collection_harassment")
    assert card.urgent_for(normalise_question("催债的天天打电话威胁说要弄死我全家"))
    assert not card.urgent_for(normalise_question("网贷催收天天打电话给我家人"))
