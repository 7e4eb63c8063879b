"""The staff regulation lookup: one box for a title (劳动合同法), a citation (劳动合同法第38条) or
keywords (拖欠工资 经济补偿), with filters (level, region, in force, a date).

A citation is parsed first (knowledge.citations.parse) and looked up exactly: an article the
knowledge base does not have is reported as missing ("没有这一条"), never answered with unrelated
keyword hits. Uses the knowledge.types.KnowledgeBase protocol plus the knowledge base's title
listing (`search_laws`) when it has one."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from knowledge.citations import parse

log = logging.getLogger(__name__)

LEVELS = ("宪法", "法律", "行政法规", "司法解释", "部门规章", "地方性法规", "其他")
IN_FORCE = "有效"


@dataclass
class LookupFilters:
    level: str = ""
    region: str = ""
    in_force: bool = False
    as_of: str = ""            # ISO date: the versions in force that day
    error: str = ""

    @classmethod
    def from_query(cls, level: str = "", region: str = "", in_force: str = "", as_of: str = "") -> "LookupFilters":
        filters = cls(level=level if level in LEVELS else "", region=region.strip()[:40], in_force=bool(in_force))
        if as_of.strip():
            try:
                filters.as_of = dt.date.fromisoformat(as_of.strip()[:10]).isoformat()
            except ValueError:
                filters.error = "日期格式应为 2024-01-31"
        return filters

    def keeps(self, level: str | None, region: str | None, status: str | None) -> bool:
        return ((not self.level or level == self.level) and (not self.region or self.region in (region or ""))
                and (not self.in_force or status == IN_FORCE))


@dataclass
class LookupResult:
    article: object | None = None                    # knowledge.types.Hit for an exact citation
    missing: str = ""                                # a citation whose article does not exist
    laws: list[dict] = field(default_factory=list)   # title matches with status and dates
    hits: list = field(default_factory=list)         # keyword search results
    error: str = ""


def regulation_lookup(kb, query: str, filters: LookupFilters | None = None, *, limit: int = 10) -> LookupResult:
    filters = filters or LookupFilters()
    result = LookupResult()
    query = (query or "").strip()[:100]
    if not query:
        return result
    try:
        refs = parse(query)
        if refs:
            return _citation(kb, refs[0], filters, result)
        if hasattr(kb, "search_laws"):
            result.laws = [law for law in kb.search_laws(query, limit)
                           if filters.keeps(law["level"], law["region"], law["status"])]
        hits = kb.search(query, k=limit, level=filters.level or None, region=filters.region or None,
                         as_of=filters.as_of or None)
        result.hits = [h for h in hits if filters.keeps(h.level, h.region, h.status)]
    except Exception:  # noqa: BLE001 - a broken index must not take the console down
        log.exception("regulation lookup failed")
        result.error = "查询出错，请稍后再试"
    return result


def _citation(kb, ref, filters: LookupFilters, result: LookupResult) -> LookupResult:
    article = kb.lookup(ref, as_of=filters.as_of or None)
    if article is not None:
        result.article = article
        return result
    law = kb.resolve_law(ref.law)
    number = ref.article_id.replace("-", "条之")
    if law is None:
        result.missing = f"没有这一条：知识库里没有《{ref.law}》这部法律法规，请核对名称。"
    elif filters.as_of:
        result.missing = f"没有这一条：《{law}》在 {filters.as_of} 施行的版本里没有第{number}条。"
    else:
        result.missing = f"没有这一条：《{law}》没有第{number}条，请核对条号。"
    return result
