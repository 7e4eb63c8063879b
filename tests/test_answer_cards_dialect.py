"""Northern villagers write 俺 for 我: the cards' words written with 我 (打我, 欠我, 没给我交) must
match either way, and the urgent card of a several-issue message comes first. Own phrasings."""
from __future__ import annotations

import pytest

from assistant.answers.matcher import match_cards


def _ids(question: str) -> list[str]:
    return [m.card.id for m in match_cards(question)]


@pytest.mark.parametrize(("question", "card"), [
    ("俺男人老打俺", "domestic_violence"),
    ("俺家那口子喝了酒就打俺，俺不想过了", "domestic_violence"),
    ("老板欠俺三个月工钱不给", "unpaid_wages"),
    ("俺们厂一直没给俺交社保，俺能去哪告", "social_insurance"),
])
def test_the_first_person_written_an_matches_the_cards_words(question, card):
    assert _ids(question)[:1] == [card]


def test_violence_leads_a_message_that_also_asks_about_money_and_property():
    ids = _ids("俺男人老打俺，还不给孩子抚养费，想离婚房子咋分")
    assert ids[0] == "domestic_violence" and "child_support" in ids


@pytest.mark.parametrize(("question", "absent"), [
    ("邻居的狗把俺闺女咬了，打了三针狂犬疫苗，他家不认账", "assault_injury"),   # an injection is no beating
    ("邻居家狗没栓绳 把俺孙子咬了 打了狂犬疫苗花了两千", "assault_injury"),     # nor without a count of shots
    ("狗把俺咬了，打了破伤风花了三百", "assault_injury"),
    ("厂里没给俺交社保，要是受伤了咋办", "work_injury_benefits"),      # an injury only imagined
])
def test_a_word_inside_another_meaning_no_longer_takes_a_card(question, absent):
    assert absent not in _ids(question)


def test_a_real_beating_and_a_real_injury_still_take_their_cards():
    assert _ids("他把俺打了，俺去医院缝了针")[:1] == ["assault_injury"]
    assert "work_injury_benefits" in _ids("厂里没给俺交社保，上班摔断了腿")


def test_wanting_someone_jailed_is_no_family_member_detained():
    """criminal_detention (urgent, so it would lead) is for a family member held by the police."""
    assert "criminal_detention" not in _ids("男人在外头又娶了一个，能告他坐牢吗")
    assert _ids("俺儿子昨天被派出所抓走了，说是刑事拘留")[:1] == ["criminal_detention"]
