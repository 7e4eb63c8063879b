"""The cards of assistant/answers/cards/family_and_welfare.toml (婚姻过错, 肖像隐私, 低保救助, 收养,
非婚生子女, 外嫁女土地, 老人再婚): each is found for how villagers ask (口语, dialect, typos), and
none takes a near question that belongs to another card."""
from __future__ import annotations

import pytest

from assistant.answers.matcher import match_cards


def _ids(question: str) -> list[str]:
    return [m.card.id for m in match_cards(question)]


@pytest.mark.parametrize("question, card", [
    ("俺男人在外头有人了，还跟那女的住一块，离昏能要赔尝不", "marital_fault"),
    ("老公找了个小3，我要他净身出户", "marital_fault"),
    ("俺老公又跟别人领证了，这是重婚吧，能告他坐牢吗", "marital_fault"),
    ("俺男人在外地和一个女的同居好几年了，村里都传遍了", "marital_fault"),
    ("他在城里以夫妻名义跟人过了三年", "marital_fault"),
    ("老公在外面找了个女的过日子，不回家了", "marital_fault"),
    ("他把俺的照片发到村里群里了，让他删他不删", "privacy_portrait"),
    ("我照片被美容店拿去做广告了，没经过我同意", "privacy_portrait"),
    ("邻居的摄像头正对着俺家院子", "privacy_portrait"),
    ("俺家穷的很，低保咋申请", "social_assistance"),
    ("村里把俺家低保给取消了也不说为啥", "social_assistance"),
    ("俺娘八十了没儿没女，能吃五保不", "social_assistance"),
    ("村里有个孤寡老人房子成了危房，政府管不管", "social_assistance"),
    ("村里五保老人没人管，房子漏雨", "social_assistance"),
    ("想抱养俺哥家的娃，要办啥手续", "adoption"),
    ("三十年前抱养的闺女没办手续，能继承俺的房子不", "adoption"),
    ("捡了一个孩子养了五年，一直没上户口", "adoption"),
    ("没扯证生了个娃，他爹不管也不给钱", "nonmarital_child"),
    ("没领证生的孩子能上户口吗", "nonmarital_child"),
    ("同居生了孩子他不认，能做亲子鉴定不", "nonmarital_child"),
    ("谈了个男朋友，怀孕以后他就把我拉黑了", "nonmarital_child"),
    ("跟有家室的男人生了个娃，他不给生活费", "nonmarital_child"),
    ("我是外嫁女，村里征地补偿款不给我分", "married_out_women_land"),
    ("离婚后回娘家，村里把俺的承包地收回了", "married_out_women_land"),
    ("嫁出去了户口没迁，村里分红没我的份", "married_out_women_land"),
    ("我妈七十了想再找个老伴，我们几个子女不同意，能拦着不", "elderly_remarriage"),
    ("俺爹六十八了要找老伴，儿子儿媳天天闹", "elderly_remarriage"),
    ("老伴走了我想再婚，儿女说再婚就不养我了", "elderly_remarriage"),
])
def test_a_villager_phrasing_gets_its_card_first(question, card):
    assert _ids(question)[:1] == [card]


@pytest.mark.parametrize("question, card, not_card", [
    ("我想离婚，他不同意怎么办", "divorce_litigation", "marital_fault"),
    ("开小三轮被车撞了，对方第三者险赔多少", "traffic_accident", "marital_fault"),
    ("他在群里造谣说我偷人，怎么办", "defamation", "privacy_portrait"),
    ("邻居到处瞎说我在外面有人，败坏我名声", "defamation", "marital_fault"),   # a rumour, no affair
    ("我是低保户，老板欠我工资不给", "unpaid_wages", "social_assistance"),
    ("儿子不赡养父母，怎么办", "elderly_support", "adoption"),              # 赡养父母 holds 养父母
    ("我一个人抚养子女，前夫不给抚养费", "child_support", "adoption"),      # 抚养子女 holds 养子
    ("同居三年分手了，房子怎么分", "cohabitation", "nonmarital_child"),
    ("儿子三十了还没结婚，也不管我", "elderly_support", "nonmarital_child"),
    ("村里要收回我家的承包地", "land_contract", "married_out_women_land"),
    ("上门女婿分不到分红", "village_affairs", "married_out_women_land"),
    ("儿子不给赡养费", "elderly_support", "elderly_remarriage"),
    ("前夫再婚了，还不给女儿抚养费", "child_support", "elderly_remarriage"),
    ("二轮延包村里说闺女出嫁了要扣地", "land_contract", "married_out_women_land"),
])
def test_a_near_question_keeps_the_card_it_belongs_to(question, card, not_card):
    ids = _ids(question)
    assert ids[:1] == [card] and not_card not in ids


@pytest.mark.parametrize("question, specific, general", [
    ("老公跟别人同居了，我要离婚", "marital_fault", "cohabitation"),
    ("他在群里发我的照片", "privacy_portrait", "defamation"),
    ("我是外嫁女，娘家村征地补偿款不给我分", "married_out_women_land", "expropriation"),
    ("我是外嫁女，娘家村征地补偿款不给我分", "married_out_women_land", "village_affairs"),
    ("没结婚生的孩子，他爸不给抚养费", "nonmarital_child", "child_support"),
    ("没结婚生的孩子，他爸不给抚养费", "nonmarital_child", "cohabitation"),
    ("我再婚了，儿子就不给赡养费了", "elderly_remarriage", "elderly_support"),
])
def test_the_specific_card_replaces_the_general_one(question, specific, general):
    ids = _ids(question)
    assert ids[:1] == [specific] and general not in ids
