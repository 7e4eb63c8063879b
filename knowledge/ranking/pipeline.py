"""LayRanker: the retrieval pipeline for lay questions, on top of the retriever's BM25 and Chroma.

    ranker = LayRanker.load(model_id=embedder.model_id)         # learned files, at start-up
    bound = ranker.bind(IndexKeys.from_catalog(catalog, docmeta.doc_ids))
    ranked = bound.search(retriever, query, mask, include_history, n)   # [(doc_id, score)] best first

Sides: BM25 of the question, BM25 of its vocabulary-bridge expansion, dense (e5) and adapted-dense
ANN top lists, votes of similar known questions; candidates = their union; a linear reranker over
knowledge.ranking.features orders them; below the top 20, knowledge.ranking.tail keeps some slots
for the nearest known questions' articles and the neighbours of the top 10. The adapted side is
the tuned query encoder's vector (knowledge.embeddings.tuned) with reranker.json; when that encoder
is not built, the linear query adapter's with reranker_adapter.json. Each learned file is optional:
a missing or mismatched one switches its side off (its features stay 0) and is logged."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.ranking.adapter import AdapterFileError, QueryAdapter
from knowledge.ranking.features import ArticleStatics, ComponentScores, candidate_features
from knowledge.ranking.known import (AnswerCounts, ArticleKey, KnownFileError, KnownQuestions, article_prior,
                                     law_prior)
from knowledge.ranking.reranker import LinearReranker, RerankerFileError
from knowledge.ranking.scoring import TOP_DEPTH, WIDE_NEIGHBOURS, WIDE_TEMPERATURE, Side, neighbour_votes
from knowledge.ranking.tail import fill_tail, tail_proposals
from knowledge.ranking.vocabulary import QueryExpander
from knowledge.telemetry import RETRIEVAL_STAGE_SECONDS, stage_timer

log = logging.getLogger(__name__)

LEARNED_DIR = Path(__file__).resolve().parent / "learned"
RERANKER_FILE = "reranker.json"
COUNTS_FILE = "answer_counts.json"
KNOWN_FILE = "known_questions.npz"
ADAPTER_FILE = "query_adapter.npz"
ADAPTER_RERANKER_FILE = "reranker_adapter.json"     # the reranker over the linear adapter's side
TUNED_FILE = "query_lora.npz"


@dataclass
class IndexKeys:
    """Per index position (DocMeta order): the article key, law name and level the features use."""

    keys: list[ArticleKey | None]    # None for case sections
    laws: list[str]                  # law short title; cases: their title
    levels: list[str]
    paths: list[list[str]] | None = None   # heading path (编/章/节) per position; None: chapters = laws
    versions: np.ndarray | None = None     # law version id per position (−1 − position for cases:
    ordinals: np.ndarray | None = None     # no neighbours); with ordinals, each article's neighbours
    lengths: np.ndarray | None = None      # characters of the text

    @classmethod
    def from_catalog(cls, catalog, doc_ids: list[str]) -> "IndexKeys":
        from sqlalchemy import func, select

        from knowledge.catalog import articles, case_sections, cases, law_versions, laws

        info: dict[str, tuple] = {}
        with catalog.engine.connect() as conn:
            q = (select(articles.c.doc_id, articles.c.article_id, articles.c.path_json, laws.c.short_title,
                        laws.c.level_name, articles.c.version_id, articles.c.ordinal,
                        func.length(articles.c.text).label("length"))
                 .join(law_versions, law_versions.c.id == articles.c.version_id)
                 .join(laws, laws.c.id == law_versions.c.law_id))
            for r in conn.execute(q):
                info[r.doc_id] = ((r.short_title, r.article_id), r.short_title, r.level_name,
                                  json.loads(r.path_json or "[]"), r.version_id, r.ordinal, r.length)
            q = (select(case_sections.c.doc_id, cases.c.title, func.length(case_sections.c.text).label("length"))
                 .join(cases, cases.c.id == case_sections.c.case_id))
            for r in conn.execute(q):
                info[r.doc_id] = (None, r.title, "案例", [], None, 0, r.length)
        rows = [info.get(d, (None, "", "其他", [], None, 0, 0)) for d in doc_ids]
        versions = np.array([r[4] if r[4] is not None else -1 - i for i, r in enumerate(rows)], dtype=np.int64)
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows],
                   versions, np.array([r[5] for r in rows], dtype=np.int64),
                   np.array([r[6] or 0 for r in rows], dtype=np.int64))


class LayRanker:
    """The learned files, loaded once; `bind` them to one index generation."""

    def __init__(self, expander: QueryExpander, reranker: LinearReranker, counts: AnswerCounts | None = None,
                 known: KnownQuestions | None = None, adapter: QueryAdapter | None = None, tuned=None):
        self.expander = expander
        self.reranker = reranker
        self.counts = counts
        self.known = known
        self.adapter = adapter
        self.tuned = tuned          # the tuned query encoder (an Embedder) for the adapted side

    @classmethod
    def load(cls, folder: Path = LEARNED_DIR, model_id: str | None = None,
             model_dir: Path | None = None) -> "LayRanker":
        """Raises RerankerFileError when the reranker itself is missing or broken; the optional
        parts are skipped (with a warning) when absent, broken, or made for another model.
        `model_dir` (with `model_id`): where the tuned query encoder is built; without it, or when
        it is not built, the linear adapter and its reranker stand in."""
        expander = QueryExpander.load()
        tuned = None
        if model_dir is not None and model_id is not None:
            from knowledge.embeddings.tuned import load_tuned_encoder

            tuned = load_tuned_encoder(model_dir, folder / TUNED_FILE, model_id)
        if tuned is not None:
            reranker, adapter = LinearReranker.load(folder / RERANKER_FILE), None
        else:
            fallback = folder / ADAPTER_RERANKER_FILE
            reranker = LinearReranker.load(fallback if fallback.exists() else folder / RERANKER_FILE)
            adapter = _model_part(folder / ADAPTER_FILE, QueryAdapter.load, model_id)
        try:
            counts = AnswerCounts.load(folder / COUNTS_FILE)
        except (OSError, KnownFileError) as exc:
            log.warning("ranking: answer counts unavailable (%s)", exc)
            counts = None
        known = _model_part(folder / KNOWN_FILE, KnownQuestions.load, model_id)
        return cls(expander, reranker, counts, known, adapter, tuned)

    def bind(self, index: IndexKeys) -> "BoundRanker":
        return BoundRanker(self, index)


def _beside(pool, work):
    """`work` started on `pool` (or left to run on the caller's thread when there is none); call
    what this returns for its result."""
    if pool is None:
        return work
    return pool.submit(work).result


def _model_part(path: Path, loader, model_id: str | None):
    """A learned file tied to an embedding model, or None (logged) when absent, broken, or made for
    another model than `model_id`."""
    try:
        part = loader(path)
    except (OSError, KnownFileError, AdapterFileError) as exc:
        log.warning("ranking: %s unavailable (%s)", path.name, exc)
        return None
    if model_id is not None and part.model_id != model_id:
        log.warning("ranking: %s was made for %s, not %s: left out", path.name, part.model_id, model_id)
        return None
    return part


class BoundRanker:
    """A LayRanker resolved against one index: priors and known answers as index positions."""

    def __init__(self, ranker: LayRanker, index: IndexKeys):
        self.ranker = ranker
        n = len(index.keys)
        position_of = {k: i for i, k in enumerate(index.keys) if k is not None}
        sequence = (index.versions, index.ordinals) if index.versions is not None else None
        statics = ArticleStatics.build(index.laws, index.levels, paths=index.paths, sequence=sequence,
                                       lengths=index.lengths)
        if ranker.counts is not None:
            counts = ranker.counts.at(position_of, n)
            statics.article_prior = article_prior(counts)
            statics.law_prior = law_prior(counts, statics.law_code)
        self.statics = statics
        self.known_gold = ranker.known.gold_matrix(position_of, n) if ranker.known is not None else None
        self._sizes: dict[str, int] = {}       # collection sizes (a served generation never changes)

    # ---- the dense sides ------------------------------------------------------------------------
    @stage_timer("dense")
    def _ann(self, retriever, vectors: np.ndarray, mask: np.ndarray, include_history: bool,
             n: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per query vector: the top `n` (positions, cosines) passing `mask`, all vectors in one Chroma
        query per collection (over-fetched 2× when the filter drops documents of that collection,
        then masked here)."""
        from knowledge.vectors import CURRENT, HISTORY

        position = retriever.docmeta.position.get
        found: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in vectors]
        for role in ((CURRENT, HISTORY) if include_history else (CURRENT,)):
            collection = retriever.vectors.collections.get(role)
            if role not in self._sizes:
                self._sizes[role] = collection.count() if collection is not None else 0
            size = self._sizes[role]
            if size == 0:
                continue
            # over-fetch only when the filter drops documents of this collection
            fetch = n if retriever.docmeta.keeps_all(mask, current=role == CURRENT) else 2 * n
            res = collection.query(query_embeddings=[v.astype(np.float32) for v in vectors],
                                   n_results=min(fetch, size), include=["distances"])
            for j, (ids, dists) in enumerate(zip(res["ids"], res["distances"])):
                at = np.fromiter((position(d, -1) for d in ids), dtype=np.int64, count=len(ids))
                keep = at >= 0
                keep[keep] = mask[at[keep]]
                found[j].append((at[keep], 1.0 - np.asarray(dists, dtype=np.float64)[keep]))
        return [_best_first(parts, n) for parts in found]

    def _dense_sides(self, retriever, vectors: np.ndarray, mask: np.ndarray,
                     include_history: bool) -> list[Side]:
        """Dense sides (plain and adapted query vector) from the ANN top lists alone."""
        tops = self._ann(retriever, vectors, mask, include_history, TOP_DEPTH)
        return [Side.from_top(at, similarity) for at, similarity in tops]

    # ---- search ----------------------------------------------------------------------------------
    def search(self, retriever, query: str, mask: np.ndarray, include_history: bool = False,
               n: int = 100) -> list[tuple[str, float]]:
        """The best `n` documents passing `mask` for `query`, as (doc_id, score), best first."""
        ranker = self.ranker
        expansion = ranker.expander.expand(query)

        def lexical_sides() -> tuple[Side, Side | None]:
            bm25 = Side.from_rows(np.where(mask, retriever.lexical.scores(query), 0.0)[None, :])
            if not expansion:
                return bm25, None
            return bm25, Side.from_rows(np.where(mask, retriever.lexical.scores(expansion), 0.0)[None, :])

        # BM25 and the tuned encoder on the retriever's helper threads while the query is embedded
        # (all release the GIL)
        pool = getattr(retriever, "_pool", None)
        lexical = _beside(pool, lexical_sides)
        tuned_vector = None
        if ranker.tuned is not None and ranker.reranker.uses_dense:
            tuned_vector = _beside(pool, lambda: ranker.tuned.embed_queries([query])[0])
        vector = retriever.embedder.embed_queries([query])[0]
        bm25_side, expansion_side = lexical()
        scores = ComponentScores(bm25=bm25_side, expansion=expansion_side)
        if ranker.reranker.uses_dense:
            vectors = [vector]
            if tuned_vector is not None:
                vectors.append(tuned_vector())
            elif ranker.adapter is not None:
                vectors.append(ranker.adapter.adapt(vector[None, :])[0])
            sides = self._dense_sides(retriever, np.stack(vectors), mask, include_history)
            scores.dense = sides[0]
            scores.adapted = sides[1] if len(sides) > 1 else None
        started = time.perf_counter()    # the ranking stage: neighbours, features, reranker
        if self.known_gold is not None:
            # einsum, not BLAS: multi-threaded OpenBLAS takes 20-40 ms for this tiny product on a busy CPU
            similarities = np.einsum("kd,d->k", ranker.known.vectors, vector)[None, :]
            votes = neighbour_votes(similarities, self.known_gold)
            scores.neighbours = Side.from_rows(np.where(mask, votes, 0.0))
            if ranker.reranker.uses("wide_neighbours"):
                wide = neighbour_votes(similarities, self.known_gold, WIDE_NEIGHBOURS, WIDE_TEMPERATURE)
                scores.wide_votes = np.where(mask, wide, 0.0)
        candidates = scores.candidates()
        features = candidate_features([query], scores, self.statics, candidates, ranker.reranker.used)
        order_scores = ranker.reranker.scores(features)[0]
        valid = candidates[0] >= 0
        cands, s = candidates[0][valid], order_scores[valid]
        order = np.argsort(-s, kind="stable")
        ranked = cands[order]
        near = similarities[0] if self.known_gold is not None else None
        proposals = tail_proposals(ranked, near, self.known_gold, self.statics.adjacent)
        ranked = fill_tail(ranked, [p for p in proposals if mask[p]], n)
        # only the reranker's first n can be in the list; a proposal from deeper takes the score above
        score_of = dict(zip(cands[order[:n]].tolist(), s[order[:n]].tolist()))
        RETRIEVAL_STAGE_SECONDS.labels(stage="ranking").observe(time.perf_counter() - started)
        return _with_scores(retriever.docmeta.doc_ids, ranked[:n], score_of)


def _with_scores(doc_ids: list[str], ranked: np.ndarray, score_of: dict[int, float]) -> list[tuple[str, float]]:
    """(doc_id, score) in the given order; a proposal the reranker did not score takes the score of
    the one above it, so scores never increase down the list."""
    out, last = [], float("inf")
    for p in ranked.tolist():
        last = min(score_of.get(p, last), last)
        out.append((doc_ids[p], last))
    return out


def _best_first(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions, similarities) of the collections' results merged, the best `n` first (stable:
    equal similarities keep the collections' order)."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    at, similarity = np.concatenate([a for a, _ in parts]), np.concatenate([s for _, s in parts])
    order = np.argsort(-similarity, kind="stable")[:n]
    return at[order], similarity[order]


def open_bound_ranker(settings, catalog, docmeta, model_id: str,
                      ranker: LayRanker | None = None) -> BoundRanker | None:
    """The ranker for one served generation, or None (plain fusion) when switched off in the
    settings or when its learned files cannot be read (logged, never fatal: search still works).
    `ranker`: the one already loaded for the previous generation (its tuned query encoder is not
    loaded twice when a process switches generations)."""
    if not settings.lay_ranking:
        return None
    if ranker is None:
        folder = settings.lay_ranking_dir or LEARNED_DIR
        try:
            ranker = LayRanker.load(folder, model_id=model_id, model_dir=settings.resolved_model_dir)
        except (OSError, ValueError) as exc:          # RerankerFileError, VocabularyFileError are ValueErrors
            log.warning("ranking: plain fusion, the ranking files in %s are unusable (%s)", folder, exc)
            return None
    return ranker.bind(IndexKeys.from_catalog(catalog, docmeta.doc_ids))
