"""Facts the message already states (issue #22), through the composer: villagers' own phrasings of
a custody, visitation, deposit, rent-deposit, labour-contract and divorce question that state the deciding fact
(孩子一岁半, 判决书写了每月看两次, 收据上写的是订金, 干了两年没签合同, 他喝了酒就打我) get that case's
conclusion first and are not asked it again; one that states nothing keeps the ask.

The knowledge base holds the statutes these cards cite (民法典, the 婚姻家庭编 and 合同编 interpretations,
民事诉讼法, 劳动合同法 and its 实施条例), ingested for real but without embeddings (it answers on BM25):
rendering a card only looks articles up."""
from __future__ import annotations

import shutil

import pytest

from api.settings import Settings
from assistant.answers.cards import packaged_cards
from assistant.answers.composer import ComposerLimits, OfflineComposer
from ingest.pipeline import IngestPipeline
from knowledge.kb import open_knowledge_base
from tests.conftest import REPO
from tests.kb_slice import TEST_CACHE

STATUTES = [
    "民法典",                                                     # the folder of its books
    "司法解释/最高人民法院关于适用《民法典》婚姻家庭编的解释（一）(2020-12-29).md",
    "司法解释/最高人民法院关于适用《民法典》婚姻家庭编的解释（二）(2025-01-15).md",
    "司法解释/最高人民法院关于适用《民法典》合同编通则若干问题的解释(2023-12-04).md",
    "诉讼与非诉讼程序法/民事诉讼法(2023-09-01).md",
    "社会法/劳动合同法(2012-12-28).md",
    "行政法规/劳动合同法实施条例(2008-09-18).md",
]


@pytest.fixture(scope="module")
def composer(tmp_path_factory, laws_dir):
    root = tmp_path_factory.mktemp("told_statutes")
    for rel in STATUTES:
        src, dst = laws_dir / rel, root / "laws" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, dst)
    settings = Settings(data_dir=root / "data", model_dir=REPO / "data" / "models", embedding_cache=TEST_CACHE)
    pipeline = IngestPipeline(settings, defer_embedding=True)
    pipeline.publish_spacing_s = 0
    pipeline.ingest_folder(root / "laws")
    kb = open_knowledge_base(settings)
    answerer = OfflineComposer(kb, ComposerLimits())
    return lambda question: answerer.answer(question, kb.search(question, k=10))


# (message, card, the conclusion it leads with, the ask no longer asked, an article quoted)
TOLD = [
    ("要跟他离婚了，孩子才一岁半，孩子归谁", "child_custody", "孩子还不满两岁的，离婚后原则上跟母亲",
     "孩子现在几岁？", "《民法典》第一千零八十四条"),
    ("俺闺女十岁了 她自己想跟俺 离婚的话法院听不听她的", "child_custody", "孩子已经满八岁的，跟谁生活要尊重孩子自己的真实意愿",
     "孩子现在几岁？", "《民法典》第一千零八十四条"),
    ("娃儿五岁 我们两个离婚都想要娃 法院咋个判", "child_custody", "孩子已经满两岁的，不是一定跟妈妈",
     "孩子现在几岁？", "《民法典》第一千零八十四条"),
    ("离了婚，法院判了每个月可以看两次孩子，她就是不让我见孩子", "visitation", "法院已经判了（或调解书写了）怎么探望",
     "离婚协议、判决书或调解书里有没有写怎么探望？", "《民事诉讼法》第二百四十七条"),
    ("离婚的时候没说探望的事 现在她不让我见孩子", "visitation", "离婚判决里没写探望的，可以单独向法院起诉",
     "离婚协议、判决书或调解书里有没有写怎么探望？", "婚姻家庭编的解释（一）》第六十五条规定"),
    ("离婚后前夫每次来看孩子都喝醉了，能不让他来不", "visitation", "探望对孩子身心健康不利的",
     "探望的时候有没有打骂孩子、喝醉酒、想把孩子带走不还的情况？", "《民法典》第一千零八十六条"),
    ("买房交了两万，收据上写的是订金，现在不想买了", "deposit_earnest", "写的是“订金”“押金”“预付款”“意向金”",
     "收据、合同或聊天记录上写的是“定金”还是“订金”“押金”“预付款”？", "合同编通则若干问题的解释》第六十七条"),
    ("交了五千定金，卖家又把车卖给别人了", "deposit_earnest", "收钱的一方（卖家、商家）反悔、违约",
     "是谁反悔了、没有履行？", "《民法典》第五百八十七条"),
    ("租的房子合同还没到期我就搬走了，房东一分押金都不退", "rent_deposit", "您提前退租的，属于您违约",
     "您是租满了才退房，还是提前退租？", "《民法典》第五百八十五条"),
    ("在饭店干了半年，老板一直没跟我签合同", "no_written_contract", "单位招了您干活，超过一个月还没跟您签书面劳动合同的",
     "您是哪一天开始上班的？", "《劳动合同法》第八十二条"),
    ("在厂里干了两年，从来没签过合同，现在要辞我", "no_written_contract", "二倍工资最多算到干满一年的前一天",
     "您是哪一天开始上班的？", "《劳动合同法实施条例》第七条"),
    ("进厂才半个月，老板一直不给签合同", "no_written_contract", "上班还不到一个月的，单位在一个月内跟您签上书面合同就不算违法",
     "您是哪一天开始上班的？", "《劳动合同法》第十条"),
    ("老公喝了酒就打我，我要离婚他不同意", "divorce_litigation", "对方家暴、虐待家人，或者跟别人同居、重婚的",
     "对方有没有打人、在外面跟别人同居、赌博吸毒？", "《民法典》第一千零九十一条"),
]


@pytest.mark.parametrize("message, card, lead, ask, article", TOLD)
def test_a_stated_fact_leads_with_its_case_and_is_not_asked_again(composer, message, card, lead, ask, article):
    composed = composer(message)
    assert card in composed.cards, composed.cards
    assert conclusion_of(composed, card).startswith(f"【结论】{lead}"), composed.text
    assert ask not in composed.text
    assert article in composed.text


@pytest.mark.parametrize("message, card, ask", [
    ("要离婚了，孩子归谁，他家说孩子必须跟他们", "child_custody", "孩子现在几岁？"),
    ("收了我的钱又反悔了，能要双倍吗？写的是定金还是订金我也搞不清", "deposit_earnest", "写的是“定金”还是“订金”"),
    ("在厂里干活，老板一直不跟我签合同", "no_written_contract", "您是哪一天开始上班的？"),
])
def test_a_message_that_does_not_state_the_fact_is_still_asked_it(composer, message, card, ask):
    composed = composer(message)
    assert composed.cards[:1] == [card], composed.cards
    assert ask in composed.text


def conclusion_of(composed, card_id: str) -> str:
    """The 【结论】 line of one card's issue (the first line of a one-issue answer)."""
    lines = composed.text.split("\n")
    if len(composed.cards) == 1:
        return lines[0]
    title = next(c.title for c in packaged_cards() if c.id == card_id)
    return lines[lines.index(f"{'一二三'[composed.cards.index(card_id)]}、{title}") + 1]
