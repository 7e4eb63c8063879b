"""The "您可以这样做" points (assistant.answers.next_steps): which kind of dispute an answer's laws select,
and that every rule a point leans on is a real article of the statute corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answers import next_steps
from assistant.answers.next_steps import (CIVIL, CRIMINAL_DEFENCE, FAMILY, FAMILY_WITH_VIOLENCE, GENERAL, LABOUR, NEIGHBOURS,
                                  UNPAID_WAGES, WORK_INJURY, StepTemplate, steps_for)
from ingest.lawrefbook import parse_law_file

LIGHT = ["物权编", "第二分编 所有权", "第七章 相邻关系"]


@pytest.mark.parametrize("laws, question, steps", [
    ([("民法典", LIGHT)], "邻居盖楼挡住了我家的光", NEIGHBOURS),
    ([("民法典", ["物权编", "第一分编 通则", "第三章 物权的保护"]), ("民法典", LIGHT)], "", NEIGHBOURS),
    ([("民法典", ["婚姻家庭编", "第四章 离婚"])], "", FAMILY),
    ([("民法典", ["婚姻家庭编", "第四章 离婚"])], "他喝了酒就打我，我要离婚", FAMILY_WITH_VIOLENCE),
    ([("民法典", ["继承编", "第二章 法定继承"])], "我爸没留遗嘱，房子怎么分", FAMILY),   # no 报警 step
    ([("民法典", ["侵权责任编", "第九章 饲养动物损害责任"])], "被邻居家的狗咬了", GENERAL),   # no 借条 step
    ([("刑法", [])], "利用无效经济合同诈骗贷款怎么定罪", GENERAL),               # doctrine: no 报案 step
    ([("刑事诉讼法", [])], "家里人被刑事拘留了能请律师吗", CRIMINAL_DEFENCE),
    ([("民法典", ["合同编", "第十二章 借款合同"])], "", CIVIL),
    ([("某地方条例", []), ("劳动合同法", [])], "", LABOUR),
    ([("劳动法", [])], "在工地干活摔伤了", WORK_INJURY),
    ([("劳动合同法", [])], "公司拖欠我三个月工资不发，怎么办？", UNPAID_WAGES),
    ([("某地方条例", []), ("劳动法", [])], "老板三个月没发工钱我能不能走人", UNPAID_WAGES),
    ([("劳动法", [])], "在工地摔伤了，老板不给工资", WORK_INJURY),               # the injury comes first
    ([("劳动合同法", [])], "公司要给我调岗，工资也降了", LABOUR),                 # pay, but not unpaid
    ([("劳动合同法", [])], "老板无故扣我工资，合法吗", UNPAID_WAGES),
    ([("劳动法", [])], "干了半年，工钱一直不结", UNPAID_WAGES),
    ([("劳动合同法", [])], "工资扣除个税后还剩多少", LABOUR),                     # a deduction, not unpaid pay
    ([("民法典", ["合同编", "第十七章 承揽合同"])], "包工头欠我工钱不给", CIVIL),   # no labour law cited
    # a contract article, but no dispute: how to apply for a patent gets no 借条/起诉 steps (issue #22)
    ([("专利法", []), ("民法典", ["合同编", "第二十章 技术合同"])], "俺琢磨出个新式的播种机 想申请个专利 咋弄", GENERAL),
    ([("民法典", ["合同编", "第十四章 租赁合同"])], "房东不退押金咋办", CIVIL),
    ([("民法典", ["合同编", "第十九章 运输合同"])], "收货人不来取货，我们快递点可以请求其补偿仓管费用吗", CIVIL),
    ([("某地方条例", [])], "", GENERAL),
])
def test_the_first_cited_law_with_a_known_dispute_picks_the_steps(laws, question, steps):
    assert steps_for(laws, question) is steps


def templates() -> list[StepTemplate]:
    return [step for value in vars(next_steps).values() if isinstance(value, tuple)
            for step in value if isinstance(step, StepTemplate)]


def test_no_known_dispute_gets_no_generic_steps():
    assert GENERAL == ()


def test_every_rule_a_step_leans_on_is_a_real_article(laws_dir: Path):
    rules = {(s.rule.law, s.rule.article_id) for s in templates() if s.rule is not None}
    assert ("民法典", "288") in rules and len(rules) >= 7
    found = set()
    for law, article_id in rules:
        files = sorted(laws_dir.glob(f"{law}/[!_]*.md")) or sorted(laws_dir.glob(f"*/{law}(*).md"))
        assert files, f"no statute file for {law}"
        for path in files:
            record = parse_law_file(path, laws_dir)
            if any(a.article_id == article_id and a.text.strip() for a in record.articles):
                found.add((law, article_id))
    assert found == rules


def test_an_unpaid_wages_answer_says_the_worker_may_quit_and_cites_the_real_article(small_kb):
    """"公司拖欠工资怎么办" used to get only the arbitration steps; the right to resign (劳动合同法
    第三十八条) and the labour-inspectorate complaint (第八十五条) are said, cited with the
    knowledge base's own text, whatever articles retrieval quoted."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    question = "公司拖欠我三个月工资不发，怎么办？"
    composed = OfflineComposer(small_kb, ComposerLimits()).answer(question, small_kb.search(question, k=10))
    cited = {(h.law, h.article_id): h for h in composed.citations}
    for article in ("38", "85"):
        assert cited[("劳动合同法", article)].text == small_kb.get_article("劳动合同法", article).text
    assert "第三十八条" in composed.text and "12333" in composed.text
    assert any(p["cites"] == [{"law": "劳动合同法", "article_id": "38"}] for p in composed.points)
