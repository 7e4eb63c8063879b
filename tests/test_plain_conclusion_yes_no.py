"""Issue #22 ("No conclusion: the person asked 能不能/是否/多久/多少; the answer must say it"): the
yes/no, how-long and how-much conclusions read off the real clause (../shared/laws) the way the answer
path reads it (best_clause's focus) — and the questions that must get none: a rule about another party
than the one asked about, a negated point, a penalty whose tiers cannot all be shown, a minor's
sentence. The questions are written here, not taken from STARD."""
from __future__ import annotations

import pytest

from assistant.answers.plain_conclusion import asked
from tests.conclusion_support import conclude

pytestmark = pytest.mark.corpus


@pytest.mark.parametrize("question, law, article, expected", [
    # a long story shares few words with the clause, yet tells the very case of its rule
    ("供电公司没有事先通知就中断供电，造成我们厂损失，可以要求赔偿吗？", "民法典", "652",
     "可以：未事先通知用电人中断供电，造成用电人损失的，应当承担赔偿责任"),
    # the rule with its exception: 一般不能…；但…除外
    ("保管人可以将保管物转交第三人保管吗？", "民法典", "894", "保管人一般不能将保管物转交第三人保管；但当事人另有约定的除外"),
    # the party asked about (承租人) is the one the clause's claim is against (出租人有权请求承租人…): not another party
    ("融资租赁的租赁物在承租人手里毁损了，承租人还要继续支付租金吗？", "民法典", "751",
     "承租人占有租赁物期间，租赁物毁损、灭失的，出租人一般有权请求承租人继续支付租金；但法律另有规定或者当事人另有约定的除外"),
    # the other party named in the point is the one whose duty is claimed (要求出租人维修: 出租人应当…维修)
    ("承租人可以要求出租人维修吗？", "民法典", "712", "出租人一般应当履行租赁物的维修义务；但当事人另有约定的除外"),
    # 有没有效 / 有效不 are validity questions; 无效 first when the clause says it of the asker's case
    ("无民事行为能力人实施的民事法律行为有没有效？", "民法典", "144", "无效：无民事行为能力人实施的民事法律行为无效"),
    # a point the statute writes with its halves swapped (注册商标 → 商标注册)
    ("自然人可以申请注册商标吗？", "商标法", "4",
     "自然人、法人或者其他组织在生产经营活动中，对其商品或者服务需要取得商标专用权的，应当向商标局申请商标注册"),
    # 判几年: every tier of the penalty with its threshold (fines left out to fit the first screen)
    ("拒不支付劳动报酬罪会判几年？", "刑法", "276-1",
     "经政府有关部门责令支付仍不支付的，处三年以下有期徒刑或者拘役；造成严重后果的，处三年以上七年以下有期徒刑"),
    ("帮助信息网络犯罪活动罪会判几年？", "刑法", "287-2", "情节严重的，处三年以下有期徒刑或者拘役，并处或者单处罚金"),
    # 怎么算 / 什么标准: the sentences that say it, without a figure
    ("存货人逾期提取仓储物，仓储费怎么算？", "民法典", "915", "存货人或者仓单持有人逾期提取的，要加收仓储费；提前提取的，不减收仓储费"),
    ("生产可能危及人体健康的工业产品要符合什么标准？", "产品质量法", "13",
     "可能危及人体健康和人身、财产安全的工业产品，必须符合保障人体健康和人身、财产安全的国家标准、行业标准"),
])
def test_the_clause_answers_the_yes_no_how_long_or_how_much_asked(statutes, question, law, article, expected):
    assert conclude(statutes, question, law, article) == f"依照《{law}》第{article}条，{expected}。"


def test_a_condition_the_story_does_not_tell_gets_no_yes(statutes):
    # 台风断电 is not 未事先通知…中断供电: the clause is shown with its condition, without 可以 first
    said = conclude(statutes, "供电公司因为台风断电，造成我们厂损失，可以要求赔偿吗？", "民法典", "652")
    assert said is None or not said.startswith("依照《民法典》第652条，可以")


@pytest.mark.parametrize("question, law, article", [
    # the rule is about another party than the one asked about
    ("出租人可以将租赁物转租给第三人吗？", "民法典", "716"),          # 承租人经出租人同意，可以转租
    ("寄存人可以将保管物转交第三人保管吗？", "民法典", "894"),        # 保管人不得转交
    ("寄存人可以使用保管物吗？", "民法典", "895"),                    # 保管人不得使用
    # the kind asked about (离婚协议中的赠与) is not the thing in general the clause rules on (赠与)
    ("离婚协议中的赠与是否可以撤销？", "民法典", "658"),
    # a negated point inverts the answer: too easy to get backwards
    ("保管人可以不返还保管物吗？", "民法典", "899"),
    # a penalty tier whose threshold is not one phrase (数额较大的，或者多次盗窃…的) or three tiers too
    # long for the first screen: all the tiers or none, never the lightest alone
    ("盗窃罪会判几年？", "刑法", "264"),
    ("诈骗罪一般判几年？", "刑法", "266"),
    # the validity reader says only 无效: a clause that makes the act valid gets no conclusion
    ("限制民事行为能力人实施的纯获利益的民事法律行为有没有效？", "民法典", "145"),
    # a minor's sentence turns on the age (刑法第十七条), not on this clause
    ("未成年人帮助信息网络犯罪活动会判几年？", "刑法", "287-2"),
])
def test_no_yes_no_when_the_clause_does_not_settle_the_asked_point(statutes, question, law, article):
    assert conclude(statutes, question, law, article) is None


def test_the_party_asked_about_may_be_answered_by_a_later_sentence(statutes):
    # 寄存人可以随时领取 is about the depositor; the keeper's right is the next sentence, with its condition
    assert conclude(statutes, "保管人可以随时要求寄存人领取保管物吗？", "民法典", "899") == (
        "依照《民法典》第899条，当事人对保管期限没有约定或者约定不明确的，保管人可以随时请求寄存人领取保管物。")


def test_question_forms():
    # 时效 in the story is not the question: whether the mortgage survives is a yes/no
    assert asked("主债权经过诉讼时效后，抵押权是否存续？").form == "yes_no"
    assert asked("融资租赁合同欠付租金的诉讼时效？").form == "how_long"
    assert asked("向未成年人卖烟，这是合法的吗？").form == "legality"
    assert asked("网约车司机与平台存在劳动关系吗？").point == "存在劳动关系"
    assert asked("存货人是否有权检查仓储物？").point == "检查仓储物"


def test_a_judgment_is_not_a_sentence_asked():
    from assistant.answers.conclusion.figures import PENALTY_ASKED

    assert PENALTY_ASKED.search("帮信罪会判几年")
    assert not PENALTY_ASKED.search("不服一审判决，上诉期是多久")      # 判决: how long, read as a period
