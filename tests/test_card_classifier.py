"""The trained card classifier (assistant/answers/classifier.py): it picks the card for phrasings
no card's words match, a pattern card fired by one word of a story about something else gives way
to the card the story is about, it never removes urgency, and its fit is deterministic.
The phrasings here are the test writer's own (not the cards' examples, not the measurement sets')."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.answers.cards import packaged_cards
from assistant.answers.classifier import (EVERYDAY, CardClassifier, CardVerdict, card_classifier, default_training)
from assistant.answers.matcher import match_cards

CARDS = {c.id: c for c in packaged_cards()}


def verdict(question: str) -> CardVerdict:
    return CardVerdict(card_classifier().card_scores(question))


@pytest.mark.parametrize("question, card", [
    ("在饭馆洗碗三个月了，老板一分钱没给", "unpaid_wages"),
    ("厂里的机器把我的手卷进去了，老板说自己不小心怪不得他", "work_injury_recognition"),
    ("他俩处对象三年没领证，现在分了，一起买的车归谁", "cohabitation"),
    ("俺在服装厂踩缝纫机，说好计件，干了半年老板跑了", "unpaid_wages"),
])
def test_a_fresh_phrasing_no_pattern_matches_gets_the_classifiers_card(question, card):
    assert match_cards(question) == []                       # no card's words occur
    taken = verdict(question).taken()
    assert taken == card
    assert [m.card.id for m in match_cards(question, meaning=CARDS[taken])] == [card]


def test_an_everyday_question_gets_no_card_from_the_classifier():
    assert verdict("手机字太小了看不清，怎么调大一点").taken() is None
    assert verdict("玉米叶子发黄了该打什么药").taken() is None


def test_a_pattern_card_fired_by_one_word_of_another_story_gives_way():
    """孩子被同学打 has the assault card's words (被…打), but it is a child bullied at school. The
    real classifier's scores; looser thresholds replace it, and so do the shipped ones."""
    question = "俺家孩子在学校被同学打了好几回，班主任说小孩子打打闹闹正常"
    assert [m.card.id for m in match_cards(question)] == ["assault_injury"]
    scores = card_classifier().card_scores(question)
    loose = CardVerdict(scores, replace=0.1, unlikely=0.7)
    assert loose.replacing(["assault_injury"]) == ("school_bullying", frozenset({"assault_injury"}))
    assert [m.card.id for m in match_cards(question, verdict=loose)] == ["school_bullying"]
    # the shipped thresholds replace it too since the cards' examples tell bullying in more ways (session 18)
    assert [m.card.id for m in match_cards(question, verdict=CardVerdict(scores))] == ["school_bullying"]


def test_a_pattern_card_the_classifier_also_finds_stays():
    question = "住的房子退租了，房东说地板划了押金一分不退"
    v = verdict(question)
    assert v.replacing(["rent_deposit"]) == (None, frozenset())
    assert [m.card.id for m in match_cards(question, verdict=v)] == ["rent_deposit"]


def test_the_classifiers_card_replaces_only_far_less_likely_pattern_cards():
    v = CardVerdict({"a": 1.0, "b": 0.2, "c": -2.0, EVERYDAY: -0.5}, replace=0.5, unlikely=1.5)
    assert v.replacing(["b", "c"]) == ("a", frozenset({"c"}))       # b is near: it stays beside a
    assert v.replacing(["a", "c"]) == (None, frozenset())           # the patterns found a: nothing to replace
    unsure = CardVerdict({"a": 1.0, "b": 0.8, "c": -2.0}, replace=0.5, unlikely=1.5)
    assert unsure.replacing(["c"]) == (None, frozenset())          # a leads b by too little


class Scripted:
    """A classifier answering with fixed scores (to drive the composer into a replacement)."""

    def __init__(self, scores: dict[str, float], urgent: float):
        self.scores, self.urgent = scores, urgent

    def card_scores(self, question):
        return self.scores

    def urgent_score(self, question):
        return self.urgent


def test_the_classifier_never_removes_urgency(small_kb):
    """An always-urgent card (domestic violence) that the classifier replaces keeps the answer
    urgent; a classifier that finds nothing urgent does not make an urgent card answer non-urgent."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    question = "男人天天喝了酒回来就打俺"
    assert "domestic_violence" in [m.card.id for m in match_cards(question)]
    hits = small_kb.search(question, k=10)
    elsewhere = Scripted({"unpaid_wages": 5.0, "domestic_violence": -5.0, EVERYDAY: 0.0}, urgent=-9.0)
    composed = OfflineComposer(small_kb, ComposerLimits(), classifier=elsewhere).answer(question, hits)
    assert "domestic_violence" not in composed.cards                # the card gave way …
    assert composed.urgent                                          # … its urgency did not
    agreeing = Scripted({"domestic_violence": 5.0, EVERYDAY: 0.0}, urgent=-9.0)
    composed = OfflineComposer(small_kb, ComposerLimits(), classifier=agreeing).answer(question, hits)
    assert composed.cards[:1] == ["domestic_violence"] and composed.urgent


def test_the_classifier_adds_urgency_only_above_its_threshold(small_kb):
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    question = "我家的地想租给别人种，租金一年一交，协议怎么写"
    hits = small_kb.search(question, k=10)
    limits = ComposerLimits(near_urgent=9.0)                          # the semantic urgency off
    quiet = OfflineComposer(small_kb, limits, classifier=Scripted({EVERYDAY: 1.0}, urgent=-1.0))
    assert not quiet.answer(question, hits).urgent
    alarmed = OfflineComposer(small_kb, limits, classifier=Scripted({EVERYDAY: 1.0}, urgent=limits.urgent_score))
    assert alarmed.answer(question, hits).urgent


def test_the_fit_is_deterministic():
    rows = default_training()
    first, second = CardClassifier(rows), CardClassifier(rows)
    assert first.labels == second.labels
    assert np.array_equal(first.card_weights, second.card_weights)
    assert np.array_equal(first.urgent_weights, second.urgent_weights)
    question = "俺在砖厂搬砖，手被砸断了"
    assert first.card_scores(question) == second.card_scores(question)


def test_the_training_holds_every_card_and_everyday():
    assert set(CARDS) <= set(card_classifier().labels) and EVERYDAY in card_classifier().labels


FIT_IN_A_FRESH_PROCESS = """
import json, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and isinstance(args[0], str) else None)
from assistant.answers.classifier import card_classifier
card_classifier().card_scores("老板欠了三个月工钱")
print(json.dumps({"opened": opened, "modules": sorted(m for m in sys.modules if m.split(".")[0] == "evals")}))
"""


def test_the_product_fits_on_product_data_and_never_reads_the_evals_folder():
    """The classifier learns from the phrasings shipped with the cards (examples and the labelled
    realistic questions in assistant/answers/training/): a fresh process that fits it opens no file
    under evals/ (the held-out set lives there) and imports no evals module."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    done = subprocess.run([sys.executable, "-c", FIT_IN_A_FRESH_PROCESS], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    evals = str(repo / "evals")
    assert any(path.endswith("urgent_examples.toml") for path in report["opened"])   # the hook sees the reads
    assert any(path.endswith("training/realistic_dev3.jsonl") for path in report["opened"])
    assert not any(path.endswith("realistic_heldout.jsonl") for path in report["opened"])
    assert [path for path in report["opened"] if os.path.abspath(path).startswith(evals + os.sep)] == []
    assert report["modules"] == []


def test_the_classifier_takes_a_card_only_for_the_askers_own_dispute(small_kb):
    """A question about the law in the abstract (no personal words) is out of what it learnt from
    (people's stories): its card is not taken there; a person's story with the same verdict is."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer

    sure = Scripted({"unpaid_wages": 3.0, EVERYDAY: 0.0}, urgent=-9.0)
    limits = ComposerLimits(near_card=9.0)                  # the semantic fallback off
    abstract = "网络游戏的画面是作品吗"
    assert match_cards(abstract) == []
    composed = OfflineComposer(small_kb, limits, classifier=sure).answer(abstract, small_kb.search(abstract, k=10))
    assert "unpaid_wages" not in composed.cards
    story = "在饭馆洗碗三个月了，老板一分钱没给"
    composed = OfflineComposer(small_kb, limits, classifier=sure).answer(story, small_kb.search(story, k=10))
    assert composed.cards[:1] == ["unpaid_wages"]


def test_one_answer_reads_the_question_through_the_vectoriser_once(monkeypatch):
    classifier = card_classifier()
    calls = []
    transform = classifier.vectoriser.transform
    monkeypatch.setattr(classifier.vectoriser, "transform", lambda texts: calls.append(texts) or transform(texts))
    scores = classifier.card_scores("包工头跑了 工钱一分没拿到")
    urgency = classifier.urgent_score("包工头跑了 工钱一分没拿到")
    assert len(calls) == 1
    assert scores == classifier.card_scores("包工头跑了 工钱一分没拿到")
    # another question is read afresh, and its scores are its own
    assert classifier.urgent_score("他扬言今晚上门打死我") != urgency
    assert len(calls) == 2


def test_a_take_nothing_backs_needs_a_wider_lead():
    """No pattern matched: a card leading by `take` is taken when the question's speech or
    retrieval backs it; by `general_take` otherwise."""
    close = CardVerdict({"a": 0.15, "b": 0.0, EVERYDAY: -0.5}, take=0.1, general_take=0.2)
    assert close.taken() == "a"                                       # backed (the default)
    assert close.taken(lambda card: False) is None
    assert close.taken(lambda card: card == "a") == "a"
    clear = CardVerdict({"a": 0.25, "b": 0.0, EVERYDAY: -0.5}, take=0.1, general_take=0.2)
    assert clear.taken(lambda card: False) == "a"
    assert CardVerdict({"a": 0.05, "b": 0.0}, take=0.1).taken() is None


def test_retrieval_backs_a_card_with_one_of_its_articles_in_the_top_ten():
    from assistant.answers.matcher import retrieval_backs

    card = CARDS["unpaid_wages"]
    own = (card.claims()[0].law, card.claims()[0].article)
    other = [("刑法", str(n)) for n in range(200, 215)]
    assert retrieval_backs(card, [*other[:3], own])
    assert not retrieval_backs(card, other)
    assert not retrieval_backs(card, [*other[:10], own])             # the eleventh hit is too far


def test_a_lawyers_general_question_with_wo_gets_no_card_the_classifier_is_barely_sure_of(small_kb):
    """A question that says 我 but is worded like a lawyer's general question (no everyday speech)
    and whose retrieval has none of the card's articles gets no card from a close classifier
    verdict; a story told in everyday speech with the same verdict still gets its card."""
    from assistant.answers.composer import ComposerLimits, OfflineComposer
    from assistant.answers.matcher import retrieval_backs

    barely = Scripted({"unpaid_wages": 0.15, "neighbour": 0.0, EVERYDAY: -0.3}, urgent=-9.0)
    limits = ComposerLimits(near_card=9.0)                  # the semantic fallback off
    composer = OfflineComposer(small_kb, limits, classifier=barely)
    general = "航空公司临时改签造成我误了行程，可以要求其承担损失吗？"
    assert match_cards(general) == []
    hits = small_kb.search(general, k=10)
    assert not retrieval_backs(CARDS["unpaid_wages"], [(h.law, h.article_id) for h in hits if h.kind == "statute"])
    assert "unpaid_wages" not in composer.answer(general, hits).cards
    story = "在饭馆洗碗三个月了，老板一分钱没给，咋整"
    assert match_cards(story) == []
    assert composer.answer(story, small_kb.search(story, k=10)).cards[:1] == ["unpaid_wages"]
    sure = Scripted({"unpaid_wages": 0.6, "neighbour": 0.0, EVERYDAY: -0.3}, urgent=-9.0)
    assert OfflineComposer(small_kb, limits, classifier=sure).answer(general, hits).cards[:1] == ["unpaid_wages"]
