"""Retrieval as a chain of typed components: sources (knowledge.ranking.sources: BM25, dense
vectors, known answers) score candidate articles for one question, and a ranker orders them from
those scores alone: the lay ranker (knowledge.ranking.pipeline) for hybrid search when it is
loaded, plain fusion (knowledge.ranking.fusion) otherwise and for dense-only or lexical-only
search. Then filters, local-regulation demotion, dedupe. Returns knowledge.types.Hit. Also a thin
LangChain BaseRetriever adapter for LLM chains."""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from knowledge.catalog import Catalog
from knowledge.docmeta import DocMeta, SearchFilters
from knowledge.lexical import LexicalIndex
from knowledge.ranking.fusion import FusionWeights, fused_ranking
from knowledge.ranking.pipeline import BoundRanker, LayEvidence
from knowledge.ranking.scoring import TOP_DEPTH
from knowledge.ranking.sources import DenseSource, LexicalSource, SourceScores
from knowledge.telemetry import SEARCH_SECONDS, stage_timer
from knowledge.regions import RegionNames, demote_foreign_local
from knowledge.types import Hit
from knowledge.vectors import VectorIndex

MODES = ("hybrid", "dense", "lexical")


def _bounded(fused: float) -> float:
    """Public scores stay in 0..1 (callers threshold them): a logistic of the fused z-score,
    monotonic, so the ranking is unchanged."""
    return 1.0 / (1.0 + math.exp(-fused))


def _beside(pool: ThreadPoolExecutor, work):
    """`work` started on `pool`; call what this returns for its result."""
    return pool.submit(work).result


class Retriever:
    def __init__(self, catalog: Catalog, docmeta: DocMeta, lexical: LexicalIndex, vectors: VectorIndex,
                 embedder, weights: FusionWeights | None = None):
        self.catalog = catalog
        self.docmeta = docmeta
        self.lexical = LexicalSource(lexical, docmeta.doc_ids)
        self.dense = DenseSource(vectors, docmeta)
        self.vectors = vectors
        self.embedder = embedder
        self.weights = weights or FusionWeights()
        self.ranker: BoundRanker | None = None    # the lay ranker (knowledge.ranking); None = plain fusion
        self.region_names = RegionNames(set(docmeta.regions.tolist()))
        # BM25 and the tuned query encoder run here while the query is embedded (onnxruntime and
        # numpy release the GIL), so the latency is the slowest side, not the sum
        self._helpers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bm25")

    # ---- the sources, for plain fusion -----------------------------------------------------------
    def lexical_scores(self, query: str, mask: np.ndarray, n: int) -> SourceScores:
        return self.lexical.top(query, mask, n)

    def dense_scores(self, query: str, filters: SearchFilters, mask: np.ndarray, n: int) -> SourceScores:
        return self.dense.top(self.embedder.embed_queries([query])[0], filters, mask, n)

    # ---- public ------------------------------------------------------------------------------
    @SEARCH_SECONDS.time()
    def search(self, query: str, k: int = 10, *, kind: str | None = None, level: str | None = None,
               region: str | None = None, as_of: str | None = None, national_only: bool = False,
               mode: str = "hybrid", home_region: str | None = None) -> list[Hit]:
        """`region` filters (only that region's documents); `home_region` is the asker's region
        (session, eligibility facts): without it, or a region named in the query, local
        regulations rank below national law (knowledge.regions)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = query.strip()
        if not query:
            return []
        filters = SearchFilters(kind=kind, level=level, region=region, as_of=as_of, national_only=national_only)
        mask = self.docmeta.mask(filters)
        if mode == "hybrid" and self.ranker is not None:
            ranked = self.lay_ranked(query, mask, include_history=as_of is not None, n=max(2 * k, 50))
        else:
            ranked = self.fused(query, filters, mask, mode, k)
        return self.hits_for(self._local_last(ranked, query, region or home_region), k)

    def fused(self, query: str, filters: SearchFilters, mask: np.ndarray, mode: str = "hybrid",
              k: int = 10) -> list[tuple[str, float]]:
        """Plain fusion of the lexical and dense sources, (doc_id, fused z-score) best first."""
        n = max(self.weights.candidates, k)
        n_lexical = max(self.weights.lexical_candidates, k)
        empty = SourceScores("none", {})
        if mode == "hybrid":
            pending = self._helpers.submit(self.lexical_scores, query, mask, n_lexical)
            dense = self.dense_scores(query, filters, mask, n)
            lexical = pending.result()
        else:
            lexical = self.lexical_scores(query, mask, n_lexical) if mode == "lexical" else empty
            dense = self.dense_scores(query, filters, mask, n) if mode == "dense" else empty
        dense_weight = {"hybrid": self.weights.dense, "dense": 1.0, "lexical": 0.0}[mode]
        return fused_ranking(lexical, dense, dense_weight, self.weights.missing)

    def lay_ranked(self, query: str, mask: np.ndarray, include_history: bool = False,
                   n: int = 100) -> list[tuple[str, float]]:
        """The lay ranker's best `n` documents passing `mask`, (doc_id, score) best first: each
        source the ranker needs scores the question, then the ranker orders from those scores."""
        ranker = self.ranker
        expansion = ranker.expansion(query)

        def lexical_rows():
            return (self.lexical.row(query, mask),
                    self.lexical.row(expansion, mask, "expansion") if expansion else None)

        lexical = _beside(self._helpers, lexical_rows)
        tuned = _beside(self._helpers, lambda: ranker.tuned_vector(query)) if ranker.tunes_queries else None
        vector = self.embedder.embed_queries([query])[0]
        bm25, expanded = lexical()
        evidence = LayEvidence(bm25=bm25, expansion=expanded)
        if ranker.uses_dense:
            adapted = tuned() if tuned is not None else ranker.adapted_vector(vector)
            vectors, names = ([vector], ("dense",)) if adapted is None else ([vector, adapted], ("dense", "adapted"))
            tops = self.dense.tops(np.stack(vectors), names, mask, include_history, TOP_DEPTH)
            evidence.dense = tops[0]
            evidence.adapted = tops[1] if len(tops) > 1 else None
        if ranker.known_answers is not None:
            evidence.known = ranker.known_answers.scores(vector, mask, wide=ranker.uses_wide_votes)
        doc_ids = self.docmeta.doc_ids
        return [(doc_ids[p], score) for p, score in ranker.rank(query, evidence, mask, n)]

    def _local_last(self, ranked: list[tuple[str, float]], query: str, home_region: str | None):
        home = self.region_names.named_in(query) | self.region_names.named_in(home_region)
        regions, position = self.docmeta.regions, self.docmeta.position
        return demote_foreign_local(ranked, lambda d: regions[position[d]] if d in position else "", home)

    @stage_timer("hits")
    def hits_for(self, ranked: list[tuple[str, float]], k: int) -> list[Hit]:
        """Hits for the best `k` distinct documents: one per (law, article) or (case, section)."""
        hits: list[Hit] = []
        seen: set[tuple] = set()
        start = 0
        while len(hits) < k and start < len(ranked):
            batch = ranked[start:start + 2 * k]
            start += len(batch)
            info = self.catalog.docs_for_hits([d for d, _ in batch])
            for doc_id, score in batch:
                row = info.get(doc_id)
                if row is None:
                    continue
                key = ((row["law"], row["article_id"]) if row["kind"] == "statute"
                       else (row["case_title"], row["section"]))
                if key in seen:
                    continue
                seen.add(key)
                hits.append(Hit(doc_id=doc_id, score=round(_bounded(score), 6), **row))
                if len(hits) == k:
                    break
        return hits


def as_langchain_retriever(retriever: Retriever, k: int = 5, **filters):
    """LangChain BaseRetriever over `retriever` (documents carry the Hit fields as metadata)."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    class FayuanRetriever(BaseRetriever):
        search_kwargs: dict

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                    ) -> list[Document]:
            hits = retriever.search(query, **self.search_kwargs)
            return [Document(page_content=h.text, metadata={**h.to_dict(), "citation": h.citation})
                    for h in hits]

    return FayuanRetriever(search_kwargs={"k": k, **filters})
