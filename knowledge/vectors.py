"""Dense vectors in Chroma: an embedded PersistentClient in the generation folder by default, a
Chroma server (HttpClient) when FAYUAN_CHROMA_URL is set. Cosine space.

Embeddings are computed by us (through the embedding cache), never by Chroma. Metadata carries the
filters (kind, level, region, current flag, validity window as yyyymmdd ints) so a filtered query
is answered by Chroma itself."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from knowledge.catalog import IndexDoc
from knowledge.docmeta import SearchFilters
from knowledge.telemetry import stage_timer

_BATCH = 2000


def date_int(iso: str) -> int:
    return int(iso.replace("-", ""))


def doc_metadata(doc: IndexDoc) -> dict:
    return {"kind": doc.kind, "level": doc.level, "region": doc.region, "category": doc.category,
            "current": doc.current, "valid_from": date_int(doc.valid_from), "valid_to": date_int(doc.valid_to)}


def chroma_where(f: SearchFilters) -> dict | None:
    """Chroma `where` for the filters; region is matched exactly here (callers post-filter
    partial region names)."""
    clauses: list[dict] = []
    if f.as_of:
        day = date_int(f.as_of)
        clauses += [{"valid_from": {"$lte": day}}, {"valid_to": {"$gt": day}}]
    else:
        clauses.append({"current": True})
    if f.kind:
        clauses.append({"kind": f.kind})
    if f.level:
        clauses.append({"level": f.level})
    if f.national_only:
        clauses += [{"kind": "statute"}, {"category": {"$ne": "DLC"}}, {"region": ""}]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class DenseMatch:
    doc_id: str
    similarity: float      # cosine similarity, 1 = identical


CURRENT, HISTORY = "current", "history"


class VectorIndex:
    """Two collections: `current` (the default search set: current versions in force, and cases)
    and `history` (other versions, searched only with as_of). Chroma's `where` is slow on large
    allowed sets (~0.4 s at 80k docs here), so queries run unfiltered and the retriever filters
    the over-fetched candidates; `where` is only a fallback for very selective filters."""

    def __init__(self, collections: dict, client):
        self.collections = collections
        self.client = client
        self._sizes: dict[str, int] = {}

    @staticmethod
    def collection_names(generation_name: str, remote: bool) -> dict[str, str]:
        base = f"fayuan-{generation_name}" if remote else "fayuan"   # a shared server holds many generations
        return {CURRENT: f"{base}-current", HISTORY: f"{base}-history"}

    @staticmethod
    def _client(generation_dir: Path, chroma_url: str | None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if chroma_url:
            url = urlparse(chroma_url)
            return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                       settings=chroma_settings)
        return chromadb.PersistentClient(path=str(generation_dir / "chroma"), settings=chroma_settings)

    @classmethod
    def open(cls, generation_dir: Path, chroma_url: str | None = None, create: bool = False) -> "VectorIndex":
        client = cls._client(generation_dir, chroma_url)
        names = cls.collection_names(generation_dir.name, bool(chroma_url))
        collections = {}
        for role, name in names.items():
            if create:
                collections[role] = client.get_or_create_collection(
                    name, embedding_function=None,
                    metadata={"hnsw:space": "cosine", "hnsw:construction_ef": 100, "hnsw:M": 16,
                              "hnsw:search_ef": 100})
            else:
                collections[role] = client.get_collection(name, embedding_function=None)
        return cls(collections, client)

    @classmethod
    def drop_remote(cls, generation_name: str, chroma_url: str) -> None:
        """Delete a generation's collections on a Chroma server (cleanup of old/partial runs)."""
        client = cls._client(Path(generation_name), chroma_url)
        for name in cls.collection_names(generation_name, True).values():
            try:
                client.delete_collection(name)
            except Exception:  # noqa: BLE001 - already gone
                pass

    @staticmethod
    def role_of(doc: IndexDoc) -> str:
        return CURRENT if doc.current else HISTORY

    def count(self) -> int:
        return sum(self._size(role) for role in self.collections)

    def size(self, role: str) -> int:
        """Vectors in the role's collection (0 when this index has no such collection)."""
        return self._size(role) if role in self.collections else 0

    def nearest(self, vectors: np.ndarray, role: str, n: int) -> list[tuple[list[str], list[float]]]:
        """Per query vector, the (doc ids, cosine distances) of its `n` nearest vectors in the
        role's collection, all vectors in one Chroma query, no filter."""
        res = self.collections[role].query(query_embeddings=[v.astype(np.float32) for v in vectors],
                                           n_results=n, include=["distances"])
        return list(zip(res["ids"], res["distances"]))

    def _size(self, role: str) -> int:
        # Chroma's count() costs 5-30 ms a call on this corpus; a served generation never changes,
        # and our own writes below drop the cached value.
        if role not in self._sizes:
            self._sizes[role] = self.collections[role].count()
        return self._sizes[role]

    def _forget_size(self, role: str) -> None:
        self._sizes.pop(role, None)

    def ids_by_role(self) -> dict[str, set[str]]:
        out = {}
        for role, collection in self.collections.items():
            ids: set[str] = set()
            offset = 0
            while True:
                got = collection.get(include=[], limit=20_000, offset=offset)["ids"]
                if not got:
                    break
                ids.update(got)
                offset += len(got)
            out[role] = ids
        return out

    def upsert(self, role: str, docs: list[IndexDoc], embeddings: np.ndarray) -> None:
        collection = self.collections[role]
        self._forget_size(role)
        for start in range(0, len(docs), _BATCH):
            part = docs[start:start + _BATCH]
            collection.upsert(ids=[d.doc_id for d in part], embeddings=embeddings[start:start + _BATCH],
                              metadatas=[doc_metadata(d) for d in part])

    def embeddings_of(self, role: str, doc_ids: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(doc_ids), _BATCH):
            got = self.collections[role].get(ids=doc_ids[start:start + _BATCH], include=["embeddings"])
            out.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
        return out

    def update_metadata(self, role: str, docs: list[IndexDoc]) -> None:
        for start in range(0, len(docs), _BATCH):
            part = docs[start:start + _BATCH]
            self.collections[role].update(ids=[d.doc_id for d in part], metadatas=[doc_metadata(d) for d in part])

    def delete(self, role: str, doc_ids: list[str]) -> None:
        self._forget_size(role)
        for start in range(0, len(doc_ids), _BATCH):
            self.collections[role].delete(ids=doc_ids[start:start + _BATCH])

    @stage_timer("dense")
    def query(self, vector: np.ndarray, n: int, *, include_history: bool = False,
              where: dict | None = None) -> list[DenseMatch]:
        roles = (CURRENT, HISTORY) if include_history else (CURRENT,)
        matches: list[DenseMatch] = []
        for role in roles:
            collection = self.collections[role]
            size = self._size(role)
            if size == 0:
                continue
            res = collection.query(query_embeddings=[vector.astype(np.float32)], n_results=min(n, size),
                                   where=where, include=["distances"])
            matches += [DenseMatch(doc_id, 1.0 - float(dist))
                        for doc_id, dist in zip(res["ids"][0], res["distances"][0])]
        matches.sort(key=lambda m: -m.similarity)
        return matches
