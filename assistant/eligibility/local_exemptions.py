"""Local rules that waive or relax the means test, as data (data/local_exemptions.json).

Each entry is one clause of a local regulation in the statute mirror, copied verbatim with its
province, law, article and item, the kinds of matter it covers (matter tags) and who it covers
(applicant conditions below). `tests/test_local_exemptions.py` checks every clause against the
mirror, so a citation the pre-screen gives always names text that exists. Adding a province's
exemption is a data change: the engine applies entries generically by `effect`.

    python -m assistant.eligibility.local_exemptions    # print the table, checked against the mirror
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.matters import Matter

DATA_FILE = Path(__file__).with_name("data") / "local_exemptions.json"
EFFECTS = ("no_economic_test", "exempt", "discretionary", "must_accept")
TRACKS = ("civil", "criminal")


def _text(facts: EligibilityFacts) -> str:
    cr = facts.criminal
    return " ".join(filter(None, [facts.matter_desc, cr.note if cr else None, cr.charge if cr else None]))


def _age(facts: EligibilityFacts) -> int | None:
    cr = facts.criminal
    return cr.age_now if cr and cr.age_now is not None else facts.applicant.age


_VULNERABLE_STATUSES = {"major_illness"}
_PUBLIC_HEALTH = ("疫情", "公共卫生", "新冠", "传染病")

# applicant conditions an entry's `who` may name; each reads only the structured facts
CONDITIONS: dict[str, Callable[[EligibilityFacts], bool]] = {
    "migrant_worker": lambda f: bool(f.applicant.migrant_worker),
    "rural_migrant_worker": lambda f: bool(f.applicant.migrant_worker) and f.applicant.hukou != "urban",
    "good_samaritan": lambda f: "good_samaritan" in f.statuses,
    "military_family": lambda f: bool({"military_family", "youfu"} & f.statuses),
    "dibao": lambda f: "dibao" in f.statuses,
    "tekun": lambda f: "tekun" in f.statuses,
    "judicial_aid": lambda f: "judicial_aid" in f.statuses,
    "major_illness": lambda f: "major_illness" in f.statuses,
    "dv_victim": lambda f: "dv_victim" in f.statuses,
    "no_fixed_income": lambda f: f.applicant.no_fixed_income is True,
    "minor": lambda f: (_age(f) or 99) < 18,
    "severe_disability": lambda f: f.applicant.disability is not None,   # severity is on the 残疾证
    "age_70_major_illness": lambda f: (_age(f) or 0) >= 70 and "major_illness" in f.statuses,
    "vulnerable_person": lambda f: (f.applicant.gender == "F" or _age(f) is not None and (_age(f) < 18 or _age(f) >= 60)
                                    or f.applicant.disability is not None or bool(_VULNERABLE_STATUSES & f.statuses)),
    "state_supported_in_welfare_institution": lambda f: bool(re.search(r"福利院|社会福利机构|敬老院|供养机构", _text(f))),
    "public_health_hardship": lambda f: any(w in _text(f) for w in _PUBLIC_HEALTH),
    # criminal track
    "mandatory_defence": lambda f: ((_age(f) or 99) < 18 or f.applicant.disability in ("visual", "hearing", "speech")
                                    or (f.criminal is not None and f.criminal.possible_sentence == "death")),
    "intellectual_disability": lambda f: f.applicant.disability == "intellectual",
    "co_defendant_has_counsel": lambda f: bool(re.search(r"同案|共同犯罪", _text(f))),
    "basic_court_three_years": lambda f: bool(re.search(r"基层(?:人民)?法院", _text(f)) and re.search(r"三年以上|3年以上", _text(f))),
    "intermediate_court_first_instance": lambda f: bool(re.search(r"中级人民法院一审|中院一审", _text(f))),
    "procuratorate_protest": lambda f: "抗诉" in _text(f),
    "major_social_impact": lambda f: "重大社会影响" in _text(f),
}
# matter "tags" an entry may name besides those in matters.py
_PSEUDO_MATTERS: dict[str, Callable[[EligibilityFacts, Matter], bool]] = {
    "civil_litigation": lambda f, m: m.kind == "personal" and f.proceeding in (None, "civil", "litigation"),
}


@dataclass(frozen=True)
class LocalExemption:
    id: str
    province: str
    jurisdiction: str          # a region key of regions.json (a city rule: the city)
    law: str
    article: str
    lead: str | None           # the article's opening words when the clause is one item or paragraph
    clause: str
    effect: str
    track: str
    matters: tuple[str, ...]
    who: tuple[str, ...]
    proof_needed: bool
    restates: str | None
    item: str | None = None

    @property
    def citation(self) -> str:
        return self.law + self.article

    def covers(self, facts: EligibilityFacts, matter: Matter | None) -> bool:
        if self.matters:
            if matter is None:
                return False
            if not any(matter.has(t) or (t in _PSEUDO_MATTERS and _PSEUDO_MATTERS[t](facts, matter))
                       for t in self.matters):
                return False
        return all(CONDITIONS[c](facts) for c in self.who)


def _entry(raw: dict) -> LocalExemption:
    fields = {k: raw.get(k) for k in ("id", "province", "jurisdiction", "law", "article", "lead", "clause",
                                       "effect", "track", "proof_needed", "restates", "item")}
    entry = LocalExemption(**fields, matters=tuple(raw.get("matters") or ()), who=tuple(raw.get("who") or ()))
    problems = [c for c in entry.who if c not in CONDITIONS]
    if entry.effect not in EFFECTS or entry.track not in TRACKS or problems:
        raise ValueError(f"local exemption {entry.id}: effect/track/conditions not known ({problems})")
    return entry


@lru_cache(maxsize=4)
def load_exemptions(path: Path = DATA_FILE) -> tuple[LocalExemption, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    entries = tuple(_entry(e) for e in raw["exemptions"])
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):
        raise ValueError("local exemptions: duplicate id")
    return entries


def main() -> int:   # pragma: no cover - a staff convenience
    for e in load_exemptions():
        tag = f"{e.citation}{e.item or ''}"
        print(f"{e.jurisdiction:<5} {tag:<26} {e.effect:<17} matters={','.join(e.matters) or '任何'} "
              f"who={','.join(e.who) or '任何人'}{' (须证明)' if e.proof_needed else ''}\n      {e.clause}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
