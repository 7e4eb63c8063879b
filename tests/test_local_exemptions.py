"""The local means-test waivers (assistant/eligibility/data/local_exemptions.json) are the law's own
words: every clause and lead is found verbatim in its article of the statute mirror, every
jurisdiction is a region the table knows, and the engine applies each kind of entry."""
from __future__ import annotations

import json
import re

import pytest

from assistant.eligibility.engine import decide
from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.local_exemptions import CONDITIONS, DATA_FILE, load_exemptions
from assistant.eligibility.matters import CATALOGUE
from assistant.eligibility.sources import MIRROR_PATHS
from assistant.eligibility.standards import StandardsBook

TABLE = StandardsBook().snapshot()
_ARTICLE = re.compile(r"^\s*第[零一二三四五六七八九十百千]+条[\s　]")


def article_text(laws_dir, law: str, article: str) -> str:
    """The article's paragraphs as one string (from its heading line to the next article)."""
    lines, inside = [], False
    for line in (laws_dir / MIRROR_PATHS[law]).read_text(encoding="utf-8").splitlines():
        if _ARTICLE.match(line) or line.startswith("#"):
            if inside:
                break
            inside = line.strip().startswith(article)
        if inside and line.strip():
            lines.append(line.strip())
    return "\n".join(lines)


@pytest.mark.corpus
def test_every_clause_is_verbatim_in_its_article(laws_dir):
    problems = []
    for entry in load_exemptions():
        if entry.law not in MIRROR_PATHS:
            problems.append(f"{entry.id}: {entry.law} not mapped to the mirror")
            continue
        text = article_text(laws_dir, entry.law, entry.article)
        if not text:
            problems.append(f"{entry.id}: {entry.citation} not found")
            continue
        for part in filter(None, (entry.lead, entry.clause)):
            if part not in text:
                problems.append(f"{entry.id}: not verbatim in {entry.citation}: {part[:40]}")
        if entry.item and not re.search(rf"^[（(]{entry.item.strip('（）()')}[）)]", text, re.M):
            problems.append(f"{entry.id}: item {entry.item} not in {entry.citation}")
    assert not problems, "\n".join(problems)


@pytest.mark.corpus
def test_the_checker_catches_a_clause_that_is_not_the_law(laws_dir):
    """The verbatim check can fail: one changed character is found missing."""
    entry = next(e for e in load_exemptions() if e.id == "beijing-migrant-wage-injury")
    text = article_text(laws_dir, entry.law, entry.article)
    assert entry.clause in text
    assert entry.clause.replace("工伤赔偿", "交通事故赔偿") not in text


def test_entries_are_well_formed():
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))["exemptions"]
    entries = load_exemptions()
    assert len(entries) == len(raw) >= 20
    tags = set().union(*(m.tags for m in CATALOGUE.values())) | {"civil_litigation"}
    for e in entries:
        assert e.jurisdiction in TABLE.entries, e.id
        assert set(e.who) <= set(CONDITIONS), e.id
        assert set(e.matters) <= tags, f"{e.id}: unknown matter tag {set(e.matters) - tags}"
        assert e.province and e.law and e.article.startswith("第") and e.clause


def test_an_unknown_condition_is_refused(tmp_path):
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    raw["exemptions"][0]["who"] = ["left_handed"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="left_handed"):
        load_exemptions(path)


# ---- the engine applies every kind of entry ------------------------------------------------------
def _decide(**raw):
    base = {"application_date": "2024-09-01", "service": "representation", "proceeding": "civil",
            "household_size": 1, "household_monthly_income": 50000, "residence_type": "urban"}
    return decide(EligibilityFacts.model_validate({**base, **raw}), TABLE)


def test_hangzhou_rural_migrant_social_insurance_dispute_needs_no_means_test():
    """杭州条例第十三条第四项 covers 社会保障 disputes, which art. 42(3) does not."""
    d = _decide(region="杭州市", matter_type="social_insurance_dispute", proof_available=["户口簿", "劳动合同"],
                applicant={"age": 35, "migrant_worker": True, "hukou": "rural"})
    assert d.decision == "eligible"
    assert "exempt_local_rule" in d.reasons and "杭州市法律援助条例第十三条" in d.citations
    same_in_shanghai = _decide(region="上海市", matter_type="social_insurance_dispute", proof_available=["户口簿"],
                               applicant={"age": 35, "migrant_worker": True, "hukou": "rural"})
    assert same_in_shanghai.decision == "ineligible"   # national list only: means-tested, far above 3190


def test_hangzhou_military_family_needs_proof():
    with_proof = _decide(region="杭州市", matter_type="private_loan", proof_available=["军属证"],
                         applicant={"age": 50, "statuses": ["military_family"]})
    without = _decide(region="杭州市", matter_type="private_loan", applicant={"age": 50, "statuses": ["military_family"]})
    assert with_proof.decision == "eligible" and "exempt_local_rule" in with_proof.reasons
    assert without.decision == "review"   # 杭州's figure is not in the table: the means test cannot decide
    assert "exempt_local_rule" not in without.reasons and "exemption_proof_missing" in without.reasons


def test_beijing_seriously_ill_without_income_is_recognised_directly():
    d = _decide(region="北京市", matter_type="medical_accident", proof_available=["诊断证明", "街道证明"],
                applicant={"age": 45, "statuses": ["major_illness"], "no_fixed_income": True})
    assert d.decision == "eligible" and "北京市法律援助条例第十九条" in d.citations


def test_henan_migrant_work_injury_needs_neither_proof_nor_income():
    d = _decide(region="河南省", matter_type="work_injury", applicant={"age": 30, "migrant_worker": True, "hukou": "rural"})
    assert d.decision == "eligible"
    assert {"exempt_migrant_work_injury", "no_economic_test_local_rule"} <= set(d.reasons)
    assert "河南省进城务工人员权益保护条例第三十九条" in d.citations


def test_a_rule_of_another_province_does_not_apply():
    d = _decide(region="上海市", matter_type="work_injury", applicant={"age": 30, "migrant_worker": True, "hukou": "rural"})
    assert "no_economic_test_local_rule" not in d.reasons
    assert not any(c.startswith(("河南", "北京")) for c in d.citations)


def test_hangzhou_criminal_protest_case_exempt_and_beijing_mandatory_defence_cites_local_clause():
    hz = _decide(region="杭州市", proceeding="criminal", matter_type="criminal_defense",
                 applicant={"age": 30}, criminal={"role": "defendant", "stage": "trial", "charge": "盗窃",
                                                  "note": "人民检察院抗诉的案件"})
    assert hz.decision == "eligible" and "杭州市法律援助条例第十六条" in hz.citations
    bj = _decide(region="北京市", proceeding="criminal", matter_type="criminal_defense",
                 applicant={"age": 30, "disability": "hearing"}, criminal={"role": "defendant", "stage": "trial"})
    assert bj.decision == "eligible" and "北京市法律援助条例第十四条" in bj.citations


def test_discretionary_and_must_accept_clauses_go_to_staff():
    sh = _decide(region="上海市", matter_type="wage_arrears", matter_desc="疫情导致生活困难，公司欠薪",
                 applicant={"age": 40})
    assert sh.decision == "review" and "上海市公共卫生应急管理条例第七十六条" in sh.citations
    sd = _decide(region="山东省", application_date="2022-06-01", matter_type="traffic_accident_injury",
                 applicant={"age": 40, "statuses": ["major_illness"]})
    assert sd.decision == "review" and "local_may_accept_major_illness" in sd.reasons
