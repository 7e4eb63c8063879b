"""Per-document filter metadata held in arrays, so a filter becomes a boolean mask in microseconds.

The order of documents here is the order of the lexical index; the dense side is filtered by
doc id through `allowed_ids` / `accepts`."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.catalog import IndexDoc


def _shared_strings(values: list[str]) -> np.ndarray:
    """An object array in which equal values are one str object: a few hundred distinct levels,
    regions and categories over 10⁵ documents, instead of a string object per document as
    json.loads makes them (≈ 15 MB on the national corpus)."""
    seen: dict[str, str] = {}
    return np.array([seen.setdefault(v, v) for v in values], dtype=object)


@dataclass
class SearchFilters:
    kind: str | None = None        # statute | case
    level: str | None = None       # 法律 / 行政法规 / … (level name)
    region: str | None = None      # substring of the region, e.g. 浙江 or 浙江省杭州市
    as_of: str | None = None       # ISO date: versions in force then, instead of current ones
    national_only: bool = False    # leave out local regulations (DLC) and cases (evals)

    @property
    def is_default(self) -> bool:
        return not (self.kind or self.level or self.region or self.as_of or self.national_only)


class DocMeta:
    FILE = "docmeta.json"

    def __init__(self, doc_ids: list[str], kinds: list[str], levels: list[str], regions: list[str],
                 categories: list[str], current: list[bool], valid_from: list[str], valid_to: list[str]):
        self.doc_ids = doc_ids
        self.position = {d: i for i, d in enumerate(doc_ids)}
        self.kinds = _shared_strings(kinds)
        self.levels = _shared_strings(levels)
        self.regions = _shared_strings(regions)
        self.categories = _shared_strings(categories)
        self.current = np.array(current, dtype=bool)
        self.valid_from = np.array(valid_from, dtype="U10")
        self.valid_to = np.array(valid_to, dtype="U10")
        self._default_mask = self.current.copy()

    @classmethod
    def from_docs(cls, docs: list[IndexDoc]) -> "DocMeta":
        return cls([d.doc_id for d in docs], [d.kind for d in docs], [d.level for d in docs],
                   [d.region for d in docs], [d.category for d in docs], [d.current for d in docs],
                   [d.valid_from for d in docs], [d.valid_to for d in docs])

    def __len__(self) -> int:
        return len(self.doc_ids)

    def keeps_all(self, mask: np.ndarray, current: bool) -> bool:
        """Whether `mask` passes every current-version document (`current`) or every other one: the
        dense side queries each kind's collection, and needs no over-fetch where nothing is dropped
        (the default mask drops only history, which lives in the other collection)."""
        members = self.current if current else ~self.current
        return not (members & ~mask).any()

    def mask(self, f: SearchFilters) -> np.ndarray:
        """Documents passing the filters: current versions by default, versions in force at
        `as_of` otherwise."""
        if f.is_default:
            return self._default_mask
        if f.as_of:
            m = (self.valid_from <= f.as_of) & (self.valid_to > f.as_of)
        else:
            m = self.current.copy()
        if f.kind:
            m &= self.kinds == f.kind
        if f.level:
            m &= self.levels == f.level
        if f.region:
            m &= np.fromiter((f.region in r for r in self.regions), dtype=bool, count=len(self.regions))
        if f.national_only:
            m &= (self.kinds == "statute") & (self.categories != "DLC") & (self.regions == "")
        return m

    def save(self, folder: Path) -> None:
        data = {"doc_ids": self.doc_ids, "kinds": self.kinds.tolist(), "levels": self.levels.tolist(),
                "regions": self.regions.tolist(), "categories": self.categories.tolist(),
                "current": self.current.tolist(), "valid_from": self.valid_from.tolist(),
                "valid_to": self.valid_to.tolist()}
        (folder / self.FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "DocMeta":
        d = json.loads((folder / cls.FILE).read_text(encoding="utf-8"))
        return cls(d["doc_ids"], d["kinds"], d["levels"], d["regions"], d["categories"], d["current"],
                   d["valid_from"], d["valid_to"])
