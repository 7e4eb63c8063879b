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
        """Plain citation: 劳动合同法第三十八条 / case title（section）."""
        return Citation.of(self).plain


def book_title(name: str) -> str:
    """《title》, with titles inside it in 〈〉 as Chinese typesetting does (and so it parses back)."""
    return f"《{name.replace('《', '〈').replace('》', '〉')}》"


@dataclass
class Citation:
    """What an answer cites: a statute article (`law` + `article_id`) or a section of a typical case
    (`case_title` + `section`), with the text as the knowledge base holds it.

    The one shape of a citation from the composer to the API: `label` is how answers, the verifier,
    the records and the API name it; `to_dict` is how a transcript stores it, `to_json` how the
    chat API returns it. A legal tool's citation of its rule's basis has `text` None when the knowledge
    base lacks the article (`found` is False)."""

    text: str | None
    law: str | None = None           # short title, e.g. 劳动合同法
    article_id: str | None = None    # "38", "10-1"
    case_title: str | None = None
    section: str | None = None       # e.g. 裁判要点

    @classmethod
    def of(cls, hit: Hit) -> "Citation":
        if hit.kind == "case":
            return cls(text=hit.text, case_title=hit.case_title, section=hit.section)
        return cls(text=hit.text, law=hit.law, article_id=hit.article_id)

    @classmethod
    def from_dict(cls, data: dict) -> "Citation":
        """A citation as `to_dict` stored it (older rows may lack keys)."""
        return cls(text=data.get("text", ""), law=data.get("law"), article_id=data.get("article_id"),
                   case_title=data.get("case_title"), section=data.get("section"))

    @property
    def is_case(self) -> bool:
        return bool(self.case_title)

    @property
    def found(self) -> bool:
        """Whether the knowledge base holds the cited text."""
        return self.text is not None

    @property
    def label(self) -> str:
        """《劳动合同法》第三十八条 / 案例《…》（裁判要点）."""
        if self.is_case:
            return f"案例{book_title(self.case_title)}（{self.section}）"
        return book_title(self.law or "") + self._article_label()

    @property
    def plain(self) -> str:
        """劳动合同法第三十八条 / …案（裁判要点）: the label without the book-title marks."""
        if self.is_case:
            return f"{self.case_title}（{self.section}）"
        return f"{self.law}{self._article_label()}"

    def _article_label(self) -> str:
        number, _, suffix = (self.article_id or "").partition("-")
        return f"第{int_to_cn(int(number))}条" + (f"之{int_to_cn(int(suffix))}" if suffix else "")

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> dict:
        """The chat API's shape: a statute's law and article, or a case's title and section."""
        if self.is_case:
            return {"case_title": self.case_title, "section": self.section, "text": self.text, "label": self.label}
        return {"law": self.law, "article_id": self.article_id, "text": self.text, "label": self.label}


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
