"""Local legal-aid rules we have read (mirror: ../shared/laws/DLC/...), keyed by jurisdiction.

Each rule sits next to its citation. A region inherits its parents' rules (杭州市 → 浙江省).
Figures are not here: they are data (regions.json + staff overrides)."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.local_exemptions import LocalExemption, load_exemptions
from assistant.eligibility.matters import Matter

# ---- scope (法律援助法第三十一条第九项) --------------------------------------------------
# regions whose local scope is general: any personal matter of the applicant's own rights
GENERAL_SCOPE = {
    "杭州市": "杭州市法律援助条例第十二条",
    "河南省": "河南省法律援助条例第十一条",
}
# listed additions: (citation, matter tags that the list covers)
LISTED_SCOPE = {
    "北京市": ("北京市法律援助条例第九条", {"dv", "personal_injury"}),
    "上海市": ("上海市法律援助若干规定第五条", {"labor_contract", "labor", "work_injury", "traffic",
                                          "medical", "dv", "emergency"}),
    "浙江省": ("浙江省法律援助条例第九条", {"medical", "traffic", "work_injury", "good_samaritan"}),
}

# ---- means-test waivers (第三十二条第五项、第四十二条第四项) -----------------------------------
# are data: data/local_exemptions.json (verbatim clauses, checked against the mirror), read by
# `Local.exemptions` below through assistant/eligibility/local_exemptions.py.

# ---- urgency (第四十四条) local equivalents -----------------------------------------------
ADVANCE_AID = {
    "上海市": "上海市法律援助若干规定第九条",
    "浙江省": "浙江省法律援助条例第十八条",
    "杭州市": "杭州市法律援助条例第二十九条",
    "北京市": "北京市法律援助条例第二十九条",
}

# ---- time limits and objections (第四十三条、第四十九条) -----------------------------------
DECISION_DAYS = {"北京市": "5个工作日", "上海市": "10个工作日", "浙江省": "7个工作日",
                 "杭州市": "5个工作日", "山东省": "5个工作日", "河南省": "10日"}
OBJECTION = {
    "北京市": ("北京市法律援助条例第二十四条", "15日内"),
    "杭州市": ("杭州市法律援助条例第三十条", "15日内"),
    "山东省": ("山东省法律援助条例第十六条", "30日内"),
}


@dataclass(frozen=True)
class Local:
    """The local rules that apply in one region, nearest jurisdiction first."""
    jurisdictions: tuple[str, ...]

    def _first(self, table: dict):
        for name in self.jurisdictions:
            if name in table:
                return table[name]
        return None

    def is_(self, name: str) -> bool:
        return name in self.jurisdictions

    def scope_citation(self, matter: Matter) -> str | None:
        """Citation of the local list that covers this matter, if any."""
        general = self._first(GENERAL_SCOPE)
        if general:
            return general
        for name in self.jurisdictions:
            if name in LISTED_SCOPE:
                cite, tags = LISTED_SCOPE[name]
                if matter.has(*tags):
                    return cite
        return None

    def listed_scope_citation(self) -> str | None:
        for name in self.jurisdictions:
            if name in LISTED_SCOPE:
                return LISTED_SCOPE[name][0]
        return None

    def exemptions(self, facts: EligibilityFacts, matter: Matter | None, effect: str, *, track: str = "civil",
                   restating: bool = False) -> list[LocalExemption]:
        """The local waivers of this region (nearest jurisdiction first) that cover these facts.
        `restating=True` gives the clauses that repeat a national rule (cited beside it);
        otherwise only those that add to the national list (applied on their own)."""
        rank = {name: i for i, name in enumerate(self.jurisdictions)}
        found = [e for e in load_exemptions()
                 if e.jurisdiction in rank and e.effect == effect and e.track == track
                 and bool(e.restates) == restating and e.covers(facts, matter)]
        return sorted(found, key=lambda e: rank[e.jurisdiction])

    def good_samaritan(self) -> str | None:
        """The nearest local clause that frees 见义勇为 claims from the means test."""
        rank = {name: i for i, name in enumerate(self.jurisdictions)}
        found = sorted((e for e in load_exemptions() if e.jurisdiction in rank and "good_samaritan" in e.who),
                       key=lambda e: rank[e.jurisdiction])
        return found[0].citation if found else None

    def advance_aid(self) -> str | None:
        return self._first(ADVANCE_AID)

    def decision_days(self) -> str:
        return self._first(DECISION_DAYS) or "7日"

    def objection(self) -> tuple[str | None, str]:
        return self._first(OBJECTION) or (None, "")
