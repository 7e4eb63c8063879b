"""Which article backs which rule, as data, and the article text looked up at request time.

Every number a tool gives rests on a `Basis`: the law (a name the knowledge base resolves), the
article and a phrase of its text the rule relies on. tests/test_tools_citations.py checks each one
against the statute mirror (../shared/laws): the article exists and the phrase is in it. The text
returned to users comes from the knowledge base on every request, never from this file; when the
knowledge base lacks the article the citation says so (`found: false`, `text: null`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knowledge.types import Citation


@dataclass(frozen=True)
class Basis:
    law: str          # short title or alias, as KnowledgeBase.get_article takes it
    article_id: str   # "27", "10-1"
    phrase: str       # words of the article the rule relies on (checked against the mirror)


def cite(kb: Any, basis: Basis) -> Citation:
    """The article as the knowledge base holds it now; no text (`found` False) when it does not."""
    hit = kb.get_article(basis.law, basis.article_id) if kb is not None else None
    if hit is None:
        return Citation(text=None, law=basis.law, article_id=basis.article_id)
    return Citation(text=hit.text, law=hit.law or basis.law, article_id=basis.article_id)


def cite_all(kb: Any, bases: list[Basis]) -> tuple[list[Citation], list[str]]:
    """Citations in order without repeats, and one note naming the articles the knowledge base lacks."""
    out, seen = [], set()
    for basis in bases:
        if (basis.law, basis.article_id) not in seen:
            seen.add((basis.law, basis.article_id))
            out.append(cite(kb, basis))
    absent = [c.label for c in out if not c.found]
    if not absent:
        return out, []
    return out, [f"知识库中暂未找到{'、'.join(absent)}的原文，无法附上条文；"
                 "上述依据请以正式公布的法律文本为准，也可拨打 12348 法律服务热线核实。"]


def tool_citation_json(citation: Citation) -> dict:
    """The tools API's shape of a citation (POST /v1/tools/*): the article, its text or null, and
    whether the knowledge base holds it. Not the chat API's `Citation.to_json` (no label, a `found`)."""
    return {"law": citation.law, "article_id": citation.article_id, "text": citation.text, "found": citation.found}


# where each instrument lives in the statute mirror (relative to ../shared/laws), for the tests
MIRROR_PATHS: dict[str, str] = {
    "民法典": "民法典",   # split by 编: the test reads every part
    "民事诉讼法": "诉讼与非诉讼程序法/民事诉讼法(2023-09-01).md",
    "行政复议法": "诉讼与非诉讼程序法/行政复议法(2023-09-01).md",
    "行政诉讼法": "诉讼与非诉讼程序法/行政诉讼法(2017-06-27).md",
    "劳动争议调解仲裁法": "诉讼与非诉讼程序法/劳动争议调解仲裁法(2007-12-29).md",
    "工伤保险条例": "行政法规/工伤保险条例(2010-12-20).md",
    "劳动合同法": "社会法/劳动合同法(2012-12-28).md",
    "劳动合同法实施条例": "行政法规/劳动合同法实施条例(2008-09-18).md",
    "劳动法": "社会法/劳动法(2018-12-29).md",
    "反家庭暴力法": "社会法/反家庭暴力法(2015-12-27).md",
    "人身损害赔偿解释": "司法解释/最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释(2022-04-24).md",
    "民法典婚姻家庭编解释（一）": "司法解释/最高人民法院关于适用《民法典》婚姻家庭编的解释（一）(2020-12-29).md",
}
