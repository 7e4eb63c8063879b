"""Family, inheritance, elderly and welfare situations from the villager sweep (issue #22, session 19;
tests/data/villager_sweep_family.toml): the card a villager's message gets first, and the article
the answer leads with for the situation told. Plus the stories the new cards must leave alone.
- a husband (wife) working away who sends nothing home: 民法典 1059 扶养费, 1067 when the children's
  money is what is asked — no divorce needed (spouse_maintenance);
- brothers dividing the house while the parents live (民法典 240), a signed 分家单 (民法典 136);
- a disability allowance never paid (残疾人保障法 48/49);
- the rule for the sub-situation told leads its card (丧偶儿媳 1129, 照顾老人多分 1130, 代位 1128,
  代写 1135 / 录像 1137 遗嘱, 判不离 民诉 127, 一巴掌算不算家暴 反家暴法 2, 婚前按揭 解释一 78,
  赌债 解释一 34, 没领证的伴侣 1131, 父母都不管娃 1067, 分得少不养老 老年法 19, 五保 14, 火灾 47)."""
from __future__ import annotations

import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.matcher import match_cards
from assistant.answers.render import told_form


def first_card(message: str) -> str | None:
    found = match_cards(message)
    return found[0].card.id if found else None


def card_ids(message: str) -> list[str]:
    return [m.card.id for m in match_cards(message)]


def lead(card_id: str, message: str) -> tuple[str, str]:
    """(law, article) of the conclusion the card's answer leads with: a told answer, else the first
    conclusion for the situation told."""
    card = next(c for c in packaged_cards() if c.id == card_id)
    told = told_form(message)
    settled = card.settled(told)
    first = next((t.conclusion for _, t in sorted(settled.items())), None) or card.conclusions_for(told)[0]
    return first.law, first.article


CODE = "民法典"
J1 = "最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）"


@pytest.mark.parametrize("message, card_id, article", [
    # spouse_maintenance (new): no card before, or the divorce / wages card
    ("俺男人在外地打工两年了一分钱不往家寄 俺带俩娃还有老人 咋办", "spouse_maintenance", (CODE, "1059")),
    ("老公在外面挣钱都自己花了 娃上学的钱都不给 不想离婚 能告他要钱不", "spouse_maintenance", (CODE, "1067")),
    ("我女婿在外头打工一年到头不回来 也不给家里钱 闺女带俩娃过得苦的很", "spouse_maintenance", (CODE, "1059")),
    ("俺男人在工地上干活挣的钱全给他娘了 俺和娃一分没有 俺身体不好干不了活", "spouse_maintenance", (CODE, "1059")),
    # family_partition (new): the inheritance card answered a 分家 while the parents live
    ("俺们弟兄四个要分家 爹娘都还在 老房子咋分 是不是爹娘说了算", "family_partition", (CODE, "240")),
    ("分家的时候写了分家单 都按了手印 现在老二反悔要重新分", "family_partition", (CODE, "136")),
    # disability_benefits (new): the social-insurance card answered it
    ("俺是二级残疾 听说有残疾人补贴 村里一直没给俺报过 找谁", "disability_benefits", ("残疾人保障法", "48")),
    ("俺娃是智力残疾一级 生活不能自理 护理补贴咋申请 村干部说没这回事", "disability_benefits", ("残疾人保障法", "48")),
    # the situation told leads its card
    ("俺男人没了好几年了 俺一直伺候公婆 公公也走了 小叔子说儿媳妇没继承权", "intestate_inheritance", (CODE, "1129")),
    ("俺娘跟着俺住了十年 俩兄弟一分钱不出 现在老娘走了 老宅他俩要跟俺平分", "intestate_inheritance", (CODE, "1130")),
    ("俺爹死得早 爷爷也没了 爷爷的房子叔叔说俺没份 俺能替俺爹分不", "intestate_inheritance", (CODE, "1128")),
    ("老爹的遗嘱是小弟找人代写的 老爹就按了个手印 房子全给小弟了 这遗嘱算数不", "wills", (CODE, "1135")),
    ("老娘临走前录了个视频说房子给我 当时就我一个人在跟前 算数不", "wills", (CODE, "1137")),
    ("俺想离 他不同意 第一回起诉被驳回了 啥时候能再告", "divorce_litigation", ("民事诉讼法", "127")),
    ("俺打了俺婆娘一巴掌 她报警了说要告俺家暴 一巴掌也算家暴吗", "domestic_violence", ("反家庭暴力法", "2")),
    ("他婚前按揭买的房子 结婚后俺俩一起还的贷 现在离婚房子咋分", "divorce_property", (J1, "78")),
    ("俺男人赌钱借了高利贷 债主找俺还 俺压根不知道他借钱", "spouse_debts", (J1, "34")),
    ("俺跟俺男人没领证就过了十几年 他死了 他兄弟要把房子收走 俺有份没", "cohabitation", (CODE, "1131")),
    ("儿子儿媳离婚了都不管娃 娃跟着俺老两口 他俩谁也不给钱 俺能找他们要不", "child_support", (CODE, "1067")),
    ("俺爹娘都八十了 弟兄三个 老大说他分的房子少就不出养老钱 这说得过去不", "elderly_support", ("老年人权益保障法", "19")),
    ("老爹的存折叫俺大哥拿着 每月养老金都是他去取 一分也不给老爹花", "elderly_support", ("老年人权益保障法", "22")),
    ("俺娘改嫁走了 俺是爷爷奶奶带大的 现在她老了找上门要俺养她 俺得养不", "elderly_support", (CODE, "1067")),
    ("俺是后老伴 跟老头领了证过了八年 老头走了他儿女把俺撵出去了", "widow_home", (CODE, "1127")),
    ("五保户老汉住的土房子漏雨 村里不管 说没钱修", "social_assistance", ("社会救助暂行办法", "14")),
    ("俺家房子着火烧没了 啥都没了 听说能申请救助 咋申请", "social_assistance", ("社会救助暂行办法", "47")),
    ("没结婚生的娃上不了户口 派出所让拿结婚证 俺们没有", "nonmarital_child", ("户口登记条例", "7")),
    ("俺弟两口子出车祸都没了 留下个娃 俺想养着 要办啥手续", "adoption", (CODE, "1105")),
])
def test_a_villagers_family_story_gets_its_card_and_the_rule_for_what_it_tells(message, card_id, article):
    assert first_card(message) == card_id
    assert lead(card_id, message) == article


def test_a_bride_married_and_living_together_hears_the_rule_for_that():
    message = "俺闺女结婚一年多了 男方要离婚还要俺家退彩礼 证也领了人也住一块了 凭啥退"
    assert "betrothal_gifts" in card_ids(message)
    assert lead("betrothal_gifts", message) == ("最高人民法院关于审理涉彩礼纠纷案件适用法律若干问题的规定", "5")


@pytest.mark.parametrize("message, card_id, article", [
    ("娃跟着俺 前夫抚养费就给了三个月 后来就不给了 电话也不接", "child_support", (CODE, "1085")),
    ("老爹自己亲笔写的遗嘱 签了名写了日子 哥说不算数", "wills", (CODE, "1134")),
    ("俺家老大老二都不管俺老两口 说俺偏心老三 俺七十多了看病都没钱", "elderly_support", (CODE, "1067")),
    ("俺是后妈带大的 从八岁就跟她过 后妈没了 她亲儿子说俺不能分她的房子", "intestate_inheritance", (CODE, "1127")),
])
def test_the_general_rule_still_leads_when_no_sub_situation_is_told(message, card_id, article):
    assert first_card(message) == card_id
    assert lead(card_id, message) == article


@pytest.mark.parametrize("message, not_card", [
    ("离婚两年了 前夫一分钱抚养费不给 娃上学要钱", "spouse_maintenance"),
    ("儿子在外地打工 一分钱不往家寄 也不给俺老两口养老钱", "spouse_maintenance"),
    ("孩子他爸在外头有人了 也不往家拿钱 俺想离了 娃跟谁", "spouse_maintenance"),
    ("爹娘都走了 弟兄几个分老房子 大哥要多占两间", "family_partition"),
    ("在厂里干活手被机器轧断了 评了七级伤残 补助咋算", "disability_benefits"),
    ("俺爹娘都还在 俺们弟兄几个分家 老大要宅基地", "intestate_inheritance"),
    ("三十年前抱养的闺女没办手续，能继承俺的房子不", "intestate_inheritance"),
    ("当年分家房子给了老大 现在几个儿子都不管俺 俺咋办", "family_partition"),
    ("弟兄俩分家 宅基地证上是俺的名 他在上面盖了房不走", "family_partition"),
])
def test_the_new_and_widened_cards_leave_other_stories_alone(message, not_card):
    assert not_card not in card_ids(message)


@pytest.mark.parametrize("message", ["他要离婚 俺不想离 他告到法院了咋办", "俺不想离婚 他非要离 能不离吗"])
def test_a_spouse_who_does_not_want_the_divorce_still_gets_the_divorce_card(message):
    assert first_card(message) == "divorce_litigation"


def test_a_household_asking_how_many_homesteads_it_may_have_is_not_a_family_partition():
    from assistant.answers.matcher import match_cards

    matched = [m.card.id for m in match_cards("家里还没有分家，是不是只能有一处宅基地", [])]
    assert "family_partition" not in matched and matched[:1] == ["homestead"]
