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
              lengths: np.ndarray | None = None, headings: bool = True) -> "ArticleStatics":
        """`paths`: each article's heading path (编/章/节 titles); None groups chapters by law.
        `sequence`: (group, ordinal) per article, the articles of one law version in order (None:
        no article has a neighbour). `lengths`: characters per article text (None: all 0).
        `headings`: weigh the heading names (only heading_in_query reads them)."""
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
        return cls(law_code, chapter_code, [title_stem(nm) for nm in names], onehot,
                   heading_weights(list(chapter_of)) if headings else [],
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
    its features are zeros). `needed`: when given, only these features are computed (the others
    stay 0: a reranker that gives a feature no weight does not pay for it)."""
    n, c = candidates.shape
    safe = np.maximum(candidates, 0)
    out = np.zeros((n, c, len(FEATURES)), dtype=np.float32)
    col = {name: i for i, name in enumerate(FEATURES)}

    def wanted(*names: str) -> bool:
        return needed is None or any(name in needed for name in names)

    def put(name: str, compute) -> None:
        if wanted(name):
            out[:, :, col[name]] = compute()

    for name, side in (("dense", scores.dense), ("adapted", scores.adapted)):
        if side is not None and wanted(name, f"{name}_norm"):
            raw = side.at(candidates)
            put(name, lambda: raw)
            put(f"{name}_norm", lambda: side.top.norm(raw))
        if side is not None:
            put(f"law_{name}", lambda: law_soft_max(side.top, True, statics.law_code, candidates))
            put(f"chapter_{name}", lambda: law_soft_max(side.top, True, statics.chapter_code, candidates))
    if scores.bm25 is not None:
        bm25 = scores.bm25
        put("bm25_norm", lambda: bm25.top.norm(bm25.at(candidates)))
        put("law_bm25", lambda: law_soft_max(bm25.top, True, statics.law_code, candidates))
        put("chapter_bm25", lambda: law_soft_max(bm25.top, True, statics.chapter_code, candidates))
    if scores.expansion is not None:
        expansion = scores.expansion
        # questions without any matched lay phrase have an all-zero expansion row: keep it zero
        has = expansion.top.vals[:, :1] > 0
        put("expansion_norm", lambda: np.where(has, expansion.top.norm(expansion.at(candidates)), 0.0))
    if scores.neighbours is not None:
        votes = scores.neighbours
        put("neighbours", lambda: votes.at(candidates))
        put("law_neighbours", lambda: law_soft_max(votes.top, False, statics.law_code, candidates, temperature=0.05))
        put("chapter_neighbours", lambda: law_soft_max(votes.top, False, statics.chapter_code, candidates,
                                                       temperature=0.05))
    adjacent = statics.adjacent[safe]              # (n, c, 2)
    for name, side, normalised, missing in (("adjacent_dense", scores.dense, True, None),
                                            ("adjacent_bm25", scores.bm25, True, None),
                                            ("adjacent_neighbours", scores.neighbours, False, 0.0)):
        if side is not None:
            put(name, lambda: _best_adjacent(side, adjacent, normalised, missing))
    put("log_length", lambda: statics.log_length[safe])
    if scores.wide_votes is not None:
        put("wide_neighbours", lambda: np.take_along_axis(scores.wide_votes, safe, axis=1))
    put("article_prior", lambda: statics.article_prior[safe])
    put("law_prior", lambda: statics.law_prior[safe])
    if wanted(*LEVEL_NAMES):
        out[:, :, col["level_law"]:col["level_other"] + 1] = statics.level_onehot[safe]
    codes = statics.law_code[safe]
    chapter_codes = statics.chapter_code[safe]
    for i, query in enumerate(queries):
        if wanted("title_in_query"):
            hit_laws = [j for j, s in enumerate(statics.law_stems) if s and s in query]
            if hit_laws:
                out[i, :, col["title_in_query"]] = np.isin(codes[i], hit_laws)
        if wanted("heading_in_query"):
            unique, inverse = np.unique(chapter_codes[i], return_inverse=True)
            match = np.array([heading_match(query, statics.chapter_headings[c]) for c in unique], dtype=np.float32)
            out[i, :, col["heading_in_query"]] = match[inverse]
    out[candidates < 0] = 0.0
    return out
