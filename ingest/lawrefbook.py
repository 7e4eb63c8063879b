"""Parser for one statute file in the LawRefBook markdown layout (see
../shared/laws/SOURCE.md and 法律法规模版.md).

    # title
    # subtitle            (optional: a book of a split code, e.g. 人格权编)
    2007年6月29日 …通过   (header lines: date + event)
    <!-- INFO END -->
    ## 第一章 总则         (编/分编/章/节 headings, any # level)
    第一条 …              (articles; further paragraphs are 款, （一） lines are 项)
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from knowledge.records import LawRecord

from .errors import ParseError
from .metadata import (
    effective_and_status,
    event_dates,
    file_name_date,
    iso,
    issuing_body_for,
    kind_for,
    level_for,
    make_aliases,
    parse_event_line,
    parse_header_events,
    region_for,
    short_title,
)
from .repeals import known_repeals
from .structure import BodyBuilder, normalise_space, strip_html_comments

__all__ = ["parse_law_file", "parse_law_text", "read_text", "build_law_record"]

INFO_END = "<!-- INFO END -->"
_IN_FORCE_RE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:零时)?\s*起\s*(?:施行|实施|生效)")


def read_text(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ParseError(f"cannot read file: {e.strerror or e}") from e
    if not data.strip():
        raise ParseError("empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(f"not UTF-8 text (bad byte at offset {e.start})") from e
    if "\x00" in text:
        raise ParseError("binary file (NUL bytes)")
    return data, text


def rel_posix(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return PurePosixPath(Path(path).resolve().relative_to(Path(root).resolve())).as_posix()
        except ValueError:
            pass
    return PurePosixPath(Path(path)).as_posix()


def parse_law_file(path: str | Path, root: str | Path | None = None) -> LawRecord:
    """Parse one LawRefBook markdown file into a LawRecord.

    ``root`` is the corpus root (source_path/category are taken relative to it).
    Raises ParseError when the file cannot be made sense of (not UTF-8, empty, no title).
    """
    path = Path(path)
    data, text = read_text(path)
    rel = rel_posix(path, Path(root) if root is not None else None)
    return parse_law_text(text, rel, hashlib.sha256(data).hexdigest())


def parse_law_text(text: str, rel: str, content_hash: str) -> LawRecord:
    lines = text.splitlines()
    i = 0
    n = len(lines)
    # skip a YAML front matter block
    while i < n and not lines[i].strip():
        i += 1
    if i < n and lines[i].strip() == "---":
        j = i + 1
        while j < n and lines[j].strip() != "---":
            j += 1
        i = j + 1
    title = None
    subtitle = None
    header: list[str] = []
    has_info_end = INFO_END in text
    # --- title / subtitle / header ---------------------------------------
    while i < n:
        raw = lines[i]
        s = raw.strip()
        if s.startswith("<!--") and "INFO END" in s:
            i += 1
            break
        if not s:
            i += 1
            continue
        if s[0] == "#":
            h = normalise_space(strip_html_comments(s).lstrip("#"))
            level1 = not s.startswith("##")
            if title is None and level1:
                if h:
                    title = h
                i += 1
                continue
            if level1 and subtitle is None and not header and h:
                subtitle = h
                i += 1
                continue
            if not has_info_end:
                break  # first structural heading ends the header
            header.append(h)
            i += 1
            continue
        if title is None:
            break
        if not has_info_end and parse_event_line(s) is None:
            break
        header.append(strip_html_comments(s))
        i += 1
    if not title:
        raise ParseError("no '# title' line at the top")
    # --- body ---------------------------------------------------------------
    base = [subtitle] if subtitle else []
    bb = BodyBuilder(base)
    in_comment = False
    for raw in lines[i:]:
        s = raw.strip()
        if not s:
            continue
        if in_comment:
            if "-->" in s:
                in_comment = False
                s = s.split("-->", 1)[1].strip()
                if not s:
                    continue
            else:
                continue
        if "<!--" in s:
            s2 = strip_html_comments(s)
            if "<!--" in s2:  # unterminated comment opens a block
                in_comment = True
                s2 = s2.split("<!--", 1)[0]
            s = s2.strip()
            if not s:
                continue
        if s[0] == "#":
            bb.heading(s)
        else:
            bb.paragraph(s)
    body = bb.finish()
    if not has_info_end:
        body.warnings.append("no '<!-- INFO END -->' marker (header guessed)")
    return build_law_record(
        rel=rel,
        content_hash=content_hash,
        title=title,
        subtitle=subtitle,
        header_lines=header,
        body=body,
    )


_TITLE_KEY_RE = re.compile(r"[\s\u3000]+")


def _tidy_preamble(body, title: str, events: list) -> None:
    """Drop title lines repeated at the top of the preamble; when the header had no
    dated events, take them from a "（2010年7月30日…通过 根据…修正）" block there."""
    lines = body.preamble.split("\n")
    tkey = _TITLE_KEY_RE.sub("", title)
    i = 0
    while i < len(lines) and i < 4:
        k = _TITLE_KEY_RE.sub("", lines[i])
        if k and len(k) >= 2 and k in tkey and not k[0] in "（(":
            i += 1
        else:
            break
    j = i
    if not events:
        buf = ""
        while j < len(lines) and j < i + 4:
            buf += lines[j]
            j += 1
            if buf.rstrip().endswith(("）", ")")):
                break
        from .metadata import split_event_text

        cand = buf.strip().lstrip("（(").strip()
        if cand[:4].isdigit() and buf.strip()[:1] in "（(" and buf.rstrip().endswith(("）", ")")):
            evs = split_event_text(cand)
            if evs:
                events.extend(evs)
                body.warnings.append("header events taken from the body")
                i = j
    if i:
        rest = "\n".join(lines[i:]).strip()
        body.preamble = rest or None


def build_law_record(*, rel: str, content_hash: str, title: str, subtitle: str | None,
                     header_lines: list[str], body, kind: str | None = None,
                     region: str | None = None, events=None) -> LawRecord:
    parts = tuple(PurePosixPath(rel).parts)
    category = parts[0] if len(parts) > 1 else ""
    if events is None:
        events = parse_header_events(header_lines)
    if body.preamble:
        _tidy_preamble(body, title, events)
    dates = event_dates(events)
    kind = kind or kind_for(category, title)
    level, level_name = level_for(kind)
    reg, province, city = region_for(parts, title)
    if region is not None:
        reg = region
        province = province or None
    version_date = file_name_date(parts[-1] if parts else "") or (max(d for d, _ in events) if events else None)
    if "施行" not in dates:
        # best effort: "本法自2008年1月1日起施行" in one of the last articles
        for a in body.articles[-3:][::-1]:
            m = _IN_FORCE_RE.search(a.text)
            if m:
                d = iso(*m.groups())
                if d:
                    dates["施行"] = d
                    break
    repeal = known_repeals().get(title)
    if repeal is not None:        # a repeal the file does not show: a 废止 date like a header's
        dates["废止"] = repeal.date
        content_hash = repeal.fingerprint(content_hash)
    effective, status = effective_and_status(events, dates, title)
    if repeal is not None:
        events = [*events, (repeal.date, f"{repeal.by}废止")]
    warnings = list(body.warnings)
    if version_date and (effective is None or version_date > effective):
        # The file is a later version than its header says (LawRefBook kept the original
        # 公布 line and the unamended 施行 article): the version date is the best lower bound.
        if effective is not None:
            warnings.append(f"version date {version_date} is later than the header's dates; "
                            f"effective date taken from the file name, not {effective}")
        effective = version_date
    short = short_title(title)
    body_name = issuing_body_for(events, title, category, parts)
    if body_name is None and category == "DLC" and (city or province):
        # no header: local regulations are made by the local people's congress (standing committee)
        place = city or province
        body_name = place + ("人民代表大会" if "人民代表大会关于" in title and "常务委员会" not in title
                             else "人民代表大会常务委员会")
    return LawRecord(
        source_path=rel,
        content_hash=content_hash,
        title=title,
        short_title=short,
        aliases=make_aliases(title, short),
        kind=kind,
        level=level,
        level_name=level_name,
        category=category,
        region=reg,
        issuing_body=body_name,
        events=events,
        dates=dates,
        version_date=version_date,
        effective_date=effective,
        status=status,
        articles=body.articles,
        preamble=body.preamble,
        annex=body.annex,
        warnings=warnings,
        province=province,
        city=city,
        book_titles=[subtitle] if subtitle else [],
        source_paths=[rel],
        subtitle=subtitle,
    )
