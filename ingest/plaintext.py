"""Parser for a single statute downloaded from the national laws database
(flk.npc.gov.cn) as .docx or .txt.

Typical layout::

    中华人民共和国劳动合同法            (title; sometimes split over two lines)
    （2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过　根据2012年12月28日…修正）
    目　　录                          (optional table of contents: skipped)
    第一章　总　　则
    …
    第一章　总　　则
    第一条　为了完善劳动合同制度，…

Article/heading/item logic is shared with the markdown parser (structure.py).
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from knowledge.records import LawRecord

from .errors import ParseError
from .lawrefbook import build_law_record
from .metadata import PROVINCES, issuing_body_for, split_event_text
from .structure import (
    HEADING_RE,
    BodyBuilder,
    match_article_start,
    normalise_space,
)

__all__ = ["parse_plain_law", "parse_plain_lines", "read_plain_lines", "split_header_events"]

_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_TOC_WORDS = {"目录", "目次"}


def read_plain_lines(path: Path) -> tuple[bytes, list[str], list[str]]:
    """Return (file bytes, lines, warnings) for a .docx or .txt file."""
    path = Path(path)
    warnings: list[str] = []
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ParseError(f"cannot read file: {e.strerror or e}") from e
    if not data.strip():
        raise ParseError("empty file")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            import docx  # python-docx
        except ImportError as e:  # pragma: no cover
            raise ParseError("python-docx is not installed; cannot read .docx") from e
        try:
            d = docx.Document(str(path))
        except Exception as e:  # noqa: BLE001 - any zip/xml error means a broken file
            raise ParseError(f"not a readable .docx file ({type(e).__name__})") from e
        lines = []
        for p in d.paragraphs:
            # a paragraph may hold soft line breaks
            lines.extend(p.text.split("\n"))
        for t in d.tables:
            for row in t.rows:
                lines.append(" | ".join(c.text.strip() for c in row.cells))
        return data, lines, warnings
    if suffix in (".txt", ".text", ""):
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes almost anything
            raise ParseError("text file is neither UTF-8 nor GB18030")
        if enc == "gb18030":
            warnings.append("decoded as GB18030 (not UTF-8)")
        if "\x00" in text:
            raise ParseError("binary file (NUL bytes)")
        return data, text.splitlines(), warnings
    raise ParseError(f"unsupported file type {suffix!r} (expected .docx or .txt)")


def split_header_events(header: str) -> list[tuple[str, str]]:
    """Header parenthetical -> [(iso date, event text)] (see metadata.split_event_text)."""
    return split_event_text(header)


def _is_header_start(s: str) -> bool:
    return s[:1] in "（(" and bool(_DATE_RE.search(s[:20]))


def _norm_key(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s)


def parse_plain_lines(lines: list[str], *, source_name: str, content_hash: str,
                      kind: str | None = None, region: str | None = None,
                      warnings: list[str] | None = None) -> LawRecord:
    lines = [ln.replace("\u00a0", " ").strip() for ln in lines]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise ParseError("no text in file")
    i = 0
    n = len(lines)
    # --- title: lines up to the header parenthetical / 目录 / first heading or article
    title_parts: list[str] = []
    while i < n:
        s = lines[i]
        if _is_header_start(s) or _norm_key(s) in _TOC_WORDS or HEADING_RE.match(normalise_space(s)) \
                or match_article_start(s) is not None:
            break
        if len(title_parts) >= 3:
            break
        title_parts.append(s)
        i += 1
    if not title_parts:
        raise ParseError("no title line at the top")
    title = _norm_key("".join(title_parts))
    if len(title) > 120:
        raise ParseError("no title line at the top (first line is body text)")
    # --- header parenthetical (may span lines until the closing bracket)
    header = ""
    if i < n and _is_header_start(lines[i]):
        buf = lines[i]
        i += 1
        while not (buf.rstrip().endswith("）") or buf.rstrip().endswith(")")) and i < n \
                and match_article_start(lines[i]) is None and not HEADING_RE.match(lines[i]):
            buf += lines[i]
            i += 1
        header = buf
    events = split_header_events(header) if header else []
    # --- body with table of contents skipped
    bb = BodyBuilder()
    toc_entries: list[str] = []
    in_toc = False
    skipped_toc = 0
    while i < n:
        s = lines[i]
        i += 1
        key = _norm_key(s)
        if not toc_entries and not in_toc and key in _TOC_WORDS and not bb.arts:
            in_toc = True
            continue
        if in_toc:
            is_art = match_article_start(s) is not None
            if not is_art and (not toc_entries or key != toc_entries[0]):
                if len(s) <= 60:
                    toc_entries.append(key)
                    skipped_toc += 1
                    continue
            in_toc = False  # TOC ends at the first article or a repeated first entry
        ns = normalise_space(s)
        if HEADING_RE.match(ns) and match_article_start(ns) is None and len(ns) <= 60:
            bb.heading(ns)
        elif key in ("序言",) and not bb.arts:
            bb.heading(key)
        elif key[:2] in ("附件", "附表", "附录") and len(key) <= 40 and bb.arts:
            bb.heading(ns)
        else:
            bb.paragraph(s)
    body = bb.finish()
    if skipped_toc:
        body.warnings.append(f"skipped table of contents ({skipped_toc} lines)")
    if warnings:
        body.warnings[:0] = warnings
    guessed = kind or _guess_kind(title, events)
    rec = build_law_record(
        rel=source_name,
        content_hash=content_hash,
        title=title,
        subtitle=None,
        header_lines=[],
        body=body,
        kind=guessed,
        events=events,
    )
    if kind is None:
        rec.warnings.append(f"kind guessed as {guessed}")
    rec.issuing_body = rec.issuing_body or issuing_body_for(events, title, "")
    if region:
        rec.region = region
        for short, full in PROVINCES.items():
            if region.startswith(full) or region.startswith(short):
                rec.province = full
                rest = region[len(full):] if region.startswith(full) else region[len(short):]
                rec.city = rest or None
                break
    return rec


def _guess_kind(title: str, events: list[tuple[str, str]]) -> str:
    body = issuing_body_for(events, title, "") or ""
    if title.endswith("宪法") or "宪法修正案" in title:
        return "constitution"
    if body.startswith("全国人民代表大会"):
        return "law"
    if body.startswith("最高人民"):
        return "judicial_interpretation"
    if body.startswith("国务院"):
        return "administrative_regulation"
    if "人民代表大会" in body:
        return "local_regulation"
    if title.startswith("中华人民共和国") and title.endswith("法"):
        return "law"
    return "other"


def parse_plain_law(path: str | Path, *, kind: str | None = None, region: str | None = None) -> LawRecord:
    """Parse a .docx or .txt statute (flk.npc.gov.cn download) into a LawRecord.
    ``kind`` overrides the guessed kind (law/administrative_regulation/…); ``region``
    sets the region of a local regulation (e.g. "浙江省杭州市")."""
    path = Path(path)
    data, lines, warnings = read_plain_lines(path)
    return parse_plain_lines(lines, source_name=path.name, content_hash=hashlib.sha256(data).hexdigest(),
                             kind=kind, region=region, warnings=warnings)
