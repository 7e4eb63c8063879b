"""`Decision`: the pre-screen result, and `Trace`, the ordered record the rules write into."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

ELIGIBLE, INELIGIBLE, REVIEW = "eligible", "ineligible", "review"
DECISION_LABELS = {ELIGIBLE: "初筛符合", INELIGIBLE: "初筛不符合", REVIEW: "需人工审查"}
LAW = "法律援助法"


def law(article: str) -> str:
    """law('第三十一条') → '法律援助法第三十一条'."""
    return LAW + article


@dataclass
class Decision:
    decision: str
    reasons: list[str]
    citations: list[str]
    materials: list[str]
    threshold: dict | None
    missing: list[str]
    explanation: str
    where_to_apply: str
    urgent: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    def api_dict(self) -> dict:
        keys = ("decision", "reasons", "citations", "materials", "threshold", "missing",
                "explanation", "where_to_apply", "urgent")
        full = self.to_dict()
        return {k: full[k] for k in keys}


@dataclass
class Trace:
    reasons: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    threshold: dict | None = None
    means_tested: bool = False

    def add(self, code: str | None, *citations: str | None) -> None:
        if code and code not in self.reasons:
            self.reasons.append(code)
        self.cite(*citations)

    def cite(self, *citations: str | None) -> None:
        for c in citations:
            if c and c not in self.citations:
                self.citations.append(c)

    def need(self, code: str, *citations: str | None) -> None:
        """A needed fact is missing (a `missing_*` code)."""
        self.add(code, *citations)
        if code not in self.missing:
            self.missing.append(code)

    def bring(self, *items: str) -> None:
        for item in items:
            if item and item not in self.materials:
                self.materials.append(item)
