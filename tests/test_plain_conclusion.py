"""The plain-words conclusion put before a retrieval answer's quote (issue #22): read off the real
clause (../shared/laws, the focus best_clause chooses, as the composer reads it), the polarity always the
clause's own, and None when the clause does not settle the point asked or the question's form is
not handled."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answers.card_check import StatuteIndex
from assistant.answers.clauses import best_clause
from assistant.answers.plain_conclusion import MAX_CHARS, asked, plain_conclusion

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def statutes(laws_dir: Path) -> StatuteIndex:
    return StatuteIndex(laws_dir)


def conclude(statutes: StatuteIndex, question: str, law: str, article: str, label: str) -> str | None:
    text = statutes.text(law, article)
    assert text, f"{law}第{article}条 not in the corpus"
    clause = best_clause(question, text)
    assert clause is not None
    return plain_conclusion(question, label, clause.point)      # the focus, as the composer reads it


@pytest.mark.parametrize("question, law, article, label, expected", [
    # "…的，不承担X，但是有下列情形之一的除外：（二）…" — the listed case the question is about
    ("新闻报道严重失实，报道人是否承担侵权责任？", "民法典", "1025", "《民法典》第一千零二十五条",
     "依照《民法典》第一千零二十五条，一般不承担民事责任；但对他人提供的严重失实内容未尽到合理核实义务的，要承担。"),
    # "除…外，不得…" → 不能 with the saving phrase kept
    ("保管人可以改变保管场所或者方法吗？", "民法典", "892", "《民法典》第八百九十二条",
     "依照《民法典》第八百九十二条，除紧急情况或者为维护寄存人利益外，不能擅自改变保管场所或者方法。"),
    # "应当承担…。但是，…的，不承担…" — the exception in the next sentence
    ("保管合同中，因保管人保管不善导致寄存物损失的，保管人是否应该承担赔偿责任？", "民法典", "897", "《民法典》第八百九十七条",
     "依照《民法典》第八百九十七条，保管人一般应当承担赔偿责任；但无偿保管人证明自己没有故意或者重大过失的，不承担赔偿责任。"),
    # "不得…，但是…除外" inline
    ("应收账款出质后，还可以转让吗？", "民法典", "445", "《民法典》第四百四十五条",
     "依照《民法典》第四百四十五条，应收账款出质后，一般不能转让；但出质人与质权人协商同意的除外。"),
    # "…无效，但是…除外" for 有效吗
    ("主债权债务合同无效时，保证合同是否有效？", "民法典", "682", "《民法典》第六百八十二条",
     "依照《民法典》第六百八十二条，主债权债务合同无效的，保证合同一般无效；但法律另有规定的除外。"),
    # 谁偿还: the sentences that name who bears it, not the next subject (农村承包经营户)
    ("夫妻一方经营个体工商户所欠债务，谁偿还？", "民法典", "56", "《民法典》第五十六条",
     "依照《民法典》第五十六条，个体工商户的债务，个人经营的，以个人财产承担；家庭经营的，以家庭财产承担；无法区分的，以家庭财产承担。"),
    # 多长时间: the sentence with the time limit
    ("产品存在缺陷造成损害要求赔偿的诉讼时效是多长时间？", "产品质量法", "45", "《产品质量法》第四十五条",
     "依照《产品质量法》第四十五条，因产品存在缺陷造成损害要求赔偿的诉讼时效期间为二年，自当事人知道或者应当知道其权益受到损害时起计算。"),
    # "…请求…的，人民法院不予支持" → 不可以
    ("出租人转让其在融资租赁合同项下的权利，受让方可以以此为由请求解除融资租赁合同吗？",
     "最高人民法院关于审理融资租赁合同纠纷案件适用法律问题的解释", "4", "《融资租赁解释》第四条",
     "依照《融资租赁解释》第四条，不可以：出租人转让其在融资租赁合同项下的部分或者全部权利，受让方以此为由请求解除或者变更融资租赁合同的，法院不支持。"),
])
def test_the_conclusion_is_the_clauses_own_answer_to_the_point_asked(statutes, question, law, article, label, expected):
    got = conclude(statutes, question, law, article, label)
    assert got == expected
    assert len(got) - len(f"依照{label}，。") <= MAX_CHARS


@pytest.mark.parametrize("question, law, article", [
    # the point is negated in the question (可以不履行吗): the answer would be too easy to turn round
    ("赠与人经济恶化，公证的房产赠与合同可以不履行吗？", "民法典", "658"),
    # the clause speaks of the debtor's goods, the question of a third person's
    ("债权人能对第三人的动产进行留置吗？", "民法典", "447"),
    # "主张…无效的，人民法院应予支持": the court supports the claim that the transfer is void — not 可以转让
    ("商业保险的人身保险请求权可以转让吗？", "最高人民法院关于审理道路交通事故损害赔偿案件适用法律若干问题的解释", "21"),
    # "请求解除旅游合同…的，人民法院应予支持": what is supported is the tourist's rescission, not the transfer
    ("旅游经营者可以转让合同吗？", "最高人民法院关于审理旅游纠纷案件适用法律若干问题的规定", "10"),
    # the clause's sentence is about another case (离婚时的房屋) than the asker's
    ("房屋被违法强拆，房屋所有权人已起诉，承租人能否再起诉？",
     "最高人民法院关于适用《中华人民共和国民法典》婚姻家庭编的解释（一）", "77"),
    # 属于 in a condition (属于债务人的全部财产) is not a yes/no about 破产财产
    ("承租人破产，租赁物是否属于破产财产？", "企业破产法", "30"),
    # forms not handled: a list (哪些内容), two questions at once
    ("融资租赁合同一般包括哪些内容？", "民法典", "736"),
    ("什么是职务作品？职务作品的权利归属于谁？", "著作权法", "18"),
])
def test_no_conclusion_when_the_clause_does_not_settle_the_point_or_the_form_is_not_handled(statutes, question, law, article):
    assert conclude(statutes, question, law, article, f"《{law}》第{article}条") is None


def test_question_forms():
    assert asked("保管人可以改变保管场所或者方法吗？").point == "改变保管场所或者方法"
    assert asked("报道人是否承担侵权责任？").point == "承担侵权责任"
    assert asked("快递点可以要求赔偿吗").point == "要求赔偿"            # 要求 is not the modal 要
    assert asked("保证合同还有效吗？").form == "validity"
    assert asked("返程费用由谁承担？").form == "who"
    assert asked("诉讼时效是多久？").form == "how_long"
    assert asked("公证的赠与合同可以不履行吗？") is None
    assert asked("劳动关系与劳务关系应该怎么区分？") is None
    assert asked("职务作品是什么？归属于谁？") is None


def test_a_retrieval_answer_leads_with_the_conclusion_and_keeps_the_quote(small_kb, statutes):
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from knowledge.types import Hit

    question = "保管人可以改变保管场所或者方法吗？"
    hit = Hit(doc_id="mfd:892", kind="statute", score=0.9, law="民法典", article_id="892",
              text=statutes.text("民法典", "892"), level="法律")
    lines = OfflineComposer(small_kb, ComposerLimits()).retrieval_answer(question, [hit], [], frozenset()).text.split("\n")
    assert lines[0] == "依照《民法典》第八百九十二条，除紧急情况或者为维护寄存人利益外，不能擅自改变保管场所或者方法。"
    assert lines[1].startswith("这个问题要看《民法典》第八百九十二条，它规定：“")
    assert "不得擅自改变保管场所或者方法" in lines[1]
    # a question the clause does not settle keeps today's answer
    other = OfflineComposer(small_kb, ComposerLimits()).retrieval_answer("保管合同是什么？", [hit], [], frozenset())
    assert other.text.startswith("这个问题要看《民法典》第八百九十二条")
