"""Memoised article lookups for one knowledge base object.

Every answer looks up the same few articles again and again (the time-limit rules, the citations
it verifies). Within one knowledge-base generation an article never changes, and a re-ingest
opens a new KnowledgeBase object, which gets a new cache — so caching by object is safe (the
conversation passes the generation a `LiveKnowledgeBase` currently serves, not the live wrapper)."""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from knowledge.types import CitationRef, Hit, KnowledgeBase

_MISSING = object()


class CachedArticles:
    """The KnowledgeBase protocol with `lookup`/`get_article`/`resolve_law` memoised (LRU)."""

    def __init__(self, kb: KnowledgeBase, maxsize: int = 4096):
        self.kb = kb
        self._maxsize = maxsize
        self._memo: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def _cached(self, key: tuple, compute):
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            if len(self._memo) > self._maxsize:
                self._memo.popitem(last=False)
        return value

    def search(self, query: str, k: int = 10, **filters) -> list[Hit]:
        hits = self.kb.search(query, k, **filters)
        if not filters:
            self.remember(hits)
        return hits

    def remember(self, hits: list[Hit]) -> None:
        """Articles a search just returned exist as they are: verifying their citations needs no query."""
        with self._lock:
            for hit in hits:
                if hit.kind == "statute" and hit.law and hit.article_id:
                    for key in (("article", hit.law, hit.article_id), ("lookup", hit.law, hit.article_id)):
                        self._memo[key] = hit
                        self._memo.move_to_end(key)
            while len(self._memo) > self._maxsize:
                self._memo.popitem(last=False)

    def lookup(self, citation: str | CitationRef, *, as_of: str | None = None) -> Hit | None:
        if as_of is not None:
            return self.kb.lookup(citation, as_of=as_of)
        key = ("lookup", citation) if isinstance(citation, str) else ("lookup", citation.law, citation.article_id)
        return self._cached(key, lambda: self.kb.lookup(citation))

    def get_article(self, law: str, article_id: str, *, as_of: str | None = None) -> Hit | None:
        if as_of is not None:
            return self.kb.get_article(law, article_id, as_of=as_of)
        return self._cached(("article", law, article_id), lambda: self.kb.get_article(law, article_id))

    def resolve_law(self, name: str) -> str | None:
        return self._cached(("law", name), lambda: self.kb.resolve_law(name))

    def embed_query(self, text: str):
        return self.kb.embed_query(text)     # the embedder memoises query texts itself

    def embed_phrases(self, texts: list[str]):
        from assistant.answers.semantic import phrase_embedder

        return phrase_embedder(self.kb)(texts)

    @property
    def embedding_model(self) -> str:
        return self.kb.embedding_model


class ArticleCaches:
    """One CachedArticles per live knowledge-base object."""

    def __init__(self):
        self._by_kb: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def for_kb(self, kb: KnowledgeBase) -> CachedArticles:
        with self._lock:
            cached = self._by_kb.get(kb)
            if cached is None:
                cached = self._by_kb[kb] = CachedArticles(kb)
            return cached
