"""The plain-words conclusion put before a retrieval answer's quote (issue #22): read off the real
clause (../shared/laws, the focus best_clause chooses, as the composer reads it), the polarity always the
clause's own, and None when the clause does not settle the point asked or the question's form is
not handled."""
from __future__ import annotations


import pytest

from assistant.answers.card_check import StatuteIndex
from assistant.answers.clauses import best_clause
from assistant.answers.plain_conclusion import MAX_CHARS, asked, plain_conclusion

pytestmark = pytest.mark.corpus


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


# --- the forms added for plain-spoken questions (issue #22): each rule fires on a case it settles
# and keeps quiet on one it does not -----------------------------------------------------------------
DANBAO = "最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释"


@pytest.mark.parametrize("question, law, article, expected", [
    # 怎么办: the condition is the asker's situation, the rule says who may claim from whom
    ("第三人过错致使动物造成他人损害怎么办？", "民法典", "1250",
     "因第三人的过错致使动物造成他人损害的，被侵权人可以向动物饲养人或者管理人请求赔偿，也可以向第三人请求赔偿"),
    # 怎么办 answered by a court's support: "{who}可以主张X，法院会支持"
    ("如果担保人实际承担的担保责任超出了其应当承担的责任范围怎么办？", DANBAO, "3",
     "担保人可以主张仅在债务人要承担的责任范围内承担责任，法院会支持"),
    # 如何处理 answered by what an authority does (由…责令)
    ("进行监督抽查的产品质量不合格的如何处理？", "产品质量法", "17",
     "依照本法规定进行监督抽查的产品质量不合格的，由实施监督抽查的市场监督管理部门责令其生产者、销售者限期改正"),
    # a court's yes too long for the first screen: the claim's own phrase, the question stating the case
    ("抵押权依法设立之后，抵押财产毁损、灭失或被征收，抵押权人还可以优先受偿吗？", DANBAO, "42",
     "可以：抵押权人请求按照原抵押权的顺位就保险金、赔偿金或者补偿金等优先受偿的，法院会支持"),
    # 构成…罪吗 / 会坐牢吗: the conditions kept whole, "可能" when a threshold (情节严重) decides
    ("未取得医生执业资格非法行医的构成非法行医罪吗？", "刑法", "336",
     "可能构成犯罪：未取得医生执业资格的人非法行医，情节严重的，要依法追究刑事责任"),
    ("村里两帮人聚众斗殴，会坐牢吗", "刑法", "292",
     "可能构成犯罪：聚众斗殴的，对首要分子和其他积极参加的，要依法追究刑事责任"),
    # 合法吗, a duty left undone (不给交 against 应当按时足额缴纳)
    ("单位不给交社保合法吗", "社会保险法", "60",
     "不合法：用人单位要自行申报、按时足额缴纳社会保险费，非因不可抗力等法定事由不能缓缴、减免"),
    # 合法吗, the act the rule permits (有权…互换)
    ("土地承包经营权人互换土地承包经营权合法吗", "民法典", "334",
     "合法：土地承包经营权人依照法律规定，可以将土地承包经营权互换、转让"),
    # 赔多少: the sentence with the multiple
    ("公司违法解除劳动合同赔多少", "劳动合同法", "87",
     "用人单位违反本法规定解除或者终止劳动合同的，要依照本法第四十七条规定的经济补偿标准的二倍向劳动者支付赔偿金"),
    # 去哪: the sentence naming where the very action asked (申请仲裁, not 申请调解) is taken
    ("工资纠纷调解不成去哪申请仲裁", "劳动争议调解仲裁法", "5",
     "不愿调解、调解不成或者达成调解协议后不履行的，可以向劳动争议仲裁委员会申请仲裁"),
    # 由谁管辖
    ("多个行政机关均有管辖权的案件，应当如何确定由谁管辖？", "行政处罚法", "25",
     "两个以上行政机关都有管辖权的，由最先立案的行政机关管辖"),
    # the plain-spoken yes/no: 能…不
    ("保管人能改变保管场所不", "民法典", "892", "除紧急情况或者为维护寄存人利益外，不能擅自改变保管场所或者方法"),
])
def test_a_plain_spoken_question_gets_the_clauses_own_answer(statutes, question, law, article, expected):
    label = f"《{law}》第{article}条"
    assert conclude(statutes, question, law, article, label) == f"依照{label}，{expected}。"


@pytest.mark.parametrize("question, law, article", [
    # 怎么办: the condition (第三人的过错) is not the asker's situation
    ("动物园的动物伤人怎么办", "民法典", "1250"),
    # the court's yes too long, and the question does not state the case it is for
    ("抵押权人可以就保险金优先受偿吗？", DANBAO, "42"),
    # a crime: 打架 is not 聚众斗殴, and the clause on minors does not name the conduct
    ("未成年人聚众相约打架，会被抓吗", "刑法", "292"),
    ("未成年人聚众相约打架，会被抓吗", "刑法", "17"),
    # a minor: criminal responsibility turns on the age, which this clause does not settle
    ("我家孩子十三岁，跟人聚众斗殴会坐牢吗", "刑法", "292"),
    # the clause also says when it is not treated as a crime: no plain yes
    ("诈骗亲属财物，是否构成诈骗罪？", "最高人民法院、最高人民检察院关于办理诈骗刑事案件具体应用法律若干问题的解释", "4"),
    # 合法吗: the rule is about another act (加班 is not 缓缴社保), or the asked act is the duty done
    ("单位让我加班合法吗", "社会保险法", "60"),
    ("单位给我交社保合法吗", "社会保险法", "60"),
    # a limit that differs by case (试用期 by contract length): all limbs or none, and all do not fit
    ("试用期定了六个月合法吗", "劳动合同法", "19"),
    # 赔多少: the clause names no amount
    ("公司违法解除劳动合同赔多少", "劳动合同法", "48"),
    # 去哪告: the clause says who orders payment, not where to complain
    ("单位不给交养老保险去哪告", "社会保险法", "63"),
])
def test_a_plain_spoken_question_the_clause_does_not_settle_gets_no_conclusion(statutes, question, law, article):
    assert conclude(statutes, question, law, article, f"《{law}》第{article}条") is None


def test_plain_spoken_question_forms():
    assert asked("第三人过错致使动物造成他人损害怎么办？").form == "what_to_do"
    assert asked("俺琢磨出个新式的播种机 想申请个专利 咋弄").form == "what_to_do"
    assert asked("老板扣我工资，这合法吗").form == "legality"
    assert asked("出售银行卡是犯罪吗").form == "legality"
    assert asked("构成非法行医罪吗？").form == "legality"
    assert asked("单位不交社保去哪告").form == "where"
    assert asked("违法解除赔多少").form == "how_much"
    assert asked("房子还能要回来不").form == "yes_no"
    assert asked("他就是不给不") is None            # no modal before the closing 不: not a yes/no
