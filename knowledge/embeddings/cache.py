"""Persistent embedding cache: one SQLite file, keyed by (model_id, sha256(text)).

Re-ingesting a corpus only embeds the texts that changed::

    cache = EmbeddingCache("data/kb/embeddings.sqlite3")
    vecs = embed_passages_cached(embedder, cache, texts, progress)

Vectors are stored as raw float32 bytes.  Lookups go in chunks of a few
hundred keys per ``SELECT ... IN (...)`` and writes use ``executemany`` in one
transaction, with WAL journalling, so 60k lookups take well under a second.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

_CHUNK = 500  # keys per SELECT (below SQLite's oldest bound-variable limit, 999)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model_id TEXT NOT NULL, key BLOB NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL,"
            " PRIMARY KEY (model_id, key)) WITHOUT ROWID"
        )

    # -- reads
    def get_many(self, model_id: str, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """{index in texts: vector} for the texts already cached under model_id."""
        keys = [text_key(t) for t in texts]
        where: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            where.setdefault(k, []).append(i)
        uniq = list(where)
        found: dict[int, np.ndarray] = {}
        with self._lock:
            for s in range(0, len(uniq), _CHUNK):
                chunk = uniq[s : s + _CHUNK]
                q = ("SELECT key, vec FROM embeddings WHERE model_id = ? AND key IN (%s)"
                     % ",".join("?" * len(chunk)))
                for k, blob in self._db.execute(q, [model_id, *chunk]):
                    v = np.frombuffer(blob, dtype=np.float32)
                    for i in where[bytes(k)]:
                        found[i] = v
        return found

    # -- writes
    def put_many(self, model_id: str, texts: Sequence[str], vectors: np.ndarray | Iterable[np.ndarray]) -> None:
        rows = []
        for t, v in zip(texts, vectors):
            v = np.ascontiguousarray(v, dtype=np.float32)
            rows.append((model_id, text_key(t), int(v.shape[-1]), v.tobytes()))
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO embeddings (model_id, key, dim, vec) VALUES (?, ?, ?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def count(self, model_id: str | None = None) -> int:
        with self._lock:
            if model_id is None:
                return self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            return self._db.execute("SELECT COUNT(*) FROM embeddings WHERE model_id = ?", (model_id,)).fetchone()[0]

    def clear(self, model_id: str | None = None) -> None:
        with self._lock:
            if model_id is None:
                self._db.execute("DELETE FROM embeddings")
            else:
                self._db.execute("DELETE FROM embeddings WHERE model_id = ?", (model_id,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def embed_passages_cached(embedder, cache: EmbeddingCache | None, texts: Sequence[str],
                          progress: Callable[[int, int], None] | None = None,
                          batch_size: int = 32, flush_every: int = 2048) -> np.ndarray:
    """``embedder.embed_passages(texts)``, embedding only the cache misses.

    Misses are embedded in slices of ``flush_every`` and written to the cache
    after each slice, so an interrupted run keeps what it has done.
    ``progress(done, total)`` counts cached texts as done.
    """
    texts = list(texts)
    n = len(texts)
    out = np.zeros((n, embedder.dim), dtype=np.float32)
    if n == 0:
        return out
    if cache is None:
        return embedder.embed_passages(texts, batch_size=batch_size, progress=progress)
    hits = cache.get_many(embedder.model_id, texts)
    for i, v in hits.items():
        out[i] = v
    # distinct missing texts only (duplicates are embedded once)
    first: dict[str, int] = {}
    for i in range(n):
        if i not in hits:
            first.setdefault(texts[i], i)
    todo = list(first)
    base = len(hits)
    if progress:
        progress(base, n)
    done_todo = 0
    by_text: dict[str, np.ndarray] = {}
    for s in range(0, len(todo), flush_every):
        part = todo[s : s + flush_every]
        inner = (lambda d, _t, _o=done_todo: progress(min(n, base + _o + d), n)) if progress else None
        vecs = embedder.embed_passages(part, batch_size=batch_size, progress=inner)
        cache.put_many(embedder.model_id, part, vecs)
        for t, v in zip(part, vecs):
            by_text[t] = v
        done_todo += len(part)
    if by_text:
        for i in range(n):
            if i not in hits:
                out[i] = by_text[texts[i]]
    if progress:
        progress(n, n)
    return out
