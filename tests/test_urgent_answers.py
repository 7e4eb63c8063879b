"""Urgency of a composed answer (issue #22): a death or grave injury told now is urgent whichever
card the message gets; a serious-injury word that is a figure of speech (累死了, 死了心) or a thing
that fell (墙撞倒了) is not; a detention or injury told as long past is not; a card that is always
urgent but was taken by meaning alone (no word of it in the message) needs the classifier to agree;
the chat's urgent answer says what to do now on its first line and makes an urgent ticket."""
from __future__ import annotations

import pytest

from assistant.answers.cards import SERIOUS_HARM, grave_harm_now, packaged_cards, told_long_ago
from assistant.answers.matcher import match_cards, normalise_question


def _card(card_id):
    return next(c for c in packaged_cards() if c.id == card_id)


@pytest.mark.parametrize("message", [
    "老板拖了俺三个月工资还没给 俺爹昨天在厂里叫机器把手绞掉了 现在还在县医院",
    "俺们村的老王叫狗咬了脸上撕下来一块肉 血止不住",
    "合铜也没签工姿也没给 俺男人在工地叫钢管砸了头现在还没醒",
])
def test_serious_harm_told_in_lay_words_makes_an_injury_card_urgent(message):
    assert SERIOUS_HARM.search(normalise_question(message))


@pytest.mark.parametrize("message", [
    "天天加班累死了 加班费一分没有",
    "这事俺早就死了心了 就是想问问还能不能要回来",
    "死活不给退钱 装修队拿了定金不干活",
    "杀猪的时候三轮车把邻居家的墙撞倒了 要赔多少",
])
def test_figures_of_speech_and_fallen_things_are_no_serious_harm(message):
    assert not SERIOUS_HARM.search(normalise_question(message))


def test_an_injury_told_as_long_past_does_not_make_the_card_urgent():
    injury = _card("traffic_accident")
    assert injury.urgent == "if_serious"
    assert not injury.urgent_for(normalise_question("前年被车撞骨折了 保险公司到现在还没赔 还能要不"))
    assert injury.urgent_for(normalise_question("俺爹骑三轮被小轿车撞了 现在在县医院 腿骨折了"))
    assert told_long_ago(normalise_question("俺娘去世十年了 她的宅基地现在归谁"))
    assert not told_long_ago(normalise_question("以前他就打我 昨天又打了"))


@pytest.mark.parametrize("message, grave", [
    ("邻居家盖房子脚手架倒了砸到俺儿子头上现在昏迷不醒", True),
    ("工地上塔吊倒了砸死了俺们村两个人 包工头跑了", True),
    ("俺家男人在工地上从架子上掉下来了人还在医院抢救老板电话不接咋整", True),
    ("俺爹去世好几年了 现在兄弟几个分遗产分不匀", False),
    ("饿死了也不能吃他家的饭 他欠俺工钱不给 咋要", False),
    ("二十年前俺爹在矿上砸死了 现在矿都关了", False),
])
def test_a_death_or_grave_injury_now_whatever_the_card(message, grave):
    assert grave_harm_now(normalise_question(message)) is grave


def test_a_detention_that_is_over_takes_no_detention_card():
    assert "criminal_detention" not in [m.card.id for m in match_cards("当年我被拘留过 现在影响孩子考公务员不")]
    assert "criminal_detention" not in [m.card.id for m in match_cards("我哥坐过牢 现在出来了 户口咋落")]
    assert "criminal_detention" in [m.card.id for m in match_cards("我儿子昨天被警察抓了 关在看守所")]


# --- through the composer and the chat (real app on small_kb) ---------------------------------------
@pytest.fixture(scope="module")
def composer(small_kb):
    from assistant.answers.composer import OfflineComposer

    return OfflineComposer(small_kb)


def test_an_always_urgent_card_taken_by_meaning_alone_needs_the_classifier(composer):
    assert composer._urgent_by_meaning_alone("他打电话骂我 说我不是人 能告他不")
    assert not composer._urgent_by_meaning_alone("俺男人喝了酒就往死里揍俺 昨天拿板凳砸俺头")


def test_a_grave_injury_beside_another_dispute_is_urgent(composer, small_kb):
    question = "邻居家盖房子脚手架倒了砸到俺儿子头上现在昏迷不醒"
    answer = composer.answer(question, small_kb.search(question, k=10))
    assert answer.urgent and answer.urgent_reason


def test_plain_unpaid_wages_are_no_emergency_but_a_stranded_worker_is(composer, small_kb):
    """Unpaid and stranded is caught by its words (intents.py); it has no examples in
    urgent_examples.toml: told in meaning alone it made every wage question urgent."""
    from assistant.conversation.intents import detect_intent

    plain = "老板拖欠工资不给怎么办"
    answer = composer.answer(plain, small_kb.search(plain, k=10))
    assert not answer.urgent and detect_intent(plain).risk is None
    assert detect_intent("工钱一分没给 俺们困在外地 连回家的路费都没有").risk == "stranded"


@pytest.fixture(scope="module")
def client(small_kb, small_kb_settings, tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.chat_support import chat_services

    return TestClient(create_app(services=chat_services(small_kb, small_kb_settings,
                                                        tmp_path_factory.mktemp("chat-urgent"))))


def test_an_urgent_answer_says_what_to_do_now_first_and_makes_an_urgent_ticket(client):
    from tests.chat_support import ask_chat

    body = ask_chat(client, "合铜也没签工姿也没给 俺男人在工地叫钢管砸了头现在还没醒")
    assert body["intent"] == "legal_question"
    assert body["handoff"] and body["handoff"]["priority"] == "urgent"
    first_line, rest = body["answer"].split("\n", 1)
    assert "110" in first_line and "120" in first_line
    assert body["handoff"]["ticket_id"] in rest
    # the short safety line leaves the card's conclusion on the first phone screen
    assert "【结论】" in body["answer"][:150]


@pytest.mark.parametrize("message", [
    "在外地干了半年活工钱一分没给 现在兜里一分钱没有 连回家的车票都买不起",
    "讨债的把俺儿子扣在他们那 说拿钱来赎人",
])
def test_the_new_urgent_kinds_answer_with_their_first_steps_and_a_ticket(client, message):
    from tests.chat_support import ask_chat

    body = ask_chat(client, message)
    assert body["intent"] == "urgent_risk"
    assert body["handoff"] and body["handoff"]["priority"] == "urgent"
    assert "110" in body["answer"][:150]
