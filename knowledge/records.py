"""Plain statute and case records: what the ingest parsers produce and the catalog stores.

They live on the ground floor so the store needs nothing from ingest; parsers know nothing
about storage or embeddings and only produce these dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Item",
    "Clause",
    "ArticleRecord",
    "LawRecord",
    "CaseSection",
    "CitedArticle",
    "CaseRecord",
    "KIND_LEVELS",
]

# kind -> (level, level_name)
KIND_LEVELS: dict[str, tuple[int, str]] = {
    "constitution": (1, "宪法"),
    "law": (2, "法律"),
    "administrative_regulation": (3, "行政法规"),
    "judicial_interpretation": (4, "司法解释"),
    "departmental_rule": (4, "部门规章"),
    "local_regulation": (5, "地方性法规"),
    "other": (6, "其他"),
}


@dataclass
class Item:
    """项: （一）… / (一)… / 1.…"""

    number: int
    text: str


@dataclass
class Clause:
    """款: one paragraph of an article, with the 项 that follow it."""

    text: str
    items: list[Item] = field(default_factory=list)


@dataclass
class ArticleRecord:
    article_id: str  # "56", "10-1" for 第十条之一
    number: int  # 56
    suffix: int  # 0, or 1 for 之一, 2 for 之二
    label: str  # "第五十六条" / "第十条之一"
    path: list[str]  # 编/章/节 headings, whitespace normalised
    text: str  # body without the label; 款 separated by "\n", 项 kept as written
    clauses: list[Clause] = field(default_factory=list)


@dataclass
class LawRecord:
    source_path: str  # relative to corpus root, posix (merged code: the folder, e.g. "民法典")
    content_hash: str  # sha256 of file bytes (merged: of the concatenated sorted files)
    title: str  # full title, e.g. 中华人民共和国劳动合同法
    short_title: str  # without 中华人民共和国 prefix
    aliases: list[str]
    kind: str  # constitution | law | administrative_regulation | judicial_interpretation | departmental_rule | local_regulation | other
    level: int  # 1 宪法 .. 6 other
    level_name: str  # 宪法/法律/行政法规/司法解释/部门规章/地方性法规/其他
    category: str  # top folder, e.g. 社会法, 民法典, 司法解释, DLC
    region: str | None  # e.g. "浙江省杭州市", "上海市", or None
    issuing_body: str | None
    events: list[tuple[str, str]]  # (ISO date, event text)
    dates: dict[str, str]  # 通过/修正/修订/公布/施行 -> ISO date (latest of each kind)
    version_date: str | None
    effective_date: str | None
    status: str  # 有效 | 已废止 | 已被修改 | 尚未生效
    articles: list[ArticleRecord]
    preamble: str | None
    annex: str | None
    warnings: list[str] = field(default_factory=list)
    # ---- added fields ----
    province: str | None = None  # local rules: e.g. "浙江省"
    city: str | None = None  # local rules: e.g. "杭州市" when the path/title gives it
    book_titles: list[str] = field(default_factory=list)  # split code: the book names in order (人格权编 …)
    source_paths: list[str] = field(default_factory=list)  # every file the record came from (merged codes: several)
    subtitle: str | None = None  # second "# subtitle" of a split book (before merging)


@dataclass
class CaseSection:
    name: str
    text: str


@dataclass
class CitedArticle:
    law_title: str  # as written inside 《》, e.g. 中华人民共和国劳动争议调解仲裁法
    article_id: str  # "27", "10-1"
    raw: str  # the matched text, e.g. 《中华人民共和国劳动争议调解仲裁法》第二十七条


@dataclass
class CaseRecord:
    source_path: str
    content_hash: str
    title: str  # the case name (first "## …诉…案" heading), else the # title
    holding: str  # the # line / 裁判要点 summary
    category: str  # subfolder under 案例, e.g. 劳动人事
    sections: list[CaseSection]
    cited: list[CitedArticle]
    keywords: list[str]
    warnings: list[str] = field(default_factory=list)
    # ---- added fields ----
    heading: str = ""  # the "# " line as written
    header: str | None = None  # lines between the # line and <!-- INFO END --> (collection, publisher, date)
    published_date: str | None = None  # ISO date found in the header, if any
