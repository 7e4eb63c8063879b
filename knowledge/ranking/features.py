"""Reranking features of (question, candidate article) pairs, one definition for the product and
the lab. Inputs are score rows over the index (n_queries, n_articles) and their RowTop views;
features are gathered at the candidate positions into an (n_queries, n_candidates, n_features)
array."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from knowledge.ranking.scoring import Side, law_soft_max, union_top

FEATURES = (
    "dense", "dense_norm", "adapted", "adapted_norm", "bm25_norm", "expansion_norm", "neighbours",
    "article_prior", "law_prior", "law_dense", "law_adapted", "law_bm25", "law_neighbours", "title_in_query",
    "level_law", "level_judicial", "level_regulation", "level_rule", "level_other",
    "chapter_dense", "chapter_adapted", "chapter_bm25", "chapter_neighbours", "heading_in_query",
    "wide_neighbours", "adjacent_dense", "adjacent_bm25", "adjacent_neighbours", "log_length",
)
# the adjacent_* features: the best of the article's previous and next article in its law (gold is
# often the article after the one the question's words match: 第三十八条 after 第三十七条)
ADJACENT_FEATURES = ("adjacent_dense", "adjacent_bm25", "adjacent_neighbours")
LEVEL_NAMES = ("level_law", "level_judicial", "level_regulation", "level_rule", "level_other")
LEVEL_FEATURES = {"法律": "level_law", "宪法": "level_law", "司法解释": "level_judicial",
                  "行政法规": "level_regulation", "部门规章": "level_rule"}
# candidates: each side's top this many (adapted and dense first: their order breaks ties)
CANDIDATE_DEPTHS = (("adapted", 300), ("dense", 300), ("bm25", 200), ("expansion", 100), ("neighbours", 50))
_TITLE_SUFFIX = re.compile(r"(实施条例|实施细则|条例|规定|办法|法)$")
_HEADING_NUMBER = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[编章节分]+\s*|^[一二三四五六七八九十]+、\s*")


def title_stem(short_title: str) -> str:
    """劳动合同法 → 劳动合同; 物业管理条例 → 物业管理: the words a layperson writes for the law."""
    stem = _TITLE_SUFFIX.sub("", short_title)
    return stem if 2 <= len(stem) <= 10 else ""


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def heading_weights(chapters: list[tuple]) -> list[list[dict[str, float]]]:
    """Per chapter (law, *headings): each heading's name (第二十一章 保管合同 → 保管合同) as
    character bigrams weighted by rarity among all heading names (总则, 一般规定 weigh little)."""
    names = [[_HEADING_NUMBER.sub("", h).strip() for h in c[1:]] for c in chapters]
    distinct = {n for ns in names for n in ns if n}
    df: dict[str, int] = {}
    for n in distinct:
        for g in bigrams(n):
            df[g] = df.get(g, 0) + 1
    idf = {g: float(np.log(1 + len(distinct) / d)) for g, d in df.items()}
    return [[{g: idf[g] for g in bigrams(n)} for n in ns if len(n) >= 2] for ns in names]


def heading_match(query: str, headings: list[dict[str, float]]) -> float:
    """Best share (by weight) of a heading's bigrams that occur in the query."""
    grams = bigrams(query)
    best = 0.0
    for weights in headings:
        total = sum(weights.values())
        if total > 0:
            best = max(best, sum(w for g, w in weights.items() if g in grams) / total)
    return best


@dataclass
class ArticleStatics:
    """Per-article facts that do not depend on the question, in index order."""

    law_code: np.ndarray            # (n_articles,) law number
    chapter_code: np.ndarray        # (n_articles,) number of (law, heading path): 民法典 › 保管合同 …
    law_stems: list[str]            # per law number
    level_onehot: np.ndarray        # (n_articles, 5) for the level_* features
    chapter_headings: list = field(default_factory=list)   # per chapter code, see heading_weights
    article_prior: np.ndarray = field(default=None)   # (n_articles,) log(1 + gold count) of known questions
    law_prior: np.ndarray = field(default=None)       # (n_articles,) log share of known answers in the law
    adjacent: np.ndarray = field(default=None)        # (n_articles, 2) previous and next article, −1 if none
    log_length: np.ndarray = field(default=None)      # (n_articles,) log(1 + characters of the text)

    @classmethod
    def build(cls, laws: list[str], levels: list[str], article_prior: np.ndarray | None = None,
              law_prior: np.ndarray | None = None, paths: list | None = None,
              sequence: tuple[np.ndarray, np.ndarray] | None = None,
              lengths: np.ndarray | None = None) -> "ArticleStatics":
        """`paths`: each article's heading path (编/章/节 titles); None groups chapters by law.
        `sequence`: (group, ordinal) per article, the articles of one law version in order (None:
        no article has a neighbour). `lengths`: characters per article text (None: all 0)."""
        names = sorted(set(laws))
        code_of = {n: i for i, n in enumerate(names)}
        law_code = np.array([code_of[l] for l in laws], dtype=np.int64)
        chapter_of: dict[tuple, int] = {}
        chapters = [(law, *path) for law, path in zip(laws, paths)] if paths is not None else [(l,) for l in laws]
        chapter_code = np.array([chapter_of.setdefault(c, len(chapter_of)) for c in chapters], dtype=np.int64)
        onehot = np.zeros((len(laws), len(LEVEL_NAMES)), dtype=np.float32)
        for i, level in enumerate(levels):
            onehot[i, LEVEL_NAMES.index(LEVEL_FEATURES.get(level, "level_other"))] = 1.0
        n = len(laws)
        return cls(law_code, chapter_code, [title_stem(nm) for nm in names], onehot, heading_weights(list(chapter_of)),
                   article_prior if article_prior is not None else np.zeros(n, np.float32),
                   law_prior if law_prior is not None else np.zeros(n, np.float32),
                   adjacent_positions(*sequence) if sequence is not None else np.full((n, 2), -1, np.int64),
                   np.log1p(np.asarray(lengths, np.float32)) if lengths is not None else np.zeros(n, np.float32))


def adjacent_positions(groups: np.ndarray, ordinals: np.ndarray) -> np.ndarray:
    """(n, 2): each position's previous and next position in its group by ordinal, −1 where none."""
    groups, ordinals = np.asarray(groups), np.asarray(ordinals)
    n = len(groups)
    out = np.full((n, 2), -1, dtype=np.int64)
    order = np.lexsort((ordinals, groups))
    same = groups[order[1:]] == groups[order[:-1]]
    out[order[1:][same], 0] = order[:-1][same]
    out[order[:-1][same], 1] = order[1:][same]
    return out


def _best_adjacent(side: Side, adjacent: np.ndarray, normalised: bool, missing: float | None = None) -> np.ndarray:
    """(n, c): the better of the side's score at each candidate's previous and next article (a
    missing neighbour scores `missing`, default the row's lowest kept score)."""
    n, c, _ = adjacent.shape
    at = adjacent.reshape(n, 2 * c)
    values = side.at(np.maximum(at, 0))
    low = side.top.vals[:, -1:] if missing is None else np.full((n, 1), missing, np.float32)
    values = np.where(at >= 0, values, low)
    if normalised:
        values = side.top.norm(values)
    return values.reshape(n, c, 2).max(axis=2)


@dataclass
class ComponentScores:
    """The retrieval sides for a batch of questions; absent sides are None."""

    dense: Side | None = None
    adapted: Side | None = None
    bm25: Side | None = None
    expansion: Side | None = None
    neighbours: Side | None = None
    wide_votes: np.ndarray | None = None   # (n_queries, n_articles) votes of many neighbours, softer

    def candidates(self, width: int = 700) -> np.ndarray:
        """Union of each side's top list (see CANDIDATE_DEPTHS), padded with −1."""
        sides = [(getattr(self, name), depth) for name, depth in CANDIDATE_DEPTHS]
        sides = [(side, depth) for side, depth in sides if side is not None]
        return union_top([s.top for s, _ in sides], [d for _, d in sides], width)


def candidate_features(queries: list[str], scores: ComponentScores, statics: ArticleStatics,
                       candidates: np.ndarray, needed=None) -> np.ndarray:
    """(n_queries, n_candidates, len(FEATURES)); candidates are article positions (−1 = padding,
    its features are zeros). `needed`: when given, heading_in_query (a Python loop, ~1 ms a query)
    and the adjacent_* features are only computed if they are among them."""
    n, c = candidates.shape
    safe = np.maximum(candidates, 0)
    out = np.zeros((n, c, len(FEATURES)), dtype=np.float32)
    col = {name: i for i, name in enumerate(FEATURES)}
    if scores.dense is not None:
        raw = scores.dense.at(candidates)
        out[:, :, col["dense"]] = raw
        out[:, :, col["dense_norm"]] = scores.dense.top.norm(raw)
        out[:, :, col["law_dense"]] = law_soft_max(scores.dense.top, True, statics.law_code, candidates)
        out[:, :, col["chapter_dense"]] = law_soft_max(scores.dense.top, True, statics.chapter_code, candidates)
    if scores.adapted is not None:
        raw = scores.adapted.at(candidates)
        out[:, :, col["adapted"]] = raw
        out[:, :, col["adapted_norm"]] = scores.adapted.top.norm(raw)
        out[:, :, col["law_adapted"]] = law_soft_max(scores.adapted.top, True, statics.law_code, candidates)
        out[:, :, col["chapter_adapted"]] = law_soft_max(scores.adapted.top, True, statics.chapter_code,
                                                         candidates)
    if scores.bm25 is not None:
        out[:, :, col["bm25_norm"]] = scores.bm25.top.norm(scores.bm25.at(candidates))
        out[:, :, col["law_bm25"]] = law_soft_max(scores.bm25.top, True, statics.law_code, candidates)
        out[:, :, col["chapter_bm25"]] = law_soft_max(scores.bm25.top, True, statics.chapter_code, candidates)
    if scores.expansion is not None:
        # questions without any matched lay phrase have an all-zero expansion row: keep it zero
        has = scores.expansion.top.vals[:, :1] > 0
        out[:, :, col["expansion_norm"]] = np.where(
            has, scores.expansion.top.norm(scores.expansion.at(candidates)), 0.0)
    if scores.neighbours is not None:
        out[:, :, col["neighbours"]] = scores.neighbours.at(candidates)
        out[:, :, col["law_neighbours"]] = law_soft_max(scores.neighbours.top, False, statics.law_code,
                                                        candidates, temperature=0.05)
        out[:, :, col["chapter_neighbours"]] = law_soft_max(scores.neighbours.top, False, statics.chapter_code,
                                                            candidates, temperature=0.05)
    adjacent = statics.adjacent[safe]              # (n, c, 2)
    for name, side, normalised, missing in (("adjacent_dense", scores.dense, True, None),
                                            ("adjacent_bm25", scores.bm25, True, None),
                                            ("adjacent_neighbours", scores.neighbours, False, 0.0)):
        if side is not None and (needed is None or name in needed):     # ~1 ms a query: only when used
            out[:, :, col[name]] = _best_adjacent(side, adjacent, normalised, missing)
    out[:, :, col["log_length"]] = statics.log_length[safe]
    if scores.wide_votes is not None:
        out[:, :, col["wide_neighbours"]] = np.take_along_axis(scores.wide_votes, safe, axis=1)
    out[:, :, col["article_prior"]] = statics.article_prior[safe]
    out[:, :, col["law_prior"]] = statics.law_prior[safe]
    out[:, :, col["level_law"]:col["level_other"] + 1] = statics.level_onehot[safe]
    codes = statics.law_code[safe]
    chapter_codes = statics.chapter_code[safe]
    for i, query in enumerate(queries):
        hit_laws = [j for j, s in enumerate(statics.law_stems) if s and s in query]
        if hit_laws:
            out[i, :, col["title_in_query"]] = np.isin(codes[i], hit_laws)
        if needed is not None and "heading_in_query" not in needed:
            continue
        unique, inverse = np.unique(chapter_codes[i], return_inverse=True)
        match = np.array([heading_match(query, statics.chapter_headings[c]) for c in unique], dtype=np.float32)
        out[i, :, col["heading_in_query"]] = match[inverse]
    out[candidates < 0] = 0.0
    return out
