"""Query embeddings memoised per text (a small in-memory LRU in front of any embedder).

The same questions come back: a village group asks what another asked yesterday, a follow-up
re-sends the topic, a person presses "send" twice. One query embedding costs ~6-8 ms of CPU (e5-small
ONNX int8 on this 2-core box); a hit costs microseconds. Passages are not cached here (the ingest's
SQLite embedding cache does that)."""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np


class QueryEmbeddingCache:
    """`embed_queries` through an LRU of `maxsize` texts; everything else is the wrapped embedder's.
    Rows are returned as copies, so a caller may change its array without touching the cache."""

    def __init__(self, embedder, maxsize: int = 2048):
        self.embedder = embedder
        self.maxsize = maxsize
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        found: dict[int, np.ndarray] = {}
        with self._lock:
            for i, text in enumerate(texts):
                if (row := self._memo.get(text)) is not None:
                    self._memo.move_to_end(text)
                    found[i] = row
            self.hits += len(found)
            self.misses += len(texts) - len(found)
        missing = [i for i in range(len(texts)) if i not in found]
        if missing:
            fresh = self.embedder.embed_queries([texts[i] for i in missing])
            with self._lock:
                for i, row in zip(missing, fresh):
                    found[i] = self._memo[texts[i]] = np.array(row, dtype=np.float32)
                    self._memo.move_to_end(texts[i])
                while len(self._memo) > self.maxsize:
                    self._memo.popitem(last=False)
        if not texts:
            return self.embedder.embed_queries([])
        return np.stack([found[i] for i in range(len(texts))])

    @property
    def cached_count(self) -> int:
        """Query vectors held now (at most `maxsize`)."""
        return len(self._memo)

    def __getattr__(self, name: str):
        # model_id, dim, embed_passages, …: the wrapped embedder's (only reached for names not set above)
        return getattr(self.embedder, name)

    def __repr__(self) -> str:
        return f"QueryEmbeddingCache({self.embedder!r}, maxsize={self.maxsize})"


def with_query_cache(embedder, maxsize: int):
    """`embedder` behind a QueryEmbeddingCache (unless `maxsize` is 0 or it already has one)."""
    if maxsize <= 0 or isinstance(embedder, QueryEmbeddingCache):
        return embedder
    return QueryEmbeddingCache(embedder, maxsize)
