"""The plain conclusion for the lawyers' open questions (issue #22) — 有哪些/包括什么 (which), 什么是
(definition), 承担什么责任 (consequence), 什么情况下 (condition), 什么时候 (when), 如何确定/认定
(settled), 如何救济 (a remedy: what to do) and several questions in one — read off the real clause
(../shared/laws) the way the answer path reads it (best_clause's focus). Each form has a question its
clause settles and one it does not (no conclusion then). The questions are written here, not taken
from STARD."""
from __future__ import annotations


import pytest

from assistant.answers.conclusion.points import stated
from assistant.answers.conclusion.sentences import split_sentences
from assistant.answers.conclusion.wording import plainer_words
from assistant.answers.plain_conclusion import asked, plain_conclusion
from tests.conclusion_support import conclude

pytestmark = pytest.mark.corpus

FUNDRAISING = "最高人民法院关于审理非法集资刑事案件具体应用法律若干问题的解释"




@pytest.mark.parametrize("question, law, article, expected", [
    # which: a list of short 项 put on one line
    ("旅行社能经营哪些业务？", "旅游法", "29", "旅行社可以经营下列业务：境内旅游、出境旅游、边境旅游、入境旅游、其他旅游业务"),
    # which: a long list by its lead-in and the count of its 项 (the quote right after holds them)
    ("继承人有哪些行为会丧失继承权？", "民法典", "1125", "继承人有下列行为之一的，丧失继承权（共五项，见下面的条文）"),
    ("遗产管理人有哪些职责？", "民法典", "1147", "遗产管理人要履行下列职责（共六项，见下面的条文）"),
    # definition: 本法所称X，是指… → X是指…, the first sentence (split at ；)
    ("产品缺陷指的是什么？", "产品质量法", "46", "缺陷是指产品存在危及人身、他人财产安全的不合理的危险"),
    # consequence: the one sentence of three that says what follows (承担赔偿责任)
    ("旅行社接受委托替旅游者代订住宿，因过错造成旅游者损失，要承担什么责任？", "旅游法", "74",
     "因旅行社的过错给旅游者造成损失的，旅行社要承担赔偿责任"),
    # condition: the list whose lead-in says what is asked (解除地役权合同)
    ("地役权合同在什么情况下可以解除？", "民法典", "384",
     "地役权人有下列情形之一的，供役地权利人可以解除地役权合同，地役权消灭（共二项，见下面的条文）"),
    # when: the sentence naming the moment, not the presumption of who died first
    ("继承从什么时候开始？", "民法典", "1121", "继承从被继承人死亡时开始"),
    # settled: the sentence that says how the price is reckoned (参照市场价格), not the one that
    # only allows 折价
    ("留置财产折价时价格怎么确定？", "民法典", "453", "留置财产折价或者变卖的，要参照市场价格"),
    ("如何认定以非法占有为目的？", FUNDRAISING, "7",
     "使用诈骗方法非法集资，具有下列情形之一的，可以认定为“以非法占有为目的”（共八项，见下面的条文）"),
    # the clause is that one sentence: its rule alone, the question stating every word of its condition
    ("融资租赁的当事人约定租赁期限届满，承租人仅需向出租人支付象征性价款的，租赁物所有权怎么确定？", "民法典", "759",
     "视为约定的租金义务履行完毕后租赁物的所有权归承租人"),
    # a remedy (如何救济) is what to do: the rule for the case the question tells
    ("质押财产可能毁损，质权人如何救济？", "民法典", "433",
     "因不可归责于质权人的事由可能使质押财产毁损或者价值明显减少，足以危害质权人权利的，质权人可以请求出质人提供相应的担保"),
    # several questions: the conclusion for the first one the clause settles
    ("行纪人和第三人订的合同谁享有权利？第三人不履行义务，行纪人要承担赔偿责任吗？", "民法典", "958",
     "第三人不履行义务致使委托人受到损害的，行纪人一般应当承担赔偿责任；但行纪人与委托人另有约定的除外"),
])
def test_an_open_question_gets_the_sentence_that_answers_it(statutes, question, law, article, expected):
    assert conclude(statutes, question, law, article) == f"依照《{law}》第{article}条，{expected}。"


@pytest.mark.parametrize("question, law, article", [
    # which: the focus quotes one 项 of the list (……): it does not say which ones there are
    ("为了学校课堂教学少量复制别人的作品，属于哪些情况？", "著作权法", "24"),
    # definition: the clause lists the 人格权 but does not say what 一般人格权 is
    ("什么是一般人格权？", "民法典", "990"),
    # consequence: no sentence says what follows (计算利息 is how, not a consequence)
    ("借款人提前还款对利息有什么影响？", "民法典", "677"),
    # condition, when: the clause is that one sentence — the quote right after says it already
    ("什么情况下留置权消灭？", "民法典", "457"),
    ("仓储合同什么时候成立？", "民法典", "905"),
    # the rule holds only 对遗产管理人的确定有争议的, which the question does not state: said without
    # it, "可以向法院申请指定" would read as the way a 遗产管理人 is found
    ("遗产管理人如何确定？", "民法典", "1146"),
    # comparing two things: no one sentence of one clause answers it
    ("留置权和质权有什么区别？", "民法典", "447"),
])
def test_an_open_question_the_clause_does_not_settle_gets_no_conclusion(statutes, question, law, article):
    assert conclude(statutes, question, law, article) is None


def test_settled_is_not_answered_by_a_sentence_with_the_thing_only_in_its_condition(statutes):
    """如何认定“以非法占有为目的”: "以非法占有为目的，使用诈骗方法…的，以集资诈骗罪定罪处罚" names
    it only as its condition — it says what follows, not how it is found."""
    first = statutes.text(FUNDRAISING, "7").split("。")[0] + "。"
    assert first.startswith("以非法占有为目的，使用诈骗方法实施本解释第二条规定所列行为的")
    assert plain_conclusion("如何认定以非法占有为目的？", f"《{FUNDRAISING}》第7条", first) is None


def test_which_gives_no_count_when_a_list_item_goes_on_after_its_semicolon():
    """(二)…的，以签收之日为收到申请之日；以平常信函…提交的，…: split there, the 项 would be
    miscounted — no count is better than a wrong one."""
    clause = ("行政机关收到政府信息公开申请的时间，按照下列规定确定：(一)当面提交的，以提交之日为收到申请之日；"
              "(二)以邮寄方式提交的，以签收之日为收到申请之日；以平常信函提交的，确认之日为收到申请之日；"
              "(三)通过互联网渠道提交的，以双方确认之日为收到申请之日。")
    assert plain_conclusion("行政机关收到政府信息公开申请的时间按照哪些规定确定？", "《政府信息公开条例》第31条", clause) is None


def test_open_question_forms():
    assert asked("丧失继承权的情形有哪些？").form == "which"
    assert asked("什么是留置权？").form == "definition"
    assert asked("为电信网络诈骗活动提供帮助面临哪些后果").form == "consequence"
    assert asked("什么情况下留置权消灭？").form == "condition"
    assert asked("我想解除合同，什么情况下才能解除？").point == "才能解除"
    assert asked("合伙财产什么时候可以分割？").form == "when"
    assert asked("融资租赁合同租金如何确定？").form == "settled"
    assert asked("抵押权人怎么获得救济？").form == "what_to_do"
    assert asked("留置权和抵押权有什么差别？") is None
    assert asked("网络借贷平台的性质是什么？") is None


def test_the_modal_may_is_put_plainly_but_not_inside_ownership():
    """所有权 became 所可以 (有权 → 可以 replaced inside the word)."""
    assert plainer_words("租赁物的所有权归承租人，承租人有权请求返还") == "租赁物的所有权归承租人，承租人可以请求返还"
    assert plainer_words("出租人享有权利") == "出租人享有权利"


def test_a_rule_keeps_the_agreement_that_goes_before_it(statutes):
    """抵押人可以转让抵押财产。当事人另有约定的，按照其约定。: the sentence after the rule is its
    exception, though it does not start with 但."""
    sentences = split_sentences(statutes.text("民法典", "406"))
    assert [s.text for s in sentences[:2]] == ["抵押期间，抵押人可以转让抵押财产", "当事人另有约定的，按照其约定"]
    assert stated("抵押期间抵押人能转让抵押财产吗？", sentences[0], sentences[1:]) == (
        "抵押期间，抵押人可以转让抵押财产；当事人另有约定的，按照其约定")
