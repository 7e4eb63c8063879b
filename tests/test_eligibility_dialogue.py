"""The in-chat eligibility flow: extraction from Chinese free text, one question at a time in a
sensible order, why income is asked, the decision turn, the handoff summary, and personal data
(never asks for an ID number; one typed in is neither echoed nor kept)."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from assistant.eligibility.dialogue import EligibilityDialogue
from assistant.eligibility.extract import extract, find_household_size, find_monthly_income, spoken_number
from assistant.eligibility.standards import StandardsBook

BOOK = StandardsBook()
TABLE = BOOK.snapshot()


@pytest.fixture
def dialogue():
    return EligibilityDialogue(BOOK, today=dt.date(2024, 9, 1))


# ---- extraction ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, amount", [
    ("家里一个月九千左右", 9000), ("月收入3000", 3000), ("每月两千五", 2500), ("年收入三万", 2500),
    ("一个月一共一万五", 15000), ("我就靠一千五的退休金", 1500), ("工资加起来每个月正好9,570块", 9570),
])
def test_monthly_income_in_the_ways_people_say_it(text, amount):
    assert find_monthly_income(text) == Decimal(amount)


@pytest.mark.parametrize("text", [
    "老板欠我们四万多工钱", "借了五万块给朋友", "听说上海标准是人均3190", "每月给1500抚养费", "损失十几万",
])
def test_amounts_that_are_not_income_are_ignored(text):
    assert find_monthly_income(text) is None


def test_spoken_numbers():
    assert [spoken_number(x) for x in ("两千四", "一万一", "三万", "1.5万")] == [2400, 11000, 30000, 15000]


@pytest.mark.parametrize("text, size", [
    ("家里三口人", 3), ("一家四口", 4), ("我和老婆孩子", 3), ("屋头四个人", 4), ("我一个人住", 1),
    ("我们两口子", 2), ("就我们娘俩", 2),
])
def test_household_size(text, size):
    assert find_household_size(text) == size


def test_six_workers_owed_wages_are_not_a_household_of_six():
    assert find_household_size("老板欠我们六个人工钱。我家五口人") == 5


@pytest.mark.parametrize("text, region", [
    ("我四川泸州农村的，在上海工地上做钢筋工", "上海市"), ("俺是周口农村的，在郑州工地干活", "河南省"),
    ("我在潍坊", "潍坊市"), ("阿坝州的", "阿坝州"), ("我在中山打工", "中山市"), ("珠海这边", "珠海市"),
    ("广州天河", "广州市"), ("泸州叙永县", "泸州市"), ("杭州萧山", "杭州市"), ("在北京装修队干活", "北京市"),
    ("江西乡下的", "江西省"), ("青岛", "山东省"),
])
def test_region_is_where_the_case_is_handled(text, region):
    assert extract(text, TABLE).get("region") == region


@pytest.mark.parametrize("text, matter", [
    ("老板拖欠工资三个月", "wage_arrears"), ("我要讨薪", "wage_arrears"), ("上班被冲床压了手", "work_injury"),
    ("被摩托车撞断了腿", "traffic_accident_injury"), ("老公喝了酒就打我，我要离婚", "dv_divorce"),
    ("三个儿子都不给生活费，要赡养费", "support_elderly"), ("朋友借钱不还", "private_loan"),
    ("周末出了车祸（不是工伤）", "traffic_accident_injury"),
])
def test_matter(text, matter):
    assert extract(text, TABLE).get("matter_type") == matter


def test_people_statuses_urgency_and_negation():
    facts = extract("我是农民工，家里是低保户，有低保证，还有三天就到期了", TABLE)
    assert facts["applicant"]["migrant_worker"] is True
    assert "dibao" in facts["applicant"]["statuses"]
    assert "低保证" in facts["proof_available"]
    assert facts["urgency"]["days_to_deadline"] == 3
    assert "migrant_worker" not in extract("我是北京户口不是农民工", TABLE).get("applicant", {})


def test_criminal_narrative():
    facts = extract("我老公帮人运毒品，案子到检察院了，可能判无期", TABLE)
    assert facts["matter_type"] == "criminal_defense"
    assert facts["criminal"]["stage"] == "prosecution" and facts["criminal"]["possible_sentence"] == "life"


# ---- the conversation ----------------------------------------------------------------------------
def test_asks_one_thing_at_a_time_in_order_and_explains_why_income(dialogue):
    turn = dialogue.start("我能申请法律援助吗")
    assert not turn.done and turn.asked == "matter"
    turn = dialogue.answer(turn.state, "老板拖欠我工资")
    assert turn.asked == "region"
    turn = dialogue.answer(turn.state, "上海")
    assert turn.asked == "migrant_worker"     # a migrant worker's wage claim needs no means test (art. 42)
    turn = dialogue.answer(turn.state, "不是，我是城里人")
    assert turn.asked == "household_size"
    turn = dialogue.answer(turn.state, "3")
    assert turn.asked == "income"
    assert "经济困难标准" in turn.reply and "不会另作他用" in turn.reply   # why, and not kept beyond the case
    turn = dialogue.answer(turn.state, "一个月九千")
    assert turn.decision is not None and turn.decision["decision"] == "eligible"   # 3000 < 3190
    assert "法律援助法第三十一条" in turn.reply and "12348" in turn.reply and "上海市法律援助中心" in turn.reply
    assert "需要" in turn.reply and not turn.done                                 # the handoff offer


def test_does_not_ask_what_was_already_said(dialogue):
    turn = dialogue.start("我在上海跑外卖，老板拖欠工资。家里三口人，一个月九千，能申请法律援助吗")
    assert turn.decision is not None and turn.decision["decision"] == "eligible"
    assert turn.asked is None


def test_mandatory_defence_needs_no_income_questions(dialogue):
    turn = dialogue.start("我表弟打架把人打死了，警察说是故意杀人，可能判死刑，会有律师帮他吗")
    assert turn.decision["decision"] == "eligible"
    assert "criminal_mandatory_defense_life_or_death" in turn.decision["reasons"]


def test_asks_for_proof_only_when_it_would_decide(dialogue):
    turn = dialogue.start("我是农民工，在上海工地干活，包工头欠了我们工钱跑了。家里两口人一个月八千")
    assert turn.asked == "proof"
    done = dialogue.answer(turn.state, "有户口簿和欠条")
    assert done.decision["decision"] == "eligible" and "exempt_migrant_wage" in done.decision["reasons"]
    no = dialogue.answer(turn.state, "没有")
    assert no.decision["decision"] == "ineligible"


def test_handoff_summary_on_yes_and_none_on_no(dialogue):
    turn = dialogue.start("我在上海，被车撞了，家里两口人，一个月五千，能申请法律援助吗")
    assert turn.decision["decision"] == "eligible"
    yes = dialogue.answer(turn.state, "需要")
    assert yes.done and yes.handoff_summary["region"] == "上海市"
    assert yes.handoff_summary["家庭人口"] == 2 and yes.handoff_summary["事项"] == "交通事故人身损害赔偿"
    assert yes.handoff_summary["decision"]["decision"] == "eligible"
    no = dialogue.answer(turn.state, "不用了")
    assert no.done and no.handoff_summary is None


def test_state_is_json_and_survives_a_round_trip(dialogue):
    turn = dialogue.start("我能申请法律援助吗？我家在阿坝农村，四口人，一个月两千")
    restored = json.loads(json.dumps(turn.state))
    nxt = dialogue.answer(restored, "医院手术出了事")
    assert nxt.decision["decision"] == "eligible"     # 500 < 550 (rural 2 × 275)


def test_a_corrupt_state_restarts_instead_of_failing(dialogue):
    turn = dialogue.answer({"v": 99, "junk": True}, "我能申请法律援助吗")
    assert turn.asked == "matter"


# ---- personal data ---------------------------------------------------------------------------------
def _walk(dialogue, first: str, answers: list[str]):
    turn = dialogue.start(first)
    turns = [turn]
    for a in answers:
        if turn.decision is not None or turn.done:
            break
        turn = dialogue.answer(turn.state, a)
        turns.append(turn)
    return turns


@pytest.mark.parametrize("first", ["我能申请法律援助吗", "我弟弟被公安抓走了，能派律师吗", "我是低保户，能申请吗"])
def test_never_asks_for_an_id_number(dialogue, first):
    for turn in _walk(dialogue, first, ["被车撞了", "上海", "3", "九千", "城里", "有", "检察院", "30岁", "不会"]):
        if turn.decision is None:
            assert "身份证" not in turn.reply


def test_an_id_number_typed_in_is_neither_echoed_nor_kept(dialogue):
    id_number = "110101199003071234"
    turn = dialogue.start(f"我身份证号{id_number}，老板拖欠工资，在上海")
    assert id_number not in turn.reply and "1990" not in json.dumps(turn.state)
    assert "身份证号" in turn.reply and "不需要" in turn.reply      # a privacy reminder instead
    turn = dialogue.answer(turn.state, f"{id_number}")
    assert id_number not in turn.reply and id_number not in json.dumps(turn.state, ensure_ascii=False)
    assert turn.state["facts"].get("household_size") is None        # the ID was not read as a number


def test_the_rule_is_not_read_as_the_persons_income_or_status():
    rule = extract("听说标准是低保的两倍，我们算正好卡线上？", TABLE)
    assert "per_capita_income_to_dibao_ratio" not in rule and "statuses" not in rule.get("applicant", {})
    own = extract("村干部说我家人均收入是低保的1.6倍左右", TABLE)
    assert own["per_capita_income_to_dibao_ratio"] == Decimal("1.6")
    assert "statuses" not in own.get("applicant", {})


def test_region_is_asked_even_when_eligible_so_the_person_knows_where_to_apply(dialogue):
    turn = dialogue.start("我见义勇为救落水的孩子受了伤，对方不赔，能申请法律援助吗")
    assert turn.asked == "region"
    done = dialogue.answer(turn.state, "潍坊")
    assert done.decision["decision"] == "eligible"
    assert "山东省法律援助条例第九条" in done.decision["citations"] and "潍坊市法律援助中心" in done.reply


def test_handoff_summary_income_is_masked_when_rendered_for_notifications(dialogue):
    from assistant.privacy import mask_pii

    turn = dialogue.start("我在上海，被车撞了，家里两口人，一个月五千，能申请法律援助吗")
    summary = dialogue.answer(turn.state, "需要").handoff_summary
    line = "；".join(f"{k}：{v}" for k, v in summary.items() if isinstance(v, (str, int)))
    assert "5000" in line and "5000" not in mask_pii(line)


# ---- issue 24: facts told before, facts told after, each question once -----------------------------
def test_known_facts_are_not_asked_again_and_the_migrant_question_decides(dialogue):
    known = dialogue.observe({}, "我在杭州的工地上干活，包工头拖欠我三个月工钱不给")
    assert known["region"] == "杭州市" and known["matter_type"] == "wage_arrears"
    turn = dialogue.start("那我能申请法律援助吗？", known=known)
    assert turn.asked == "migrant_worker"
    turn = dialogue.answer(turn.state, "我是农民工，每月收入2000块，家里3口人")
    assert turn.asked == "proof"
    turn = dialogue.answer(turn.state, "有户口簿，也有工友作证")
    assert turn.decision["decision"] == "eligible" and "exempt_migrant_wage" in turn.decision["reasons"]
    assert sorted(turn.state["asked"]) == ["migrant_worker", "proof"]       # each once, nothing known asked
    yes = dialogue.answer(turn.state, "需要")
    summary = yes.handoff_summary
    assert summary["region"] == "杭州市" and summary["农民工"] == "是" and summary["家庭人口"] == 3
    assert summary["家庭月收入"] == "2000" and summary["初步判断"] == "符合申请条件"
    assert summary["事项"] == "讨要工资（欠薪）"


def test_a_number_is_no_answer_to_a_yes_or_no_question(dialogue):
    turn = dialogue.start("我在杭州的工地上干活，包工头拖欠我工钱，能申请法律援助吗")
    assert turn.asked == "migrant_worker"
    turn = dialogue.answer(turn.state, "3")
    assert turn.state["facts"].get("applicant", {}).get("migrant_worker") is None


def test_income_and_household_are_asked_even_when_the_local_figure_is_unknown(dialogue):
    turn = dialogue.start("我在杭州，被车撞了，能申请法律援助吗")
    asked = []
    for answer in ["3口人", "每月两千"]:
        asked.append(turn.asked)
        turn = dialogue.answer(turn.state, answer)
    assert asked == ["household_size", "income"]
    assert turn.decision is not None and turn.state["facts"]["household_size"] == 3


def test_a_fact_after_the_verdict_decides_again(dialogue):
    turn = dialogue.start("我在杭州的工地上干活，包工头拖欠我工钱，能申请法律援助吗")
    for answer in ["不是", "3口人", "每月两千"]:
        turn = dialogue.answer(turn.state, answer)
    assert turn.decision["decision"] == "review"
    again = dialogue.answer(turn.state, "我是农民工，有户口簿和工友证明")
    assert again.decision["decision"] == "eligible" and not again.done
    # after the flow ended ("不用"), the same late fact still decides again
    ended = dialogue.answer(turn.state, "不用了")
    assert ended.done
    revisited = dialogue.revisit(ended.state, "我是农民工，有户口簿和工友证明")
    assert revisited is not None and revisited.decision["decision"] == "eligible"
    assert dialogue.revisit(ended.state, "离婚了房子怎么分？") is None      # a new question is no late fact
    assert dialogue.revisit(ended.state, "谢谢") is None
