"""Every batch of villager messages (tests/data/urgent_villager_*.toml) keeps the urgent share the
word layer reached and no more false alarms (issue #22). The word layer is what needs no knowledge
base: the intent patterns (assistant/conversation/intents.py with risk_words.py) and the composer's
grave-harm words (cards.grave_harm_now). Through /v1/chat the answer layer adds its cards and
semantic nearness: `python -m evals.urgent_stress --file …` (figures in docs/answers.md).

Levels, not sentences: a change may move single messages as long as a batch does not fall below
the share it reached."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from assistant.answers.cards import grave_harm_now, packaged_card
from assistant.answers.matcher import normalise_question
from assistant.conversation import intents as I
from assistant.conversation.intents import detect_intent

DATA = Path(__file__).parent / "data"
# file: (urgent caught at least, calm alarms at most) by the word layer, session 19
LEVELS = {
    "urgent_villager_messages.toml": (120, 0),
    "urgent_villager_fresh.toml": (30, 0),
    "urgent_villager_fresh2.toml": (45, 0),
    "urgent_villager_fresh3.toml": (22, 0),
    "urgent_villager_fresh4.toml": (20, 1),      # 催收的说要上门: a threat to come by, left urgent
    "urgent_villager_fresh5.toml": (16, 2),      # measured once, never tuned on (docs/answers.md)
}


def urgent_by_words(message: str) -> bool:
    return detect_intent(message).name == I.URGENT_RISK or grave_harm_now(normalise_question(message))


def test_every_batch_has_a_level():
    assert sorted(LEVELS) == sorted(p.name for p in DATA.glob("urgent_villager_*.toml"))


@pytest.mark.parametrize("name", sorted(LEVELS))
def test_each_batch_keeps_its_urgent_share_and_its_false_alarms(name):
    batch = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
    least_caught, most_alarms = LEVELS[name]
    missed = [m for m in batch["urgent"] if not urgent_by_words(m)]
    alarms = [m for m in batch["calm"] if urgent_by_words(m)]
    assert len(batch["urgent"]) - len(missed) >= least_caught, missed
    assert len(alarms) <= most_alarms, alarms


@pytest.mark.parametrize("message, risk", [
    # a word class each, told in words none of the batches use
    ("他爹抄起板凳砸俺 俺胳膊抬不起来了", "violence_injury"),          # a tool and a person hit
    ("俺小叔子遭人揍了 现在躺着起不来", "violence_injury"),            # 遭 as 被, a body hurt now
    ("她男人还在打她 打起来了 谁也拉不住", "violence_injury"),          # a fight going on
    ("俺姑父把他外孙扔在镇上的车站 自己跑了", "child_at_risk"),        # a child left with nobody
    ("他爹把他锁在羊圈里 一整天了", "confined"),                       # held by someone named
    ("那帮人把俺兄弟骗到窝点 手机收了出不来", "confined"),
    ("俺娘说拖累俺们了 绳子都备好了", "suicide"),                       # the means got ready
    ("我现在蹲在水库边上 不想回家", "suicide"),
    ("救救俺 他拿刀在外头转", "threat"),                                # a plea for help
    ("今天夜里有人往俺家院里泼大粪 还扔砖头", "threat"),                 # harassment at the door
    ("推土机今儿早上开进来了 正扒着俺家偏房", "threat"),                # a demolition now
    ("包工头跑了 俺们在火车站蹲了三天 路费都凑不齐", "stranded"),
])
def test_word_classes_catch_phrasings_they_were_not_written_from(message, risk):
    found = detect_intent(message)
    assert (found.name, found.risk) == (I.URGENT_RISK, risk)


@pytest.mark.parametrize("message", [
    "孩子拿石头把人家玻璃砸了 要赔多少",            # a thing smashed by a child at play, nobody hit
    "日子过不下去了 想离婚 财产咋分",               # a figure of speech, no plan
    "从楼上下去拿个快递 叫电动车撞了一下 没事",       # 从楼上下去 without 就/要, nothing grave
    "村里正在推进拆迁 补偿标准咋定",                 # 推进, not a house pushed down
    "欠钱的躲在老家不出来 要账要不回来",             # the debtor hides, the writer is not afraid
    "离婚时孩子判给他了 他把孩子扔给他妈自己出去打工",   # a grandmother has the child
    "新买的电瓶车晚上充电自己着了 把屋子烧了 商家赔不赔",  # a fire by a fault, not a threat
    "前年被拘留过十天 现在能考驾照不",                # told as long past
    "那年叫人打断了腿 打人的一直没赔 现在还能告不",
    "打工挣的钱买不起房 能贷款不",                  # 买不起 is no stranded worker
])
def test_calm_messages_sharing_the_classes_words_stay_calm(message):
    assert detect_intent(message).name != I.URGENT_RISK


def test_suffering_is_no_crime_question():
    # 活着受罪 has 罪 in it: it must not make a plan told now a liability question
    assert detect_intent("俺娘说活着受罪不如早点走 屋里还有一瓶敌敌畏").risk == "suicide"


@pytest.mark.parametrize("message, grave", [
    ("俺爹骑电动车叫大货车撞了 人在地上不动了", True),
    ("工友刚从架子上栽下来 头上全是血", True),
    ("老人走不动了 儿子不管", False),                 # 走不动了 is not a body lying still
    ("俺家羊被车撞死了 司机跑了 能找谁赔", False),      # an animal killed
    ("邻居家狗把俺爹咬死了", True),                   # a person killed by an animal
])
def test_grave_harm_now_by_the_body_not_by_an_animal_killed(message, grave):
    assert grave_harm_now(normalise_question(message)) is grave


def test_an_animal_killed_makes_no_injury_card_urgent():
    card = packaged_card("animal_harm")
    assert card.urgent == "if_serious"
    assert not card.urgent_for(normalise_question("俺家的猫叫邻居家狗咬死了 让他赔他不赔"))
    assert card.urgent_for(normalise_question("孩子叫邻居家狗咬死了"))
