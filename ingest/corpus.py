"""Walk a statute corpus folder (LawRefBook layout, e.g. ../shared/laws) and parse it.

    scan_corpus(root)  -> Iterator[SourceFile]
    parse_corpus(root, on_error=callback) -> Iterator[LawRecord | CaseRecord]

Split codes (several files in one folder sharing one ``# title`` with different
``# subtitle`` books, e.g. 民法典/*.md) are merged into one LawRecord ordered by
article number.  ParseErrors are reported through ``on_error(rel_path, reason)`` and
never raised, so one bad file does not stop the ingest.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from knowledge.records import CaseRecord, LawRecord

from .cases import parse_case_file
from .lawrefbook import parse_law_file
from .plaintext import parse_plain_law
from .errors import ParseError

__all__ = ["SourceFile", "scan_corpus", "parse_corpus", "parse_source", "merge_split_code",
           "SKIP_NAMES", "CASE_FOLDERS"]

SKIP_NAMES = {"_index.md", "法律法规模版.md", "SOURCE.md", "README.md", "README", "readme.md"}
CASE_FOLDERS = {"案例"}
_EXTS = {".md": "markdown", ".docx": "plain", ".txt": "plain"}


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute path
    rel: str  # path relative to the corpus root, posix
    kind: str  # "law" | "case"
    format: str  # "markdown" | "plain" (docx/txt)
    category: str  # top folder ("" for files at the root)


def scan_corpus(root: str | Path) -> Iterator[SourceFile]:
    """List the corpus files in a stable order (sorted by directory, then name),
    skipping _index.md, the template, SOURCE.md/README and hidden files."""
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        d = Path(dirpath)
        reld = d.relative_to(root).as_posix()
        reld = "" if reld == "." else reld
        for name in sorted(filenames):
            if name in SKIP_NAMES or name.startswith(".") or name.startswith("~$"):
                continue
            fmt = _EXTS.get(os.path.splitext(name)[1].lower())
            if fmt is None:
                continue
            rel = f"{reld}/{name}" if reld else name
            if not reld and fmt == "markdown":
                continue  # root-level markdown: docs, not statutes
            top = rel.split("/", 1)[0] if reld else ""
            kind = "case" if top in CASE_FOLDERS else "law"
            yield SourceFile(d / name, rel, kind, fmt, top)


def parse_source(sf: SourceFile, root: str | Path) -> LawRecord | CaseRecord:
    if sf.kind == "case":
        return parse_case_file(sf.path, root)
    if sf.format == "plain":
        rec = parse_plain_law(sf.path)
        rec.source_path = sf.rel
        rec.source_paths = [sf.rel]
        return rec
    return parse_law_file(sf.path, root)


def merge_split_code(books: list[LawRecord], folder_rel: str, root: str | Path | None = None) -> LawRecord:
    """Merge the books of one split code (same title, different subtitles) into one
    LawRecord ordered by article number; source_path is the folder."""
    def first_num(r: LawRecord):
        return (r.articles[0].number, r.articles[0].suffix) if r.articles else (10**9, 0)

    books = sorted(books, key=first_num)
    base = books[0]
    articles = []
    seen = set()
    dups = 0
    warnings: list[str] = []
    for b in books:
        for w in b.warnings:
            warnings.append(f"{b.subtitle or b.source_path}: {w}")
        for a in b.articles:
            if a.article_id in seen:
                dups += 1
                continue
            seen.add(a.article_id)
            articles.append(a)
    articles.sort(key=lambda a: (a.number, a.suffix))
    if dups:
        warnings.append(f"merged code: {dups} duplicate article ids dropped")
    # hash of the concatenated files in sorted path order
    h = hashlib.sha256()
    paths = sorted(p for b in books for p in b.source_paths)
    if root is not None:
        for p in paths:
            h.update((Path(root) / p).read_bytes())
    else:
        for b in sorted(books, key=lambda b: b.source_path):
            h.update(b.content_hash.encode())
    events = sorted({e for b in books for e in b.events})
    dates: dict[str, str] = {}
    for b in books:
        for k, v in b.dates.items():
            if k not in dates or v > dates[k]:
                dates[k] = v
    def join(xs):
        xs = [x for x in xs if x]
        return "\n".join(xs) if xs else None
    return LawRecord(
        source_path=folder_rel,
        content_hash=h.hexdigest(),
        title=base.title,
        short_title=base.short_title,
        aliases=base.aliases,
        kind=base.kind,
        level=base.level,
        level_name=base.level_name,
        category=base.category,
        region=base.region,
        issuing_body=base.issuing_body,
        events=events,
        dates=dates,
        version_date=max((b.version_date for b in books if b.version_date), default=None),
        effective_date=max((b.effective_date for b in books if b.effective_date), default=None),
        status=base.status,
        articles=articles,
        preamble=join(b.preamble for b in books),
        annex=join(b.annex for b in books),
        warnings=warnings,
        province=base.province,
        city=base.city,
        book_titles=[b.subtitle for b in books if b.subtitle],
        source_paths=paths,
        subtitle=None,
    )


def _flush_dir(records: list[LawRecord | CaseRecord], folder_rel: str, root) -> Iterable[LawRecord | CaseRecord]:
    groups: dict[str, list[LawRecord]] = {}
    for r in records:
        if isinstance(r, LawRecord) and r.subtitle:
            groups.setdefault(r.title, []).append(r)
    merged_ids = set()
    for title, books in groups.items():
        if len({b.subtitle for b in books}) >= 2:
            for b in books:
                merged_ids.add(id(b))
    emitted = set()
    for r in records:
        if id(r) in merged_ids:
            if r.title not in emitted:
                emitted.add(r.title)
                yield merge_split_code(groups[r.title], folder_rel, root)
            continue
        yield r


def parse_corpus(root: str | Path,
                 on_error: Callable[[str, str], None] | None = None,
                 kinds: set[str] | None = None) -> Iterator[LawRecord | CaseRecord]:
    """Parse every corpus file; yield LawRecord/CaseRecord.  Split codes are merged.
    ParseErrors (and unexpected exceptions, reported as 'internal error: …') go to
    ``on_error(rel_path, reason)``.  ``kinds`` optionally limits to {"law", "case"}."""
    root = Path(root)
    pending: list[LawRecord | CaseRecord] = []
    cur_dir = None
    for sf in scan_corpus(root):
        if kinds and sf.kind not in kinds:
            continue
        d = sf.rel.rsplit("/", 1)[0] if "/" in sf.rel else ""
        if d != cur_dir:
            if pending:
                yield from _flush_dir(pending, cur_dir or "", root)
            pending = []
            cur_dir = d
        try:
            pending.append(parse_source(sf, root))
        except ParseError as e:
            if on_error:
                on_error(sf.rel, str(e))
        except Exception as e:  # noqa: BLE001 - report, keep going
            if on_error:
                on_error(sf.rel, f"internal error: {type(e).__name__}: {e}")
    if pending:
        yield from _flush_dir(pending, cur_dir or "", root)


def corpus_summary(root: str | Path) -> dict:
    """Parse the whole corpus and return statistics (used by ``python -m ingest.corpus``)."""
    import collections
    import time

    errors: list[tuple[str, str]] = []
    t0, c0 = time.perf_counter(), time.process_time()
    laws: list[LawRecord] = []
    cases: list[CaseRecord] = []
    for r in parse_corpus(root, on_error=lambda p, why: errors.append((p, why))):
        (cases if isinstance(r, CaseRecord) else laws).append(r)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    national = [r for r in laws if r.category != "DLC"]
    local = [r for r in laws if r.category == "DLC"]
    warn = collections.Counter()
    for r in [*laws, *cases]:
        for w in r.warnings:
            w = re.sub(r"\s*\(.*$", "", w)
            warn[w.split(": ", 1)[-1]] += 1
    return {
        "files": sum(len(r.source_paths) for r in laws) + len(cases) + len(errors),
        "national_laws": len(national),
        "national_articles": sum(len(r.articles) for r in national),
        "local_laws": len(local),
        "local_articles": sum(len(r.articles) for r in local),
        "cases": len(cases),
        "case_citations": sum(len(c.cited) for c in cases),
        "no_articles": [r.source_path for r in laws if not r.articles],
        "errors": errors,
        "warnings": warn.most_common(),
        "kinds": collections.Counter(r.kind for r in laws),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Parse a statute corpus and print statistics.")
    ap.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "laws"),
                    help="corpus root (default: ../shared/laws relative to the repo)")
    args = ap.parse_args(argv)
    s = corpus_summary(args.root)
    print(f"files parsed: {s['files']}  wall {s['wall_seconds']}s  cpu {s['cpu_seconds']}s")
    print(f"national: {s['national_laws']} instruments, {s['national_articles']} articles")
    print(f"local (DLC): {s['local_laws']} instruments, {s['local_articles']} articles")
    print(f"cases: {s['cases']} ({s['case_citations']} cited articles)")
    print(f"kinds: {dict(s['kinds'])}")
    print(f"no articles: {len(s['no_articles'])}")
    print(f"parse errors: {len(s['errors'])}")
    for p, why in s["errors"]:
        print(f"  {p}: {why}")
    print("warnings (files):")
    for w, n in s["warnings"]:
        print(f"  {n:5d}  {w}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
