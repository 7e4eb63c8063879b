"""Cards and urgency by meaning (assistant/answers/semantic.py) with the real e5-small model: the
nearest card is taken when no word pattern matches and the question is told like its examples, it
stays silent for a question about something else, and urgency is only added for urgent phrasing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.answers.cards import CardError, load_file, packaged_cards
from assistant.answers.matcher import match_cards
from assistant.answers.semantic import CARD_MARGIN, CARD_THRESHOLD, SemanticIndex, confident_card

REPO = Path(__file__).resolve().parents[1]
# phrasings of the test writer's own (not the cards' examples, not the measurement sets')
SPLITTING_UP = "俺俩去民政那里办散伙，人家说要等一个月，这一个月他反悔咋办"
UNRELATED = "手机字太小了看不清，怎么调大一点"
URGENT = "他刚才拿着菜刀在我家门口喊，说今晚要把我一家都砍了"
NOT_URGENT = "我家的地想租给别人种，租金一年一交，协议怎么写"


@pytest.fixture(scope="module")
def index() -> SemanticIndex:
    from knowledge.embeddings import DEFAULT_MODEL, OnnxEmbedder
    from knowledge.embeddings.setup import ensure_model

    base = Path(os.environ.get("FAYUAN_MODEL_DIR", REPO / "data" / "models"))
    folder = ensure_model(base, onnx=True, log=lambda *_: None)
    embedder = OnnxEmbedder(folder, quantized=True, name=DEFAULT_MODEL)
    import numpy as np

    built = SemanticIndex(lambda texts: np.concatenate([embedder.embed_queries([t]) for t in texts]))  # as kb.embed_phrases
    built.embedder = embedder
    return built


def vector(index, text):
    return index.embedder.embed_queries([text])[0]


def test_every_card_has_five_to_twelve_different_lay_examples():
    for card in packaged_cards():
        assert 5 <= len(card.examples) <= 12, card.id
        assert len(set(card.examples)) == len(card.examples), card.id


def test_examples_out_of_format_are_refused_with_the_card_named(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[card]]\nid = "x_card"\nexamples = ["好好的", ""]\nwhen = ["工资"]\n'
                    '[[card.conclusions]]\ntext = "t"\nlaw = "劳动法"\narticle = "50"\nquote = "q"\n', encoding="utf-8")
    with pytest.raises(CardError, match="x_card.*examples"):
        load_file(path)


def test_a_question_no_pattern_matches_gets_the_card_it_is_told_like(index):
    assert match_cards(SPLITTING_UP) == []                       # the words of no card
    meaning = confident_card(index.nearest_cards(vector(index, SPLITTING_UP)))
    assert meaning is not None and meaning.id == "divorce_by_agreement"
    assert [m.card.id for m in match_cards(SPLITTING_UP, meaning=meaning)] == ["divorce_by_agreement"]


def test_an_unrelated_question_stays_below_the_threshold_and_gets_no_card(index):
    nearest = index.nearest_cards(vector(index, UNRELATED))
    assert confident_card(nearest) is None
    assert match_cards(UNRELATED, meaning=confident_card(nearest)) == []
    # without the everyday questions it would be nearest to a card (the online-shopping one)
    assert [c.id for c, _ in nearest if c is not None][0] == "online_shopping_return"
    assert nearest[0][0] is None


def test_a_card_below_the_threshold_or_behind_the_margin_is_not_taken():
    card, other = packaged_cards()[:2]
    assert confident_card([(card, CARD_THRESHOLD - 0.01), (other, 0.1)]) is None
    assert confident_card([(card, 0.5), (other, 0.5 - CARD_MARGIN - 0.01)]) is card
    assert confident_card([(card, 0.5), (other, 0.5 - CARD_MARGIN + 0.01)]) is None   # leads by less than the margin
    assert confident_card([(None, 0.6), (card, 0.5)]) is None                  # an everyday question is nearest


def test_urgency_is_added_only_for_urgent_phrasing(index):
    kind = index.urgent_risk(vector(index, URGENT))
    assert kind is not None and kind.risk in {"threat", "domestic_violence"}
    assert index.urgent_risk(vector(index, NOT_URGENT)) is None
    assert index.urgent_risk(vector(index, UNRELATED)) is None


def test_the_card_told_like_leads_only_when_asked_to(index):
    # its question clause (这样行吗) asks about no one card: a clause that does (孩子归谁) would lead
    question = "要离婚了，孩子归他，房子归我，这样行吗"
    cards = [m.card.id for m in match_cards(question)]
    assert len(cards) >= 2
    other = next(c for c in packaged_cards() if c.id == cards[1])
    assert [m.card.id for m in match_cards(question, meaning=other)] == cards      # ordering unchanged
    assert [m.card.id for m in match_cards(question, meaning=other, lead_by_meaning=True)][0] == other.id


# --- through the chat (real app on small_kb): the answer stays, a person is asked to follow up first ---
SWINDLE_NOW = "我妈在银行柜台正给一个什么警官的账户汇钱，电话里那人不让她挂"   # no urgent word pattern, no card


@pytest.fixture(scope="module")
def client(small_kb, small_kb_settings, tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.chat_support import chat_services

    return TestClient(create_app(services=chat_services(small_kb, small_kb_settings,
                                                        tmp_path_factory.mktemp("chat-semantic"))))


def test_a_swindle_told_in_lay_words_gets_an_urgent_ticket(client):
    from assistant.conversation import intents as I

    assert I.detect_intent(SWINDLE_NOW).name == I.LEGAL_QUESTION and match_cards(SWINDLE_NOW) == []
    from tests.chat_support import ask_chat

    body = ask_chat(client, SWINDLE_NOW)
    assert body["intent"] == "legal_question"
    assert body["handoff"] and body["handoff"]["priority"] == "urgent"
    assert "110" in body["answer"]


def test_a_plain_question_gets_no_urgent_ticket(client):
    from tests.chat_support import ask_chat

    body = ask_chat(client, NOT_URGENT)
    assert not body.get("handoff")


def test_whether_an_offence_is_punished_takes_no_card_by_meaning():
    traffic_crime = next(c for c in packaged_cards() if c.id == "traffic_crime")
    question = "偷了人家的电瓶车，会不会坐牢"          # near the traffic-crime card's 坐牢, but no crash
    assert match_cards(question, meaning=traffic_crime) == []


def test_the_examples_are_embedded_like_questions_without_filling_the_question_memo(small_kb):
    import numpy as np

    memo = small_kb.retriever.embedder
    phrases = [f"第{i}句：老板欠了工钱不给" for i in range(11)]
    before = memo.cached_count
    vectors = small_kb.embed_phrases(phrases)
    assert memo.cached_count == before
    assert vectors.shape == (11, memo.dim)
    assert np.allclose(vectors[10], small_kb.embed_query(phrases[10]), atol=1e-5)   # as the question would be
