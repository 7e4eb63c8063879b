"""Urgent messages told as villagers write them (dialect verbs, no punctuation, the urgent clause
second or third) reach a person first; messages that share their words (打官司, 累死了, 被拘留过)
do not. Messages from tests/data/urgent_villager_messages.toml (issue #22)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from assistant.conversation import intents as I
from assistant.conversation.intents import detect_intent
from assistant.conversation.urgent import GUIDANCE

MESSAGES = tomllib.loads((Path(__file__).parent / "data" / "urgent_villager_messages.toml").read_text(encoding="utf-8"))


def test_the_message_file_holds_enough_of_both_kinds():
    assert len(MESSAGES["urgent"]) >= 120 and len(MESSAGES["calm"]) >= 80
    assert not set(MESSAGES["urgent"]) & set(MESSAGES["calm"])


@pytest.mark.parametrize("message, risk", [
    # dialect verbs of a threat: 削/捶/抽/剁, 弄死你, 砍了俺, a house to be set on fire, a girl to be sold
    ("隔壁的因为地界的事拿着铁锹堵俺家门口说要削俺", "threat"),
    ("包工头说谁再去劳动局告他就找人捶死谁", "threat"),
    ("邻居说你再往我家这边排水 我抽死你", "threat"),
    ("俺男人赌钱欠了高利贷 那帮人说再不还就来剁他手指头", "threat"),
    ("村霸说俺要是去告他就叫俺家房子着火", "threat"),
    ("收账的说不还钱就把俺闺女卖了", "threat"),
    ("他发微信说知道俺住哪 说今晚就过来收拾俺", "threat"),
    ("前夫天天在俺上班的地方等着 说俺不复婚就要俺好看 俺都不敢出门", "threat"),
    # the urgent clause second or third in a run-on
    ("小区物业费的事 还有楼上的邻居说再敲他家暖气管子就下来捅死我", "threat"),
    ("宅基地证咋办 隔壁说俺敢去办证就叫人砍了俺", "threat"),
    # a forced demolition now
    ("村里说明天一早就来拆俺的房子 补偿还没谈 挖掘机都开到门口了", "threat"),
    ("没签协议他们就把俺家墙推了一半 说晚上接着拆", "threat"),
    ("今天下午镇上来了一帮人说要强拆 俺们一家老小都在屋里咋办", "threat"),
])
def test_threats_told_in_dialect_are_urgent(message, risk):
    assert (detect_intent(message).name, detect_intent(message).risk) == (I.URGENT_RISK, risk)


@pytest.mark.parametrize("message, risk", [
    ("孩子他爹一喝多就捶俺 这回把俺肋骨打断了", "domestic_violence"),
    ("结婚五年了他一不顺心就抽我耳光 这回耳朵听不见了", "domestic_violence"),
    ("彩礼的事俺们两家吵翻了 他还掐着俺脖子说要掐死俺", "domestic_violence"),
    ("他又动手了拽着俺头发往墙上撞", "domestic_violence"),
    ("俺跟他过不下去了 一年到头挨揍 身上没一块好地方", "domestic_violence"),
    ("男朋友一生气就踹我 我怀孕三个月了", "domestic_violence"),
    ("俺想问问养老金的事 俺那儿媳妇昨天把俺推倒了 起不来了", "domestic_violence"),
    ("老板欠钱不给 俺去找他理论 他叫了几个人把俺打了一顿 头上缝了八针", "violence_injury"),
    ("想问一下承包地的事还有个事就是俺儿子前天叫人打了现在还在医院昏迷", "violence_injury"),
])
def test_beatings_told_with_dialect_verbs_are_urgent(message, risk):
    assert (detect_intent(message).name, detect_intent(message).risk) == (I.URGENT_RISK, risk)


@pytest.mark.parametrize("message, risk", [
    ("我妈欠了网贷 今天说她买了一瓶百草枯", "suicide"),
    ("俺娘说她不拖累俺们了 把安眠药都攒了一瓶", "suicide"),
    ("俺兄弟被骗了十几万 这两天老说活着没意思 还写了遗书", "suicide"),
    ("俺觉得活着没啥盼头了 欠一屁股债 娃也不认俺", "suicide"),
    ("我现在就站在楼顶上 老板一分钱不给 我死了给他看", "suicide"),
    # a word of the law (判) beside a plan told now is still a person at risk
    ("他说要是法院判了离婚 他就带着娃一起死", "suicide"),
    ("俺闺女在学校让老师摸了 孩子回来一直哭", "child_at_risk"),
    ("俺孙女十三岁叫村里一个大男人给欺负了 怀上了", "child_at_risk"),
    ("村里有个老光棍老是拿糖哄小女孩去他家", "child_at_risk"),
    ("有人把刚生下来的娃扔在俺村口了 咋办", "child_at_risk"),
    ("俺外甥在亲戚家寄养 回来说他们不给饭吃还拿烟头烫他", "child_at_risk"),
    ("邻居家的娃天天挨他后妈揍 脸上都是血道子", "child_at_risk"),
    ("我家孩子十二岁 被一个网友骗出去了两天没回家 电话也打不通", "child_at_risk"),
    ("俺婆婆八十多了 小儿子把她的铺盖卷扔出来 现在住在人家门洞里", "elder_expelled"),
    ("俺爹的房子叫大哥占了 俺爹没地方去 现在睡在桥底下", "elder_expelled"),
    ("我奶奶被我叔赶出来了 现在在路边坐着 我们在外地回不去", "elder_expelled"),
    ("俺公公九十了 大冬天的他们把老人撵到柴房去住 连个被子都没有", "elder_expelled"),
    ("老娘的低保卡叫儿子拿走了 老人家一天就吃一顿 瘦得皮包骨头", "elder_expelled"),
    ("闺女女婿都叫逮了说是搞传销 俩娃在俺这 咋办啊", "detention"),
    ("工钱的事还没说清楚 俺老头子又叫公安拘起来了说他打人 咱该找谁", "detention"),
    ("俺孙子才十七叫派出所扣下了 说他跟人打架", "detention"),
])
def test_suicide_talk_a_child_or_old_person_at_risk_and_detention_in_lay_words(message, risk):
    assert (detect_intent(message).name, detect_intent(message).risk) == (I.URGENT_RISK, risk)


@pytest.mark.parametrize("message, risk", [
    ("讨债的把俺儿子扣在他们那 说拿钱来赎人", "confined"),
    ("请问欠条怎么写才有效 顺便问下俺男人叫放贷的扣着不放了 要俺拿五万去领人", "confined"),
    ("俺在黑砖窑干活 他们锁着门不让走 手机也收了 这是偷偷借人家的", "confined"),
    ("俺男人去要工钱 叫老板关在厂里的小屋里不让出来", "confined"),
    ("他们不让俺男人离开那个厂子 说欠他们的钱还清了才放", "confined"),     # let go only once money is paid
    ("闺女在外地叫人看住了 说交三万才让她走", "confined"),
    ("在外地干了半年活工钱一分没给 现在兜里一分钱没有 连回家的车票都买不起", "stranded"),
    ("包工头卷钱跑了 俺在新疆回不去 身上就剩十几块钱", "stranded"),
    ("工姿一直不给 俺们几个老乡在外头饿了两天了 连吃饭的钱都没了", "stranded"),
])
def test_someone_held_or_stranded_unpaid_gets_its_own_first_steps(message, risk):
    found = detect_intent(message)
    assert (found.name, found.risk) == (I.URGENT_RISK, risk)
    assert "110" in GUIDANCE[risk].steps[0]


@pytest.mark.parametrize("message", [
    "当年我被拘留过 现在影响孩子考公务员不",                   # detained long ago
    "娃儿五岁 一直跟着奶奶住 我们两个离婚都想要娃 法院咋个判",   # who a child lives with, nobody followed
    "俺公公婆婆的房子是俺男人和他兄弟俩的 没留啥遗书人就走了",   # no farewell letter: an estate
    "走在小区楼下 上头掉下来个花盆 砸了俺头缝了八针 不知道是哪家的",
    "他老打我电话催我还钱 我还不上咋办",
    "买的农药是假的 打了不管用 能退不",
    "村里说明年要拆迁 补偿标准是啥",
    "天天加班累死了 加班费一分没有",
    "饿死也不给他打工了 拖了俺半年工钱 现在去劳动局告他行不",
    "他扬言要去法院告我 说我欠他钱 其实我早还了 有转账记录",
])
def test_messages_sharing_the_words_are_not_urgent(message):
    assert detect_intent(message).name != I.URGENT_RISK


def test_calm_messages_of_the_file_are_not_urgent_by_pattern():
    alarms = [m for m in MESSAGES["calm"] if detect_intent(m).name == I.URGENT_RISK]
    assert alarms == []


# the second batch (tests/data/urgent_villager_fresh.toml), measured once before these were added:
# the causes its misses showed
@pytest.mark.parametrize("message, risk", [
    ("俺爹喝了半瓶农药 正在往县里送", "suicide"),
    ("工头说谁再闹工钱就把谁腿敲断", "threat"),
    ("村霸把俺家的路堵了 说俺再去上访就叫俺出门让车撞死", "threat"),
    ("拆迁队今天凌晨来了 把俺家门砸了 人都被拖出来了", "threat"),
    ("我想问下欠条的事 还有我妈被我继父掐了脖子 现在脖子上都是手印", "domestic_violence"),
    ("俺那口子昨黑又喝醉了 拿擀面杖把俺胳膊打青了 俺抱着娃躲在柴火垛后面", "domestic_violence"),
    ("俺闺女叫她男人打流产了 现在在乡卫生院", "domestic_violence"),
    ("婆婆说俺生不出儿子 叫俺男人天天打俺 俺回娘家他们还追来", "domestic_violence"),
    ("孩子在幼儿园让老师用针扎了 身上好几个眼", "child_at_risk"),
    ("俺侄子才九岁 他爸妈离婚了谁都不要他 这几天在俺家 俺也养不起", "child_at_risk"),
    ("有个人在网上跟俺闺女聊 让她拍光身子的照片 闺女才十一", "child_at_risk"),
    ("儿子十五岁在网吧叫人拉去入伙 现在三天没回家了", "child_at_risk"),
    ("俺孩子他爹叫检察院批捕了 说是挪用公款", "detention"),
    ("他们把俺哥绑在树上打 说他偷了东西", "confined"),
    ("我们三个人被老板关在养殖场里干活 不给钱 也不让出去", "confined"),
    ("老板不给钱 俺们几个农民工在天桥底下睡了三宿了", "stranded"),
    ("老板跑路了 俺在工地上干了八个月 现在过年连张车票钱都没有 孩子还在家等着", "stranded"),
])
def test_the_second_batchs_misses_are_urgent(message, risk):
    found = detect_intent(message)
    assert (found.name, found.risk) == (I.URGENT_RISK, risk)


@pytest.mark.parametrize("message", [
    "他老打我电话 催我还钱",                        # 打我电话, not a beating
    "批捕需要什么条件",                             # the law of an arrest
    "腿打断了的那次 对方赔过了 现在又来要钱",       # 打断了: an injury told, not a threat
])
def test_the_second_batchs_patterns_keep_their_guards(message):
    assert detect_intent(message).name != I.URGENT_RISK
