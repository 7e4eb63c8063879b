"""Shared body logic for statute parsers: headings (编/分编/章/节), articles (第X条),
款 and 项, run-together articles, the 笫 typo, preambles and annexes.

Both the LawRefBook markdown parser (lawrefbook.py) and the plain docx/txt parser
(plaintext.py) turn their input into a stream of ``heading(text)`` and
``paragraph(text)`` calls on a :class:`BodyBuilder`, then call :meth:`BodyBuilder.finish`.
"""
from __future__ import annotations

import re

from knowledge.numerals import NUM_CHARS, article_id, cn_to_int
from knowledge.records import ArticleRecord, Clause, Item

__all__ = [
    "BodyBuilder",
    "BodyResult",
    "normalise_space",
    "normalise_heading",
    "heading_rank",
    "is_annex_marker",
    "match_article_start",
    "split_run_together",
    "strip_html_comments",
]

_N = "[" + NUM_CHARS + "]+"
_CN = "[零〇一二三四五六七八九十百千两]+"

# an article label at the start of a paragraph: 第X条 / 第X条之Y, followed by
# whitespace (ascii or full-width) or end of paragraph.
ARTICLE_START_RE = re.compile(r"^[第笫](" + _N + r")条(?:之(" + _N + r"))?(?:[\s\u3000]+|$)")
# any article label (for run-together detection)
ARTICLE_ANY_RE = re.compile(r"[第笫](" + _N + r")条(?:之(" + _CN + r"))?")
# structural heading: 第X编 / 第X分编 / 第X章 / 第X节
HEADING_RE = re.compile(r"^[第笫](" + _N + r")(分编|编|章|节)(?![^\s\u3000]*?条)[\s\u3000]*(.*)$")
GENERIC_NUM_HEADING_RE = re.compile(r"^" + _CN + r"、")
GENERIC_PAREN_HEADING_RE = re.compile(r"^[（(]" + _CN + r"[）)]")
# 项: （一） (一) （1） (1) 1. 1． 1、 一、
ITEM_RE = re.compile(
    r"^(?:[（(](" + _CN + r"|\d+)[）)]|(\d+)[.．、](?!\d)|(" + _CN + r")、)"
)
ANNEX_RE = re.compile(r"^(?:附件|附表|附录)(?:[一二三四五六七八九十\d]*)(?:[：:\s\u3000]|$)")
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_WS_RE = re.compile(r"[\s\u3000\u00a0]+")
_CJK_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff（）《》、，])[ ]+(?=[\u3400-\u9fff（）《》、，])")
_SENT_SPLIT_RE = re.compile(r"(?<=[。；：;:])[\s\u3000]+(?=\S)")
# a paragraph ending with one of these is complete (otherwise the next one continues it)
_COMPLETE = set("。；：！？”’」』）)】.;:!?…—-|")
_ZW = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060")
_PUNCT = set("。，；：、（）()《》“”,.;:！？!?＝=×%％〔〕[]【】")
_FORMULA = set("＝=×÷＋+")
_BOUNDARY = set("。；！？”」』：:;!?")
# characters after "第X条" that mark an in-text reference rather than a new article
_REF_FOLLOW = set("、，,和或及至的规第款项中所与以（(）)之）”“》")

RANK = {"编": 0, "分编": 1, "章": 2, "节": 3}
GENERIC_RANK = 2


def strip_html_comments(s: str) -> str:
    if "<!--" not in s:
        return s
    return COMMENT_RE.sub("", s)


def normalise_space(s: str) -> str:
    """Collapse runs of whitespace (incl. full-width) to one ascii space; strip."""
    return _WS_RE.sub(" ", s).strip()


def normalise_heading(s: str) -> str:
    """"第二节  监  护" -> "第二节 监护"; "第一章　总　则" -> "第一章 总则"; "第六章法律责任" -> "第六章 法律责任"."""
    s = normalise_space(s.lstrip("#"))
    m = HEADING_RE.match(s)
    if m:
        label = s[: m.start(3)].strip() if m.group(3) else s.strip()
        name = _CJK_GAP_RE.sub("", m.group(3) or "").strip()
        return f"{label} {name}" if name else label
    return _CJK_GAP_RE.sub("", s)


def heading_rank(text: str) -> tuple[int | None, str]:
    """Rank of a (normalised) heading: 0 编, 1 分编, 2 章, 3 节; generic headings
    ("一、管辖", "附则") rank 2, "（一）…" headings rank 3.  Returns (rank, kind) with
    kind in 编/分编/章/节/generic/annex/preamble/toc."""
    m = HEADING_RE.match(text)
    if m:
        return RANK[m.group(2)], m.group(2)
    t = text.replace(" ", "")
    if t in ("序言", "前言"):
        return None, "preamble"
    if t in ("目录", "目次"):
        return None, "toc"
    if ANNEX_RE.match(t) or t in ("附件", "附表", "附录"):
        return None, "annex"
    if GENERIC_PAREN_HEADING_RE.match(t):
        return 3, "generic"
    return GENERIC_RANK, "generic"


def is_annex_marker(par: str) -> bool:
    return par[:1] == "附" and bool(ANNEX_RE.match(par))


def match_article_start(par: str, relaxed: bool = False) -> tuple[int, int, str, str] | None:
    """If the paragraph starts with an article label return (number, suffix, label, rest).
    ``relaxed``: the label need not be followed by whitespace (used for the pieces of a
    split run-together line, e.g. "第十六条市人民代表大会…")."""
    c = par[:1]
    if c != "第" and c != "笫":
        return None
    m = ARTICLE_START_RE.match(par)
    if not m and relaxed:
        m = ARTICLE_ANY_RE.match(par)
        if m and par[m.end(): m.end() + 1] in _REF_FOLLOW:
            m = None
    if not m:
        return None
    try:
        num = cn_to_int(m.group(1))
        suf = cn_to_int(m.group(2)) if m.group(2) else 0
    except ValueError:
        return None
    label = par[: m.end()].rstrip()
    return num, suf, label, par[m.end():].strip()


def _is_next(cur: tuple[int, int], cand: tuple[int, int]) -> bool:
    n, s = cur
    cn, cs = cand
    if cs == 0:
        return cn == n + 1
    return (cn == n and cs == s + 1) or (cn == n + 1 and cs == 1)


def split_run_together(par: str, cur: tuple[int, int]) -> list[str]:
    """Split a paragraph that holds several articles run together.

    A ``第X条`` occurrence starts a new article only when it sits at a sentence
    boundary (after 。；：！？” or whitespace following one), is not followed by
    reference words (规定/的/、/款…), and carries the next expected number (or, when
    followed by whitespace, a number a little ahead).  References such as
    "依照本法第三十九条的规定" or "。第三十八条、第四十条规定的行政处罚…" are kept.
    ``cur`` is the (number, suffix) of the article the paragraph belongs to
    ((0, 0) before the first article).
    """
    if "条" not in par[1:]:
        return [par]
    cuts: list[int] = []
    last = cur
    st = match_article_start(par)
    if st is not None:
        last = (st[0], st[1])
    for m in ARTICLE_ANY_RE.finditer(par, 1):
        i = m.start()
        j = i - 1
        spaced_before = False
        while j >= 0 and par[j] in " \t\u3000\u00a0":
            j -= 1
            spaced_before = True
        if j < 0 or par[j] not in _BOUNDARY:
            continue
        end = m.end()
        nxt = par[end] if end < len(par) else ""
        if nxt in _REF_FOLLOW:
            continue
        try:
            cand = (cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0)
        except ValueError:
            continue
        spaced_after = nxt in (" ", "\u3000", "\t", "")
        ok = _is_next(last, cand)
        if not ok and spaced_after and spaced_before:
            ok = (cand[0] > last[0] and cand[0] <= last[0] + 5) or (
                cand[0] == last[0] and cand[1] > last[1]
            )
        if ok:
            cuts.append(i)
            last = cand
    if not cuts:
        return [par]
    out = []
    prev = 0
    for c in cuts:
        out.append(par[prev:c].strip())
        prev = c
    out.append(par[prev:].strip())
    return [p for p in out if p]


class BodyResult:
    __slots__ = ("articles", "preamble", "annex", "warnings", "headings")

    def __init__(self, articles, preamble, annex, warnings, headings):
        self.articles: list[ArticleRecord] = articles
        self.preamble: str | None = preamble
        self.annex: str | None = annex
        self.warnings: list[str] = warnings
        self.headings: list[list[str]] = headings


class _Art:
    __slots__ = ("number", "suffix", "label", "path", "lines", "clauses")

    def __init__(self, number, suffix, label, path):
        self.number = number
        self.suffix = suffix
        self.label = label
        self.path = path
        self.lines: list[str] = []
        self.clauses: list[Clause] = []


def _item_number(m: re.Match) -> int:
    g = m.group(1) or m.group(2) or m.group(3)
    try:
        return cn_to_int(g)
    except ValueError:
        return 0


class BodyBuilder:
    """Incremental builder for the body of a statute."""

    def __init__(self, base_path: list[str] | None = None):
        self.base_path = list(base_path or [])
        self.levels: dict[int, str] = {}
        self._path_cache: list[str] | None = list(self.base_path)
        self.arts: list[_Art] = []
        self.cur: _Art | None = None
        self.preamble: list[str] = []
        self._pre_all: list[str] = []  # preamble incl. headings, used when no articles
        self.annex: list[str] = []
        self.in_annex = False
        self.warnings: list[str] = []
        self._typo = 0
        self._runtogether = 0
        self._joined = 0
        self._lost_labels = 0
        self._pending: str | None = None
        self._headings: list[list[str]] = []

    # ---- input -----------------------------------------------------------
    def heading(self, raw: str, rank: int | None = None) -> None:
        self._flush_pending()
        text = normalise_heading(raw)
        if not text:
            return
        if not self.arts:
            self._pre_all.append(text)
        if self.in_annex:
            self.annex.append(text)
            return
        if text[:1] == "笫":
            text = "第" + text[1:]
            self._typo += 1
        forced = rank
        rank, kind = heading_rank(text)
        if forced is not None and kind == "generic":
            rank = forced
        if kind == "annex":
            if self.arts:
                self.in_annex = True
                self.annex.append(text)
            else:
                self.preamble.append(text)
            return
        if kind in ("preamble", "toc"):
            if not self.arts:
                return  # "序言" heading: its text goes to the preamble
            rank = GENERIC_RANK
        for r in [r for r in self.levels if r >= rank]:
            del self.levels[r]
        self.levels[rank] = text
        self._path_cache = None
        self.cur = None  # a heading ends the current article's body
        self._headings.append(self.path())

    def path(self) -> list[str]:
        if self._path_cache is None:
            self._path_cache = self.base_path + [self.levels[r] for r in sorted(self.levels)]
        return self._path_cache

    def paragraph(self, raw: str) -> None:
        par = raw.strip()
        if par and (par[0] in _ZW or par[-1] in _ZW):
            par = par.strip("".join(_ZW) + " \t\u3000")
        if not par:
            return
        if self.in_annex:
            self.annex.append(par)
            return
        if len(par) <= 40 and self._looks_like_heading(par):
            self._flush_pending()
            self.heading(par)
            return
        pending = self._pending
        if pending is not None:
            self._pending = None
            if par[0] in "第笫" and match_article_start(par) is not None:
                # a short title line right before an article: a heading whose
                # "第X章" label was lost ("不可移动文物")
                self.heading(pending, rank=max(self.levels) if self.levels else GENERIC_RANK)
                self._lost_labels += 1
            else:
                self._paragraph(pending)
        if len(par) <= 15 and par[0] not in "第笫|" and not any(c in _PUNCT or c.isdigit() for c in par) \
                and not is_annex_marker(par):
            self._pending = par
            return
        self._paragraph(par)

    def _flush_pending(self) -> None:
        if self._pending is not None:
            p, self._pending = self._pending, None
            self._paragraph(p)

    def _paragraph(self, par: str) -> None:
        if par[0] == "笫" and ARTICLE_START_RE.match(par):
            par = "第" + par[1:]
            self._typo += 1
        cur_key = (self.cur.number, self.cur.suffix) if self.cur else (
            (self.arts[-1].number, self.arts[-1].suffix) if self.arts else (0, 0)
        )
        parts = split_run_together(par, cur_key)
        if len(parts) > 1:
            self._runtogether += len(parts) - 1
            for k, p in enumerate(parts):
                # 款/项 inside a run-together line are separated by whitespace after 。；：
                sub = _SENT_SPLIT_RE.split(p)
                for j, s in enumerate(sub):
                    self._one(s.strip(), relaxed=(k > 0 and j == 0), no_join=True)
            return
        self._one(par)

    @staticmethod
    def _looks_like_heading(par: str) -> bool:
        """A heading written as a plain paragraph (no '#'): "第三章 法律责任", "附 则"."""
        if any(c in par for c in "。，；：,;:"):
            return False
        key = par.replace(" ", "").replace("\u3000", "")
        if key in ("总则", "附则", "分则"):
            return True
        c = par[0]
        if c != "第" and c != "笫":
            return False
        m = HEADING_RE.match(par)
        return m is not None and "条" not in par[: m.end(2)]

    def _one(self, par: str, relaxed: bool = False, no_join: bool = False) -> None:
        if not par:
            return
        if self.in_annex:
            self.annex.append(par)
            return
        if self.arts and is_annex_marker(par):
            self.in_annex = True
            self.annex.append(par)
            return
        st = match_article_start(par, relaxed)
        if st is not None:
            num, suf, label, rest = st
            if label[0] == "笫":
                label = "第" + label[1:]
                self._typo += 1
            a = _Art(num, suf, label, self.path())
            self.arts.append(a)
            self.cur = a
            if rest:
                a.lines.append(rest)
                a.clauses.append(Clause(rest, []))
            return
        if self.cur is None:
            if self.arts:
                # paragraph after a heading but before the next article: attach to last article
                self.cur = self.arts[-1]
            else:
                self.preamble.append(par)
                self._pre_all.append(par)
                return
        a = self.cur
        m = ITEM_RE.match(par) if par[0] in "（(0123456789一二三四五六七八九十" else None
        prev = a.lines[-1] if a.lines else ""
        if (not no_join and m is None and prev and prev[-1] not in _COMPLETE and par[0] != "|"
                and prev[0] != "|" and len(prev) >= 20 and not any(c in _FORMULA for c in prev)):
            # a sentence broken over two paragraphs: join it back
            a.lines[-1] += par
            if a.clauses:
                last = a.clauses[-1]
                if last.items:
                    last.items[-1].text += par
                else:
                    last.text += par
            self._joined += 1
            return
        a.lines.append(par)
        m = ITEM_RE.match(par) if par[0] in "（(0123456789一二三四五六七八九十" else None
        if m is not None and not (m.group(3) and not a.clauses):
            if not a.clauses:
                a.clauses.append(Clause("", []))
            a.clauses[-1].items.append(Item(_item_number(m), par))
        else:
            a.clauses.append(Clause(par, []))

    # ---- output ----------------------------------------------------------
    def finish(self) -> BodyResult:
        self._flush_pending()
        warnings = list(self.warnings)
        if self._lost_labels:
            warnings.append(f"unlabelled heading lines taken as headings ({self._lost_labels}x)")
        if self._typo:
            warnings.append(f"fixed 笫 typo for 第 ({self._typo}x)")
        if self._runtogether:
            warnings.append(f"split run-together articles ({self._runtogether} splits)")
        if self._joined:
            warnings.append(f"joined broken lines ({self._joined}x)")
        articles: list[ArticleRecord] = []
        seen: dict[str, int] = {}
        dups = 0
        for a in self.arts:
            aid = article_id(a.number, a.suffix)
            if aid in seen:
                dups += 1
                seen[aid] += 1
                aid = f"{aid}#{seen[aid]}"
            else:
                seen[aid] = 1
            articles.append(
                ArticleRecord(
                    article_id=aid,
                    number=a.number,
                    suffix=a.suffix,
                    label=a.label,
                    path=list(a.path),
                    text="\n".join(a.lines),
                    clauses=a.clauses,
                )
            )
        if dups:
            warnings.append(f"duplicate article numbers ({dups}x, later ones get id '<n>#2')")
        # order check
        back = 0
        prev = (0, 0)
        for a in articles:
            k = (a.number, a.suffix)
            if k <= prev:
                back += 1
            prev = k
        if back:
            warnings.append(f"article numbers out of order ({back}x)")
        nums = sorted({a.number for a in articles})
        if nums:
            missing = sorted(set(range(nums[0], nums[-1] + 1)) - set(nums))
            if missing:
                shown = "、".join(str(x) for x in missing[:10]) + ("…" if len(missing) > 10 else "")
                warnings.append(f"article numbers missing ({len(missing)}: {shown})")
        if not articles:
            if self._pre_all:
                warnings.append("no articles (body kept as preamble)")
            else:
                warnings.append("no articles and empty body (header only)")
        pre = "\n".join(self.preamble if articles else self._pre_all).strip() or None
        anx = "\n".join(self.annex).strip() or None
        if anx:
            warnings.append("annex kept separately")
        return BodyResult(articles, pre, anx, warnings, self._headings)
