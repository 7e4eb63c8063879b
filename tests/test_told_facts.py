"""Facts the message already states (issue #22): a card's ask lists, for each answer to its fact,
how people state it; a message that states one gets that case's conclusion first and is not asked
it again, one that states the opposite gets the other case, one that states nothing is answered as
before. Phrases are read with negation (没写 vs 写了) and questions (有没有…) ruled out."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.answers.cards import CardError, load_cards, packaged_cards
from assistant.answers.render import FIRST_SCREEN, told_form
from assistant.answers.told import Phrase
from tests.chat_support import ask_chat, chat_services


def card(card_id: str):
    return next(c for c in packaged_cards() if c.id == card_id)


def told_case(card_id: str, message: str) -> str | None:
    """The conclusion the card's told answers give for `message` (None: nothing told)."""
    settled = card(card_id).settled(told_form(message))
    return next((t.conclusion.text for _, t in sorted(settled.items())), None)


# --- phrases ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, stated", [
    ("借条上写了还款日期", True),
    ("借条上约定好了还款日期", True),                # a word or two between the groups
    ("写了借条，没写还款日期", False),               # the groups in different clauses
    ("还款日期写了", False),                         # the groups out of order
    ("写了借条 还款日期以后再说", False),            # a WeChat space is a clause break
])
def test_a_phrase_needs_its_groups_close_in_order_in_one_clause(text, stated):
    assert Phrase.parse("写了|约定 + 还款日期").stated_in(told_form(text)) is stated


@pytest.mark.parametrize("text, stated", [
    ("借条上写了年底还", True),
    ("借条上没写了年底还", False),                   # negated right before
    ("借条上写了年底还吗", False),                   # asked, not told
    ("借条上写没写年底还", False),                   # A没A: asked
])
def test_a_negated_or_asked_phrase_is_not_a_statement(text, stated):
    assert Phrase.parse("写了 + 年底").stated_in(told_form(text)) is stated


@pytest.mark.parametrize("text, stated", [
    ("他喝了酒就打我", True),
    ("他也没打我，就是过不到一块", False),            # negated between the groups
    ("他从来不打我", False),
])
def test_a_negation_between_the_groups_is_no_statement(text, stated):
    assert Phrase.parse("他 + 打我").stated_in(told_form(text)) is stated


@pytest.mark.parametrize("text, stated", [
    ("收据上写的是订金", True),
    ("收据上写的是定金还是订金我也搞不清", False),    # one side of an either/or: B
    ("收据上写的是订金还是押金", False),              # A
    ("借条上还是没写还款日期", True),                 # 还是 before a negation: "still"
])
def test_a_side_of_an_either_or_is_not_what_was_told(text, stated):
    phrase = "没 + 写 + 还款日期" if "还款" in text else "写的是 + 订金"
    assert Phrase.parse(phrase).stated_in(told_form(text)) is stated


# --- the packaged cards -------------------------------------------------------------------------
def test_the_common_either_or_facts_have_told_answers_each_with_its_article():
    told = {c.id: c for c in packaged_cards() if c.told}
    assert {"loan_limitation", "private_loan", "betrothal_gifts", "intestate_inheritance", "spouse_debts",
            "animal_harm", "work_injury_recognition", "work_injury_benefits", "dismissal_severance",
            "child_custody", "visitation", "deposit_earnest", "no_written_contract", "divorce_litigation",
            "rent_deposit"} <= set(told)
    for c in told.values():
        answers = [t for per_ask in c.told for t in per_ask]
        assert all(t.conclusion.cited for t in answers), c.id
        # every told conclusion is among the claims card_check verifies against the corpus
        assert all(t.conclusion in c.claims() for t in answers), c.id
        assert all(len(per_ask) >= 2 for per_ask in c.told if per_ask), f"{c.id}: an either/or has two answers"


@pytest.mark.parametrize("card_id, message, lead", [
    ("loan_limitation", "我借给邻居两万块，借条上没写还款日期，现在他不还，过了三年了还能要吗", "借条上没写还款日期的"),
    ("loan_limitation", "我借给邻居两万块 借条上写了年底还 现在他不还 过了三年了还能要吗", "向法院要债的诉讼时效"),
    ("loan_limitation", "我借给邻居两万块，现在他不还，过了三年了还能要吗", None),
    ("loan_limitation", "借条上有没有写还款日期很重要吗", None),
    ("private_loan", "借给朋友五万块，借条没写什么时候还，他一直拖着", "借条上没写还款日期的"),
    ("private_loan", "借给朋友五万，说好年底还，到现在不还", "借条上写了（说好了）"),
    ("betrothal_gifts", "订婚给了彩礼十八万，没领证就分手了", "没领结婚证的，要求退还"),
    ("betrothal_gifts", "领了证才半年就离婚了，彩礼能要回来吗", "领了证又一起生活了，离"),
    ("betrothal_gifts", "跟男方没领证住一起两年了 娃都生了", "没领证但已经住在一起"),   # the specific answer first
    ("loan_limitation", "欠条写的2019年还，我每年都打电话催", "向法院要债的诉讼时效"),
    ("betrothal_gifts", "我有证据证明给了彩礼", None),         # 有证据 is not 有结婚证
    ("intestate_inheritance", "我爸去世了没留遗嘱，房子怎么分", "没有遗嘱的，按法律规定"),
    ("intestate_inheritance", "我爸有没有遗嘱我也不知道", None),
    ("spouse_debts", "我老公结婚前欠了别人十万，现在债主找我要", "他（她）结婚前一个人欠"),
    ("spouse_debts", "老公结婚以后在外面借了钱，债主找我要", "丈夫（妻子）一个人以自"),
    ("animal_harm", "邻居家的狗没拴绳，把我孩子咬了", "狗没拴绳等违反养狗管理"),
    ("animal_harm", "狗拴着的，我路过被咬了", "被别人家的狗（或牛、猪"),
    ("dismissal_severance", "单位把我辞退了，干了五年", "单位辞退您（不是因为您"),
    ("dismissal_severance", "我自己辞职的，单位要给补偿吗", "您自己提出辞职的，一般"),
    # the child's age (民法典 1084): under two, two to eight, eight and over; 十一岁 holds 一岁
    ("child_custody", "孩子一岁半，要离婚了，孩子归谁", "孩子还不满两岁的"),
    ("child_custody", "孩子才八个月 他家要抢孩子", "孩子还不满两岁的"),
    ("child_custody", "孩子还不到两岁", "孩子还不满两岁的"),
    ("child_custody", "娃儿五岁 一直跟着奶奶住", "孩子已经满两岁的"),
    ("child_custody", "娃十岁了 她想跟我", "孩子已经满八岁的"),
    ("child_custody", "孩子十一岁，离婚后想跟我", "孩子已经满八岁的"),
    ("child_custody", "孩子抚养费每个月八百", None),
    ("child_custody", "我三十岁，想离婚，孩子归谁", None),
    # visitation (民法典 1086): a court's order is enforced, none written is sued for; harm stops it
    ("visitation", "法院判了每个月可以看两次孩子，她就是不让我见", "法院已经判了（或调解书写了）"),
    ("visitation", "离婚的时候没说探望的事 现在她不让我见孩子", "离婚判决里没写探望的"),
    ("visitation", "判决书有没有写探望很重要吗", None),
    ("visitation", "前夫每次来看孩子都喝醉了，能不让他来吗", "探望对孩子身心健康不利的"),
    ("visitation", "我又没打过孩子，她凭什么不让我见", "离婚后不带孩子的一方有权探望"),
    ("visitation", "她打孩子，还不让我见孩子", None),                   # the one with the child hitting it
    # 定金 vs 订金 (民法典 587, 合同编通则解释 67): what the receipt says, and who went back on it
    ("deposit_earnest", "收据上写的是订金，我不买了能退吗", "写的是“订金”“押金”"),
    ("deposit_earnest", "合同写的定金两万，卖家把房子卖给别人了", "交的是“定金”"),
    ("deposit_earnest", "交了两万定金", None),                           # the word the asker uses decides nothing
    ("deposit_earnest", "收据上写的是定金还是订金我也搞不清", None),
    ("deposit_earnest", "说好的买卖，对方反悔了，我交的钱能要双倍吗", "收钱的一方（卖家、商家）反悔"),
    ("deposit_earnest", "收了我的钱又反悔了", "收钱的一方（卖家、商家）反悔"),
    ("deposit_earnest", "订了婚宴交了五千，后来我们不办了，饭店不退钱", "是您自己反悔"),
    ("deposit_earnest", "我去饭店说不办了，饭店说订金不退", "是您自己反悔"),   # 饭店说不办了: the asker said it
    ("deposit_earnest", "付的是订金，不是定金，现在卖家不卖了", "写的是“订金”“押金”"),
    # a rent deposit (民法典 577, 585, 710, 714): moved out early or at the end; worn or broken
    ("rent_deposit", "合同还没到期我就搬走了，房东一分押金不退", "您提前退租的，属于您违约"),
    ("rent_deposit", "租满一年退房，房东不退押金", "押金是为了担保您按合同付房租"),
    ("rent_deposit", "房子本来就旧，房东说要扣押金", "正常住着造成的自然磨损"),
    ("rent_deposit", "是我不小心把洗衣机弄坏了，房东要扣押金", "东西确实是您没保管好弄坏的"),
    ("rent_deposit", "房东说我把墙弄脏了要扣押金", None),            # the landlord's claim, not told
    ("rent_deposit", "合同还没到期房东就要收回房子，押金也不全退", None),   # the landlord ends it early
    ("rent_deposit", "房东让我提前搬走，押金不退", None),
    # no written labour contract (劳动合同法 10, 82; 实施条例 7): how long the job has lasted
    ("no_written_contract", "进厂才半个月，老板说不用签合同", "上班还不到一个月的"),
    ("no_written_contract", "饭店上班半年，没签合同，能多要钱吗", "单位招了您干活，超过一个月"),
    ("no_written_contract", "在厂里干了快一年，从来没签过啥合同", "单位招了您干活，超过一个月"),
    ("no_written_contract", "在公司干了不满一年，没有合同", "单位招了您干活，超过一个月"),   # 不满一年 holds 满一年
    ("no_written_contract", "干了两年零三个月，一直没签合同", "二倍工资最多算到干满一年的前一天"),
    ("no_written_contract", "进厂十一个月了没签合同", "单位招了您干活，超过一个月"),   # 十一个月 holds 一个月
    ("no_written_contract", "老板一直不跟我签合同", None),
    # suing for divorce (民法典 1079, 1091): violence or living with another gives damages too
    ("divorce_litigation", "老公喝了酒就打我，我要离婚他不同意", "对方家暴、虐待家人"),
    ("divorce_litigation", "他跟别人同居好几年了，还不肯离", "对方家暴、虐待家人"),
    ("divorce_litigation", "他在外面有人了，还不肯离", None),        # 出轨 is not yet 与他人同居: still asked
    ("divorce_litigation", "男人天天赌钱，家里钱都输光了，想离婚", "对方赌博、吸毒，屡教不改的"),
    ("divorce_litigation", "他也没打我，就是过不到一块，他不同意离", "对方不同意离婚，您可以直接"),
    ("divorce_litigation", "他有没有出轨我不知道", None),
])
def test_the_stated_case_is_found_and_the_opposite_gives_the_other(card_id, message, lead):
    found = told_case(card_id, message)
    assert (found is None) if lead is None else (found or "").startswith(lead), (message, found)


def test_a_told_answer_out_of_format_is_refused(tmp_path):
    head = ('[[card]]\nid = "x"\nwhen = ["a"]\n[[card.conclusions]]\ntext = "t"\nlaw = "民法典"\narticle = "1"\n'
            'quote = "q"\n[[card.ask]]\nquestion = "写了吗？"\nwhy = "w"\n[[card.ask.told]]\n')
    (tmp_path / "x.toml").write_text(head + 'says = ["写了"]\nconclusion = 2\n', encoding="utf-8")
    with pytest.raises(CardError, match="conclusion must be 1..1"):
        load_cards(tmp_path)
    (tmp_path / "x.toml").write_text(head + 'conclusion = 1\n', encoding="utf-8")
    with pytest.raises(CardError, match="needs `says` phrases"):
        load_cards(tmp_path)
    (tmp_path / "x.toml").write_text(head + 'says = ["写了"]\ntext = "写了的，按约定办。"\n', encoding="utf-8")
    with pytest.raises(CardError, match="needs law/article/quote"):
        load_cards(tmp_path)


# --- through /v1/chat (the small knowledge base holds 工伤保险条例 and 劳动合同法) ----------------------
@pytest.fixture(scope="module")
def client(small_kb, small_kb_settings, tmp_path_factory):
    from api.app import create_app

    return TestClient(create_app(services=chat_services(small_kb, small_kb_settings, tmp_path_factory.mktemp("told"))))


COMMUTE_ASK = "是在干活的时候受的伤，还是上下班路上出的事？"


def test_a_stated_commute_accident_gets_that_rule_first_and_is_not_asked_again(client):
    answer = ask_chat(client, "我在厂里上班，下班回家路上被电动车撞了，对方全责，单位说不算工伤")["answer"]
    assert answer.startswith("【结论】上下班路上出的交通事故，只要不是您负主要责任")
    assert "【要看】" not in answer and COMMUTE_ASK not in answer
    assert "《工伤保险条例》第十四条规定：“(六)在上下班途中" in answer
    assert answer.index("【先做这一步】") < FIRST_SCREEN


def test_the_opposite_case_at_work_gets_the_other_conclusion(client):
    answer = ask_chat(client, "在车间干活的时候手被机器绞伤了，老板说不算工伤")["answer"]
    assert answer.startswith("【结论】在工作时间、工作场所，因为干活受了伤，就应当认定为工伤")
    assert COMMUTE_ASK not in answer


def test_a_message_that_states_nothing_is_answered_as_before(client):
    answer = ask_chat(client, "受了伤，单位说不算工伤，怎么办")["answer"]
    assert answer.startswith("【结论】在工作时间、工作场所，因为干活受了伤，就应当认定为工伤")
    assert f"【还需要知道】{COMMUTE_ASK}" in answer


def test_resigning_and_being_dismissed_get_their_own_conclusions(client):
    resigned = ask_chat(client, "在厂里干了五年，我自己辞职了，经济补偿能要吗")["answer"]
    dismissed = ask_chat(client, "在厂里干了五年，单位把我辞退了，经济补偿能要吗")["answer"]
    assert "【结论】您自己提出辞职的，一般没有经济补偿" in resigned
    assert "【结论】单位辞退您" in dismissed
    for answer in (resigned, dismissed):
        assert "是单位先提出让您走的，还是您自己提出辞职的" not in answer
