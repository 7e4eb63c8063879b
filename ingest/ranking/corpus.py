"""The national corpus as flat arrays (one row per current article), the lab's unit of retrieval.

Parsed straight from the statute folder with ingest.parse_corpus, with the catalog's current-version
rule and doc ids (outside DLC/ and 案例/), and cached in data/lab/ so the next run starts in a second."""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

LOCAL_CATEGORIES = {"DLC"}        # local regulations: outside the national corpus


@dataclass
class LabCorpus:
    doc_ids: list[str]
    laws: list[str]                # short title (judicial interpretations: full title)
    article_ids: list[str]
    texts: list[str]
    paths: list[list[str]]
    levels: list[str]              # 宪法 / 法律 / 行政法规 / 司法解释 / 部门规章 / 其他
    labels: list[str] = field(default_factory=list)   # 第三十八条
    source: str = ""               # "kb:<generation>" or "parse"
    _index: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def position(self, law: str, article_id: str) -> int | None:
        if not self._index:
            self._index = {(l, a): i for i, (l, a) in enumerate(zip(self.laws, self.article_ids))}
        return self._index.get((law, article_id))

    def sequence(self) -> tuple[np.ndarray, np.ndarray]:
        """(group, ordinal) per article for ArticleStatics: one law's articles are stored in order."""
        return self.law_codes()[0], np.arange(len(self))

    def lengths(self) -> np.ndarray:
        return np.fromiter((len(t) for t in self.texts), dtype=np.int64, count=len(self))

    def law_codes(self) -> tuple[np.ndarray, list[str]]:
        """(code per article, law names) so law-level aggregation is a bincount."""
        names = sorted(set(self.laws))
        code = {n: i for i, n in enumerate(names)}
        return np.array([code[l] for l in self.laws], dtype=np.int32), names


def sub_corpus(corpus: LabCorpus, keep: list[int]) -> LabCorpus:
    """The articles at positions `keep`, in that order."""
    pick = lambda xs: [xs[i] for i in keep]   # noqa: E731
    return LabCorpus(pick(corpus.doc_ids), pick(corpus.laws), pick(corpus.article_ids), pick(corpus.texts),
                     pick(corpus.paths), pick(corpus.levels), pick(corpus.labels),
                     source=f"{corpus.source} subset {len(keep)}/{len(corpus)}")


def _from_records(laws_dir: Path) -> LabCorpus:
    from ingest.corpus import parse_corpus
    from knowledge.records import LawRecord

    today = date.today().isoformat()
    versions: dict[tuple[str, str], list[LawRecord]] = {}
    for rec in parse_corpus(laws_dir, on_error=lambda *_: None):
        if isinstance(rec, LawRecord) and rec.category not in LOCAL_CATEGORIES and not rec.region:
            versions.setdefault((rec.title, rec.region or ""), []).append(rec)
    out = LabCorpus([], [], [], [], [], [], [], source="parse")
    from knowledge.catalog import stable_doc_id

    for recs in versions.values():
        # the catalog's rule: latest version whose effective date is not after today
        recs.sort(key=lambda r: (r.effective_date or r.version_date or "0001-01-01", r.version_date or ""))
        in_force = [r for r in recs if (r.effective_date or r.version_date or "0001-01-01") <= today]
        if not in_force or in_force[-1].status == "已废止":
            continue
        rec = in_force[-1]
        seen: set[str] = set()
        for art in rec.articles:
            if art.article_id in seen:
                continue
            seen.add(art.article_id)
            out.doc_ids.append(stable_doc_id("a", rec.source_path, art.article_id))
            out.laws.append(rec.short_title)
            out.article_ids.append(art.article_id)
            out.texts.append(art.text)
            out.paths.append(list(art.path))
            out.levels.append(rec.level_name)
            out.labels.append(art.label)
    return out


def load_corpus(laws_dir: Path, cache_dir: Path) -> LabCorpus:
    """The national corpus parsed from `laws_dir`, cached in `cache_dir`."""
    from ingest.repeals import repeals_digest

    key = hashlib.sha1(str(Path(laws_dir).resolve()).encode()).hexdigest()[:8]
    # the repeals list decides which laws are current, so a new list is a new corpus
    cache = cache_dir / f"corpus-v2-parse-{key}-{repeals_digest()[:8]}.pkl"
    if cache.exists():
        with open(cache, "rb") as fh:
            return _CorpusUnpickler(fh).load()
    corpus = _from_records(Path(laws_dir))
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache, "wb") as fh:
        pickle.dump(corpus, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return corpus


class _CorpusUnpickler(pickle.Unpickler):
    """Reads caches written while LabCorpus lived in evals.lab.corpus (before the build moved here)."""

    def find_class(self, module: str, name: str):
        return super().find_class(__name__ if module == "evals.lab.corpus" else module, name)
