"""Is a retrieved article about the question at all? A cheap lexical check: the question's words
(jieba), or the statute words a layperson's word stands for (老板 → 用人单位, 假货 → 商品/欺诈),
or the legal terms the retrieval's vocabulary bridge finds for its lay phrases (邻居盖楼挡光 →
相邻关系), must appear in one of the top hits. Needed because the knowledge base's fused scores are
normalised per query: the top hit scores high even for a question the corpus cannot answer."""
from __future__ import annotations

import re
from functools import lru_cache

from knowledge.types import Hit

# words that say nothing about the subject of a question
_FILLER = frozenset("""
怎么办 怎么 怎样 如何 什么 为什么 可以 能否 能不能 是否 是不是 应该 应当 需要 要求 请问 你好 您好 谢谢 一下 一个 这个 那个 这样
那样 这种 那种 我们 你们 他们 她们 自己 别人 对方 现在 已经 还是 或者 而且 但是 因为 所以 如果 要是 的话 问题 情况 事情 时候
有没有 没有 不是 就是 还有 知道 觉得 认为 告诉 帮忙 一直 一些 多少 哪里 哪些 之后 以后 之前 以前 然后 一般 相关 规定 法律
""".split())
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}|[A-Za-z]{3,}")

# everyday word (or part of one) → words the statutes use for it
LAY_TERMS: dict[str, tuple[str, ...]] = {
    "老板": ("用人单位", "雇主", "经营者"), "公司": ("用人单位", "公司", "企业"), "厂": ("用人单位", "企业"),
    "单位": ("用人单位",), "工资": ("劳动报酬", "工资"), "工钱": ("劳动报酬", "工资"), "薪": ("劳动报酬", "工资"),
    "欠薪": ("劳动报酬", "拖欠"), "讨薪": ("劳动报酬", "拖欠"), "加班": ("加班", "延长工作时间"),
    "干活": ("劳动", "工作"), "打工": ("劳动者", "劳动"), "上班": ("劳动", "工作"), "工地": ("劳动", "工伤", "施工"),
    "辞退": ("解除劳动合同", "解除"), "开除": ("解除劳动合同", "解除"), "炒": ("解除劳动合同",),
    "合同": ("合同",), "社保": ("社会保险",), "伤": ("伤害", "工伤", "伤亡", "受伤", "人身"),
    "假货": ("商品", "欺诈", "质量", "假冒"), "商家": ("经营者",), "卖家": ("经营者", "销售者"), "店": ("经营者",),
    "网上": ("网络",), "网购": ("网络", "商品"), "东西": ("商品",), "退款": ("退货", "退款", "返还", "退回"),
    "退钱": ("退货", "退款", "返还"), "退货": ("退货",), "骗": ("欺诈", "诈骗"),
    "老公": ("配偶", "夫妻", "家庭"), "丈夫": ("配偶", "夫妻", "家庭"), "老婆": ("配偶", "夫妻", "家庭"),
    "妻子": ("配偶", "夫妻", "家庭"), "孩子": ("子女", "未成年"), "爸妈": ("父母",), "老人": ("老年人", "赡养"),
    "打": ("暴力", "殴打", "伤害"), "离婚": ("离婚",), "彩礼": ("彩礼", "婚约财产"), "借钱": ("借款", "债务"),
    "欠钱": ("借款", "债务"), "还钱": ("借款", "债务", "偿还"), "房东": ("出租人", "租赁"), "租": ("租赁",),
    "狗": ("动物", "饲养"), "猫": ("动物", "饲养"), "咬": ("动物", "饲养"), "车祸": ("交通事故", "机动车"),
    "撞": ("交通事故", "机动车"), "偷": ("盗窃",), "律师": ("律师", "法律援助"), "法援": ("法律援助",),
    "没钱": ("经济困难",), "穷": ("经济困难",), "被抓": ("拘留", "羁押", "逮捕"), "坐牢": ("有期徒刑", "刑罚"),
    "宅基地": ("宅基地",), "地": ("土地", "承包"), "拆迁": ("征收", "补偿"),
}
_LAY_SINGLE = frozenset(k for k in LAY_TERMS if len(k) == 1)


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    import jieba

    return frozenset(w for w in jieba.lcut_for_search(text)
                     if (_WORD.fullmatch(w) and w not in _FILLER) or w in _LAY_SINGLE)


def is_filler(word: str) -> bool:
    """A word that says nothing about the subject of a question (怎么办、可以、是否 …)."""
    return word in _FILLER


@lru_cache(maxsize=4096)
def forms_of(word: str) -> tuple[str, ...]:
    """The word itself (when it is a real word) and the statute words its lay parts stand for."""
    forms = [word] if len(word) > 1 else []
    for lay, legal in LAY_TERMS.items():
        if lay in word:
            forms.extend(legal)
    return tuple(dict.fromkeys(forms))


def shared_words(question: str, hit: Hit) -> int:
    """How many of the question's words the hit's text, law title or headings contain (directly
    or through the statute words of a lay term)."""
    return _shared_count(question, _haystack(hit))


def is_about(question: str, hit: Hit) -> bool:
    """The hit shares a word with the question, or contains a legal term the vocabulary bridge
    gives for the question's lay phrases (matched as written, so they catch what jieba splits).
    The bridge's terms name a whole topic (相邻关系), so they decide only this yes/no, not which
    article shares most."""
    haystack = _haystack(hit)
    return _shared_count(question, haystack) > 0 or any(term in haystack for term in _bridge_terms(question))


def _shared_count(question: str, haystack: str) -> int:
    return sum(1 for w in content_words(question) if any(form in haystack for form in forms_of(w)))


def _haystack(hit: Hit) -> str:
    return "".join([hit.text or "", hit.law or "", hit.case_title or "", *hit.path])


@lru_cache(maxsize=1024)
def _bridge_terms(question: str) -> tuple[str, ...]:
    """The vocabulary bridge's legal terms for the question (found once per question, not per hit)."""
    return tuple(_bridge().terms(question))


@lru_cache(maxsize=1)
def _bridge():
    from knowledge.ranking.vocabulary import QueryExpander

    return QueryExpander.load()
