"""Parser for typical-case files (案例/…/*.md): ``# holding``, optional header,
``<!-- INFO END -->``, then ``##`` sections (基本案情 / 裁判结果 / 典型意义 …).
Also the cited-article extractor used for any free text."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from knowledge.numerals import NUM_CHARS, article_id, cn_to_int
from knowledge.records import CaseRecord, CaseSection, CitedArticle

from .errors import ParseError
from .lawrefbook import read_text, rel_posix
from .metadata import iso
from .structure import normalise_space, strip_html_comments

__all__ = ["parse_case_file", "parse_case_text", "extract_citations", "SECTION_WORDS"]

SECTION_WORDS = {
    "基本案情", "简要案情", "案情回顾", "案情简介", "案情", "裁判结果", "处理结果", "裁判理由", "法院裁判",
    "典型意义", "裁判要点", "裁判要旨", "关键词", "相关法条", "司法解释相关法条", "案例分析", "适用解析",
    "法官解读", "原告诉讼请求", "申请人请求", "诉讼请求", "争议焦点", "法律依据", "专家点评", "评析",
    "案例评析", "办案过程", "审理结果", "裁判依据", "指导意义", "基本事实", "处理情况", "案件焦点",
}

_DATE_ANY_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})")
_N = "[" + NUM_CHARS + "]+"
_ART = (r"第(" + _N + r")条(?:之(" + _N + r"))?(?:第" + _N + r"款)?(?:第[（(]?" + _N + r"[）)]?项)?")
_ART_RE = re.compile(_ART)
_JOIN = r"(?:(?:、|和|及|以及|与|或者|，|,)(?=第))?"
_ARTS = r"((?:" + _ART + _JOIN + r")+)"
# 《title》[（note）] 第X条[第Y款][第Z项]（、|和|及|以及|，第…）*
_CITE_RE = re.compile(r"《([^《》\n]{2,80})》(?:[（(][^（）()\n]{0,30}[）)])?" + _ARTS)
# unbracketed: 反垄断法第十七条 / 民法典第四百九十六条 / 中华人民共和国劳动法第四条
_BARE_RE = re.compile(r"([\u4e00-\u9fff]{1,16}?(?:法典|法|条例))" + _ARTS)
_CONT_RE = re.compile(r"(同法|该法|本法|该条例|同条例|该解释|同一法律|”)\s*" + _ARTS)
_ALIAS_RE = re.compile(r"《([^《》\n]{2,80})》[^《》\n]{0,40}?[（(](?:以下)?简称《?([^《》（）()\n]{2,30}?)》?[）)]")
_BARE_CUT_WORDS = ("根据", "依据", "依照", "按照", "适用", "参照", "违反", "构成", "规定", "关于", "属于",
                   "即", "了", "的", "对", "及", "与", "或", "是", "在", "据", "照", "合", "，", "、")
_NOT_LAW = ("本法", "该法", "同法", "此法", "上述法", "前述法", "办法", "方法", "做法", "说法", "立法", "执法",
            "司法", "违法", "合法", "依法", "守法", "本条例", "该条例")
_LAWISH_END = ("法", "法典", "条例", "规定", "解释", "办法", "细则", "决定", "规则", "意见", "批复", "通知",
               "标准", "章程", "纪要", "答复", "规章", "规范", "准则", "公约")


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


def _bare_name(cap: str) -> str | None:
    i = cap.find("中华人民共和国")
    if i >= 0:
        name = cap[i:]
    else:
        cut = 0
        for w in _BARE_CUT_WORDS:
            j = cap.rfind(w)
            if j >= 0 and j + len(w) > cut:
                cut = j + len(w)
        name = cap[cut:]
    if len(name) < 2 or name in _NOT_LAW or any(name.endswith(x) for x in _NOT_LAW if len(x) > 2):
        return None
    if len(name) == 2 and name not in ("刑法", "宪法", "民法", "物权", "税法"):
        return None
    return name


def _lawish(title: str) -> bool:
    t = title.rstrip("）)")
    if t.endswith("合同") or t.endswith("协议") or t.endswith("协议书"):
        return False
    return any(title.endswith(e) or re.search(e + r"[（(][^（）()]*[）)]$", title) for e in _LAWISH_END)


def extract_citations(text: str) -> list[CitedArticle]:
    """Cited articles in free text.

    - 《劳动合同法》第三十八条、第四十六条 → two CitedArticle (several joined by 、/和/及);
    - 第X条第Y款 / 第X条第（Z）项 keep the article (X);
    - 同法/该法/本法 第Z条, and a bare 第Z条 right after a closing quote ” continue the
      last cited law;
    - unbracketed names ending in 法/法典/条例 (反垄断法第十七条) are recognised;
    - 《X》（以下简称《Y》） aliases are resolved back to X;
    - contracts (《…合同》《…协议》第六条) are ignored; 〈〉 inside titles become 《》.
    """
    aliases = {}
    if "简称" in text:
        for m in _ALIAS_RE.finditer(text):
            aliases[m.group(2).strip()] = m.group(1).strip()
    events: list[tuple[int, str | None, str, str]] = []  # (pos, title, span, raw)
    taken: list[tuple[int, int]] = []
    for m in _CITE_RE.finditer(text):
        events.append((m.start(), m.group(1).strip(), m.group(2), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in _BARE_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if m.start() > 0 and text[m.start() - 1] == "》":
            continue
        name = _bare_name(m.group(1))
        if name:
            raw = name + m.group(2)
            events.append((m.end(1) - len(name), name, m.group(2), raw))
    for m in _CONT_RE.finditer(text):
        if any(a <= m.start(2) < b for a, b in taken):
            continue
        events.append((m.start(), None, m.group(2), m.group(0).lstrip("”").strip()))
    out: list[CitedArticle] = []
    seen: set[tuple[str, str]] = set()
    last_title = None
    for pos, title, span, raw in sorted(events, key=lambda e: e[0]):
        if title is None:
            if last_title is None:
                continue
            title = last_title
        else:
            title = aliases.get(title, title).replace("〈", "《").replace("〉", "》")
            if not _lawish(title):
                last_title = None
                continue
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
    header: list[str] = []
    in_header = "INFO END" in text

    def close():
        if cur_name is not None:
            sections.append(CaseSection(cur_name, "\n".join(cur_lines).strip()))

    for raw in text.splitlines():
        s = raw.strip()
        if not s:
            continue
        if in_header and heading is not None:
            if "INFO END" in s:
                in_header = False
                continue
            if s[0] != "#":
                header.append(strip_html_comments(s).strip())
                continue
            in_header = False  # a heading before the marker ends the header
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
    published = None
    for h in header:
        m = _DATE_ANY_RE.search(h)
        if m:
            published = iso(*m.groups())
            break
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
        header="\n".join(h for h in header if h) or None,
        published_date=published,
    )
