"""The knowledge base's public vocabulary: what a search returns and what other packages may ask.

`assistant/` and `api/` depend on these types and on the `KnowledgeBase` protocol only, never on
Chroma, BM25 or SQL details."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

from knowledge.numerals import int_to_cn


@dataclass
class Hit:
    """One search result: a statute article or a section of a typical case."""

    doc_id: str                      # stable id in the vector/lexical indexes
    kind: str                        # "statute" | "case"
    text: str
    score: float = 0.0
    # statute articles
    law: str | None = None           # short title without 中华人民共和国, e.g. 劳动合同法
    law_title: str | None = None     # full title
    article_id: str | None = None    # "56", "10-1"
    path: list[str] = field(default_factory=list)   # 编/章/节 headings
    level: str | None = None         # 宪法/法律/行政法规/司法解释/部门规章/地方性法规/其他
    region: str | None = None
    effective_date: str | None = None
    status: str | None = None        # 有效 / 已被修改 / 已废止 / 尚未生效
    version_id: int | None = None
    # typical cases
    case_title: str | None = None
    section: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def citation(self) -> str:
        """Human citation: 劳动合同法第三十八条 / case title + section."""
        if self.kind == "case":
            return f"{self.case_title}（{self.section}）"
        number, _, suffix = (self.article_id or "").partition("-")
        label = f"第{int_to_cn(int(number))}条" + (f"之{int_to_cn(int(suffix))}" if suffix else "")
        return f"{self.law}{label}"


@dataclass
class CitationRef:
    """A parsed citation such as 《工伤保险条例》第十四条第(一)项."""

    law: str                         # the law name as written (alias or title)
    article_id: str                  # "14", "10-1"
    clause: int | None = None        # 款
    item: int | None = None          # 项
    raw: str = ""


class KnowledgeBase(Protocol):
    def search(self, query: str, k: int = 10, *, kind: str | None = None, level: str | None = None,
               region: str | None = None, as_of: str | None = None, home_region: str | None = None) -> list[Hit]:
        """`region` filters; `home_region` (the asker's region) only keeps its local regulations
        from being ranked below national law."""
        ...

    def lookup(self, citation: str | CitationRef, *, as_of: str | None = None) -> Hit | None:
        """Exact citation lookup: '劳动合同法第38条' → that article (None if it does not exist)."""
        ...

    def get_article(self, law: str, article_id: str, *, as_of: str | None = None) -> Hit | None: ...

    def resolve_law(self, name: str) -> str | None:
        """Alias or title → canonical short title (None if unknown)."""
        ...

    def embed_query(self, text: str):
        """The search model's L2-normalised query vector (numpy float32) for `text`."""
        ...

    @property
    def embedding_model(self) -> str:
        """Identifies the model behind `embed_query`."""
        ...
