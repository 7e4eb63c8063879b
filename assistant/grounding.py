"""Is a retrieved article about the question at all? A cheap lexical check (jieba words shared by
the question and the article), used with the retrieval rank: the knowledge base's fused scores
are normalised per query, so the top hit always scores high even for a question it cannot answer."""
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


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    import jieba

    return frozenset(w for w in jieba.lcut_for_search(text) if _WORD.fullmatch(w) and w not in _FILLER)


def shared_words(question: str, hit: Hit) -> int:
    """How many of the question's content words the hit's text, law title or headings contain."""
    haystack = "".join([hit.text or "", hit.law or "", hit.case_title or "", *hit.path])
    return sum(1 for w in content_words(question) if w in haystack)
