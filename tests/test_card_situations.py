"""Steps that fit the situation the message tells (issue #22): a card step can be for one
situation only (`only_when`: shown first, and only when the message tells it) or unfit for one
(`not_when`: left out then). A worker who died gets the family's steps and the death benefits, not
"先治伤"; a worker who lost a finger still gets "先治伤" and no word of a death."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.answers.cards import CardError, load_cards, packaged_cards
from assistant.answers.render import told_form
from tests.chat_support import ask_chat, chat_services

DEATH_STEP = "人没了的，先保存好死亡证明"
INJURY_STEP = "先治伤"


def steps(message: str) -> list[str]:
    recognition = next(c for c in packaged_cards() if c.id == "work_injury_recognition")
    return [s.text for s in recognition.steps_for(told_form(message))]


@pytest.mark.parametrize("message", ["我爸在工地上从架子上摔下来，没抢救过来，包工头跑了",
                                     "俺男人在厂里上班出事故人没了，厂里不给报工伤"])
def test_a_death_at_work_gets_the_familys_steps_first_and_no_treatment_step(message):
    shown = steps(message)
    assert shown[0].startswith(DEATH_STEP)
    assert not any(s.startswith(INJURY_STEP) for s in shown)


@pytest.mark.parametrize("message", ["在厂里干活手指头被机器轧没了，老板不给报工伤",   # a finger lost, no death
                                     "每天干活累死了，上班时摔了一跤腿骨折了"])          # 累死了 is no death
def test_an_injury_keeps_the_treatment_step_and_hears_nothing_of_a_death(message):
    shown = steps(message)
    assert shown[0].startswith(INJURY_STEP)
    assert not any(s.startswith(DEATH_STEP) for s in shown)


def test_the_death_benefits_lead_only_when_a_death_is_told():
    recognition = next(c for c in packaged_cards() if c.id == "work_injury_recognition")
    died = recognition.conclusions_for(told_form("我爸在工地上摔下来没抢救过来"))[0]
    hurt = recognition.conclusions_for(told_form("我在工地上摔下来腿断了"))[0]
    assert (died.law, died.article) == ("工伤保险条例", "39")
    assert (hurt.law, hurt.article) == ("工伤保险条例", "14")


def test_a_step_key_out_of_format_is_refused(tmp_path):
    card = ('[[card]]\nid = "x"\nwhen = ["工伤"]\n[[card.conclusions]]\ntext = "要认定工伤。"\n'
            'law = "工伤保险条例"\narticle = "14"\nquote = "因工作原因受到事故伤害的"\n'
            '[[card.steps]]\ntext = "先治伤。"\n')
    (tmp_path / "x.toml").write_text(card + 'leads_when = ["人没了"]\n', encoding="utf-8")
    with pytest.raises(CardError, match="unknown key"):
        load_cards(tmp_path)
    (tmp_path / "x.toml").write_text(card + 'not_when = ["人没了"]\n', encoding="utf-8")
    loaded = load_cards(tmp_path)[0]
    assert loaded.steps_for(told_form("工地上出事人没了")) == ()
    assert [s.text for s in loaded.steps_for(told_form("工地上摔伤了"))] == ["先治伤。"]


@pytest.fixture(scope="module")
def client(small_kb, small_kb_settings, tmp_path_factory):
    from api.app import create_app

    return TestClient(create_app(services=chat_services(small_kb, small_kb_settings, tmp_path_factory.mktemp("steps"))))


def test_through_chat_a_death_at_work_is_not_told_to_treat_the_injury(client):
    answer = ask_chat(client, "我爸在工地上从架子上摔下来，没抢救过来，老板不给报工伤")["answer"]
    assert f"【先做这一步】1. {DEATH_STEP}" in answer
    assert INJURY_STEP not in answer
    hurt = ask_chat(client, "我在车间干活手被机器绞伤了，老板不给报工伤")["answer"]
    assert INJURY_STEP in hurt and DEATH_STEP not in hurt
