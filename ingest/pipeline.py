"""Ingest pipeline: a LawRefBook folder (or one staff .docx/.txt law) → a new knowledge-base
generation (catalog + Chroma + BM25), switched in atomically.

Incremental by content hash:
- nothing changed → compare file hashes with the serving catalog and stop (no new generation);
- something changed → copy the serving generation (catalog, Chroma, token cache), replace only the
  changed versions/cases, embed only texts the embedding cache has never seen, rebuild BM25 from
  cached tokens, then publish. A crash at any point leaves the serving generation untouched; the
  next run removes the partial folder and starts again."""
from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from sqlalchemy import select

from ingest.corpus import parse_corpus, scan_corpus
from ingest.plaintext import parse_plain_law
from ingest.errors import ParseError
from knowledge.records import KIND_LEVELS, CaseRecord, LawRecord
from ingest.repeals import META_KEY as REPEALS_META, repeals_digest
from knowledge import generations
from knowledge import dense_status
from knowledge.catalog import Catalog, IndexDoc, articles, case_sections, cases, law_versions
from knowledge.citations import normalise_law_name
from knowledge.docmeta import DocMeta
from knowledge.kb import CATALOG_FILE, catalog_for
from knowledge.lexical import LegalTokenizer, LexicalIndex, index_text
from knowledge.settings import KnowledgeSettings
from knowledge.vectors import CURRENT, HISTORY, VectorIndex

log = logging.getLogger(__name__)

STAFF_PREFIX = "_staff/"       # source paths of laws added one file at a time by staff
PUBLISH_SPACING_S = 15.0       # embed_pending: least time between two generation switches (3× the servers' check)
REGIONS_META = "regions"       # FAYUAN_REGIONS as the catalog was built with it
OUTSIDE_REGIONS = "地方性法规不在本部署服务的地区 (FAYUAN_REGIONS)"
_REGION_SUFFIX = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市")
Checkpoint = Callable[[str], None]


@dataclass
class IngestSummary:
    source: str
    unchanged: bool = False
    generation: str | None = None
    files: int = 0
    changed_sources: int = 0
    removed_sources: int = 0
    laws: int = 0
    versions: int = 0
    articles: int = 0
    cases: int = 0
    case_sections: int = 0
    embedded: int = 0              # texts actually run through the model (cache misses)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def as_text(self) -> str:
        lines = [f"source: {self.source}",
                 "nothing changed: knowledge base left as it is" if self.unchanged
                 else f"generation: {self.generation}",
                 f"files: {self.files}  changed sources: {self.changed_sources}  removed: {self.removed_sources}",
                 f"laws: {self.laws}  versions: {self.versions}  articles: {self.articles}  "
                 f"cases: {self.cases} ({self.case_sections} sections)",
                 f"embedded (new texts): {self.embedded}",
                 f"skipped: {len(self.skipped)}"]
        lines += [f"  - {path}: {reason}" for path, reason in self.skipped]
        if self.stage_seconds:
            lines.append("stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items()))
        lines.append(f"time: {self.seconds:.1f}s")
        return "\n".join(lines)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


#: a statute article's passage text keeps its first this many characters (≈ 110 e5 tokens at ~1.55
#: characters a token; with the title line ≈ 128 tokens). Embedding time grows faster than the text
#: (≈ 200 µs a token up to ~110 tokens, 317 µs at 450) and a fifth of the articles are longer: the cut
#: makes the whole folder's embedding ≈ 15 % cheaper at the same retrieval (docs/performance.md,
#: "Shorter passages"). BM25 still indexes the whole article. Changing it re-embeds the articles
#: longer than either value (the embedding cache is keyed by the text).
PASSAGE_ARTICLE_CHARS = 170


def passage_text(doc: IndexDoc) -> str:
    """What the dense model sees: law short title, nearest heading, the article's first
    PASSAGE_ARTICLE_CHARS characters (a case section whole: 179 of them in the whole folder)."""
    heading = doc.path[-1] if doc.path else doc.label
    body = doc.text[:PASSAGE_ARTICLE_CHARS] if doc.kind == "statute" else doc.text
    return f"{doc.title} {heading}\n{body}"


class _CountingEmbedder:
    """Passes through to the real embedder, counting the passages the model actually embeds."""

    def __init__(self, inner):
        self.inner = inner
        self.passages = 0

    def embed_passages(self, texts, *args, **kwargs):
        self.passages += len(texts)
        return self.inner.embed_passages(texts, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class _Progress:
    """tqdm bars when asked for, silent otherwise (tests, the server)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def bar(self, total: int, desc: str):
        from tqdm import tqdm

        return tqdm(total=total, desc=desc, unit="doc", disable=not self.enabled, leave=False)


class IngestPipeline:
    def __init__(self, settings: KnowledgeSettings, *, embedder=None, show_progress: bool = False,
                 checkpoint: Checkpoint | None = None, defer_embedding: bool = False):
        """`defer_embedding`: publish the generation without embedding new texts (it serves on BM25
        at once); `embed_pending()` then embeds them part by part (knowledge.dense_status)."""
        self.settings = settings
        self.defer_embedding = defer_embedding
        self.publish_spacing_s = PUBLISH_SPACING_S   # embed_pending (0: no server follows this folder)
        self.kb_dir = settings.kb_dir
        self._embedder = embedder
        self.progress = _Progress(show_progress)
        self.checkpoint = checkpoint or (lambda stage: None)

    # ---- entry points ------------------------------------------------------------------------
    def ingest_folder(self, root: Path) -> IngestSummary:
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(f"not a folder: {root}")
        summary = IngestSummary(source=str(root))
        started = time.perf_counter()
        with generations.ingest_lock(self.kb_dir):
            self._clean_stale()
            files = {sf.rel: file_sha256(sf.path) for sf in scan_corpus(root)}
            summary.files = len(files)
            serving = generations.current_generation(self.kb_dir)
            if serving is not None and self._unchanged(serving, files):
                summary.unchanged = True
                self._fill_counts(summary, catalog_for(serving))
                summary.skipped = self._recorded_skips(catalog_for(serving))
                summary.seconds = time.perf_counter() - started
                return summary
            records: list[LawRecord | CaseRecord] = []
            skipped: dict[str, str] = {}
            with self.progress.bar(len(files), "parse") as bar:
                for rec in parse_corpus(root, on_error=lambda path, reason: (skipped.__setitem__(path, reason),
                                                                            bar.update(1))):
                    records.append(rec)
                    bar.update(len(getattr(rec, "source_paths", None) or [rec.source_path]))
                    self.checkpoint("parse")
            summary.stage_seconds["parse"] = time.perf_counter() - started
            records = self._within_regions(records, skipped)
            outcomes = {path: (digest, "skipped", skipped.get(path, "no statute or case found"))
                        for path, digest in files.items()}
            for rec in records:
                for path in getattr(rec, "source_paths", None) or [rec.source_path]:
                    if path in outcomes:
                        outcomes[path] = (outcomes[path][0], "case" if isinstance(rec, CaseRecord) else "law", None)
            self._build(serving, records, outcomes, summary, folder_sync=True)
        summary.seconds = time.perf_counter() - started
        return summary

    def ingest_file(self, path: Path, *, kind: str | None = None, region: str | None = None,
                    title: str | None = None) -> IngestSummary:
        """One law as downloaded from the national laws database (.docx/.txt), added by staff."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"not a file: {path}")
        if kind is not None and kind not in KIND_LEVELS:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KIND_LEVELS)}")
        summary = IngestSummary(source=str(path), files=1)
        started = time.perf_counter()
        rec = parse_plain_law(path, kind=kind, region=region)   # raises ParseError with a reason
        if title:
            rec.title = title.strip()
            rec.short_title = normalise_law_name(rec.title)
            rec.aliases = sorted({*rec.aliases, rec.short_title})
        rec.source_path = STAFF_PREFIX + path.name
        rec.source_paths = [rec.source_path]
        with generations.ingest_lock(self.kb_dir):
            self._clean_stale()
            serving = generations.current_generation(self.kb_dir)
            stored = self.kb_dir / "staff-sources" / path.name   # kept so the law survives rebuilds
            stored.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, stored)
            outcomes = {rec.source_path: (rec.content_hash, "law", None)}
            self._build(serving, [rec], outcomes, summary, folder_sync=False)
        summary.seconds = time.perf_counter() - started
        return summary

    # ---- the build -------------------------------------------------------------------------
    def _build(self, serving: Path | None, records: list, outcomes: dict, summary: IngestSummary,
               folder_sync: bool) -> None:
        t0 = time.perf_counter()
        gen = generations.new_generation(self.kb_dir)
        summary.generation = gen.name
        token_cache = self._copy_generation(serving, gen)
        catalog = catalog_for(gen)
        catalog.create_schema()
        summary.stage_seconds["copy"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        changed_paths, affected_laws = self._apply_records(catalog, records, outcomes, summary, folder_sync)
        self.checkpoint("catalog")
        summary.stage_seconds["catalog"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        docs = list(catalog.iter_index_docs())
        dirty = catalog_doc_ids_for_sources(catalog, changed_paths)
        affected = catalog_doc_ids_for_laws(catalog, affected_laws)
        vectors = VectorIndex.open(gen, self.settings.chroma_url, create=True)
        if self.settings.chroma_url and serving is not None:
            copy_remote_vectors(VectorIndex.open(serving, self.settings.chroma_url), vectors)
        summary.embedded, deferred = self._sync_vectors(vectors, docs, dirty, affected)
        deferred_ids = {d.doc_id for d in deferred}
        dense_status.write_status(gen, dense_status.count_parts(
            docs, {d.doc_id for d in docs if d.doc_id not in deferred_ids}))
        summary.stage_seconds["vectors"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        law_titles = catalog_short_titles(catalog)
        with self.progress.bar(len(docs), "bm25") as bar:
            lexical = LexicalIndex.build([index_text(d.title, d.path, d.text) for d in docs],
                                         LegalTokenizer(law_titles), token_cache, progress=bar.update)
        lexical.save(gen)
        DocMeta.from_docs(docs).save(gen)
        summary.stage_seconds["bm25"] = time.perf_counter() - t0
        self.checkpoint("before-publish")

        del vectors
        generations.publish(self.kb_dir, gen)
        self._fill_counts(summary, catalog)
        summary.skipped = self._recorded_skips(catalog)
        catalog.engine.dispose()
        for stale in generations.stale_generations(self.kb_dir, keep_previous=serving):
            self._remove(stale)

    def _apply_records(self, catalog: Catalog, records: list, outcomes: dict, summary: IngestSummary,
                       folder_sync: bool) -> tuple[set[str], set[int]]:
        """Replace changed versions/cases in the (copied) catalog; returns the changed source
        paths and the ids of laws whose version set changed."""
        known = catalog.source_hashes()
        incoming = {rec.source_path: rec for rec in records}
        changed = {p for p, rec in incoming.items() if known.get(p) != rec.content_hash}
        removed = {p for p in known if p not in incoming and not p.startswith(STAFF_PREFIX)} if folder_sync else set()
        summary.changed_sources, summary.removed_sources = len(changed), len(removed)
        affected: set[int] = set()
        with catalog.engine.begin() as conn:
            for path in changed | removed:
                affected |= catalog.remove_source(conn, path)
            for path in sorted(changed):
                rec = incoming[path]
                if isinstance(rec, CaseRecord):
                    catalog.add_case(conn, rec)
                else:
                    affected.add(catalog.add_law_version(conn, rec))
            catalog.drop_orphan_laws(conn)
            catalog.set_meta(conn, REPEALS_META, repeals_digest())
            catalog.set_meta(conn, REGIONS_META, self._regions_key())
            catalog.refresh_validity(conn, affected)
            catalog.link_case_citations(conn)
            recorded = self._recorded_files(conn)
            if folder_sync:   # the folder replaces its own entries; staff-added files stay
                recorded = {p: v for p, v in recorded.items() if p.startswith(STAFF_PREFIX)}
            files = {**recorded, **outcomes}
            catalog.record_source_files(conn, files)
        return changed, affected

    def _sync_vectors(self, vectors: VectorIndex, docs: list[IndexDoc], dirty: set[str],
                      affected: set[str]) -> tuple[int, list[IndexDoc]]:
        """Make the two collections hold exactly `docs` (with `defer_embedding`: all but the texts
        still to embed); returns the number of texts embedded and the documents left to embed."""
        present = vectors.ids_by_role()
        wanted = {d.doc_id: VectorIndex.role_of(d) for d in docs}
        to_embed: list[IndexDoc] = []
        to_move: dict[str, list[IndexDoc]] = {CURRENT: [], HISTORY: []}   # keyed by source role
        to_update: dict[str, list[IndexDoc]] = {CURRENT: [], HISTORY: []}
        for d in docs:
            role = wanted[d.doc_id]
            other = HISTORY if role == CURRENT else CURRENT
            if d.doc_id in dirty or (d.doc_id not in present[role] and d.doc_id not in present[other]):
                to_embed.append(d)
            elif d.doc_id in present[other] and d.doc_id not in present[role]:
                to_move[other].append(d)
            elif d.doc_id in affected:
                to_update[role].append(d)
        # moves keep their embeddings: read them before deleting
        for source_role, moving in to_move.items():
            if moving:
                vecs = vectors.embeddings_of(source_role, [d.doc_id for d in moving])
                target_role = HISTORY if source_role == CURRENT else CURRENT
                vectors.upsert(target_role, moving, np.stack([vecs[d.doc_id] for d in moving]))
        for role in (CURRENT, HISTORY):
            vectors.delete(role, [i for i in present[role] if wanted.get(i) != role])
            vectors.update_metadata(role, to_update[role])
        self.checkpoint("vectors-partial")
        to_embed.sort(key=_embedding_priority)
        if self.defer_embedding:
            # a changed text's old vector goes now: embed_pending embeds what is missing
            for role in (CURRENT, HISTORY):
                vectors.delete(role, [d.doc_id for d in to_embed if d.doc_id in present[role]])
            return 0, to_embed
        if not to_embed:
            return 0, []
        return self._embed_and_store(vectors, to_embed), []

    def _embed_and_store(self, vectors: VectorIndex, docs: list[IndexDoc],
                         on_chunk: Callable[[int], None] | None = None) -> int:
        """Embed (through the cache) and store; returns how many texts the model actually ran on."""
        from knowledge.embeddings.cache import EmbeddingCache, embed_passages_cached

        embedder = _CountingEmbedder(self.embedder())
        cache = EmbeddingCache(self.settings.resolved_embedding_cache)
        chunk = 512   # store as we go: the cache keeps finished chunks if the run is killed
        with self.progress.bar(len(docs), "embed") as bar:
            for start in range(0, len(docs), chunk):
                part = docs[start:start + chunk]
                vecs = np.asarray(embed_passages_cached(embedder, cache, [passage_text(d) for d in part], None),
                                  dtype=np.float32)
                for role in (CURRENT, HISTORY):
                    idx = [i for i, d in enumerate(part) if VectorIndex.role_of(d) == role]
                    if idx:
                        vectors.upsert(role, [part[i] for i in idx], vecs[idx])
                bar.update(len(part))
                if on_chunk:
                    on_chunk(start + len(part))
                self.checkpoint("vectors-written")
        cache.close()
        return embedder.passages

    # ---- the deferred embedding, part by part -------------------------------------------------
    def embed_pending(self) -> list[str]:
        """Embed what the serving generation still lacks, one part at a time (dense_status.PARTS
        order); each finished part is published as a new generation, so the server switches to
        the hybrid retriever part by part. Returns the parts embedded. Safe to run again after a
        crash: the embedding cache keeps every finished chunk."""
        done = []
        for part in dense_status.PARTS:
            with generations.ingest_lock(self.kb_dir):
                serving = generations.current_generation(self.kb_dir)
                if serving is None or part not in dense_status.pending_parts(dense_status.read_status(serving)):
                    continue
                self.checkpoint(f"embed-{part}")
                self._embed_part(serving, part)
                done.append(part)
        dense_status.clear_progress(self.kb_dir)
        return done

    def _embed_part(self, serving: Path, part: str) -> None:
        gen = generations.new_generation(self.kb_dir)
        self._copy_catalog_and_vectors(serving, gen)
        for name in (LexicalIndex.DIR, DocMeta.FILE):
            source = serving / name
            if source.is_dir():
                shutil.copytree(source, gen / name)
            elif source.is_file():
                shutil.copyfile(source, gen / name)
        catalog = catalog_for(gen)
        docs = list(catalog.iter_index_docs())
        vectors = VectorIndex.open(gen, self.settings.chroma_url, create=True)
        if self.settings.chroma_url:
            copy_remote_vectors(VectorIndex.open(serving, self.settings.chroma_url), vectors)
        present = set().union(*vectors.ids_by_role().values())
        todo = [d for d in docs if d.doc_id not in present and dense_status.part_of(d) == part]
        log.info("embedding %d texts of part %s", len(todo), part)
        dense_status.write_progress(self.kb_dir, part, 0, len(todo))
        self._embed_and_store(vectors, todo,
                              on_chunk=lambda n: dense_status.write_progress(self.kb_dir, part, n, len(todo)))
        dense_status.write_status(gen, dense_status.count_parts(docs, present | {d.doc_id for d in todo}))
        del vectors
        catalog.engine.dispose()
        self._space_publishes()
        generations.publish(self.kb_dir, gen)
        for stale in generations.stale_generations(self.kb_dir, keep_previous=serving):
            self._remove(stale)

    def _space_publishes(self) -> None:
        """Servers look at CURRENT every few seconds (LiveKnowledgeBase) and only the previous
        generation is kept: two parts published within that time (all cached) could delete the one
        a server still reads. So a part waits until the last switch is PUBLISH_SPACING_S old."""
        pointer = self.kb_dir / generations.POINTER
        try:
            age = time.time() - pointer.stat().st_mtime
        except OSError:
            return
        if age < self.publish_spacing_s:
            time.sleep(self.publish_spacing_s - age)

    # ---- helpers -------------------------------------------------------------------------------
    def embedder(self):
        if self._embedder is None:
            from knowledge.embeddings import load_embedder

            self._embedder = load_embedder(self.settings.embedding_model, self.settings.embedding_backend,
                                           self.settings.resolved_model_dir)
        return self._embedder

    def _unchanged(self, serving: Path, files: dict[str, str]) -> bool:
        catalog = catalog_for(serving)
        recorded = catalog.source_file_hashes()
        folder_part = {p: h for p, h in recorded.items() if not p.startswith(STAFF_PREFIX)}
        return (folder_part == files and catalog.get_meta(REPEALS_META) == repeals_digest()
                and (catalog.get_meta(REGIONS_META) or "") == self._regions_key())

    def _regions_key(self) -> str:
        return ",".join(sorted(self.settings.region_list))

    def _within_regions(self, records: list, skipped: dict[str, str]) -> list:
        """FAYUAN_REGIONS: local regulations of other provinces are left out (recorded as skipped)."""
        wanted = [_province_name(r) for r in self.settings.region_list]
        if not wanted:
            return records
        kept = []
        for rec in records:
            region = getattr(rec, "region", None)
            if region and not any(region.startswith(w) for w in wanted):
                for path in getattr(rec, "source_paths", None) or [rec.source_path]:
                    skipped[path] = OUTSIDE_REGIONS
            else:
                kept.append(rec)
        return kept

    def _copy_generation(self, serving: Path | None, gen: Path) -> dict:
        """Start the new generation from the serving one; returns its BM25 token cache."""
        if serving is None:
            return {}
        self._copy_catalog_and_vectors(serving, gen)
        return LexicalIndex.load_token_cache(serving)

    def _copy_catalog_and_vectors(self, serving: Path, gen: Path) -> None:
        src = sqlite3.connect(serving / CATALOG_FILE)
        dst = sqlite3.connect(gen / CATALOG_FILE)
        with dst:
            src.backup(dst)      # consistent copy even while the server reads it
        src.close()
        dst.close()
        if not self.settings.chroma_url and (serving / "chroma").is_dir():
            shutil.copytree(serving / "chroma", gen / "chroma")

    def _clean_stale(self) -> None:
        """Remove partial generations left by a crash (and old ones nobody serves)."""
        for stale in generations.stale_generations(self.kb_dir, keep_previous=self._newest_complete_other()):
            self._remove(stale)

    def _newest_complete_other(self) -> Path | None:
        serving = generations.current_generation(self.kb_dir)
        done = sorted(p for p in self.kb_dir.glob(generations.PREFIX + "*")
                      if (p / generations.COMPLETE).is_file() and p != serving) if self.kb_dir.is_dir() else []
        return done[-1] if done else None

    def _remove(self, gen: Path) -> None:
        if self.settings.chroma_url:
            VectorIndex.drop_remote(gen.name, self.settings.chroma_url)
        generations.remove_generation(gen)

    @staticmethod
    def _recorded_files(conn) -> dict:
        from knowledge.catalog import source_files

        return {r.path: (r.content_hash, r.outcome, r.reason) for r in conn.execute(select(source_files))}

    @staticmethod
    def _recorded_skips(catalog: Catalog) -> list[tuple[str, str]]:
        from knowledge.catalog import source_files

        with catalog.engine.connect() as conn:
            return [(r.path, r.reason or "") for r in conn.execute(
                select(source_files).where(source_files.c.outcome == "skipped").order_by(source_files.c.path))]

    @staticmethod
    def _fill_counts(summary: IngestSummary, catalog: Catalog) -> None:
        counts = catalog.counts()
        summary.laws, summary.versions, summary.articles = counts["laws"], counts["versions"], counts["articles"]
        summary.cases, summary.case_sections = counts["cases"], counts["case_sections"]


def _province_name(name: str) -> str:
    """"四川省" → "四川", "广西壮族自治区" → "广西": the part every region of that province starts with."""
    for suffix in _REGION_SUFFIX:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _embedding_priority(doc: IndexDoc) -> int:
    """National current statutes first, then cases, local rules, older versions: a long first
    ingest that gets killed has cached what matters most."""
    return dense_status.PARTS.index(dense_status.part_of(doc))


def catalog_doc_ids_for_sources(catalog: Catalog, paths: set[str]) -> set[str]:
    if not paths:
        return set()
    with catalog.engine.connect() as conn:
        ids = set(conn.execute(select(articles.c.doc_id).join(law_versions, law_versions.c.id == articles.c.version_id)
                               .where(law_versions.c.source_path.in_(paths))).scalars())
        ids |= set(conn.execute(select(case_sections.c.doc_id).join(cases, cases.c.id == case_sections.c.case_id)
                                .where(cases.c.source_path.in_(paths))).scalars())
    return ids


def catalog_doc_ids_for_laws(catalog: Catalog, law_ids: set[int]) -> set[str]:
    if not law_ids:
        return set()
    with catalog.engine.connect() as conn:
        return set(conn.execute(select(articles.c.doc_id).join(law_versions, law_versions.c.id == articles.c.version_id)
                                .where(law_versions.c.law_id.in_(law_ids))).scalars())


def catalog_short_titles(catalog: Catalog) -> list[str]:
    return sorted({row["short_title"] for row in catalog.law_rows().values()})


def copy_remote_vectors(source: VectorIndex, target: VectorIndex) -> None:
    """Chroma server mode: start the new generation's collections from the serving ones."""
    for role, collection in source.collections.items():
        offset = 0
        while True:
            got = collection.get(include=["embeddings", "metadatas"], limit=2000, offset=offset)
            if not got["ids"]:
                break
            target.collections[role].upsert(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"])
            offset += len(got["ids"])


__all__ = ["IngestPipeline", "IngestSummary", "PASSAGE_ARTICLE_CHARS", "ParseError", "passage_text"]
