"""Never invent law: every article the pre-screen cites — over the dev share and a grid of facts
that walks every path (each region × matter × kind of applicant, criminal variants) — exists in
the statute mirror (../shared/laws); web-published notices it cites are sourced table entries."""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from assistant.eligibility.engine import decide
from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.matters import CATALOGUE
from assistant.eligibility.regions import load_base_regions
from assistant.eligibility.sources import MIRROR_PATHS, WEB_SOURCED, split_citation
from assistant.eligibility.standards import StandardsBook
from tests.conftest import SHARED

pytestmark = pytest.mark.corpus
TABLE = StandardsBook().snapshot()

APPLICANTS = [
    {}, {"migrant_worker": True, "hukou": "rural"}, {"statuses": ["dibao"]}, {"statuses": ["youfu"]},
    {"statuses": ["judicial_aid"]}, {"age": 75, "no_fixed_income": True}, {"age": 75, "no_fixed_income": False},
    {"age": 8, "no_fixed_income": True, "orphan": True}, {"disability": "physical", "no_fixed_income": True},
    {"statuses": ["dv_victim"], "gender": "F"}, {"statuses": ["good_samaritan"]}, {"statuses": ["hero_martyr_relative"]},
    {"statuses": ["major_illness"], "age": 72}, {"statuses": ["tuopin"]}, {"statuses": ["arbitration_fee_waived"]},
    {"is_natural_person": False}, {"statuses": ["military_family", "low_income_family", "tekun"]},
]
CRIMINAL = [
    {"role": "suspect_defendant", "stage": s, "procedure": p, "possible_sentence": ps, "age_now": a,
     "age_at_offence": ao, "charge": "盗窃"}
    for s, p, ps, a, ao in itertools.product(["investigation", "trial", "death_review", "petition", "retrial"],
                                             ["ordinary", "absentia", "compulsory_medical"], [None, "death"],
                                             [16, 30], [None, 17])
] + [{"role": r, "charge": c, "stage": "prosecution"} for r in ("victim", "private_prosecutor")
     for c in ("故意伤害", "虐待")] + [{"role": "compulsory_treatment_respondent"}]


def grid():
    proofs = (None, ["证明", "法院缓交诉讼费决定"])
    for region, matter, applicant, proof in itertools.product(
            [*TABLE.entries, None, "贵州省"], CATALOGUE, APPLICANTS, proofs):
        yield {"region": region, "residence_type": "rural", "application_date": "2024-09-01", "matter_type": matter,
               "applicant": {"age": 40, **applicant}, "household_size": 2, "household_monthly_income": 2000,
               "proof_available": proof, "urgency": {"days_to_deadline": 2}, "household_monthly_expenditure": 3000}
    for region, cr, disability in itertools.product(["上海市", "杭州市", "北京市", "山东省"], CRIMINAL,
                                                    [None, "speech", "mental", "intellectual"]):
        yield {"region": region, "proceeding": "criminal", "matter_type": "criminal_defense",
               "applicant": {"age": cr.get("age_now") or 30, "disability": disability}, "criminal": cr,
               "household_size": 1, "household_monthly_income": 9000}
    for region, desc in itertools.product(["上海市", "北京市"], ["疫情导致生活困难", "再审改判无罪后请求国家赔偿"]):
        yield {"region": region, "application_date": "2024-09-01", "matter_type": "state_compensation",
               "matter_desc": desc, "household_size": 1, "household_monthly_income": 9000,
               "applicant": {"statuses": ["major_illness"], "no_fixed_income": True}, "proof_available": True}
    devshare = SHARED / "evals" / "eligibility" / "devshare.jsonl"
    if devshare.is_file():
        for line in devshare.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)["facts"]


def all_citations() -> set[str]:
    cited: set[str] = set()
    for raw in grid():
        cited.update(decide(EligibilityFacts.model_validate(raw), TABLE).citations)
    return cited


def _has_article(law_file: Path, article: str) -> bool:
    return re.search(rf"^\s*[*#]*\s*{article}", law_file.read_text(encoding="utf-8"), re.M) is not None


def test_every_cited_article_exists_in_the_mirror(laws_dir):
    cited = all_citations()
    assert len(cited) > 40   # the grid really walks the paths
    problems = []
    for citation in sorted(cited):
        law, article = split_citation(citation)
        if any(law.startswith(web) for web in WEB_SOURCED):
            continue
        if law not in MIRROR_PATHS:
            problems.append(f"{citation}: instrument not mapped to the mirror")
            continue
        path = laws_dir / MIRROR_PATHS[law]
        if not path.is_file():
            problems.append(f"{citation}: {path} missing")
        elif article is None or not _has_article(path, article):
            problems.append(f"{citation}: article not found in {path.name}")
    assert not problems, "\n".join(problems)


def test_web_sourced_notices_are_sourced_in_the_region_table():
    regions = load_base_regions()["regions"]
    for name, region in WEB_SOURCED.items():
        versions = regions[region]["standards"]
        assert any((v.get("citation") or "").startswith(name) for v in versions)
        assert all(v["sources"] and v["sources"][0].get("published") for v in versions)
