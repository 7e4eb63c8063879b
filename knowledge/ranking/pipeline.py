"""LayRanker: the ranker for lay questions, over the scores of the retrieval sources
(knowledge.ranking.sources; the retriever runs them and hands their scores over).

    ranker = LayRanker.load(model_id=embedder.model_id)         # learned files, at start-up
    bound = ranker.bind(IndexKeys.from_catalog(catalog, docmeta.doc_ids))
    ranked = bound.rank(query, LayEvidence(bm25=…, dense=…, …), mask, n)   # [(position, score)] best first

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
from knowledge.ranking.scoring import Side
from knowledge.ranking.sources import KnownAnswers, KnownAnswerScores, RowScores, TopScores
from knowledge.ranking.tail import fill_tail, tail_proposals
from knowledge.ranking.vocabulary import QueryExpander
from knowledge.telemetry import RETRIEVAL_STAGE_SECONDS

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


@dataclass
class LayEvidence:
    """What the sources said about one question, as the lay ranker reads it (absent: None)."""

    bm25: RowScores
    expansion: RowScores | None = None       # BM25 of the question's lay-vocabulary expansion
    dense: TopScores | None = None           # the search model's query vector
    adapted: TopScores | None = None         # the tuned encoder's (or linear adapter's) query vector
    known: KnownAnswerScores | None = None


class BoundRanker:
    """A LayRanker resolved against one index: per-article features (priors among them, only when
    the reranker weighs them) and the known answers as a source over index positions. `rank` is a
    pure function of one question's LayEvidence."""

    def __init__(self, ranker: LayRanker, index: IndexKeys):
        self.ranker = ranker
        used = ranker.reranker.used
        n = len(index.keys)
        position_of = {k: i for i, k in enumerate(index.keys) if k is not None}
        sequence = (index.versions, index.ordinals) if index.versions is not None else None
        statics = ArticleStatics.build(index.laws, index.levels, paths=index.paths, sequence=sequence,
                                       lengths=index.lengths, headings="heading_in_query" in used)
        if ranker.counts is not None and {"article_prior", "law_prior"} & used:
            counts = ranker.counts.at(position_of, n)
            if "article_prior" in used:
                statics.article_prior = article_prior(counts)
            if "law_prior" in used:
                statics.law_prior = law_prior(counts, statics.law_code)
        self.statics = statics
        self.known_answers = (KnownAnswers(ranker.known.vectors, ranker.known.gold_matrix(position_of, n))
                              if ranker.known is not None else None)

    # ---- what the ranker asks of the sources ---------------------------------------------------
    @property
    def uses_dense(self) -> bool:
        return self.ranker.reranker.uses_dense

    @property
    def uses_wide_votes(self) -> bool:
        return self.ranker.reranker.uses("wide_neighbours")

    @property
    def tunes_queries(self) -> bool:
        """Whether the adapted query vector comes from the tuned encoder (see adapted_vector)."""
        return self.ranker.tuned is not None and self.uses_dense

    def expansion(self, query: str) -> str:
        return self.ranker.expander.expand(query)

    def tuned_vector(self, query: str) -> np.ndarray:
        return self.ranker.tuned.embed_queries([query])[0]

    def adapted_vector(self, vector: np.ndarray) -> np.ndarray | None:
        """The linear adapter's query vector (None: no adapter)."""
        return self.ranker.adapter.adapt(vector[None, :])[0] if self.ranker.adapter is not None else None

    # ---- ranking ---------------------------------------------------------------------------------
    def rank(self, query: str, evidence: LayEvidence, mask: np.ndarray, n: int = 100) -> list[tuple[int, float]]:
        """The best `n` index positions passing `mask`, as (position, score), best first."""
        started = time.perf_counter()    # the ranking stage: features, reranker, tail
        scores = ComponentScores(bm25=Side.from_rows(evidence.bm25.row[None, :]),
                                 expansion=(Side.from_rows(evidence.expansion.row[None, :])
                                            if evidence.expansion is not None else None))
        if evidence.dense is not None:
            scores.dense = Side.from_top(evidence.dense.positions, evidence.dense.values)
        if evidence.adapted is not None:
            scores.adapted = Side.from_top(evidence.adapted.positions, evidence.adapted.values)
        known = evidence.known
        if known is not None:
            scores.neighbours = Side.from_rows(known.votes.row[None, :])
            if known.wide is not None:
                scores.wide_votes = known.wide.row[None, :]
        candidates = scores.candidates()
        reranker = self.ranker.reranker
        features = candidate_features([query], scores, self.statics, candidates, reranker.used)
        order_scores = reranker.scores(features)[0]
        valid = candidates[0] >= 0
        cands, s = candidates[0][valid], order_scores[valid]
        order = np.argsort(-s, kind="stable")
        ranked = cands[order]
        proposals = tail_proposals(ranked, known.nearest if known is not None else [], self.statics.adjacent)
        ranked = fill_tail(ranked, [p for p in proposals if mask[p]], n)
        # only the reranker's first n can be in the list; a proposal from deeper takes the score above
        score_of = dict(zip(cands[order[:n]].tolist(), s[order[:n]].tolist()))
        RETRIEVAL_STAGE_SECONDS.labels(stage="ranking").observe(time.perf_counter() - started)
        return _with_scores(ranked[:n], score_of)


def _with_scores(ranked: np.ndarray, score_of: dict[int, float]) -> list[tuple[int, float]]:
    """(position, score) in the given order; a proposal the reranker did not score takes the score
    of the one above it, so scores never increase down the list."""
    out, last = [], float("inf")
    for p in ranked.tolist():
        last = min(score_of.get(p, last), last)
        out.append((p, last))
    return out


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
