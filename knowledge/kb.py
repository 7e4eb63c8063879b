"""KnowledgeBase: the one object the assistant and the API use (knowledge.types.KnowledgeBase).

`open_knowledge_base(settings)` opens the serving generation (data/kb/CURRENT) read-only."""
from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

import numpy as np

from knowledge.catalog import Catalog, normalise_title
from knowledge.citations import LawNameResolver, parse
from knowledge.database import make_engine
from knowledge.docmeta import DocMeta
from knowledge.generations import current_generation
from knowledge.lexical import LexicalIndex
from knowledge.numerals import article_id as make_article_id
from knowledge.numerals import parse_article_label
from knowledge.ranking.pipeline import open_bound_ranker
from knowledge.ranking.sources import cited_articles
from knowledge.retriever import FusionWeights, Retriever
from knowledge.settings import KnowledgeSettings
from knowledge.types import CitationRef, Hit
from knowledge.vectors import VectorIndex

log = logging.getLogger(__name__)

CATALOG_FILE = "catalog.sqlite3"
_ARTICLE_ID_RE = re.compile(r"^\d+(?:-\d+)?$")


class KnowledgeBaseMissing(RuntimeError):
    """No complete knowledge-base generation exists yet (run `fayuan ingest`)."""


def catalog_for(generation_dir: Path) -> Catalog:
    return Catalog(make_engine(f"sqlite:///{(generation_dir / CATALOG_FILE).as_posix()}"))


def normalise_article_id(value: str) -> str | None:
    """"38", "10-1", "第三十八条", "第十条之一", "38条" → canonical id; None if not an article."""
    value = value.strip()
    if _ARTICLE_ID_RE.match(value):
        number, _, suffix = value.partition("-")
        return make_article_id(int(number), int(suffix or 0))
    try:
        number, suffix = parse_article_label(value if value.startswith(("第", "笫")) else "第" + value)
    except ValueError:
        return None
    return make_article_id(number, suffix)


class FayuanKnowledgeBase:
    def __init__(self, generation_dir: Path, retriever: Retriever, catalog: Catalog):
        self.generation_dir = generation_dir
        self.retriever = retriever
        self.catalog = catalog
        self.reload_names()

    def reload_names(self) -> None:
        self._alias_to_law = self.catalog.alias_map()
        self._laws = self.catalog.law_rows()
        self._resolver = LawNameResolver(self._alias_to_law)

    # ---- protocol --------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, *, kind: str | None = None, level: str | None = None,
               region: str | None = None, as_of: str | None = None, home_region: str | None = None) -> list[Hit]:
        """Hybrid search; an exact citation in the query ("劳动合同法第38条 …") comes first.
        `home_region`: the asker's region, whose local regulations are not ranked below national law."""
        hits = self.retriever.search(query, k, kind=kind, level=level, region=region, as_of=as_of,
                                     home_region=home_region)
        if kind == "case":
            return hits
        cited = cited_articles(query, self.lookup, as_of)
        if not cited:
            return hits
        top = max([h.score for h in hits] + [1.0])
        for h in cited:
            h.score = round(top + 1.0, 6)
        keys = {(h.law, h.article_id) for h in cited}
        return (cited + [h for h in hits if (h.law, h.article_id) not in keys])[:k]

    def lookup(self, citation: str | CitationRef, *, as_of: str | None = None) -> Hit | None:
        if isinstance(citation, str):
            refs = parse(citation)
            if not refs:
                return None
            citation = refs[0]
        return self.get_article(citation.law, citation.article_id, as_of=as_of)

    def get_article(self, law: str, article_id: str, *, as_of: str | None = None) -> Hit | None:
        law_id = self.law_id(law)
        aid = normalise_article_id(article_id)
        if law_id is None or aid is None:
            return None
        version = self.catalog.find_version(law_id, as_of)
        if version is None:
            return None
        row = self.catalog.get_article_row(version["id"], aid)
        if row is None:
            return None
        info = self.catalog.docs_for_hits([row["doc_id"]])[row["doc_id"]]
        return Hit(doc_id=row["doc_id"], score=1.0, **info)

    def resolve_law(self, name: str) -> str | None:
        law_id = self.law_id(name)
        return self._laws[law_id]["short_title"] if law_id is not None else None

    # ---- extras ----------------------------------------------------------------------------
    def law_id(self, name: str) -> int | None:
        if not name or not name.strip():
            return None
        exact = self._alias_to_law.get(normalise_title(name))
        return exact if exact is not None else self._resolver.resolve(name)

    def verify(self, text: str) -> list[tuple[CitationRef, Hit | None]]:
        """Every citation in `text` with the article it names (None = not in the knowledge base)."""
        return [(ref, self.lookup(ref)) for ref in parse(text)]

    def case_citations(self, case_title: str) -> list[tuple[str, Hit | None]]:
        """The articles a typical case cites, linked to the catalog (None: not in the knowledge base)."""
        out = []
        for row in self.catalog.case_citations_of(case_title):
            law = self._laws.get(row["law_id"]) if row["law_id"] is not None else None
            hit = self.get_article(law["short_title"], row["article_id"]) if law else None
            out.append((row["raw"], hit))
        return out

    def article_detail(self, doc_id: str) -> dict | None:
        return self.catalog.article_detail(doc_id)

    def article_by_doc(self, doc_id: str) -> Hit | None:
        """The article (or case section) with this doc id, in whichever version it belongs to."""
        info = self.catalog.docs_for_hits([doc_id]).get(doc_id)
        return Hit(doc_id=doc_id, score=1.0, **info) if info else None

    def article_versions(self, doc_id: str) -> list[dict]:
        return self.catalog.article_versions(doc_id)

    def search_laws(self, q: str | None, limit: int = 50) -> list[dict]:
        return self.catalog.search_laws(q, limit)

    def counts(self) -> dict[str, int]:
        return self.catalog.counts()

    def embed_query(self, text: str) -> np.ndarray:
        """The search model's L2-normalised query vector for `text` (memoised per text): other
        packages compare questions with it (assistant.known_answers) without reaching the retriever."""
        return self.retriever.embedder.embed_queries([text])[0]

    def embed_phrases(self, texts: list[str]) -> np.ndarray:
        """Query vectors (as `embed_query`) of many fixed texts in batches, kept out of the memo of
        asked questions (assistant.answers.semantic embeds the cards' example phrasings once)."""
        embedder = self.retriever.embedder
        embedder = getattr(embedder, "embedder", embedder)
        texts = list(texts)
        if not texts:
            return embedder.embed_queries([])
        # one at a time, as questions are: int8 inference quantises activations per batch, so a text
        # embedded in a batch comes out slightly different (cosine ~0.997) from the same text alone
        return np.concatenate([embedder.embed_queries([t]) for t in texts])

    @property
    def embedding_model(self) -> str:
        """Identifies the model behind `embed_query` (vectors of different models do not compare)."""
        return self.retriever.embedder.model_id


QUERY_CACHE_SIZE = 2048   # query texts whose embeddings are kept in memory (~3 MB)


def open_generation(generation_dir: Path, settings: KnowledgeSettings, embedder=None, lay_ranker=None) -> FayuanKnowledgeBase:
    """`embedder` and `lay_ranker`: the models of the generation served before, reused as they are."""
    from knowledge.embeddings import load_embedder
    from knowledge.embeddings.query_cache import with_query_cache
    from knowledge.hit_rows import CachedHitRows

    catalog = catalog_for(generation_dir)
    docmeta = DocMeta.load(generation_dir)
    lexical = LexicalIndex.load(generation_dir)
    vectors = VectorIndex.open(generation_dir, settings.chroma_url)
    embedder = embedder or load_embedder(settings.embedding_model, settings.embedding_backend,
                                         settings.resolved_model_dir)
    embedder = with_query_cache(embedder, QUERY_CACHE_SIZE)
    weights = FusionWeights(dense=settings.fusion_dense_weight, lexical=1.0 - settings.fusion_dense_weight)
    retriever = Retriever(CachedHitRows(catalog), docmeta, lexical, vectors, embedder, weights)
    retriever.ranker = open_bound_ranker(settings, catalog, docmeta, embedder.model_id, lay_ranker)
    return FayuanKnowledgeBase(generation_dir, retriever, catalog)


def open_knowledge_base(settings: KnowledgeSettings, embedder=None) -> FayuanKnowledgeBase:
    """Open the serving generation; raises KnowledgeBaseMissing when nothing was ingested yet."""
    generation = current_generation(settings.kb_dir)
    if generation is None:
        raise KnowledgeBaseMissing(f"no knowledge base in {settings.kb_dir}; run `fayuan ingest PATH` first")
    return open_generation(generation, settings, embedder)


class LiveKnowledgeBase:
    """The serving knowledge base for a long-running process: it follows the CURRENT pointer, so
    a `fayuan ingest` run elsewhere is picked up within `check_every_s` without a restart (and the
    process never keeps reading a generation a later ingest deletes). Same API as
    FayuanKnowledgeBase; everything is delegated to the generation in use."""

    def __init__(self, settings: KnowledgeSettings, embedder=None, check_every_s: float = 5.0):
        self._settings = settings
        self._kb = open_knowledge_base(settings, embedder)
        self._embedder = self._kb.retriever.embedder
        self._check_every_s = check_every_s
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def current(self) -> FayuanKnowledgeBase:
        now = time.monotonic()
        if now - self._checked >= self._check_every_s:
            self._checked = now
            generation = current_generation(self._settings.kb_dir)
            if generation is not None and generation != self._kb.generation_dir:
                with self._lock:
                    if generation != self._kb.generation_dir:
                        log.info("knowledge base: switching to %s", generation.name)
                        bound = self._kb.retriever.ranker
                        self._kb = open_generation(generation, self._settings, self._embedder,
                                                   bound.ranker if bound is not None else None)
        return self._kb

    def search(self, query: str, k: int = 10, **filters) -> list[Hit]:
        return self.current().search(query, k, **filters)

    def lookup(self, citation, *, as_of: str | None = None) -> Hit | None:
        return self.current().lookup(citation, as_of=as_of)

    def get_article(self, law: str, article_id: str, *, as_of: str | None = None) -> Hit | None:
        return self.current().get_article(law, article_id, as_of=as_of)

    def resolve_law(self, name: str) -> str | None:
        return self.current().resolve_law(name)

    def embed_query(self, text: str) -> np.ndarray:
        return self.current().embed_query(text)

    def embed_phrases(self, texts: list[str]) -> np.ndarray:
        return self.current().embed_phrases(texts)

    @property
    def embedding_model(self) -> str:
        return self.current().embedding_model

    def __getattr__(self, name: str):
        return getattr(self.current(), name)
