"""The staff regulation lookup: one box for a title (劳动合同法), a citation (劳动合同法第38条) or
keywords (拖欠工资 经济补偿). Uses only the knowledge.types.KnowledgeBase protocol plus the
knowledge base's `search_laws` title listing when it has one."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class LookupResult:
    article: object | None = None                    # knowledge.types.Hit for an exact citation
    laws: list[dict] = field(default_factory=list)   # title matches with status and dates
    hits: list = field(default_factory=list)         # keyword search results
    error: str = ""


def regulation_lookup(kb, query: str, *, limit: int = 10) -> LookupResult:
    result = LookupResult()
    query = (query or "").strip()[:100]
    if not query:
        return result
    try:
        result.article = kb.lookup(query)
        if hasattr(kb, "search_laws"):
            result.laws = list(kb.search_laws(query, limit))
        if result.article is None:
            result.hits = [h for h in kb.search(query, k=limit)]
    except Exception:  # noqa: BLE001 - a broken index must not take the console down
        log.exception("regulation lookup failed")
        result.error = "查询出错，请稍后再试"
    return result
