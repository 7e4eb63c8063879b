"""Parser for typical-case files (案例/…/*.md): ``# holding``, optional header,
``<!-- INFO END -->``, then ``##`` sections (基本案情 / 裁判结果 / 典型意义 …).
Also the cited-article extractor used for any free text."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from .lawrefbook import read_text, rel_posix
from .numerals import NUM_CHARS, article_id, cn_to_int
from .records import CaseRecord, CaseSection, CitedArticle, ParseError
from .structure import normalise_space, strip_html_comments

__all__ = ["parse_case_file", "parse_case_text", "extract_citations", "SECTION_WORDS"]

SECTION_WORDS = {
    "基本案情", "简要案情", "案情回顾", "案情简介", "案情", "裁判结果", "处理结果", "裁判理由", "法院裁判",
    "典型意义", "裁判要点", "裁判要旨", "关键词", "相关法条", "司法解释相关法条", "案例分析", "适用解析",
    "法官解读", "原告诉讼请求", "申请人请求", "诉讼请求", "争议焦点", "法律依据", "专家点评", "评析",
    "案例评析", "办案过程", "审理结果", "裁判依据", "指导意义", "基本事实", "处理情况", "案件焦点",
}

_N = "[" + NUM_CHARS + "]+"
_ART = r"第(" + _N + r")条(?:之(" + _N + r"))?(?:第" + _N + r"款)?(?:第" + _N + r"项)?"
_ART_RE = re.compile(_ART)
# 《title》[（note）] 第X条[第Y款][第Z项]（、|和|及|以及|，第…）*
_CITE_RE = re.compile(
    r"《([^《》\n]{2,80})》(?:[（(][^（）()\n]{0,30}[）)])?((?:" + _ART
    + r"(?:(?:、|和|及|以及|与|或者|，|,)(?=第))?)+)"
)
_CONT_RE = re.compile(r"(同法|该法|本法|该条例|同条例|该解释|同一法律)((?:" + _ART
                      + r"(?:(?:、|和|及|以及|与|或者|，|,)(?=第))?)+)")


def _ids(span: str) -> list[str]:
    out = []
    for m in _ART_RE.finditer(span):
        try:
            n = cn_to_int(m.group(1))
            s = cn_to_int(m.group(2)) if m.group(2) else 0
        except ValueError:
            continue
        aid = article_id(n, s)
        if aid not in out:
            out.append(aid)
    return out


def extract_citations(text: str) -> list[CitedArticle]:
    """Cited articles in free text: 《劳动合同法》第三十八条、第四十六条 → two
    CitedArticle; 第X条第Y款 keeps the article; 同法/该法第Z条 continues the last law."""
    events: list[tuple[int, str, str, str]] = []  # (pos, title, span, raw)
    for m in _CITE_RE.finditer(text):
        events.append((m.start(), m.group(1).strip(), m.group(2), m.group(0)))
    conts = []
    if "法第" in text or "例第" in text or "释第" in text or "律第" in text:
        conts = [(m.start(), None, m.group(2), m.group(0)) for m in _CONT_RE.finditer(text)]
    out: list[CitedArticle] = []
    seen: set[tuple[str, str]] = set()
    last_title = None
    for pos, title, span, raw in sorted(events + conts, key=lambda e: e[0]):
        if title is None:
            if last_title is None:
                continue
            title = last_title
        else:
            last_title = title
        for aid in _ids(span):
            key = (title, aid)
            if key in seen:
                continue
            seen.add(key)
            out.append(CitedArticle(title, aid, raw))
    return out


def parse_case_file(path: str | Path, root: str | Path | None = None) -> CaseRecord:
    path = Path(path)
    data, text = read_text(path)
    rel = rel_posix(path, Path(root) if root is not None else None)
    return parse_case_text(text, rel, hashlib.sha256(data).hexdigest())


def _is_case_name(h: str) -> bool:
    t = h.replace(" ", "")
    if t in SECTION_WORDS or any(t.startswith(w) for w in SECTION_WORDS):
        return False
    return ("诉" in t or t.endswith("案") or "案" in t[-4:]) and len(t) <= 80


def parse_case_text(text: str, rel: str, content_hash: str) -> CaseRecord:
    parts = PurePosixPath(rel).parts
    category = parts[1] if len(parts) > 2 else (parts[0] if len(parts) > 1 else "")
    heading = None
    sections: list[CaseSection] = []
    case_name = None
    cur_name = None
    cur_lines: list[str] = []
    preamble: list[str] = []
    warnings: list[str] = []

    def close():
        if cur_name is not None:
            sections.append(CaseSection(cur_name, "\n".join(cur_lines).strip()))

    for raw in text.splitlines():
        s = raw.strip()
        if not s:
            continue
        if "<!--" in s:
            s = strip_html_comments(s).strip()
            if not s:
                continue
        if s[0] == "#":
            h = normalise_space(s.lstrip("#"))
            level = len(s) - len(s.lstrip("#"))
            if heading is None and level == 1:
                heading = h
                continue
            if not h:
                continue
            if case_name is None and _is_case_name(h):
                case_name = h
                close()
                cur_name, cur_lines = None, []
                continue
            close()
            cur_name, cur_lines = h, []
            continue
        if cur_name is None:
            preamble.append(s)
        else:
            cur_lines.append(s)
    close()
    if heading is None and not sections:
        raise ParseError("no '# title' line and no '##' sections")
    if heading is None:
        warnings.append("no '# title' line")
        heading = case_name or PurePosixPath(rel).stem
    if preamble:
        sections.insert(0, CaseSection("", "\n".join(preamble)))
    if not sections:
        warnings.append("no sections")
    title = case_name or heading
    holding = heading
    if case_name is None or case_name == heading:
        for sec in sections:
            if sec.name in ("裁判要点", "裁判要旨") and sec.text:
                holding = sec.text
                break
    keywords: list[str] = []
    for sec in sections:
        if sec.name == "关键词":
            keywords = [k for k in re.split(r"[、，,；;\s]+", sec.text.rstrip("。.")) if k]
            break
    cited = extract_citations(text)
    return CaseRecord(
        source_path=rel,
        content_hash=content_hash,
        title=title,
        holding=holding,
        category=category,
        sections=sections,
        cited=cited,
        keywords=keywords,
        warnings=warnings,
        heading=heading,
    )
