"""LayRanker: the retrieval pipeline for lay questions, on top of the retriever's BM25 and Chroma.

    ranker = LayRanker.load(model_id=embedder.model_id)         # learned files, at start-up
    bound = ranker.bind(IndexKeys.from_catalog(catalog, docmeta.doc_ids))
    ranked = bound.search(retriever, query, mask, include_history, n)   # [(doc_id, score)] best first

Sides: BM25 of the question, BM25 of its vocabulary-bridge expansion, dense (e5) and adapted-dense
ANN top lists, votes of similar known questions; candidates = their union; a linear reranker over
knowledge.ranking.features orders them. Each learned file is optional: a missing or mismatched one
switches its side off (its features stay 0) and is logged."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.ranking.adapter import AdapterFileError, QueryAdapter
from knowledge.ranking.features import ArticleStatics, ComponentScores, candidate_features
from knowledge.ranking.known import (AnswerCounts, ArticleKey, KnownFileError, KnownQuestions, article_prior,
                                     law_prior)
from knowledge.ranking.reranker import LinearReranker, RerankerFileError
from knowledge.ranking.scoring import TOP_DEPTH, RowTop, Side, neighbour_votes
from knowledge.ranking.vocabulary import QueryExpander

log = logging.getLogger(__name__)

LEARNED_DIR = Path(__file__).resolve().parent / "learned"
RERANKER_FILE = "reranker.json"
COUNTS_FILE = "answer_counts.json"
KNOWN_FILE = "known_questions.npz"
ADAPTER_FILE = "query_adapter.npz"


@dataclass
class IndexKeys:
    """Per index position (DocMeta order): the article key, law name and level the features use."""

    keys: list[ArticleKey | None]    # None for case sections
    laws: list[str]                  # law short title; cases: their title
    levels: list[str]

    @classmethod
    def from_catalog(cls, catalog, doc_ids: list[str]) -> "IndexKeys":
        from sqlalchemy import select

        from knowledge.catalog import articles, case_sections, cases, law_versions, laws

        info: dict[str, tuple] = {}
        with catalog.engine.connect() as conn:
            q = (select(articles.c.doc_id, articles.c.article_id, laws.c.short_title, laws.c.level_name)
                 .join(law_versions, law_versions.c.id == articles.c.version_id)
                 .join(laws, laws.c.id == law_versions.c.law_id))
            for r in conn.execute(q):
                info[r.doc_id] = ((r.short_title, r.article_id), r.short_title, r.level_name)
            q = select(case_sections.c.doc_id, cases.c.title).join(cases, cases.c.id == case_sections.c.case_id)
            for r in conn.execute(q):
                info[r.doc_id] = (None, r.title, "案例")
        rows = [info.get(d, (None, "", "其他")) for d in doc_ids]
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])


class LayRanker:
    """The learned files, loaded once; `bind` them to one index generation."""

    def __init__(self, expander: QueryExpander, reranker: LinearReranker, counts: AnswerCounts | None = None,
                 known: KnownQuestions | None = None, adapter: QueryAdapter | None = None):
        self.expander = expander
        self.reranker = reranker
        self.counts = counts
        self.known = known
        self.adapter = adapter

    @classmethod
    def load(cls, folder: Path = LEARNED_DIR, model_id: str | None = None) -> "LayRanker":
        """Raises RerankerFileError when the reranker itself is missing or broken; the optional
        parts are skipped (with a warning) when absent, broken, or made for another model."""
        expander = QueryExpander.load()
        reranker = LinearReranker.load(folder / RERANKER_FILE)
        counts = known = adapter = None
        try:
            counts = AnswerCounts.load(folder / COUNTS_FILE)
        except (OSError, KnownFileError) as exc:
            log.warning("ranking: answer counts unavailable (%s)", exc)
        for name, loader in ((KNOWN_FILE, KnownQuestions.load), (ADAPTER_FILE, QueryAdapter.load)):
            try:
                part = loader(folder / name)
            except (OSError, KnownFileError, AdapterFileError) as exc:
                log.warning("ranking: %s unavailable (%s)", name, exc)
                continue
            if model_id is not None and part.model_id != model_id:
                log.warning("ranking: %s was made for %s, not %s: left out", name, part.model_id, model_id)
                continue
            if name == KNOWN_FILE:
                known = part
            else:
                adapter = part
        return cls(expander, reranker, counts, known, adapter)

    def bind(self, index: IndexKeys) -> "BoundRanker":
        return BoundRanker(self, index)


class BoundRanker:
    """A LayRanker resolved against one index: priors and known answers as index positions."""

    def __init__(self, ranker: LayRanker, index: IndexKeys):
        self.ranker = ranker
        n = len(index.keys)
        position_of = {k: i for i, k in enumerate(index.keys) if k is not None}
        statics = ArticleStatics.build(index.laws, index.levels)
        if ranker.counts is not None:
            counts = ranker.counts.at(position_of, n)
            statics.article_prior = article_prior(counts)
            statics.law_prior = law_prior(counts, statics.law_code)
        self.statics = statics
        self.known_gold = ranker.known.gold_matrix(position_of, n) if ranker.known is not None else None

    # ---- the sides -----------------------------------------------------------------------------
    @staticmethod
    def _ann_side(retriever, vector: np.ndarray, mask: np.ndarray, include_history: bool, n: int) -> Side:
        """Dense side from the Chroma ANN top list; other positions are scored from their stored
        vectors (fetched by id) so every candidate has a dense score."""
        position = retriever.docmeta.position
        matches = retriever.vectors.query(vector, n * 2, include_history=include_history)
        kept = [(position[m.doc_id], m.similarity) for m in matches
                if m.doc_id in position and mask[position[m.doc_id]]][:n]
        idx = np.array([[p for p, _ in kept]], dtype=np.int64).reshape(1, -1)
        vals = np.array([[s for _, s in kept]], dtype=np.float32).reshape(1, -1)
        if idx.shape[1] == 0:
            idx, vals = np.zeros((1, 1), np.int64), np.zeros((1, 1), np.float32)
        floor = vals[:, :100].mean(axis=1, keepdims=True)
        top = RowTop(idx, vals, floor, np.maximum(vals[:, :1] - floor, 1e-6))
        known = dict(kept)

        def value_at(positions: np.ndarray) -> np.ndarray:
            out = np.zeros(positions.shape, dtype=np.float32)
            missing = []
            for j, p in enumerate(positions[0]):
                if p < 0:
                    continue
                if p in known:
                    out[0, j] = known[p]
                else:
                    missing.append(j)
            if missing:
                ids = [retriever.docmeta.doc_ids[positions[0, j]] for j in missing]
                stored = _stored_vectors(retriever.vectors, ids)
                for j, doc_id in zip(missing, ids):
                    vec = stored.get(doc_id)
                    if vec is not None:
                        out[0, j] = float(vec @ vector)
            return out

        return Side(top, value_at)

    def search(self, retriever, query: str, mask: np.ndarray, include_history: bool = False,
               n: int = 100) -> list[tuple[str, float]]:
        """The best `n` documents passing `mask` for `query`, as (doc_id, score), best first."""
        ranker = self.ranker
        vector = retriever.embedder.embed_queries([query])[0]
        bm25 = np.where(mask, retriever.lexical.scores(query), 0.0)[None, :]
        scores = ComponentScores(bm25=Side.from_rows(bm25))
        expansion = ranker.expander.expand(query)
        if expansion:
            scores.expansion = Side.from_rows(np.where(mask, retriever.lexical.scores(expansion), 0.0)[None, :])
        scores.dense = self._ann_side(retriever, vector, mask, include_history, TOP_DEPTH)
        if ranker.adapter is not None:
            adapted = ranker.adapter.adapt(vector[None, :])[0]
            scores.adapted = self._ann_side(retriever, adapted, mask, include_history, TOP_DEPTH)
        if self.known_gold is not None:
            votes = neighbour_votes(vector[None, :] @ ranker.known.vectors.T, self.known_gold)
            scores.neighbours = Side.from_rows(np.where(mask, votes, 0.0))
        candidates = scores.candidates()
        features = candidate_features([query], scores, self.statics, candidates)
        order_scores = ranker.reranker.scores(features)[0]
        valid = candidates[0] >= 0
        cands, s = candidates[0][valid], order_scores[valid]
        order = np.argsort(-s, kind="stable")[:n]
        return [(retriever.docmeta.doc_ids[cands[i]], float(s[i])) for i in order]


def _stored_vectors(vectors, doc_ids: list[str]) -> dict[str, np.ndarray]:
    from knowledge.vectors import CURRENT, HISTORY

    found = vectors.embeddings_of(CURRENT, doc_ids)
    rest = [d for d in doc_ids if d not in found]
    if rest and HISTORY in vectors.collections:
        found.update(vectors.embeddings_of(HISTORY, rest))
    return found
