"""The catalog: laws, their versions, articles, aliases, typical cases and source files (SQL).

One catalog file per knowledge-base generation (see knowledge/generations.py). Every file of a law
is a version; `current` marks the latest version in force today, and `valid_from`/`valid_to`
(ISO dates, valid_to exclusive) let `as_of` pick the version in force at any date.

The catalog is also the source of truth for the search indexes: every indexed document (an
article or a case section) has a row here with its `doc_id`, text and filter metadata."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Iterator

from sqlalchemy import (Boolean, Column, Engine, ForeignKey, Index, Integer, MetaData, String, Table,
                        Text, UniqueConstraint, and_, delete, func, insert, or_, select, update)

from knowledge.records import CaseRecord, LawRecord

metadata = MetaData()

laws = Table(
    "laws", metadata,
    Column("id", Integer, primary_key=True),
    Column("law_key", String(400), nullable=False, unique=True),   # title|region: one law, many versions
    Column("title", Text, nullable=False),
    Column("short_title", Text, nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("level", Integer, nullable=False),
    Column("level_name", String(20), nullable=False),
    Column("category", String(40), nullable=False),
    Column("region", Text),
)

law_versions = Table(
    "law_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("law_id", Integer, ForeignKey("laws.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source_path", Text, nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False),
    Column("version_date", String(10)),
    Column("effective_date", String(10)),
    Column("status", String(10), nullable=False),          # status as the file states it
    Column("is_current", Boolean, nullable=False, default=False),
    Column("valid_from", String(10), nullable=False),       # ISO; '0001-01-01' when unknown
    Column("valid_to", String(10), nullable=False),         # ISO, exclusive; '9999-12-31' when open
    Column("issuing_body", Text),
    Column("dates_json", Text, nullable=False, default="{}"),
    Column("events_json", Text, nullable=False, default="[]"),
    Column("preamble", Text),
    Column("annex", Text),
    Column("warnings_json", Text, nullable=False, default="[]"),
)

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", Integer, ForeignKey("law_versions.id", ondelete="CASCADE"), nullable=False),
    Column("doc_id", String(80), nullable=False, unique=True),
    Column("ordinal", Integer, nullable=False),
    Column("article_id", String(20), nullable=False),
    Column("number", Integer, nullable=False),
    Column("suffix", Integer, nullable=False),
    Column("label", String(40), nullable=False),
    Column("path_json", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("clauses_json", Text, nullable=False),
    Index("ix_articles_version_article", "version_id", "article_id"),
)

aliases = Table(
    "aliases", metadata,
    Column("alias", Text, nullable=False),
    Column("law_id", Integer, ForeignKey("laws.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("alias", "law_id"),
    Index("ix_aliases_alias", "alias"),
)

cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_path", Text, nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("holding", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("keywords_json", Text, nullable=False, default="[]"),
)

case_sections = Table(
    "case_sections", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("doc_id", String(80), nullable=False, unique=True),
    Column("ordinal", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("text", Text, nullable=False),
)

case_citations = Table(
    "case_citations", metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("law_title", Text, nullable=False),
    Column("article_id", String(20), nullable=False),
    Column("raw", Text, nullable=False),
    Column("law_id", Integer, ForeignKey("laws.id", ondelete="SET NULL")),  # linked after ingest
)

source_files = Table(
    "source_files", metadata,
    Column("path", Text, primary_key=True),                 # relative to the ingested root, posix
    Column("content_hash", String(64), nullable=False),
    Column("outcome", String(10), nullable=False),          # law / case / skipped
    Column("reason", Text),
)

kb_meta = Table(
    "kb_meta", metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

OPEN_START = "0001-01-01"
OPEN_END = "9999-12-31"
REPEALED = "已废止"


def law_key(title: str, region: str | None) -> str:
    return f"{title}|{region or ''}"


def stable_doc_id(prefix: str, source_path: str, local_id: str) -> str:
    """Ids that survive re-ingests: the same file + article keeps its id in every generation."""
    digest = hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:16]
    return f"{prefix}:{digest}:{local_id}"


@dataclass
class IndexDoc:
    """One searchable document as the indexes see it (an article or a case section)."""

    doc_id: str
    kind: str                 # statute | case
    text: str                 # the article / section text
    title: str                # law short title or case title
    path: list[str]
    label: str                # 第三十八条 / section name
    level: str
    region: str
    category: str
    current: bool             # in the default search set (current version, not repealed)
    valid_from: str
    valid_to: str


class Catalog:
    """SQL access to one generation's catalog. Writes happen only during ingest."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    # ---- writing -------------------------------------------------------------------------
    def add_law_version(self, conn, rec: LawRecord) -> int:
        """Insert one version (creating its law row if new). Current flags are set later by
        `refresh_validity` once every version of the law is known."""
        key = law_key(rec.title, rec.region)
        law_id = conn.execute(select(laws.c.id).where(laws.c.law_key == key)).scalar()
        if law_id is None:
            law_id = conn.execute(insert(laws).values(
                law_key=key, title=rec.title, short_title=rec.short_title, kind=rec.kind,
                level=rec.level, level_name=rec.level_name, category=rec.category,
                region=rec.region)).inserted_primary_key[0]
        names = {normalise_title(a) for a in (rec.title, rec.short_title, *rec.aliases) if a}
        _insert_ignoring_duplicates(conn, aliases, [{"alias": a, "law_id": law_id} for a in names if a])
        version_id = conn.execute(insert(law_versions).values(
            law_id=law_id, source_path=rec.source_path, content_hash=rec.content_hash,
            version_date=rec.version_date, effective_date=rec.effective_date, status=rec.status,
            is_current=False, valid_from=rec.effective_date or rec.version_date or OPEN_START,
            valid_to=OPEN_END, issuing_body=rec.issuing_body,
            dates_json=json.dumps(rec.dates, ensure_ascii=False),
            events_json=json.dumps(rec.events, ensure_ascii=False), preamble=rec.preamble,
            annex=rec.annex, warnings_json=json.dumps(rec.warnings, ensure_ascii=False),
        )).inserted_primary_key[0]
        rows = []
        seen: set[str] = set()
        for ordinal, art in enumerate(rec.articles):
            if art.article_id in seen:   # a duplicated label in the source: keep the first
                continue
            seen.add(art.article_id)
            rows.append({
                "version_id": version_id, "ordinal": ordinal,
                "doc_id": stable_doc_id("a", rec.source_path, art.article_id),
                "article_id": art.article_id, "number": art.number, "suffix": art.suffix,
                "label": art.label, "path_json": json.dumps(art.path, ensure_ascii=False),
                "text": art.text,
                "clauses_json": json.dumps([{"text": c.text, "items": [{"number": i.number, "text": i.text}
                                                                        for i in c.items]}
                                            for c in art.clauses], ensure_ascii=False),
            })
        if rows:
            conn.execute(insert(articles), rows)
        return law_id

    def add_case(self, conn, rec: CaseRecord) -> int:
        case_id = conn.execute(insert(cases).values(
            source_path=rec.source_path, content_hash=rec.content_hash, title=rec.title,
            holding=rec.holding, category=rec.category,
            keywords_json=json.dumps(rec.keywords, ensure_ascii=False))).inserted_primary_key[0]
        sections = [{"case_id": case_id, "ordinal": i, "name": s.name, "text": s.text,
                     "doc_id": stable_doc_id("c", rec.source_path, str(i))}
                    for i, s in enumerate(rec.sections) if s.text.strip()]
        if sections:
            conn.execute(insert(case_sections), sections)
        if rec.cited:
            conn.execute(insert(case_citations), [
                {"case_id": case_id, "law_title": c.law_title, "article_id": c.article_id, "raw": c.raw}
                for c in rec.cited])
        return case_id

    def remove_source(self, conn, source_path: str) -> set[int]:
        """Delete the version or case that came from `source_path`; returns affected law ids."""
        affected = set(conn.execute(select(law_versions.c.law_id).where(
            law_versions.c.source_path == source_path)).scalars())
        conn.execute(delete(articles).where(articles.c.version_id.in_(
            select(law_versions.c.id).where(law_versions.c.source_path == source_path))))
        conn.execute(delete(law_versions).where(law_versions.c.source_path == source_path))
        case_ids = select(cases.c.id).where(cases.c.source_path == source_path)
        conn.execute(delete(case_sections).where(case_sections.c.case_id.in_(case_ids)))
        conn.execute(delete(case_citations).where(case_citations.c.case_id.in_(case_ids)))
        conn.execute(delete(cases).where(cases.c.source_path == source_path))
        return affected

    def drop_orphan_laws(self, conn) -> None:
        orphan = select(laws.c.id).where(~laws.c.id.in_(select(law_versions.c.law_id)))
        conn.execute(delete(aliases).where(aliases.c.law_id.in_(orphan)))
        conn.execute(update(case_citations).where(case_citations.c.law_id.in_(orphan)).values(law_id=None))
        conn.execute(delete(laws).where(laws.c.id.in_(orphan)))

    def refresh_validity(self, conn, law_ids: Iterable[int] | None = None, today: str | None = None) -> None:
        """Recompute current flag and validity window of every version of the given laws.

        Versions are ordered by effective date (then version date); each is valid until the next
        one takes effect. current = the latest version whose effective date is not after today."""
        today = today or date.today().isoformat()
        query = select(law_versions.c.id, law_versions.c.law_id, law_versions.c.valid_from,
                       law_versions.c.version_date, law_versions.c.dates_json)
        if law_ids is not None:
            ids = list(law_ids)
            if not ids:
                return
            query = query.where(law_versions.c.law_id.in_(ids))
        by_law: dict[int, list] = {}
        for row in conn.execute(query):
            by_law.setdefault(row.law_id, []).append(row)
        updates = []
        for versions in by_law.values():
            versions.sort(key=lambda r: (r.valid_from, r.version_date or "", r.id))
            in_force = [v for v in versions if v.valid_from <= today]
            current_id = in_force[-1].id if in_force else None
            for i, v in enumerate(versions):
                valid_to = versions[i + 1].valid_from if i + 1 < len(versions) else OPEN_END
                # a repeal ends the version's validity (as_of searches after it leave it out)
                repealed = json.loads(v.dates_json or "{}").get("废止")
                if repealed and v.valid_from < repealed < valid_to:
                    valid_to = repealed
                updates.append({"vid": v.id, "cur": v.id == current_id, "vto": valid_to})
        for u in updates:
            conn.execute(update(law_versions).where(law_versions.c.id == u["vid"])
                         .values(is_current=u["cur"], valid_to=u["vto"]))

    def link_case_citations(self, conn) -> int:
        """Link every case citation to the law it names (by title or alias); returns links made."""
        alias_map = self.alias_map(conn)
        rows = conn.execute(select(case_citations.c.id, case_citations.c.law_title)
                            .where(case_citations.c.law_id.is_(None))).all()
        linked = 0
        for row in rows:
            law_id = alias_map.get(normalise_title(row.law_title))
            if law_id is not None:
                conn.execute(update(case_citations).where(case_citations.c.id == row.id).values(law_id=law_id))
                linked += 1
        return linked

    def record_source_files(self, conn, files: dict[str, tuple[str, str, str | None]]) -> None:
        """Replace the source-file table: path -> (hash, outcome, reason)."""
        conn.execute(delete(source_files))
        if files:
            conn.execute(insert(source_files), [
                {"path": p, "content_hash": h, "outcome": o, "reason": r} for p, (h, o, r) in files.items()])

    def set_meta(self, conn, key: str, value: str) -> None:
        conn.execute(delete(kb_meta).where(kb_meta.c.key == key))
        conn.execute(insert(kb_meta).values(key=key, value=value))

    # ---- reading -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(kb_meta.c.value).where(kb_meta.c.key == key)).scalar()

    def source_file_hashes(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(source_files.c.path, source_files.c.content_hash)).all())

    def source_hashes(self, conn=None) -> dict[str, str]:
        """source_path -> content_hash of every ingested version and case (record level)."""
        def _read(c):
            rows = list(c.execute(select(law_versions.c.source_path, law_versions.c.content_hash)))
            rows += list(c.execute(select(cases.c.source_path, cases.c.content_hash)))
            return dict(rows)
        if conn is not None:
            return _read(conn)
        with self.engine.connect() as c:
            return _read(c)

    def alias_map(self, conn=None) -> dict[str, int]:
        """Normalised alias/title -> law id. When an alias is shared, prefer the higher-level,
        national law (lower level number, no region)."""
        def _read(c):
            rows = c.execute(select(aliases.c.alias, laws.c.id, laws.c.level, laws.c.region)
                             .join(laws, laws.c.id == aliases.c.law_id)).all()
            best: dict[str, tuple] = {}
            for alias, law_id, level, region in rows:
                rank = (region is not None, level, law_id)
                key = normalise_title(alias)
                if key not in best or rank < best[key][0]:
                    best[key] = (rank, law_id)
            return {k: v[1] for k, v in best.items()}
        if conn is not None:
            return _read(conn)
        with self.engine.connect() as c:
            return _read(c)

    def law_rows(self) -> dict[int, dict]:
        with self.engine.connect() as conn:
            return {r.id: dict(r._mapping) for r in conn.execute(select(laws))}

    def find_version(self, law_id: int, as_of: str | None = None) -> dict | None:
        """The current version, or the one in force at `as_of` (ISO date)."""
        with self.engine.connect() as conn:
            q = select(law_versions).where(law_versions.c.law_id == law_id)
            if as_of is None:
                row = conn.execute(q.where(law_versions.c.is_current.is_(True))).first()
                if row is None:   # nothing in force yet: the earliest version
                    row = conn.execute(q.order_by(law_versions.c.valid_from)).first()
            else:
                row = conn.execute(q.where(and_(law_versions.c.valid_from <= as_of,
                                                law_versions.c.valid_to > as_of))).first()
            return dict(row._mapping) if row else None

    def get_article_row(self, version_id: int, article_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(and_(
                articles.c.version_id == version_id, articles.c.article_id == article_id))).first()
            return dict(row._mapping) if row else None

    def case_citations_of(self, case_title: str) -> list[dict]:
        """The articles a typical case cites: law id (None if not in the catalog), article id, raw."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(case_citations.c.law_id, case_citations.c.article_id, case_citations.c.raw)
                                .join(cases, cases.c.id == case_citations.c.case_id)
                                .where(cases.c.title == case_title).order_by(case_citations.c.id))
            return [dict(r._mapping) for r in rows]

    def article_detail(self, doc_id: str) -> dict | None:
        """Label and 款/项 structure of one article."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles.c.label, articles.c.clauses_json)
                               .where(articles.c.doc_id == doc_id)).first()
            return {"label": row.label, "clauses": json.loads(row.clauses_json)} if row else None

    def article_versions(self, doc_id: str) -> list[dict]:
        """The same article (law and number) in every version of its law, oldest first, with each
        version's dates and status today; [] for an unknown doc id or a case section."""
        with self.engine.connect() as conn:
            base = conn.execute(select(articles.c.article_id, law_versions.c.law_id)
                                .join(law_versions, law_versions.c.id == articles.c.version_id)
                                .where(articles.c.doc_id == doc_id)).first()
            if base is None:
                return []
            rows = conn.execute(select(articles.c.doc_id, articles.c.text, law_versions.c.effective_date,
                                       law_versions.c.version_date, law_versions.c.status, law_versions.c.is_current,
                                       law_versions.c.valid_to)
                                .join(law_versions, law_versions.c.id == articles.c.version_id)
                                .where(law_versions.c.law_id == base.law_id, articles.c.article_id == base.article_id)
                                .order_by(law_versions.c.valid_from)).all()
            return [{"doc_id": r.doc_id, "text": r.text, "effective_date": r.effective_date,
                     "version_date": r.version_date, "status": effective_status(r), "current": bool(r.is_current)}
                    for r in rows]

    def search_laws(self, q: str | None, limit: int = 50, kind: str | None = None) -> list[dict]:
        """Title search (substring of title or alias) with each law's current version summary."""
        with self.engine.connect() as conn:
            query = select(laws.c.id).distinct()
            if q:
                like = f"%{q}%"
                query = query.join(aliases, aliases.c.law_id == laws.c.id, isouter=True).where(
                    or_(laws.c.title.like(like), aliases.c.alias.like(like)))
            if kind:
                query = query.where(laws.c.kind == kind)
            ids = [r for r in conn.execute(query.limit(limit * 4)).scalars()]
            if not ids:
                return []
            out = []
            law_by_id = {r.id: r for r in conn.execute(select(laws).where(laws.c.id.in_(ids)))}
            versions: dict[int, list] = {}
            for v in conn.execute(select(law_versions).where(law_versions.c.law_id.in_(ids))
                                  .order_by(law_versions.c.valid_from)):
                versions.setdefault(v.law_id, []).append(v)
            for law_id in ids:
                law = law_by_id[law_id]
                vs = versions.get(law_id, [])
                current = next((v for v in vs if v.is_current), vs[-1] if vs else None)
                out.append({
                    "law": law.short_title, "law_title": law.title, "kind": law.kind,
                    "level": law.level_name, "region": law.region,
                    "status": effective_status(current) if current else None,
                    "effective_date": current.effective_date if current else None,
                    "dates": json.loads(current.dates_json) if current else {},
                    "versions": [{"effective_date": v.effective_date, "version_date": v.version_date,
                                  "status": effective_status(v), "current": bool(v.is_current)} for v in vs],
                })
            # exact and shorter titles first: "劳动法" before "劳动合同法" for q=劳动法
            out.sort(key=lambda r: (q not in (r["law"], r["law_title"]) if q else False,
                                    r["region"] is not None, len(r["law_title"])))
            return out[:limit]

    def iter_index_docs(self, conn=None) -> Iterator[IndexDoc]:
        """Every searchable document with its filter metadata, in a stable order."""
        def _read(c):
            q = (select(articles.c.doc_id, articles.c.text, articles.c.label, articles.c.path_json,
                        laws.c.short_title, laws.c.level_name, laws.c.region, laws.c.category,
                        law_versions.c.is_current, law_versions.c.status, law_versions.c.valid_from,
                        law_versions.c.valid_to)
                 .join(law_versions, law_versions.c.id == articles.c.version_id)
                 .join(laws, laws.c.id == law_versions.c.law_id)
                 .order_by(articles.c.doc_id))
            for r in c.execute(q):
                yield IndexDoc(doc_id=r.doc_id, kind="statute", text=r.text, title=r.short_title,
                               path=json.loads(r.path_json), label=r.label, level=r.level_name,
                               region=r.region or "", category=r.category,
                               current=bool(r.is_current) and r.status != REPEALED,
                               valid_from=r.valid_from, valid_to=r.valid_to)
            q = (select(case_sections.c.doc_id, case_sections.c.text, case_sections.c.name,
                        cases.c.title, cases.c.category)
                 .join(cases, cases.c.id == case_sections.c.case_id).order_by(case_sections.c.doc_id))
            for r in c.execute(q):
                yield IndexDoc(doc_id=r.doc_id, kind="case", text=r.text, title=r.title, path=[],
                               label=r.name, level="案例", region="", category=r.category,
                               current=True, valid_from=OPEN_START, valid_to=OPEN_END)
        if conn is not None:
            yield from _read(conn)
        else:
            with self.engine.connect() as c:
                yield from _read(c)

    def docs_for_hits(self, doc_ids: list[str]) -> dict[str, dict]:
        """Everything a Hit needs for the given doc ids (one query per kind)."""
        out: dict[str, dict] = {}
        art_ids = [d for d in doc_ids if d.startswith("a:")]
        case_ids = [d for d in doc_ids if d.startswith("c:")]
        with self.engine.connect() as conn:
            if art_ids:
                q = (select(articles.c.doc_id, articles.c.article_id, articles.c.text, articles.c.path_json,
                            laws.c.short_title, laws.c.title, laws.c.level_name, laws.c.region,
                            law_versions.c.id.label("version_id"), law_versions.c.effective_date,
                            law_versions.c.status, law_versions.c.is_current, law_versions.c.valid_to)
                     .join(law_versions, law_versions.c.id == articles.c.version_id)
                     .join(laws, laws.c.id == law_versions.c.law_id)
                     .where(articles.c.doc_id.in_(art_ids)))
                for r in conn.execute(q):
                    out[r.doc_id] = {
                        "kind": "statute", "law": r.short_title, "law_title": r.title,
                        "article_id": r.article_id, "text": r.text, "path": json.loads(r.path_json),
                        "level": r.level_name, "region": r.region, "effective_date": r.effective_date,
                        "status": effective_status(r), "version_id": r.version_id}
            if case_ids:
                q = (select(case_sections.c.doc_id, case_sections.c.name, case_sections.c.text,
                            cases.c.title, cases.c.category)
                     .join(cases, cases.c.id == case_sections.c.case_id)
                     .where(case_sections.c.doc_id.in_(case_ids)))
                for r in conn.execute(q):
                    out[r.doc_id] = {"kind": "case", "case_title": r.title, "section": r.name,
                                     "text": r.text, "path": [], "level": "案例", "region": None}
        return out

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            def n(t):
                return conn.execute(select(func.count()).select_from(t)).scalar()
            return {"laws": n(laws), "versions": n(law_versions), "articles": n(articles),
                    "cases": n(cases), "case_sections": n(case_sections)}


def effective_status(version) -> str:
    """Status as of today: a superseded version is 已被修改 even if its file says 有效."""
    status = version.status
    if status == REPEALED:
        return status
    if version.is_current:
        return status if status != "已被修改" else "有效"
    if (version.valid_to or OPEN_END) <= date.today().isoformat():
        return "已被修改"
    return "尚未生效"


def _insert_ignoring_duplicates(conn, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(insert(table).prefix_with("OR IGNORE"), rows)


def normalise_title(name: str) -> str:
    name = name.strip().strip("《》").replace(" ", "")
    if name.startswith("中华人民共和国"):
        name = name[len("中华人民共和国"):]
    return name
