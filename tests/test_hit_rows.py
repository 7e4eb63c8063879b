"""Memoised hit rows on the real small knowledge base: same rows, fewer catalog queries."""
from __future__ import annotations

import datetime as dt

from knowledge.hit_rows import CachedHitRows


class _CountingCatalog:
    def __init__(self, catalog):
        self.catalog, self.asked = catalog, []

    def docs_for_hits(self, doc_ids):
        self.asked.append(list(doc_ids))
        return self.catalog.docs_for_hits(doc_ids)


def test_rows_match_the_catalog_and_repeat_ids_are_not_queried_again(small_kb):
    hits = small_kb.search("拖欠工资 解除劳动合同", k=6)
    ids = [h.doc_id for h in hits]
    catalog = small_kb.retriever.catalog.catalog      # the served retriever holds the cached wrapper
    counting = _CountingCatalog(catalog)
    cached = CachedHitRows(counting, maxsize=4)
    assert cached.docs_for_hits(ids[:3] + ["a:no-such-doc"]) == catalog.docs_for_hits(ids[:3])
    assert counting.asked == [ids[:3] + ["a:no-such-doc"]]
    rows = cached.docs_for_hits(ids[1:5])
    assert counting.asked[-1] == ids[3:5]              # only the two not seen before
    assert rows == catalog.docs_for_hits(ids[1:5]) and list(rows) == ids[1:5]
    rows[ids[1]]["text"] = "changed by a caller"       # callers get copies
    assert cached.docs_for_hits(ids[1:2])[ids[1]]["text"] != "changed by a caller"
    assert cached.cached_count == 4
    cached.docs_for_hits(ids[:1])                      # evicted (maxsize 4): asked again
    assert counting.asked[-1] == ids[:1] and cached.cached_count == cached.maxsize == 4
    assert CachedHitRows(catalog).engine is catalog.engine   # other attributes are the catalog's


def test_rows_are_dropped_when_the_day_changes(small_kb):
    ids = [h.doc_id for h in small_kb.search("离婚 子女抚养", k=2)]
    counting = _CountingCatalog(small_kb.retriever.catalog.catalog)
    cached = CachedHitRows(counting)
    cached.docs_for_hits(ids)
    cached._day = dt.date.today() - dt.timedelta(days=1)   # as if the process had run past midnight
    cached.docs_for_hits(ids)
    assert len(counting.asked) == 2
