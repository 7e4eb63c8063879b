"""Vectors for the lab: question embeddings (computed once, cached in data/lab/) and article
vectors read from the ingest's embedding cache (never embedded here)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ingest.ranking.corpus import LabCorpus


def question_vectors(texts: list[str], embedder, cache_dir: Path) -> np.ndarray:
    key = hashlib.sha1((embedder.model_id + "\n" + "\n".join(texts)).encode("utf-8")).hexdigest()[:16]
    cache = cache_dir / f"qvec-{key}.npy"
    if cache.exists():
        return np.load(cache)
    vectors = embedder.embed_queries(texts).astype(np.float32)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def passage_texts(corpus: LabCorpus) -> list[str]:
    """The text the ingest embeds per article (ingest.pipeline.passage_text), so cached vectors match."""
    from ingest.pipeline import passage_text
    from knowledge.catalog import IndexDoc

    return [passage_text(IndexDoc(doc_id=d, kind="statute", text=t, title=l, path=p, label=lb, level=lv,
                                  region="", category="", current=True, valid_from="", valid_to=""))
            for d, t, l, p, lb, lv in zip(corpus.doc_ids, corpus.texts, corpus.laws, corpus.paths,
                                          corpus.labels, corpus.levels)]


def cached_article_vectors(corpus: LabCorpus, cache_file: Path, model_id: str) -> dict[int, np.ndarray]:
    """Corpus position → vector for the articles already in the ingest's embedding cache (national
    statutes are embedded first, so they are there before a long ingest completes)."""
    from knowledge.embeddings.cache import EmbeddingCache

    cache = EmbeddingCache(cache_file)
    try:
        return cache.get_many(model_id, passage_texts(corpus))
    finally:
        cache.close()


def article_vectors_from_cache(corpus: LabCorpus, cache_file: Path, model_id: str, cache_dir: Path
                               ) -> tuple[np.ndarray | None, int]:
    """All article vectors from the embedding cache, or (None, how many are there yet)."""
    saved = cache_dir / f"avec-cache-{len(corpus)}-{hashlib.sha1(model_id.encode()).hexdigest()[:8]}.npy"
    if saved.exists():
        return np.load(saved), len(corpus)
    hits = cached_article_vectors(corpus, cache_file, model_id)
    if len(hits) < len(corpus):
        return None, len(hits)
    out = np.stack([hits[i] for i in range(len(corpus))]).astype(np.float32)
    np.save(saved, out)
    return out, len(corpus)
