"""The eligibility rules engine on hand-written cases of each path (not a replay of the dev share):
thresholds at the line, exact division, missing facts, urgency, household adversaries,
effective-from dates, criminal paths and exemptions."""
from __future__ import annotations

import copy
import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.eligibility.engine import decide
from assistant.eligibility.facts import EligibilityFacts, validation_reason
from assistant.eligibility.regions import load_base_regions
from assistant.eligibility.standards import StandardsBook

BOOK = StandardsBook()   # the repo table, no overrides

BASE = {
    "region": "上海市", "residence_type": "urban", "application_date": "2024-09-01",
    "service": "representation", "proceeding": "civil", "matter_type": "traffic_accident_injury",
    "applicant": {"age": 40, "gender": "M", "hukou": "urban", "statuses": [], "is_natural_person": True},
    "household_size": 2, "household_monthly_income": 5000, "has_counsel": False,
}


def facts(**changes) -> EligibilityFacts:
    raw = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key == "applicant":
            raw["applicant"].update(value)
        else:
            raw[key] = value
    return EligibilityFacts.model_validate(raw)


def run(book=BOOK, **changes):
    return decide(facts(**changes), book)


# ---- the line: strict, inclusive, ambiguous; exact per-capita income ------------------------------
def test_shanghai_strict_at_threshold_is_ineligible_and_cites_objection_route():
    d = run(household_size=3, household_monthly_income=9570)          # 3190.00 exactly, "低于3190元"
    assert d.decision == "ineligible"
    assert "income_at_threshold_exclusive" in d.reasons
    assert "法律援助法第四十九条" in d.citations
    assert "异议" in d.explanation
    assert d.threshold["value"] == 3190 and d.threshold["comparison"] == "<"


def test_shanghai_one_yuan_less_is_eligible_without_rounding():
    d = run(household_size=3, household_monthly_income=9569)          # 3189.67
    assert d.decision == "eligible" and "income_below_threshold" in d.reasons
    assert "法律援助法第四十九条" not in d.citations


def test_zhongshan_inclusive_at_published_figure():
    base = dict(region="中山市", application_date="2023-06-15")
    assert run(household_size=2, household_monthly_income=5184, **base).decision == "eligible"   # 2592
    assert "income_at_threshold_inclusive" in run(household_size=2, household_monthly_income=5184, **base).reasons
    assert run(household_size=2, household_monthly_income=5185, **base).decision == "ineligible"


def test_exact_division_is_not_rounded_down_to_the_threshold():
    # 7777 / 3 = 2592.33…; rounding to whole yuan would wrongly pass 中山's 2592
    d = run(region="中山市", application_date="2023-06-15", household_size=3, household_monthly_income=7777)
    assert d.decision == "ineligible" and "income_above_threshold" in d.reasons


def test_ambiguous_wording_at_threshold_goes_to_review_with_rural_figure():
    d = run(region="潍坊市", application_date="2022-05-01", residence_type="rural",
            household_size=2, household_monthly_income=2380)             # 1190 = 2 × 595
    assert d.decision == "review"
    assert {"income_at_threshold_ambiguous", "rural_threshold_applied", "prior_year_dibao_basis"} <= set(d.reasons)
    below = run(region="潍坊市", application_date="2022-05-01", residence_type="urban",
                household_size=2, household_monthly_income=3000)         # 1500 < 1582
    assert below.decision == "eligible" and "urban_threshold_applied" in below.reasons


# ---- effective-from dates -----------------------------------------------------------------------
def test_version_in_force_on_the_application_date_is_used():
    raw = load_base_regions()
    older = copy.deepcopy(raw["regions"]["上海市"]["standards"][0])
    older.update(effective_from="2023-01-01", effective_to="2024-07-16",
                 formula={"type": "fixed", "value": 3000}, wording="test figure")
    raw["regions"]["上海市"]["standards"].append(older)
    book = StandardsBook(base=raw)
    before = run(book, application_date="2024-07-16", household_size=1, household_monthly_income=3100)
    after = run(book, application_date="2024-07-17", household_size=1, household_monthly_income=3100)
    assert before.decision == "ineligible" and before.threshold["value"] == 3000
    assert after.decision == "eligible" and after.threshold["value"] == 3190


def test_before_any_published_figure_the_threshold_is_unknown():
    d = run(application_date="2024-01-01", household_size=1, household_monthly_income=100)
    assert d.decision == "review" and "threshold_unknown" in d.reasons


def test_weifang_outside_its_year_falls_back_to_shandong_rule_without_figure():
    d = run(region="潍坊", application_date="2024-03-01", household_size=1, household_monthly_income=500)
    assert d.decision == "review" and "threshold_unknown" in d.reasons
    assert "山东省法律援助条例第八条" in d.citations


# ---- missing facts never refuse ----------------------------------------------------------------
@pytest.mark.parametrize("changes, code", [
    ({"household_size": None}, "missing_household_size"),
    ({"household_monthly_income": None}, "missing_income_info"),
    ({"region": None}, "missing_region"),
    ({"matter_type": None}, "missing_matter_info"),
])
def test_missing_facts_give_review_and_name_the_gap(changes, code):
    # a high income where it is known: a missing fact still never gives "ineligible"
    d = run(**{"household_monthly_income": 90000, **changes})
    assert d.decision == "review"
    assert code in d.reasons and code in d.missing


def test_unknown_region_name_is_threshold_unknown_not_missing():
    d = run(region="贵州省", household_size=1, household_monthly_income=1000)
    assert d.decision == "review" and "threshold_unknown" in d.reasons and "missing_region" not in d.missing


# ---- urgency overlay (art. 44) -----------------------------------------------------------------
def test_urgency_flags_eligible_and_review_but_never_overrides_a_refusal():
    eligible = run(urgency={"days_to_deadline": 3})
    assert eligible.decision == "eligible" and eligible.urgent
    assert "urgent_advance_aid_art44" in eligible.reasons
    assert {"法律援助法第四十四条", "上海市法律援助若干规定第九条"} <= set(eligible.citations)
    review = run(urgency={"needs_preservation": True}, household_size=None)
    assert review.decision == "review" and "urgent_advance_aid_art44" in review.reasons
    refused = run(urgency={"days_to_deadline": 2}, household_monthly_income=20000)
    assert refused.decision == "ineligible" and "urgent_advance_aid_art44" not in refused.reasons
    assert not run(urgency={"days_to_deadline": 7}).urgent


# ---- whose income --------------------------------------------------------------------------------
def test_personal_income_when_the_adversary_lives_in_the_household():
    d = run(matter_type="support_spouse", adversary_is_household_member=True,
            household_size=2, household_monthly_income=12000, applicant_monthly_income=2000)
    assert d.decision == "eligible"
    assert "personal_income_used_family_adversary" in d.reasons
    unknown = run(matter_type="support_spouse", adversary_is_household_member=True,
                  household_size=2, household_monthly_income=12000)
    assert unknown.decision == "review" and "missing_income_info" in unknown.missing


def test_guangdong_expenditure_rule_raises_the_cap():
    d = run(region="中山市", application_date="2023-06-15", household_size=3, household_monthly_income=9000,
            household_monthly_expenditure=10000, applicant={"statuses": ["major_illness"]})
    assert d.decision == "eligible"
    assert "expenditure_hardship_rule" in d.reasons and d.threshold["value"] == 5183


def test_assets_send_a_low_income_case_to_review_where_an_asset_test_applies():
    d = run(household_monthly_income=3000, assets="两套房")
    assert d.decision == "review" and "significant_assets_check" in d.reasons


def test_jiangxi_ratio_with_group_multiplier():
    d = run(region="江西省", application_date="2025-06-01", household_monthly_income=None,
            per_capita_income_to_dibao_ratio=1.9, applicant={"gender": "F"})
    assert d.decision == "eligible" and "special_group_multiplier" in d.reasons
    at_line = run(region="江西省", household_monthly_income=None, per_capita_income_to_dibao_ratio=1.5)
    assert at_line.decision == "review" and "income_at_threshold_ambiguous" in at_line.reasons


# ---- exemptions -----------------------------------------------------------------------------------
def test_migrant_wage_claim_needs_proof_nationally_but_not_in_beijing():
    migrant = {"migrant_worker": True, "hukou": "rural"}
    no_proof = run(matter_type="wage_arrears", applicant=migrant, household_monthly_income=8000)
    assert no_proof.decision == "ineligible"             # 4000 per head > 3190, no documents
    with_proof = run(matter_type="wage_arrears", applicant=migrant, household_monthly_income=8000,
                     proof_available=["户口簿", "欠条"])
    assert with_proof.decision == "eligible" and "exempt_migrant_wage" in with_proof.reasons
    beijing = run(region="北京市", application_date="2025-06-01", matter_type="wage_arrears", applicant=migrant,
                  household_monthly_income=8000)
    assert beijing.decision == "eligible" and "no_economic_test_local_rule" in beijing.reasons
    assert "北京市法律援助条例第十一条" in beijing.citations


def test_minor_supported_by_earning_parents_is_for_staff():
    d = run(applicant={"age": 9, "no_fixed_income": True}, proof_available=["居委会证明"],
            household_size=3, household_monthly_income=12000)
    assert d.decision == "review"
    assert "exemption_scope_ambiguous_minor_family_income" in d.reasons
    assert "法律援助法第四十条" in d.citations   # a minor applies through a legal representative


def test_judicial_aid_granted_for_the_case_type_only():
    kw = dict(applicant={"statuses": ["judicial_aid"]}, proof_available=["法院缓交诉讼费决定"], household_size=1)
    assert run(household_monthly_income=6000, **kw).decision == "review"
    assert "judicial_aid_case_type_only" in run(household_monthly_income=6000, **kw).reasons
    assert run(household_monthly_income=3000, **kw).decision == "eligible"   # passes the means test anyway


def test_hangzhou_support_claim_is_exempt_by_local_rule():
    d = run(region="杭州市", application_date="2025-06-01", matter_type="support_elderly",
            household_size=None, household_monthly_income=None)
    assert d.decision == "eligible" and "exempt_local_rule" in d.reasons
    assert "杭州市法律援助条例第十三条" in d.citations


def test_shandong_major_illness_over_the_line_is_may_accept_review():
    d = run(region="潍坊市", application_date="2022-05-01", household_size=1, household_monthly_income=5000,
            applicant={"statuses": ["major_illness"]})
    assert d.decision == "review" and "local_may_accept_major_illness" in d.reasons


# ---- scope and criminal paths ---------------------------------------------------------------------
def test_consultation_needs_no_means_test():
    d = run(service="consultation", proceeding="consultation", matter_type="inheritance", household_monthly_income=90000)
    assert d.decision == "eligible" and d.reasons == ["consultation_no_means_test"]
    assert any("12348" in m for m in d.materials)


def test_company_is_not_a_legal_aid_applicant():
    d = run(matter_type="commercial_contract", applicant={"is_natural_person": False})
    assert d.decision == "ineligible"
    assert {"applicant_not_natural_person", "out_of_scope_matter"} <= set(d.reasons)
    assert "法律援助法第四十九条" in d.citations


def test_bare_petition_without_retrial_is_refused():
    d = run(matter_type="petition")
    assert d.decision == "ineligible" and "retrial_not_yet_ordered" in d.reasons


def _criminal(**cr):
    return {"proceeding": "criminal", "matter_type": "criminal_defense",
            "criminal": {"role": "suspect_defendant", "charge": "盗窃", **cr}}


def test_minor_at_trial_gets_a_lawyer_whatever_the_income():
    d = run(household_monthly_income=90000, applicant={"age": 17}, **_criminal(stage="trial", age_now=17))
    assert d.decision == "eligible" and "criminal_mandatory_defense_minor" in d.reasons
    assert any(c.endswith("第五百六十四条") for c in d.citations)
    assert d.materials[0].startswith("无需申请人提交材料")


def test_offence_as_minor_but_adult_at_trial_is_means_tested():
    trial = run(household_monthly_income=90000, applicant={"age": 19},
                **_criminal(stage="trial", procedure="ordinary", age_at_offence=17, age_now=19))
    assert trial.decision == "review"
    assert {"not_mandatory_adult_at_trial", "court_may_appoint_ordinary_procedure"} <= set(trial.reasons)
    prosecution = run(household_monthly_income=90000, applicant={"age": 19},
                      **_criminal(stage="prosecution", age_at_offence=17, age_now=19))
    assert prosecution.decision == "ineligible" and "duty_lawyer_available" in prosecution.reasons


def test_defendant_with_a_hired_lawyer_is_refused():
    d = run(has_counsel=True, **_criminal(stage="trial", possible_sentence="life"))
    assert d.decision == "ineligible" and d.reasons[0] == "already_has_counsel"


# ---- validation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes, field", [
    ({"household_monthly_income": -1}, "household_monthly_income"),
    ({"household_size": 0}, "household_size"),
    ({"residence_type": "suburb"}, "residence_type"),
    ({"applicant": {"statuses": ["rich"]}}, "applicant.statuses"),
    ({"applicant": {"disability": "tall"}}, "applicant.disability"),
    ({"application_date": "2024-13-45"}, "application_date"),
])
def test_invalid_facts_name_the_field(changes, field):
    with pytest.raises(ValidationError) as err:
        facts(**changes)
    assert field in validation_reason(err.value)


def test_grader_metadata_and_unknown_keys_are_ignored():
    f = EligibilityFacts.model_validate({**BASE, "threshold_snapshot": {"value": 1}, "note": "x", "foo": 1})
    assert decide(f, BOOK, today=dt.date(2024, 9, 1)).decision == "eligible"


def test_local_and_purpose_rules_beyond_the_national_list():
    dv = run(matter_type="personal_injury_other", applicant={"statuses": ["dv_victim"]},
             adversary_is_household_member=True, household_monthly_income=40000)
    assert dv.decision == "eligible" and "no_economic_test_domestic_violence" in dv.reasons
    acquitted = run(matter_type="state_compensation", matter_desc="再审改判无罪后请求国家赔偿", household_monthly_income=40000)
    assert "no_economic_test_retrial_acquittal_compensation" in acquitted.reasons
    epidemic = run(matter_type="lease_contract", matter_desc="疫情导致生活困难", household_monthly_income=40000)
    assert epidemic.decision == "review"   # ordinary lease: outside the lists first
    covid_wages = run(matter_type="wage_arrears", matter_desc="疫情导致生活困难", household_monthly_income=40000)
    assert covid_wages.decision == "review" and "上海市公共卫生应急管理条例第七十六条" in covid_wages.citations
    ill = run(region="北京市", application_date="2025-06-01", applicant={"statuses": ["major_illness"], "no_fixed_income": True},
              proof_available=["诊断证明"])
    assert ill.decision == "eligible" and "北京市法律援助条例第十九条" in ill.citations


@pytest.mark.parametrize("assets, expected", [
    ({"significant": False, "houses": 2}, "eligible"), ({"urban_houses": 2}, "review"), ("无", "eligible"),
    (["两套房"], "review"), (0, "eligible"),
])
def test_asset_shapes(assets, expected):
    assert run(household_monthly_income=3000, assets=assets).decision == expected


@pytest.mark.parametrize("name, key", [
    ("潍坊", "潍坊市"), ("潍坊市寿光市", "潍坊市"), ("四川省阿坝州", "阿坝州"), ("广东省中山市", "中山市"),
    ("青岛", "山东省"), ("南昌", "江西省"), ("贵州省", None),
])
def test_region_names_resolve_to_the_nearest_table_entry(name, key):
    assert BOOK.snapshot().resolve(name) == key


def test_hangzhou_group_without_proof_is_named_in_review():
    d = run(region="杭州市", application_date="2025-06-01", matter_type="medical_accident",
            applicant={"age": 74, "statuses": ["major_illness"]})
    assert d.decision == "review" and "exemption_proof_missing" in d.reasons


def test_judicial_aid_granted_for_hardship_exempts():
    d = run(applicant={"statuses": ["judicial_aid"]}, proof_available=["法院因经济困难准予缓交诉讼费的决定"],
            household_size=1, household_monthly_income=6000)
    assert d.decision == "eligible" and "exempt_judicial_aid" in d.reasons
