"""The first steps shown for an urgent kind (assistant/conversation/urgent.py) are reviewed data like
the cards: every article they cite exists in the statute corpus and is in force, every quoted phrase
of a step naming an article is in a cited article, and an article a step names is among the kind's citations."""
from __future__ import annotations

import re

import pytest

from assistant.answers.card_check import normalise
from assistant.conversation.urgent import GUIDANCE
from knowledge.citations import parse

QUOTED = re.compile(r"“([^”]+)”")


def _articles(guidance):
    refs = [parse(c) for c in guidance.citations]
    assert all(len(r) == 1 for r in refs), guidance.citations
    return [r[0] for r in refs]


@pytest.mark.corpus
@pytest.mark.parametrize("risk", sorted(GUIDANCE))
def test_cited_articles_exist_are_in_force_and_say_what_the_steps_quote(risk, statutes):
    guidance = GUIDANCE[risk]
    refs = _articles(guidance)
    texts = [statutes.text(r.law, r.article_id) for r in refs]
    assert None not in texts, [c for c, t in zip(guidance.citations, texts) if t is None]
    assert all(statutes.status.get(r.law) != "已废止" for r in refs)
    for step in guidance.steps:
        if not parse(step):
            continue                # “时效快到了”: words to say, not a law quoted
        for quote in QUOTED.findall(step):
            assert any(normalise(quote) in normalise(t) for t in texts), quote


@pytest.mark.parametrize("risk", sorted(GUIDANCE))
def test_an_article_a_step_names_is_among_its_citations(risk):
    guidance = GUIDANCE[risk]
    cited = {(r.law, r.article_id) for r in _articles(guidance)}
    for step in guidance.steps:
        named = {(r.law, r.article_id) for r in parse(step)}
        assert named <= cited, step


@pytest.mark.parametrize("risk", ["confined", "stranded"])
def test_someone_held_or_stranded_is_told_where_to_turn_first(risk):
    first = GUIDANCE[risk].steps[0]
    assert "110" in first
    if risk == "stranded":          # the rescue station: food, a bed, a ticket home, free of charge
        assert "救助站" in first and "乘车凭证" in first
    else:                           # no money handed over before the police know
        assert "不要先给钱" in first
