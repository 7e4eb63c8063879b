"""The plain conclusion for lawyers' question forms (issue #22) — 是否/可以…吗/属于…吗 (yes/no),
效力如何/有效吗 (validity), 由谁/谁 (who), 多长 (how long) — read off the real clause (../shared/laws)
the way the answer path reads it: best_clause's focus, then the composer's retrieval answer. Each
form has a question its clause settles and one it does not (no conclusion then). The questions are
written here, not taken from STARD."""
from __future__ import annotations


import pytest

from assistant.answers.plain_conclusion import asked
from tests.conclusion_support import conclude

pytestmark = pytest.mark.corpus

LOANS = "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"




@pytest.mark.parametrize("question, law, article, expected", [
    # the clause is the answer itself: said again only with the answer word first (应当 → 要)
    ("存货人交付了仓储物，保管人应当出具仓单吗？", "民法典", "908",
     "要：存货人交付仓储物的，保管人应当出具仓单、入库单等凭证"),
    # 能否 answered by 有权 → 可以
    ("别人打伤我造成严重精神损害，我能否请求精神损害赔偿？", "民法典", "1183",
     "可以：侵害自然人人身权益造成严重精神损害的，被侵权人有权请求精神损害赔偿"),
    # 可以…吗 answered by 禁止 / 不得 → 不可以
    ("可以买卖人体器官吗？", "民法典", "1007", "不可以：禁止以任何形式买卖人体细胞、人体组织、人体器官、遗体"),
    ("用人单位招用劳动者时可以扣押身份证吗？", "劳动合同法", "9",
     "不可以：用人单位招用劳动者，不能扣押劳动者的居民身份证和其他证件，不能要求劳动者提供担保或者以其他名义向劳动者收取财物"),
    # 属于…吗: the thing asked stands right after 属于, the exception kept ("一般…；但…除外")
    ("草原属于国家所有吗？", "民法典", "250",
     "森林、山岭、草原、荒地、滩涂等自然资源，一般属于国家所有；但法律规定属于集体所有的除外"),
])
def test_a_yes_no_gets_the_answer_the_clause_gives(statutes, question, law, article, expected):
    assert conclude(statutes, question, law, article) == f"依照《{law}》第{article}条，{expected}。"


@pytest.mark.parametrize("question, law, article", [
    # what is asked (集体所有) is only the exception's case: no yes or no read off the rule
    ("滩涂属于集体所有吗？", "民法典", "250"),
    # the court's 应当 governs how it hears the case, not whether the lender may claim performance
    ("借款人到期不还钱，出借人可以请求履行作担保的买卖合同吗？", LOANS, "23"),
    # 应当催告存货人…作出处置: the 应当 governs 催告, not the 处置 asked about
    ("保管人发现入库仓储物有变质，危及其他仓储物的安全，保管人可以作出必要的处置吗？", "民法典", "913"),
    # 未经登记，不得对抗…: a bare 不可以 would overstate it
    ("融资租赁的出租人对租赁物的所有权可以对抗第三人吗？", "民法典", "745"),
])
def test_a_yes_no_the_clause_does_not_settle_gets_no_answer_word(statutes, question, law, article):
    """No 可以/不可以/要 is put first (the older reading of the clause, without one, may stay)."""
    got = conclude(statutes, question, law, article)
    assert got is None or not got.split("，", 1)[1].startswith(("可以", "不可以", "要")), got


@pytest.mark.parametrize("question, law, article, expected", [
    # a list of void cases: the one the question tells, with its condition whole
    ("出借人事先知道借款人借款用于违法犯罪活动仍然提供借款，民间借贷合同有效吗？", LOANS, "13",
     "出借人事先知道或者应当知道借款人借款用于违法犯罪活动仍然提供借款的，法院应当认定民间借贷合同无效"),
    # 效力如何, the clause being the answer itself: 无效 first
    ("以虚构租赁物方式订立的融资租赁合同效力如何？", "民法典", "737",
     "无效：当事人以虚构租赁物方式订立的融资租赁合同无效"),
])
def test_a_validity_question_gets_the_clauses_void(statutes, question, law, article, expected):
    assert conclude(statutes, question, law, article) == f"依照《{law}》第{article}条，{expected}。"


def test_a_validity_question_about_a_case_the_list_does_not_name_gets_no_conclusion(statutes):
    assert conclude(statutes, "民间借贷合同约定的利息太高，合同有效吗？", LOANS, "13") is None


@pytest.mark.parametrize("question, law, article, expected", [
    # the party the clause gives the very right asked about (收取), with its exception
    ("出质人和质权人没有另外约定，质押财产的孳息归谁收取？", "民法典", "430",
     "质权人一般有权收取质押财产的孳息；但合同另有约定的除外"),
    # 由X担任, too long with its condition: the condition the question states is left out
    ("没有人具有监护资格时，谁担任监护人？", "民法典", "32",
     "监护人由民政部门担任，也可以由具备履行监护职责条件的被监护人住所地的居民委员会、村民委员会担任"),
])
def test_who_gets_the_party_the_clause_names(statutes, question, law, article, expected):
    assert conclude(statutes, question, law, article) == f"依照《{law}》第{article}条，{expected}。"


@pytest.mark.parametrize("question, law, article", [
    # "…其他组织，有权提起诉讼": the phrase read alone ("有权提起诉讼") names no one
    ("谁有权提起行政诉讼？", "行政诉讼法", "25"),
    # "由下列有监护能力的人按顺序担任监护人：" — the list itself is the answer, not its lead-in
    ("父母都去世了，谁来担任孩子的监护人？", "民法典", "27"),
])
def test_who_is_not_answered_by_a_phrase_that_names_no_party(statutes, question, law, article):
    assert conclude(statutes, question, law, article) is None


def test_how_long_gets_the_one_period_first(statutes):
    assert conclude(statutes, "提起环境损害赔偿诉讼的时效期间是多长？", "环境保护法", "66") == (
        "依照《环境保护法》第66条，三年：提起环境损害赔偿诉讼的时效期间为三年，从当事人知道或者应当知道其受到损害时起计算。")


def test_how_long_is_not_answered_by_another_period_of_the_clause(statutes):
    # the renewal's 十二个月 is not the 宽展期 asked about
    assert conclude(statutes, "注册商标续展的宽展期有多长？", "商标法", "40") is None


def test_lawyers_question_forms():
    assert asked("旅游经营者与挂靠者承担连带责任吗？").point == "承担连带责任"
    assert asked("冒用他人姓名构成侵害姓名权吗？").point == "构成侵害姓名权"
    assert asked("这种约定的效力如何？").form == "validity"
    assert asked("质押财产的孳息由谁收取？").form == "who"
    assert asked("他承担了吗还是没有？") is None          # two questions in one


def test_the_retrieval_answer_leads_with_the_answer_word_and_keeps_the_quote(small_kb, statutes):
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from knowledge.types import Hit

    hit = Hit(doc_id="mfd:1007", kind="statute", score=0.9, law="民法典", article_id="1007",
              text=statutes.text("民法典", "1007"), level="法律")
    composer = OfflineComposer(small_kb, ComposerLimits())
    lines = composer.retrieval_answer("可以买卖人体器官吗？", [hit], [], frozenset()).text.split("\n")
    assert lines[0] == "依照《民法典》第一千零七条，不可以：禁止以任何形式买卖人体细胞、人体组织、人体器官、遗体。"
    assert lines[1].startswith("这个问题要看《民法典》第一千零七条，它规定：“禁止以任何形式买卖")
    # a question the clause does not settle keeps the quote first
    other = composer.retrieval_answer("人体器官捐献要走什么程序？", [hit], [], frozenset())
    assert other.text.startswith("这个问题要看《民法典》第一千零七条")
