"""A card matched on a word from another issue (issue #22): a card word inside a longer word, an
animal as the one hurt, a passer-by at a work site, a contract that is not a job, a question whether
conduct is a crime. Each wrong-issue question no longer gets the card; the villager phrasing next to
it still does."""
from __future__ import annotations

import pytest

from assistant.answers.cards import Pattern, packaged_cards
from assistant.answers.compounds import mark_compounds
from assistant.answers.matcher import CardMatch, fits_the_asker, match_cards


def ids(question: str) -> list[str]:
    return [m.card.id for m in match_cards(question)]


# (a question about another issue, the card it must not get, a villager's question that keeps it)
@pytest.mark.parametrize("wrong, card, right", [
    # a card word inside a longer word or across its edge (lexicon/compounds.txt)
    ("合作社分红方案需要征得全体社员同意吗", "expropriation", "村里要征俺家的地 一亩才给两万 太少了"),
    ("去快递点领取保管的包裹时发现东西坏了", "criminal_detention", "俺儿子被刑拘了 能取保不"),
    ("给孩子买的保险 投保人写的我 能换成他爸吗", "guarantee", "借钱的人跑了 我当的担保人 债主让我还"),
    ("跟确诊的人密切接触被隔离了 单位说隔离期间不发钱", "work_injury_recognition", "在厂里切料把手切了 算工伤不"),
    # an animal is the one hurt: neither the keeper-pays card nor the assault card
    ("俺家的狗被邻居拿棍子打伤了 能要他赔不", "animal_harm", "被邻居家的狗咬了，要打疫苗，谁出钱"),
    ("俺家的狗被邻居拿棍子打伤了 能要他赔不", "assault_injury", "邻居拿棍子把我打伤了 住了三天院"),
    ("隔壁把我家的羊毒死了两只", "animal_harm", "邻居家的牛把我顶伤了"),
    ("宠物医院给俺家的猫打完针 猫就死了", "medical_harm", "俺爹在卫生院打完针就不行了 没救过来"),
    # a passer-by hurt next to a work site is no worker
    ("路过工地被上面掉下来的钢管砸伤了 找谁赔", "work_injury_recognition", "在工地干活被钢管砸伤了 算工伤不"),
    # a contract that is not a job
    ("租房子没签合同 房东说让我月底就搬走", "no_written_contract", "在厂里干了半年 老板一直不跟我签合同"),
    # insurance money paid on a death is not the estate
    ("老伴走了 他的保险金儿女也要分 算遗产吗", "intestate_inheritance", "我爸走了没留遗嘱，房子怎么分"),
    # a passenger's claim is no land taking
    ("坐火车的时候在车厢里摔伤了 乘客能要铁路赔偿吗", "expropriation", "修铁路占了俺家三亩地 补偿太少"),
    # a school expelling a student is no employer dismissing a worker
    ("学校因为挂科直接开除学生 家长能告学校吗", "unlawful_dismissal", "老板无缘无故把我开除了 说明天就别来了"),
    # whether conduct is a crime: a card that only says who pays does not answer it
    ("医院出了医疗事故 医生算不算犯罪", "medical_harm", "医院出了医疗事故 把俺爹治瘫了 医院要赔多少"),
    ("收了定金就跑了 这算合同诈骗吗", "deposit_earnest", "交了两万定金 卖家又不卖了 定金能退双倍不"),
])
def test_a_word_from_another_issue_no_longer_takes_the_card(wrong, card, right):
    assert card not in ids(wrong)
    assert card in ids(right)


def test_a_card_that_names_the_punishment_stays_for_a_crime_question():
    assert ids("被人打伤了 打人的会判刑吗")[0] == "assault_injury"      # the card cites 刑法/治安管理处罚法
    assert "land_contract" in ids("得罪了村干部 他把俺家的承包地收回去了")   # 得罪 is no crime


def test_a_compound_hides_the_words_inside_it_but_not_a_word_that_holds_it_whole():
    text = mark_compounds("需要征得同意")
    assert not Pattern.parse("要征").match(text)            # across the edge of 征得
    assert Pattern.parse("征得").match(text) == 2             # the whole compound still matches
    assert Pattern.parse("密切接触").match(mark_compounds("跟病人密切接触过")) == 4
    assert not Pattern.parse("切").match(mark_compounds("跟病人密切接触过"))


@pytest.mark.parametrize("question", ["继子女能不能继承继父母的遗产？", "交强险的人身损害请求权能转让吗？",
                                      "民间借贷纠纷中担保人能不能被一起告？"])
def test_a_statutes_names_ask_retrieval_to_agree_before_a_card_answers(question):
    card = next(c for c in packaged_cards() if c.id == "intestate_inheritance")
    deciding = (card.conclusions[0].law, card.conclusions[0].article)
    assert not fits_the_asker(question, [CardMatch(card, 2, 0)])
    assert fits_the_asker(question, [CardMatch(card, 2, 1)], [deciding])


@pytest.mark.parametrize("wrong, card, right", [
    ("租房子没签合同 房东说让我月底就搬走", "no_written_contract", "在厂里干了半年 老板一直不跟我签合同"),
    ("路过工地被上面掉下来的钢管砸伤了 找谁赔", "work_injury_recognition", "在工地干活被钢管砸伤了 算工伤不"),
])
def test_through_the_composer_the_wrong_issue_gets_no_card_and_the_villager_gets_it_first(small_kb, wrong, card, right):
    """As chat answers (personal words: the register gate lets every card through); the small
    knowledge base holds these cards' articles (劳动合同法, 工伤保险条例), so a card would be given."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    composer = OfflineComposer(small_kb, ComposerLimits())
    assert card not in composer.answer(wrong, small_kb.search(wrong, k=10)).cards
    assert composer.answer(right, small_kb.search(right, k=10)).cards[:1] == [card]


def test_the_precision_eval_sorts_a_card_by_the_gold_articles():
    """evals.answers cards: a gold article cited = fits; the gold law, other article = near; else wrong issue."""
    from evals.card_precision import card_verdict, question_kind

    card = next(c for c in packaged_cards() if c.id == "animal_harm")
    law, article = card.conclusions[0].law, card.conclusions[0].article
    assert card_verdict(card, {(law, article)}).kind == "fits"
    assert card_verdict(card, {(law, "1")}).kind == "near"
    assert card_verdict(card, {("商标法", "32")}).kind == "wrong_issue"
    verdicts = [card_verdict(card, {("商标法", "32")}), card_verdict(card, {(law, "1")})]
    assert question_kind(verdicts) == "near"          # a question counts by its best card
