"""Villagers' WeChat wording (session 16, realistic_dev3): dialect forms put into one written form,
compound words that hide another issue's word, lay words for the facts, and urgent messages told
without the legal word. Own phrasings, not the evaluation set's sentences."""
from __future__ import annotations

import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.dialect import standard_forms
from assistant.answers.matcher import match_cards, normalise_question
from assistant.conversation.intents import URGENT_RISK, detect_intent


def _ids(question: str) -> list[str]:
    return [m.card.id for m in match_cards(question)]


@pytest.mark.parametrize(("written", "standard"), [
    ("老细冇同我签合同", "老板没同我签合同"),       # Cantonese
    ("做咗三年而家要炒我", "做了三年现在要炒我"),
    ("儿媳妇不叫俺进门", "儿媳妇不让我进门"),       # northern 不叫 = 不让
    ("屋头莫得人管", "屋头没有人管"),               # Sichuan
])
def test_dialect_forms_take_one_written_form(written, standard):
    assert standard_forms(written) == standard


def test_叫_alone_stays_a_call_or_an_order():
    assert standard_forms("老板叫我走人") == "老板叫我走人"


@pytest.mark.parametrize(("question", "card"), [
    ("我喺餐馆做咗一年 老细冇同我签合同", "no_written_contract"),
    ("儿媳妇把俺铺盖扔了 不叫俺进屋", "elderly_expelled"),
])
def test_cards_match_questions_written_in_dialect(question, card):
    assert card in _ids(question)


@pytest.mark.parametrize(("question", "absent"), [
    ("俺想不干了 厂里说提前一个月打报告才放人", "unpaid_wages"),      # 干了 inside 不干了
    ("闺女放学没回来 打她电话一直没人接", "school_bullying"),         # 打她 inside 打她电话
    ("男人把家里的存款都赌没了 俺想跟他离婚 房子咋分", "intestate_inheritance"),   # 没了 inside 赌没了
    ("厂子搬走了 一分钱补偿都没有", "village_affairs"),              # 分钱 inside 一分钱
    ("俺要离职 老板扣着身份证不给", "divorce_litigation"),            # 要离 inside 要离职
])
def test_a_word_inside_a_longer_word_raises_no_other_issue(question, absent):
    assert absent not in _ids(question)


@pytest.mark.parametrize(("question", "card"), [
    ("在饭店后厨干了四个月 老板把最后一个月的钱全扣了", "unpaid_wages"),
    ("一直没给交养老那些 能让厂里补上吗", "social_insurance"),
    ("天天干到晚上十点 多干的时间一分钱不算", "overtime_pay"),
    ("表哥找信用社贷款 俺当时作的保 现在他跑了", "guarantee"),
    ("俺家的羊跑到他家地里啃了一片麦苗 他要俺赔", "animal_harm"),
    ("他家的下水管子接到俺门口 脏水全往俺院里灌", "neighbour"),
    ("赢了官司判房子归俺 他还住着不搬", "court_enforcement"),
    ("借了放贷的两万 利滚利要俺还六万", "loan_interest"),
])
def test_lay_words_for_the_facts_find_the_card(question, card):
    assert _ids(question)[:1] == [card]


def test_a_spouse_who_keeps_his_wage_from_the_family_is_no_unpaid_wage():
    assert "unpaid_wages" not in _ids("男人工资从来不往家拿 俺想离婚")


def test_a_work_injury_already_graded_is_no_question_whether_it_is_one():
    ids = _ids("在厂里叫机器压断了手指 伤残鉴定出来是八级 厂里给的钱太少")
    assert ids[:1] == ["work_injury_benefits"] and "work_injury_recognition" not in ids


def test_no_breath_makes_a_work_death_urgent():
    card = next(c for c in packaged_cards() if c.id == "work_injury_recognition")
    assert card.urgent_for(normalise_question("在砖厂干活叫墙压住了 拉出来就没气了"))


@pytest.mark.parametrize(("message", "risk"), [
    ("后爸拿皮带抽俺外甥 打得直哭", "child_at_risk"),
    ("邻居家娃身上青一块紫一块的 天天挨揍", "child_at_risk"),
    ("他爹妈都出去了 六岁的娃一个人在家好几天", "child_at_risk"),
    ("孙子放学没回家 到现在找不着", "child_at_risk"),
    ("儿子把俺的被子扔到门外 不叫俺进屋", "elder_expelled"),
    ("俺老娘一个人住 去看的时候三天没吃东西了", "elder_expelled"),
    ("老爹瘫在床上 大嫂一天就给一碗稀饭", "elder_expelled"),
    ("俺老汉叫几个警察铐上车带走了", "detention"),
    ("今天有人打电话说俺涉嫌洗钱 让俺把存款转到他给的账户", "fraud_in_progress"),
])
def test_urgent_messages_told_without_the_legal_word_are_urgent(message, risk):
    intent = detect_intent(message)
    assert (intent.name, intent.risk) == (URGENT_RISK, risk)


@pytest.mark.parametrize("message", [
    "儿子上了大学 想买辆车 钱从哪出",
    "孩子自己在家写作业 老师说要交资料费",
    "老板叫我走人 一分钱补偿没有",
])
def test_ordinary_messages_with_like_words_are_not_urgent(message):
    assert detect_intent(message).name != URGENT_RISK
