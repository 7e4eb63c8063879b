"""The "您可以这样做" points (assistant.next_steps): which kind of dispute an answer's laws select,
and that every rule a point leans on is a real article of the statute corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from assistant import next_steps
from assistant.next_steps import (CIVIL, FAMILY, GENERAL, LABOUR, NEIGHBOURS, WORK_INJURY, StepTemplate,
                                  steps_for)
from ingest.lawrefbook import parse_law_file

LIGHT = ["物权编", "第二分编 所有权", "第七章 相邻关系"]


@pytest.mark.parametrize("laws, question, steps", [
    ([("民法典", LIGHT)], "邻居盖楼挡住了我家的光", NEIGHBOURS),
    ([("民法典", ["物权编", "第一分编 通则", "第三章 物权的保护"]), ("民法典", LIGHT)], "", CIVIL),
    ([("民法典", ["婚姻家庭编", "第四章 离婚"])], "", FAMILY),
    ([("民法典", ["合同编", "第十二章 借款合同"])], "", CIVIL),
    ([("某地方条例", []), ("劳动合同法", [])], "", LABOUR),
    ([("劳动法", [])], "在工地干活摔伤了", WORK_INJURY),
    ([("某地方条例", [])], "", GENERAL),
])
def test_the_first_cited_law_with_a_known_dispute_picks_the_steps(laws, question, steps):
    assert steps_for(laws, question) is steps


def templates() -> list[StepTemplate]:
    return [step for value in vars(next_steps).values() if isinstance(value, tuple)
            for step in value if isinstance(step, StepTemplate)]


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
