"""Retrieval sources: each turns one question into typed scores over the articles of one index
generation, and knows nothing of the others or of the rankers that read its scores:

- LexicalSource: BM25 of a query text (the question, or its lay-vocabulary expansion);
- DenseSource: the article vectors (Chroma) nearest to query vectors;
- KnownAnswers: votes of the known questions nearest to the question for their gold articles;
- cited_articles: the articles the question names itself ("劳动合同法第38条").

Plain fusion (knowledge.ranking.fusion) reads SourceScores by doc id; the lay ranker
(knowledge.ranking.pipeline) reads RowScores and TopScores over index positions (DocMeta order),
which it needs for every article of a candidate's law and chapter."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.ranking.scoring import WIDE_NEIGHBOURS, WIDE_TEMPERATURE, neighbour_votes
from knowledge.ranking.tail import proposals_from_neighbours
from knowledge.telemetry import stage_timer


@dataclass(frozen=True)
class SourceScores:
    """One source's candidates for one question: doc id → score, in the source's own order."""

    name: str
    scores: dict[str, float]


@dataclass(frozen=True)
class RowScores:
    """One source's score for every article of the index (DocMeta order); 0: nothing to say."""

    name: str
    row: np.ndarray


@dataclass(frozen=True)
class TopScores:
    """One source's best articles for one question, best first: index positions and their scores.
    Articles not listed score below the last one."""

    name: str
    positions: np.ndarray
    values: np.ndarray


class LexicalSource:
    """BM25 over the index's texts."""

    def __init__(self, index, doc_ids: list[str]):
        self.index = index              # knowledge.lexical.LexicalIndex
        self.doc_ids = doc_ids

    def row(self, query: str, mask: np.ndarray, name: str = "bm25") -> RowScores:
        """BM25 of `query` for every article, 0 for those `mask` drops."""
        return RowScores(name, np.where(mask, self.index.scores(query), 0.0))

    def top(self, query: str, mask: np.ndarray, n: int) -> SourceScores:
        """The (at most) `n` best-scoring articles passing `mask` that match at all."""
        scores = np.where(mask, self.index.scores(query), 0.0)
        n = min(n, len(scores))
        if n == 0:
            return SourceScores("lexical", {})
        top = np.argpartition(-scores, n - 1)[:n]
        return SourceScores("lexical", {self.doc_ids[i]: float(scores[i]) for i in top if scores[i] > 0})


class DenseSource:
    """Nearest article vectors to query vectors, by cosine similarity."""

    def __init__(self, vectors, docmeta):
        self.vectors = vectors          # knowledge.vectors.VectorIndex
        self.docmeta = docmeta          # knowledge.docmeta.DocMeta: positions and filters

    def top(self, vector: np.ndarray, filters, mask: np.ndarray, n: int) -> SourceScores:
        """The best `n` articles passing `mask`: unfiltered ANN queries over-fetched and filtered
        here; a Chroma `where` query only when that leaves too few (very selective filters)."""
        from knowledge.vectors import chroma_where

        include_history = filters.as_of is not None
        fetch = n if filters.is_default else n * 5
        position = self.docmeta.position

        def kept(matches):
            return {m.doc_id: m.similarity for m in matches
                    if m.doc_id in position and mask[position[m.doc_id]]}

        result = kept(self.vectors.query(vector, fetch, include_history=include_history))
        wanted = min(n, int(mask.sum()))
        if len(result) < wanted // 2:
            where = chroma_where(filters)
            result.update(kept(self.vectors.query(vector, n, include_history=include_history, where=where)))
        return SourceScores("dense", dict(sorted(result.items(), key=lambda kv: -kv[1])[:n]))

    @stage_timer("dense")
    def tops(self, vectors: np.ndarray, names: tuple[str, ...], mask: np.ndarray, include_history: bool,
             n: int) -> list[TopScores]:
        """Per query vector (named by `names`): the top `n` articles passing `mask`, all vectors in
        one Chroma query per collection (over-fetched 2× when the filter drops documents of that
        collection, then masked here)."""
        from knowledge.vectors import CURRENT, HISTORY

        position = self.docmeta.position.get
        found: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in vectors]
        for role in ((CURRENT, HISTORY) if include_history else (CURRENT,)):
            size = self.vectors.size(role)
            if size == 0:
                continue
            fetch = n if self.docmeta.keeps_all(mask, current=role == CURRENT) else 2 * n
            for j, (ids, dists) in enumerate(self.vectors.nearest(vectors, role, min(fetch, size))):
                at = np.fromiter((position(d, -1) for d in ids), dtype=np.int64, count=len(ids))
                keep = at >= 0
                keep[keep] = mask[at[keep]]
                found[j].append((at[keep], 1.0 - np.asarray(dists, dtype=np.float64)[keep]))
        return [TopScores(name, *_best_first(parts, n)) for name, parts in zip(names, found)]


def _best_first(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions, similarities) of the collections' results merged, the best `n` first (stable:
    equal similarities keep the collections' order)."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    at, similarity = np.concatenate([a for a, _ in parts]), np.concatenate([s for _, s in parts])
    order = np.argsort(-similarity, kind="stable")[:n]
    return at[order], similarity[order]


@dataclass(frozen=True)
class KnownAnswerScores:
    """What the known questions nearest to one question say."""

    votes: RowScores                # softmax-weighted votes of the 20 nearest for their gold articles
    wide: RowScores | None          # the softer vote of 100 (None when no ranker asked for it)
    nearest: list[int]              # gold articles of the 5 nearest known questions, nearest first


class KnownAnswers:
    """Known questions (query vectors with their gold articles, knowledge.ranking.known) resolved
    against one index: their votes for the articles that answered them."""

    def __init__(self, vectors: np.ndarray, gold):
        self.vectors = vectors          # (n_known, dim) L2-normalised
        self.gold = gold                # sparse (n_known, n_articles) 0/1

    def scores(self, vector: np.ndarray, mask: np.ndarray, wide: bool = False) -> KnownAnswerScores:
        # einsum, not BLAS: multi-threaded OpenBLAS takes 20-40 ms for this tiny product on a busy CPU
        similarities = np.einsum("kd,d->k", self.vectors, vector)[None, :]
        votes = RowScores("neighbours", np.where(mask, neighbour_votes(similarities, self.gold)[0], 0.0))
        wide_votes = None
        if wide:
            wide_votes = RowScores("wide_neighbours", np.where(
                mask, neighbour_votes(similarities, self.gold, WIDE_NEIGHBOURS, WIDE_TEMPERATURE)[0], 0.0))
        return KnownAnswerScores(votes, wide_votes, proposals_from_neighbours(similarities[0], self.gold))


def cited_articles(query: str, lookup, as_of: str | None = None, most: int = 3) -> list:
    """The articles the question names itself (the first `most` citations that resolve), as Hits;
    `lookup(ref, as_of=…)` resolves one citations.parse reference (None: not in the index)."""
    from knowledge.citations import parse

    return [h for ref in parse(query)[:most] if (h := lookup(ref, as_of=as_of)) is not None]
