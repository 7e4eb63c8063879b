"""Local regulations only for the asker's region.

A villager asking "老板三个月没发工资我能不能走人" must get the national 劳动合同法, not
《河南省进城务工人员权益保护条例》: local rules bind only where they were made. Search demotes every
document with a region (地方性法规, DLC rules) unless the question, or the asker's known region
(session / eligibility facts), names that region. A local rule can still come first when it clearly
beats every national candidate (a topic only local rules cover).

    names = RegionNames(docmeta.regions)          # catalog regions: 河南省, 河南省郑州市, …
    home = names.named_in("郑州打工被欠薪") | names.named_in(session_region)
    ranked = demote_foreign_local(ranked, region_of, home)
"""
from __future__ import annotations

import re
from typing import Callable, Iterable

# one administrative level of a catalog region: 河南省 | 郑州市 | 彭水苗族土家族自治县
# (no bare 州: 郑州市 is one level, not 郑州 + 市)
_LEVEL = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|县|区|旗)")
_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|县|区|旗)$")
# short names that are also ordinary words (采光日照, 信件被开封, 中山路): only their full form counts
_AMBIGUOUS_SHORT = frozenset({"日照", "开封", "中山"})

# a demoted local document loses this many times the score gap between the best and the 20th
# national candidate: it can stay ahead of national law only when it is far more relevant. 2.5
# since the lay ranker's top 20 are its own scores (2026-11-29, session 11): before, a tail slot at
# rank 19 could carry a deeper article's lower score into the 20th place (scores never increase down
# the list), which widened the gap, and 1.5 was enough. On the 1,234 region-less STARD questions
# (served search, evals.local_rules) 2.5 leaves no local rule on top (1.5: one) and the same 0.65%
# with one in the top 10; a rule worded like the question (the test fixture) needs more than 2.0.
LOCAL_PENALTY = 2.5
SPREAD_RANK = 20


def _short_names(level: str) -> set[str]:
    """Names a person uses for one level: 郑州市 → {郑州市, 郑州}; 彭水苗族土家族自治县 → {…, 彭水}."""
    names = {level}
    short = _SUFFIX.sub("", level)
    if "族" in short:            # ethnic autonomous units are called by their place name
        short = short[:2]
    if len(short) >= 2 and short not in _AMBIGUOUS_SHORT:
        names.add(short)
    return names


class RegionNames:
    """Place names → the catalog regions they denote (every level of every region in the index)."""

    def __init__(self, regions: Iterable[str]):
        self._regions: dict[str, set[str]] = {}
        for region in {r for r in regions if r}:
            parts = _LEVEL.findall(region) or [region]
            for i, part in enumerate(parts):
                full = "".join(parts[:i + 1])       # 郑州市 denotes 河南省郑州市
                for name in _short_names(part):
                    self._regions.setdefault(name, set()).add(full)
        names = sorted(self._regions, key=len, reverse=True)      # longest first: 郑州市 before 郑州
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def named_in(self, text: str | None) -> set[str]:
        """The catalog regions `text` names ('郑州' → {'河南省郑州市'}), empty when none."""
        if not text or self._pattern is None:
            return set()
        return {full for m in self._pattern.finditer(text) for full in self._regions[m.group()]}


def is_home(region: str, home: set[str]) -> bool:
    """A document's region fits the asker when one contains the other: the province's rules for
    someone in one of its cities, a city's rules for someone who named only the province."""
    return any(region.startswith(h) or h.startswith(region) for h in home)


def demote_foreign_local(ranked: list[tuple[str, float]], region_of: Callable[[str], str],
                         home: set[str]) -> list[tuple[str, float]]:
    """`ranked` (doc id, score) best first, with documents of other regions (every regional one
    when `home` is empty) moved down by LOCAL_PENALTY × the score gap between the best and the
    20th of the others (national law, home rules): a foreign rule stays ahead only that far ahead."""
    foreign = [bool(r) and not is_home(r, home) for r in map(region_of, (d for d, _ in ranked))]
    kept = [score for (_, score), f in zip(ranked, foreign) if not f]
    if not any(foreign) or not kept:
        return ranked
    spread = kept[0] - kept[min(SPREAD_RANK, len(kept)) - 1]
    penalty = LOCAL_PENALTY * max(spread, 1e-6)
    out = [(doc_id, score - penalty if f else score) for (doc_id, score), f in zip(ranked, foreign)]
    return sorted(out, key=lambda kv: -kv[1])
