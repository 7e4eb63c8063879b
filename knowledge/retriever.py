"""Hybrid retrieval: dense (Chroma) + BM25, weighted score fusion after normalisation, filters,
dedupe. Returns knowledge.types.Hit. Also a thin LangChain BaseRetriever adapter for LLM chains."""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from knowledge.catalog import Catalog
from knowledge.docmeta import DocMeta, SearchFilters
from knowledge.lexical import LexicalIndex
from knowledge.telemetry import SEARCH_SECONDS, stage_timer
from knowledge.regions import RegionNames, demote_foreign_local
from knowledge.types import Hit
from knowledge.vectors import VectorIndex, chroma_where

MODES = ("hybrid", "dense", "lexical")


@dataclass
class FusionWeights:
    dense: float = 0.6
    lexical: float = 0.4
    candidates: int = 100          # dense candidates (Chroma top-n) before fusion
    lexical_candidates: int = 300  # BM25 candidates: deeper is nearly free and helps (+0.002 R@10 on STARD dev)
    missing: float = -3.0          # z-score given to a document the other side did not return


def _z_scores(scores: dict[str, float]) -> dict[str, float]:
    """Standardise one side's candidate scores (BM25 and cosine live on different scales).
    On STARD dev z-scores beat min-max by ~0.004 R@10 / MRR@10 (evals.retrieval, 2026-11-28)."""
    if not scores:
        return {}
    values = np.fromiter(scores.values(), dtype=np.float64)
    mean, std = float(values.mean()), float(values.std())
    if std <= 1e-12:
        return {d: 0.0 for d in scores}
    return {d: (s - mean) / std for d, s in scores.items()}


def _bounded(fused: float) -> float:
    """Public scores stay in 0..1 (callers threshold them): a logistic of the fused z-score,
    monotonic, so the ranking is unchanged."""
    return 1.0 / (1.0 + math.exp(-fused))


@stage_timer("fusion")
def fuse(lexical: dict[str, float], dense: dict[str, float], dense_weight: float,
         missing: float = FusionWeights.missing) -> dict[str, float]:
    """Weighted score fusion: each side z-normalised over its candidates, then
    dense_weight * dense + (1 - dense_weight) * lexical; a document one side did not return gets
    `missing` for that side (only sides with a positive weight count)."""
    sides = [(s, w) for s, w in ((_z_scores(lexical), 1.0 - dense_weight), (_z_scores(dense), dense_weight))
             if w > 0]
    docs = set().union(*(s for s, _ in sides)) if sides else set()
    return {d: sum(w * s.get(d, missing) for s, w in sides) for d in docs}


class Retriever:
    def __init__(self, catalog: Catalog, docmeta: DocMeta, lexical: LexicalIndex, vectors: VectorIndex,
                 embedder, weights: FusionWeights | None = None):
        self.catalog = catalog
        self.docmeta = docmeta
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.weights = weights or FusionWeights()
        self.ranker = None     # knowledge.ranking BoundRanker (lay questions); None = plain weighted fusion
        self.region_names = RegionNames(set(docmeta.regions.tolist()))
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bm25")

    # ---- the two sides --------------------------------------------------------------------
    def lexical_scores(self, query: str, mask: np.ndarray, n: int) -> dict[str, float]:
        scores = self.lexical.scores(query)
        scores = np.where(mask, scores, 0.0)
        n = min(n, len(scores))
        if n == 0:
            return {}
        top = np.argpartition(-scores, n - 1)[:n]
        return {self.docmeta.doc_ids[i]: float(scores[i]) for i in top if scores[i] > 0}

    def dense_scores(self, query: str, filters: SearchFilters, mask: np.ndarray, n: int) -> dict[str, float]:
        """Dense candidates passing `mask`: unfiltered ANN queries over-fetched and filtered here;
        a Chroma `where` query only when that leaves too few (very selective filters)."""
        vector = self.embedder.embed_queries([query])[0]
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
        return dict(sorted(result.items(), key=lambda kv: -kv[1])[:n])

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
            ranked = self.ranker.search(self, query, mask, include_history=as_of is not None, n=max(2 * k, 50))
            return self._hits(self._local_last(ranked, query, region or home_region), k)
        n = max(self.weights.candidates, k)
        n_lexical = max(self.weights.lexical_candidates, k)
        if mode == "hybrid":
            # BM25 runs on a helper thread while the query is embedded (onnxruntime and numpy
            # release the GIL), so the latency is the slower side, not the sum
            pending = self._pool.submit(self.lexical_scores, query, mask, n_lexical)
            dense = self.dense_scores(query, filters, mask, n)
            lexical = pending.result()
        else:
            lexical = self.lexical_scores(query, mask, n_lexical) if mode == "lexical" else {}
            dense = self.dense_scores(query, filters, mask, n) if mode == "dense" else {}
        dense_weight = {"hybrid": self.weights.dense, "dense": 1.0, "lexical": 0.0}[mode]
        fused = fuse(lexical, dense, dense_weight, self.weights.missing)
        ranked = sorted(fused.items(), key=lambda kv: -kv[1])
        return self._hits(self._local_last(ranked, query, region or home_region), k)

    def _local_last(self, ranked: list[tuple[str, float]], query: str, home_region: str | None):
        home = self.region_names.named_in(query) | self.region_names.named_in(home_region)
        regions, position = self.docmeta.regions, self.docmeta.position
        return demote_foreign_local(ranked, lambda d: regions[position[d]] if d in position else "", home)

    @stage_timer("hits")
    def _hits(self, ranked: list[tuple[str, float]], k: int) -> list[Hit]:
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
