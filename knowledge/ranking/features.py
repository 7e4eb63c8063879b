"""Reranking features of (question, candidate article) pairs, one definition for the product and
the lab. Inputs are full score rows over the index (n_queries, n_articles); features are gathered at
the candidate positions into an (n_queries, n_candidates, n_features) array."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from knowledge.ranking.scoring import LawGroups, normalise_rows

FEATURES = (
    "dense", "dense_norm", "adapted_norm", "bm25_norm", "expansion_norm", "neighbours",
    "article_prior", "law_prior", "law_dense", "law_bm25", "law_neighbours", "title_in_query",
    "level_law", "level_judicial", "level_regulation", "level_rule", "level_other",
)
LEVEL_FEATURES = {"法律": "level_law", "宪法": "level_law", "司法解释": "level_judicial",
                  "行政法规": "level_regulation", "部门规章": "level_rule"}
_TITLE_SUFFIX = re.compile(r"(实施条例|实施细则|条例|规定|办法|法)$")


def title_stem(short_title: str) -> str:
    """劳动合同法 → 劳动合同; 物业管理条例 → 物业管理: the words a layperson writes for the law."""
    stem = _TITLE_SUFFIX.sub("", short_title)
    return stem if 2 <= len(stem) <= 10 else ""


@dataclass
class ArticleStatics:
    """Per-article facts that do not depend on the question."""

    groups: LawGroups
    level_onehot: np.ndarray        # (n_articles, 5) for the level_* features
    law_stems: list[str]            # per law code
    law_code: np.ndarray
    article_prior: np.ndarray       # (n_articles,) log(1 + gold count) from known questions
    law_prior: np.ndarray           # (n_articles,) log share of known answers in the article's law

    @classmethod
    def build(cls, laws: list[str], levels: list[str], article_prior: np.ndarray | None = None,
              law_prior: np.ndarray | None = None) -> "ArticleStatics":
        names = sorted(set(laws))
        code_of = {n: i for i, n in enumerate(names)}
        law_code = np.array([code_of[l] for l in laws], dtype=np.int64)
        level_names = ["level_law", "level_judicial", "level_regulation", "level_rule", "level_other"]
        onehot = np.zeros((len(laws), len(level_names)), dtype=np.float32)
        for i, level in enumerate(levels):
            onehot[i, level_names.index(LEVEL_FEATURES.get(level, "level_other"))] = 1.0
        n = len(laws)
        return cls(LawGroups(law_code), onehot, [title_stem(nm) for nm in names], law_code,
                   article_prior if article_prior is not None else np.zeros(n, np.float32),
                   law_prior if law_prior is not None else np.zeros(n, np.float32))


@dataclass
class ComponentScores:
    """Full score rows for a batch of questions (n_queries, n_articles); absent sides are None."""

    dense: np.ndarray | None = None
    adapted: np.ndarray | None = None
    bm25: np.ndarray | None = None
    expansion: np.ndarray | None = None
    neighbours: np.ndarray | None = None


def candidate_features(queries: list[str], scores: ComponentScores, statics: ArticleStatics,
                       candidates: np.ndarray) -> np.ndarray:
    """(n_queries, n_candidates, len(FEATURES)); candidates are article positions (−1 = padding,
    its features are zeros)."""
    n, c = candidates.shape
    safe = np.maximum(candidates, 0)
    out = np.zeros((n, c, len(FEATURES)), dtype=np.float32)
    col = {name: i for i, name in enumerate(FEATURES)}

    def put(name: str, full: np.ndarray | None) -> None:
        if full is not None:
            out[:, :, col[name]] = np.take_along_axis(full, safe, axis=1)

    dense_norm = normalise_rows(scores.dense) if scores.dense is not None else None
    bm25_norm = normalise_rows(scores.bm25) if scores.bm25 is not None else None
    put("dense", scores.dense)
    put("dense_norm", dense_norm)
    put("adapted_norm", normalise_rows(scores.adapted) if scores.adapted is not None else None)
    put("bm25_norm", bm25_norm)
    if scores.expansion is not None:
        # questions without any matched lay phrase have an all-zero expansion row: keep it zero
        has = (scores.expansion.max(axis=1, keepdims=True) > 0)
        put("expansion_norm", np.where(has, normalise_rows(scores.expansion), 0.0))
    put("neighbours", scores.neighbours)
    if dense_norm is not None:
        put("law_dense", statics.groups.soft_max(dense_norm))
    if bm25_norm is not None:
        put("law_bm25", statics.groups.soft_max(bm25_norm))
    if scores.neighbours is not None:
        put("law_neighbours", statics.groups.soft_max(scores.neighbours, temperature=0.05))
    out[:, :, col["article_prior"]] = statics.article_prior[safe]
    out[:, :, col["law_prior"]] = statics.law_prior[safe]
    out[:, :, col["level_law"]:col["level_other"] + 1] = statics.level_onehot[safe]
    stems = statics.law_stems
    codes = statics.law_code[safe]
    for i, query in enumerate(queries):
        hit_laws = {j for j, s in enumerate(stems) if s and s in query} if query else set()
        if hit_laws:
            out[i, :, col["title_in_query"]] = np.isin(codes[i], list(hit_laws))
    out[candidates < 0] = 0.0
    return out
