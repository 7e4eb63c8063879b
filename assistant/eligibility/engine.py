"""The legal-aid eligibility pre-screen: `decide(facts, standards) -> Decision`.

Follows the decision procedure of the rule base step by step (first decisive step wins; the
urgency overlay and the refusal route are applied last). One function per step; each cites the
provisions it relies on where it uses them. A pre-screen, never the decision: the legal-aid
agency decides (法律援助法第四十三条).

Steps return a decision string when they settle the case, or None to go on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from assistant.eligibility.decision import ELIGIBLE, INELIGIBLE, REVIEW, Decision, Trace, law
from assistant.eligibility.explain import explain
from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.local_rules import Local
from assistant.eligibility.matters import Matter, classify
from assistant.eligibility.regions import RegionStandard, RegionTable

BASE_MATERIALS = ("有效身份证明（身份证或户口簿）", "法律援助申请表")
HARDSHIP_STATEMENT = "经济困难状况说明表（或签署个人诚信承诺）"
AGENT_PROOF = "代理人身份证明及监护/近亲属关系证明"
NOTHING_FOR_MANDATORY = ("无需申请人提交材料：由公安机关、人民检察院或人民法院通知法律援助机构指派律师；"
                         "家属可告知办案机关或值班律师尚未委托辩护人")
CONSULTATION_MATERIALS = "无需材料：可到法律援助窗口、拨打12348热线或网上咨询"
CRIMINAL_PROCEDURE_LAW = "刑事诉讼法"
SPC_CRIMINAL_INTERPRETATION = "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释"
SUPPORT_DV_LAW = "反家庭暴力法第十九条"


@dataclass
class Case:
    """The facts plus what the rules derive from them once."""
    facts: EligibilityFacts
    table: RegionTable
    on: dt.date
    region: str | None            # canonical key of the accepting agency's region
    local: Local
    matter: Matter | None

    @property
    def applicant(self):
        return self.facts.applicant

    @property
    def age(self) -> int | None:
        return self.facts.applicant.age

    @property
    def is_minor(self) -> bool:
        return self.age is not None and self.age < 18

    @property
    def is_elderly(self) -> bool:   # 老年人权益保障法第二条: 60 周岁以上
        return self.age is not None and self.age >= 60

    @property
    def statuses(self) -> set[str]:
        return self.facts.statuses


def as_table(standards) -> RegionTable:
    return standards.snapshot() if hasattr(standards, "snapshot") else standards


def decide(facts: EligibilityFacts, standards, today: dt.date | None = None) -> Decision:
    table = as_table(standards)
    on = facts.application_date or today or dt.date.today()
    region = table.resolve(facts.region)
    case = Case(facts, table, on, region, Local(tuple(table.jurisdictions(region))),
                classify(facts.matter_type, facts.matter_desc))
    out = Trace()
    _agent_and_forum_citations(case, out)
    decision = (_consultation_only(case, out)
                or _petition_or_retrial(case, out)
                or _criminal_track(case, out)
                or _civil_track(case, out))
    _urgency_overlay(case, out, decision)
    if decision == INELIGIBLE:
        _refusal_route(out)
    _materials(case, out, decision)
    if region is None and decision == ELIGIBLE and not _organs_notify(out):
        out.cite(law("第三十八条"))   # decided without the region: it only says where to apply
    return Decision(decision=decision, reasons=out.reasons, citations=out.citations,
                    materials=out.materials, threshold=out.threshold, missing=out.missing,
                    explanation=explain(decision, out, case.local, table.centre(region)),
                    where_to_apply=_where_to_apply(table, region, _organs_notify(out)), urgent="urgent_advance_aid_art44" in out.reasons)


def _organs_notify(out: Trace) -> bool:
    """Consultation, or a mandatory defence the organs must notify: nobody needs to apply anywhere."""
    return any(r == "consultation_no_means_test" or r.startswith("criminal_mandatory_defense")
               or r == "compulsory_medical_treatment_agent" for r in out.reasons)


def _agent_and_forum_citations(case: Case, out: Trace) -> None:
    """Who applies and before whom: art. 40 (minors and people lacking capacity apply through a
    legal representative); 行政复议法第十八条 (legal aid for reconsideration applicants)."""
    if case.facts.service == "consultation":
        return
    if case.is_minor or (case.matter is not None and case.matter.has("incapacity")):
        out.cite(law("第四十条"))
    if case.facts.proceeding in ("administrative", "administrative_reconsideration"):
        out.cite("行政复议法第十八条")


# ---- step 1: form of service (art. 22, 23) ------------------------------------------------
def _consultation_only(case: Case, out: Trace) -> str | None:
    if case.facts.service == "consultation" or case.facts.proceeding == "consultation":
        out.add("consultation_no_means_test", law("第二十二条"), law("第二十三条"))
        return ELIGIBLE
    return None


# ---- step 2f: petition / retrial (art. 33) --------------------------------------------------
def _petition_or_retrial(case: Case, out: Trace) -> str | None:
    cr = case.facts.criminal
    stage = cr.stage if cr else None
    is_petition = (case.matter is not None and case.matter.kind == "petition") or stage in ("petition", "retrial")
    if not is_petition:
        return None
    ordered = (cr is not None and cr.retrial_ordered) or stage == "retrial" or case.facts.matter_type == "retrial"
    if not ordered:
        out.add("retrial_not_yet_ordered", law("第三十三条"))
        return INELIGIBLE
    out.cite(law("第三十三条"))
    if case.facts.has_counsel:
        out.add("already_has_counsel", law("第三十一条"))
        return INELIGIBLE
    return _exemptions_then_means_test(case, out)


# ---- step 2: criminal track -----------------------------------------------------------------
def _criminal_role(case: Case) -> str | None:
    cr, mt = case.facts.criminal, case.facts.matter_type or ""
    if cr and cr.role:
        return {"suspect": "suspect_defendant", "defendant": "suspect_defendant",
                "suspect_relative": "suspect_defendant", "defendant_relative": "suspect_defendant",
                "compulsory_medical_respondent": "compulsory_treatment_respondent"}.get(cr.role, cr.role)
    if mt == "compulsory_medical_treatment":
        return "compulsory_treatment_respondent"
    if mt in ("criminal_victim", "private_prosecution", "incidental_civil_action"):
        return "victim"
    if mt == "criminal_defense" or case.facts.proceeding == "criminal":
        return "suspect_defendant"
    return None


def _criminal_track(case: Case, out: Trace) -> str | None:
    role = _criminal_role(case)
    if role is None:
        return None
    if role == "compulsory_treatment_respondent" or (case.facts.criminal and case.facts.criminal.procedure == "compulsory_medical"):
        return _compulsory_treatment(case, out)
    if role == "suspect_defendant":
        return _suspect_or_defendant(case, out)
    return _victim(case, out)


def _compulsory_treatment(case: Case, out: Trace) -> str:
    if case.facts.has_counsel:
        out.add("already_has_counsel", law("第二十八条"))
        return INELIGIBLE
    out.add("compulsory_medical_treatment_agent", law("第二十八条"), CRIMINAL_PROCEDURE_LAW + "第三百零四条",
            SPC_CRIMINAL_INTERPRETATION + "第六百三十四条")
    return ELIGIBLE


def _suspect_or_defendant(case: Case, out: Trace) -> str:
    if case.facts.has_counsel:   # arts. 24, 25: "没有委托辩护人"
        out.add("already_has_counsel", law("第二十四条"), law("第二十五条"))
        return INELIGIBLE
    if _mandatory_defence(case, out):
        return ELIGIBLE
    # art. 24: the suspect (or a close relative) applies; means-tested unless exempt
    out.add("criminal_defense_application", law("第二十四条"))
    if _local_criminal_exemption(case, out):
        return ELIGIBLE
    result = _exemptions_then_means_test(case, out)
    if result == ELIGIBLE:
        return ELIGIBLE
    cr = case.facts.criminal
    if _criminal_facts_missing(case):
        out.need("missing_criminal_facts", law("第二十五条"))
        result = REVIEW
    if result == INELIGIBLE and cr and cr.stage == "trial" and cr.procedure == "ordinary":
        out.add("court_may_appoint_ordinary_procedure", law("第二十五条"))   # art. 25(2): court may appoint
        result = REVIEW
    out.add("duty_lawyer_available", law("第三十条"))   # duty lawyer: no means test
    return result


def _criminal_facts_missing(case: Case) -> bool:
    """Could a mandatory category still apply? Stage or age unknown, or the charge unknown."""
    cr = case.facts.criminal
    age = (cr.age_now if cr and cr.age_now is not None else case.age)
    charge_unknown = cr is None or not cr.charge or cr.charge in ("未说明", "不详", "unknown")
    return cr is None or cr.stage is None or age is None or (charge_unknown and cr.possible_sentence is None)


def _mandatory_defence(case: Case, out: Trace) -> bool:
    """Art. 25(1): the organs must notify the agency; no economic test (通知辩护)."""
    cr, ap = case.facts.criminal, case.applicant
    found = False
    age_now = cr.age_now if cr and cr.age_now is not None else ap.age
    if age_now is not None and age_now < 18:
        out.add("criminal_mandatory_defense_minor", law("第二十五条"), CRIMINAL_PROCEDURE_LAW + "第二百七十八条",
                SPC_CRIMINAL_INTERPRETATION + "第五百六十四条")
        found = True
    elif cr and cr.age_at_offence is not None and cr.age_at_offence < 18 and age_now is not None:
        # minor at the offence, adult at trial: "审判时不满十八周岁" decides
        out.add("not_mandatory_adult_at_trial", SPC_CRIMINAL_INTERPRETATION + "第五百六十四条")
    if ap.disability in ("visual", "hearing", "speech"):
        out.add("criminal_mandatory_defense_sensory_disability", law("第二十五条"), CRIMINAL_PROCEDURE_LAW + "第三十五条")
        found = True
    if ap.disability in ("mental", "intellectual") or _lacks_full_capacity(cr):
        out.add("criminal_mandatory_defense_mental_capacity", law("第二十五条"), CRIMINAL_PROCEDURE_LAW + "第三十五条")
        found = True
    if cr and cr.possible_sentence in ("life", "death"):
        out.add("criminal_mandatory_defense_life_or_death", law("第二十五条"), law("第二十六条"),
                CRIMINAL_PROCEDURE_LAW + "第三十五条")
        found = True
    if cr and cr.stage == "death_review":
        # 刑事诉讼法 sets no legal-aid duty for death review (第二百五十一条 only hears the lawyer);
        # the Law's item (五) does, and the SPC interpretation for 高级人民法院 review (第四十七条)
        out.add("criminal_mandatory_defense_death_review", law("第二十五条"), law("第二十六条"),
                SPC_CRIMINAL_INTERPRETATION + "第四十七条")
        found = True
    if cr and (cr.procedure == "absentia" or cr.stage == "absentia"):
        out.add("criminal_mandatory_defense_absentia", law("第二十五条"), CRIMINAL_PROCEDURE_LAW + "第二百九十三条",
                SPC_CRIMINAL_INTERPRETATION + "第六百零一条")
        found = True
    if found:   # local clauses that repeat the duty (e.g. 北京条例第十四条: 无需经济状况的审查)
        out.cite(*(r.citation for r in case.local.exemptions(case.facts, case.matter, "no_economic_test",
                                                               track="criminal", restating=True)))
    return found


def _lacks_full_capacity(cr) -> bool:
    text = (cr.note or "") if cr else ""
    return any(w in text for w in ("限制刑事责任能力", "不能完全辨认", "无刑事责任能力", "精神病"))


def _local_criminal_exemption(case: Case, out: Trace) -> bool:
    """Local waivers for suspects/defendants who apply (e.g. 杭州条例第十六条: 一级/二级智力残疾,
    intermediate-court first instance, 抗诉), from data/local_exemptions.json."""
    rules = case.local.exemptions(case.facts, case.matter, "exempt", track="criminal")
    if rules:
        out.add("exempt_local_rule", *(r.citation for r in rules))
    return bool(rules)


def _victim(case: Case, out: Trace) -> str:
    """Art. 29: victims, private prosecutors, incidental civil plaintiffs — means-tested."""
    if case.facts.has_counsel:
        out.add("already_has_counsel", law("第二十九条"))
        return INELIGIBLE
    out.add("criminal_victim_application", law("第二十九条"))
    charge = (case.facts.criminal.charge or "") if case.facts.criminal else ""
    if "dv_victim" in case.statuses or any(w in charge for w in ("虐待", "遗弃", "家庭暴力", "家暴")):
        out.add("no_economic_test_domestic_violence", law("第三十二条"), SUPPORT_DV_LAW)   # art. 32(4)
        return ELIGIBLE
    return _exemptions_then_means_test(case, out)


# ---- step 3: civil, administrative, state compensation ------------------------------------
def _civil_track(case: Case, out: Trace) -> str:
    return (_not_a_personal_claim(case, out)
            or _already_represented(case, out)
            or _matter_unknown(case, out)
            or _no_economic_test(case, out)
            or _scope(case, out)
            or _exemptions_then_means_test(case, out))


def _not_a_personal_claim(case: Case, out: Trace) -> str | None:
    """Art. 2 (经济困难公民): companies and commercial disputes between enterprises are out."""
    if case.applicant.is_natural_person is False:
        out.add("applicant_not_natural_person", law("第二条"))
        out.add("out_of_scope_matter", law("第三十一条"))
        return INELIGIBLE
    if case.matter and case.matter.kind == "commercial":
        out.add("out_of_scope_matter", law("第二条"), law("第三十一条"))
        return INELIGIBLE
    return None


def _already_represented(case: Case, out: Trace) -> str | None:
    if case.facts.has_counsel:   # art. 31 "没有委托代理人"; art. 48(6)
        out.add("already_has_counsel", law("第三十一条"), law("第四十八条"))
        return INELIGIBLE
    return None


def _matter_unknown(case: Case, out: Trace) -> str | None:
    if case.matter is None:
        out.need("missing_matter_info", law("第三十一条"))
        return REVIEW
    return None


def _no_economic_test(case: Case, out: Trace) -> str | None:
    """Art. 32: "不受经济困难条件的限制", plus local rules under art. 32(5)."""
    m, st = case.matter, case.statuses
    if "hero_martyr_relative" in st and m.has("hero_martyr"):
        out.add("no_economic_test_hero_martyr", law("第三十二条"), "英雄烈士保护法第二十五条")
        return ELIGIBLE
    if m.has("good_samaritan") or ("good_samaritan" in st and m.has("personal_injury")):
        out.add("no_economic_test_good_samaritan", law("第三十二条"), case.local.good_samaritan())
        return ELIGIBLE
    if m.has("retrial_acquittal") or (m.has("state_compensation") and "无罪" in (case.facts.matter_desc or "")):
        out.add("no_economic_test_retrial_acquittal_compensation", law("第三十二条"), law("第三十一条"))
        return ELIGIBLE
    related = m.code.startswith(("divorce", "custody")) or m.has("support", "personal_injury") \
        or bool(case.facts.adversary_is_household_member)
    if m.has("dv") or ("dv_victim" in st and related):   # claims arising from the abuse itself
        out.add("no_economic_test_domestic_violence", law("第三十二条"), SUPPORT_DV_LAW)
        out.cite(case.local.scope_citation(m) if not case.local.is_("杭州市") else None)
        return ELIGIBLE
    for rule in case.local.exemptions(case.facts, m, "no_economic_test"):   # art. 32(5): local rules
        if "migrant_worker" in rule.who:   # wider than art. 42(3): no proof of hardship needed at all
            out.add("exempt_migrant_wage" if m.has("wage") else "exempt_migrant_work_injury",
                    law("第四十二条"), law("第三十一条"))
        out.add("no_economic_test_local_rule", law("第三十二条"), rule.citation)
        return ELIGIBLE
    return None


def _scope(case: Case, out: Trace) -> str | None:
    """Art. 31 list, then local lists (art. 31(9)); personal matters off every list → staff check."""
    m = case.matter
    if m.art31_item is not None:
        out.add("in_scope_national_list", law("第三十一条"))
        return None
    local_cite = case.local.scope_citation(m)
    if local_cite:
        out.add("in_scope_local_list", local_cite)
        return None
    out.add("matter_outside_national_list", law("第三十一条"))
    out.add("scope_needs_local_check", case.local.listed_scope_citation())
    return REVIEW


# ---- step 5: exemptions from the economic check (art. 42), then step 6/7 ----------------------
@dataclass
class _Pending:
    """Exemption questions left open; they matter only if the means test does not pass."""
    proof_missing: bool = False
    judicial_aid_case_type: str | None = None
    minor_family_income: bool = False


def _exemptions_then_means_test(case: Case, out: Trace) -> str:
    pending = _Pending()
    if _exemption(case, out, pending):
        return ELIGIBLE
    result = _means_test(case, out)
    if result == ELIGIBLE:
        return ELIGIBLE
    if pending.judicial_aid_case_type:
        out.add("judicial_aid_case_type_only", law("第四十二条"), pending.judicial_aid_case_type)
        result = REVIEW
    if pending.minor_family_income:
        out.add("exemption_scope_ambiguous_minor_family_income", law("第四十二条"))
        result = REVIEW
    if pending.proof_missing and result == REVIEW:
        out.add("exemption_proof_missing", law("第四十二条"))
    return _local_may_accept(case, out, result)


def _exemption(case: Case, out: Trace, pending: _Pending) -> bool:
    """True when an art. 42 (or local 42(4)) exemption applies with proof."""
    return (_local_exemption(case, out, pending)
            or _no_fixed_income_group(case, out, pending)
            or _assistance_recipient(case, out, pending)
            or _migrant_worker_claim(case, out, pending)
            or _not_an_exemption(case, out))


def _local_exemption(case: Case, out: Trace, pending: _Pending) -> bool:
    """Art. 42(4): local "免予审查经济状况" clauses that add to the national list (e.g. 杭州条例第十三条,
    北京条例第十九条第四项 for the seriously ill), from data/local_exemptions.json. A clause that
    needs documents applies with proof; without it the means test decides."""
    rules = case.local.exemptions(case.facts, case.matter, "exempt")
    usable = [r for r in rules if not r.proof_needed or case.facts.has_proof]
    if not usable:
        pending.proof_missing = pending.proof_missing or bool(rules)
        return False
    out.add("exempt_local_rule", law("第四十二条"), *dict.fromkeys(r.citation for r in usable))
    m = case.matter
    if case.applicant.migrant_worker and m is not None and m.has("wage"):
        out.add("exempt_migrant_wage")
    return True


def _no_fixed_income_group(case: Case, out: Trace, pending: _Pending) -> bool:
    """Art. 42(1): 无固定生活来源的未成年人、老年人、残疾人 — with proof."""
    ap = case.applicant
    group = ("minor" if case.is_minor else "elderly" if case.is_elderly
             else "disabled" if ap.disability else None)
    if group is None:
        return False
    if ap.no_fixed_income is False:
        out.add("exemption_not_applicable_fixed_income", law("第四十二条"))   # e.g. a pension
        return False
    if not ap.no_fixed_income:
        return False
    if group == "minor" and not _no_one_supports_minor(case):
        pending.minor_family_income = True   # supported by earning parents: unsettled → staff
        pending.proof_missing = not case.facts.has_proof
        return False
    if not case.facts.has_proof:
        pending.proof_missing = True
        return False
    out.add(f"exempt_no_fixed_income_{group}", law("第四十二条"))
    if group == "minor":
        out.cite(law("第四十条"))
    _restating_local_citations(case, out)   # e.g. 北京未成年人保护条例第五十七条, 北京条例第十九条
    return True


def _restating_local_citations(case: Case, out: Trace) -> None:
    """Local clauses that repeat the national exemption just applied are cited beside it."""
    out.cite(*(r.citation for r in case.local.exemptions(case.facts, case.matter, "exempt", restating=True)))


def _no_one_supports_minor(case: Case) -> bool:
    if case.applicant.orphan:
        return True
    text = case.facts.proof_text + (case.facts.matter_desc or "")
    if any(w in text for w in ("孤儿", "死亡", "双亡", "无人抚养", "事实无人")):
        return True
    income = case.facts.household_monthly_income
    return income is not None and income == 0


_ASSISTANCE = {   # art. 42(2) 社会救助、司法救助或者优抚对象
    "dibao": "exempt_social_assistance_dibao",
    "tekun": "exempt_social_assistance_tekun",
    "low_income_family": "exempt_social_assistance_low_income",
    "youfu": "exempt_youfu",
    "judicial_aid": "exempt_judicial_aid",
}


def _assistance_recipient(case: Case, out: Trace, pending: _Pending) -> bool:
    claimed = [s for s in _ASSISTANCE if s in case.statuses]
    if not claimed:
        return False
    if not case.facts.has_proof:
        pending.proof_missing = True
        return False
    for status in claimed:
        if status == "judicial_aid":
            case_type_rule = _judicial_aid_for_case_type_only(case)
            if case_type_rule:
                pending.judicial_aid_case_type = case_type_rule
                continue
        out.add(_ASSISTANCE[status], law("第四十二条"))
        _local_assistance_citations(case, out, status)
        return True
    return False


def _local_assistance_citations(case: Case, out: Trace, status: str) -> None:
    if status == "youfu":
        out.cite("军人地位和权益保障法第六十一条")   # priority legal aid for military families
    if status == "low_income_family" and case.local.is_("北京市"):
        out.cite("北京市法律援助条例第十条")   # Beijing's standard is the 低收入家庭 standard itself
    for rule in case.local.exemptions(case.facts, case.matter, "exempt", restating=True):
        if rule.id == "shandong-judicial-aid":   # 山东: "应当直接作出给予法律援助的决定"
            out.add("exempt_local_rule")
        out.cite(rule.citation)


def _judicial_aid_for_case_type_only(case: Case) -> str | None:
    """诉讼费用交纳办法: 缓交 for injury victims (第四十七条第二项) and 免交 for support claims
    (第四十五条第二项) are granted because of the case type, not hardship."""
    text = case.facts.proof_text + (case.facts.matter_desc or "")
    m = case.matter
    if "困难" in text:   # granted because of hardship: a real art. 42(2) exemption
        return None
    if "案件类型" in text:
        return "诉讼费用交纳办法第四十七条" if "缓交" in text else "诉讼费用交纳办法第四十五条"
    if "缓交" in text and m is not None and m.has("personal_injury"):
        return "诉讼费用交纳办法第四十七条"
    if "免交" in text and m is not None and m.has("support"):
        return "诉讼费用交纳办法第四十五条"
    return None


def _migrant_worker_claim(case: Case, out: Trace, pending: _Pending) -> bool:
    """Art. 42(3): 进城务工人员 claiming wages or work-injury damages — nothing else."""
    if not case.applicant.migrant_worker or case.matter is None:
        return False
    m = case.matter
    if not (m.has("wage") or m.has("work_injury")):
        out.add("migrant_exemption_not_applicable_matter", law("第四十二条"))
        return False
    if not case.facts.has_proof:
        pending.proof_missing = True
        return False
    if m.has("wage"):
        out.add("exempt_migrant_wage", law("第四十二条"), law("第三十一条"), "保障农民工工资支付条例第四十五条")
    else:
        out.add("exempt_migrant_work_injury", law("第四十二条"), law("第三十一条"))
    return True


def _not_an_exemption(case: Case, out: Trace) -> bool:
    """Statuses people often take for exemptions but that are not in art. 42."""
    if "tuopin" in case.statuses:
        out.add("tuopin_not_national_exemption", law("第四十二条"))
    if "arbitration_fee_waived" in case.statuses:
        out.add("arbitration_free_not_hardship_proof", "劳动争议调解仲裁法第五十三条")
    return False


# ---- step 6: economic-hardship test (arts. 34, 38, 41) --------------------------------------
def _applicant_groups(case: Case) -> set[str]:
    ap, groups = case.applicant, set()
    if ap.disability:
        groups.add("disabled")
    if case.is_elderly:
        groups.add("elderly")
    if ap.gender == "F":
        groups.add("women")
    if case.is_minor:
        groups.add("minors")
    if ap.migrant_worker:
        groups.add("migrant_workers")
    return groups


def _means_test(case: Case, out: Trace) -> str:
    out.means_tested = True
    out.cite(law("第三十四条"), law("第四十一条"))   # art. 41: stated facts / 诚信承诺 suffice
    facts = case.facts
    if case.region is None and facts.region:   # a region we hold no figures for
        out.add("threshold_unknown")
        _note_missing_income(case, out)
        return REVIEW
    if case.region is None:
        out.need("missing_region", law("第三十八条"))
        _note_missing_income(case, out)
        return REVIEW
    std = case.table.standard_for(case.region, case.on)
    out.add("threshold_of_accepting_agency")
    if facts.applicant.migrant_worker or (facts.home_region and case.table.resolve(facts.home_region) != case.region):
        out.cite(law("第三十八条"))
    if std is not None:
        out.cite(std.citation)
        if std.prior_year_basis:
            out.add("prior_year_dibao_basis")
    if facts.per_capita_income_to_dibao_ratio is not None and std is not None and std.is_multiple_of_dibao:
        return _compare_ratio_to_multiplier(case, out, std)
    income = _income_per_person(case, out)
    if std is None or not _threshold_known(std, case):
        out.add("threshold_unknown")
        if std is not None:
            out.threshold = std.describe(None)
        return REVIEW
    if income is None:
        return REVIEW
    return _compare_income(case, out, std, income)


def _note_missing_income(case: Case, out: Trace) -> None:
    if case.facts.per_capita_income_to_dibao_ratio is None:
        _income_per_person(case, out)


def _income_per_person(case: Case, out: Trace) -> Fraction | None:
    """Household income ÷ household size, exactly; the applicant's own income when the adversary
    lives in the same household (办理法律援助案件程序规定(2012)第十五条(二))."""
    facts = case.facts
    if facts.adversary_is_household_member:
        out.add("personal_income_used_family_adversary")
        own = facts.applicant_monthly_income
        if own is None and facts.household_size == 1:
            own = facts.household_monthly_income
        if own is None:
            out.need("missing_income_info")
            return None
        return Fraction(own)
    if facts.household_monthly_income is None:
        out.need("missing_income_info")
    if facts.household_size is None:
        out.need("missing_household_size")
    if facts.household_monthly_income is None or facts.household_size is None:
        return None
    return Fraction(facts.household_monthly_income) / facts.household_size


def _threshold_known(std: RegionStandard, case: Case) -> bool:
    return (std.threshold("urban") is not None or std.threshold("rural") is not None
            or std.threshold(None) is not None)


def _compare_income(case: Case, out: Trace, std: RegionStandard, income: Fraction) -> str:
    residence = case.facts.residence_type or case.applicant.hukou
    if std.splits_urban_rural():
        if residence is None:
            return _compare_without_residence(case, out, std, income)
        out.add(f"{residence}_threshold_applied")
    threshold = std.threshold(residence or "urban")
    out.threshold = std.describe(threshold)
    result = _verdict(out, income, threshold, std.comparison)
    if result != ELIGIBLE:
        result = _expenditure_route(case, out, std, income) or result
    if result == ELIGIBLE and std.version.asset_test and case.facts.has_assets:
        out.add("significant_assets_check")   # 上海/广东 asset tests
        return REVIEW
    return result


def _compare_without_residence(case: Case, out: Trace, std: RegionStandard, income: Fraction) -> str:
    low, high = sorted([std.threshold("urban"), std.threshold("rural")])
    if income < low:
        out.threshold = std.describe(low)
        return _verdict(out, income, low, std.comparison)
    if income > high:
        out.threshold = std.describe(high)
        return _verdict(out, income, high, std.comparison)
    out.need("missing_residence_type")   # urban vs rural decides this case
    return REVIEW


def _verdict(out: Trace, income: Fraction, threshold: Fraction, comparison: str) -> str:
    """Follow the local wording at the threshold: 低于 strict, 不超过 inclusive, else staff."""
    if income < threshold:
        out.add("income_below_threshold")
        return ELIGIBLE
    if income > threshold:
        out.add("income_above_threshold")
        return INELIGIBLE
    if comparison == "<":
        out.add("income_at_threshold_exclusive")
        return INELIGIBLE
    if comparison == "<=":
        out.add("income_at_threshold_inclusive")
        return ELIGIBLE
    out.add("income_at_threshold_ambiguous")
    return REVIEW


def _expenditure_route(case: Case, out: Trace, std: RegionStandard, income: Fraction) -> str | None:
    """粤府令第268号第三条第二项: spending above income (illness, accident, study) → 100% cap."""
    facts, rule = case.facts, std.version.expenditure_rule
    if rule is None or facts.household_monthly_expenditure is None or facts.household_monthly_income is None:
        return None
    if facts.household_monthly_expenditure <= facts.household_monthly_income:
        return None
    cap = std.expenditure_threshold()
    if cap is None:
        return None
    out.reasons[:] = [r for r in out.reasons if not r.startswith("income_")]
    out.add("expenditure_hardship_rule", rule.citation)
    out.threshold = std.describe(cap)
    out.threshold["comparison"] = rule.comparison
    return _verdict(out, income, cap, rule.comparison)


def _compare_ratio_to_multiplier(case: Case, out: Trace, std: RegionStandard) -> str:
    """江西: income given as a multiple of the local 低保, compared with the multiplier."""
    multiplier, group = std.multiplier_for(_applicant_groups(case))
    if multiplier is None:
        out.add("threshold_unknown")
        return REVIEW
    if group:
        out.add("special_group_multiplier")
    out.threshold = std.describe(None, multiplier=multiplier)
    return _verdict(out, Fraction(case.facts.per_capita_income_to_dibao_ratio), multiplier, std.comparison)


# ---- step 7: local "may accept" rules ---------------------------------------------------------
def _local_may_accept(case: Case, out: Trace, result: str) -> str:
    if result == ELIGIBLE:
        return result
    for rule in case.local.exemptions(case.facts, case.matter, "discretionary"):
        out.add("no_economic_test_local_rule", rule.citation)   # "可以免于经济状况审查": staff decide
        return REVIEW
    for rule in case.local.exemptions(case.facts, case.matter, "must_accept"):
        out.add("local_may_accept_major_illness", rule.citation)   # 应当受理, aid not guaranteed
        return REVIEW
    return result


# ---- step 8: overlays -------------------------------------------------------------------------
def _urgency_overlay(case: Case, out: Trace, decision: str) -> None:
    """Art. 44: the agency may give aid first. Never turns a clear refusal into aid."""
    if case.facts.is_urgent and decision in (ELIGIBLE, REVIEW):
        out.add("urgent_advance_aid_art44", law("第四十四条"), case.local.advance_aid())


def _refusal_route(out: Trace) -> None:
    out.cite(law("第四十九条"))   # objection to the justice bureau, then reconsideration/lawsuit


# ---- step 9: materials ------------------------------------------------------------------------
_EXEMPTION_PROOF = {
    "exempt_no_fixed_income_minor": "村（居）委会出具的无固定生活来源证明",
    "exempt_no_fixed_income_elderly": "村（居）委会出具的无固定生活来源证明",
    "exempt_no_fixed_income_disabled": "残疾人证、村（居）委会出具的无固定生活来源证明",
    "exempt_social_assistance_dibao": "低保证或低保家庭证明",
    "exempt_social_assistance_tekun": "特困人员供养证明",
    "exempt_social_assistance_low_income": "低收入家庭认定证明",
    "exempt_judicial_aid": "司法救助决定书",
    "exempt_youfu": "优抚对象证件（如残疾军人证）",
    "exempt_migrant_wage": "农村户籍证明（户口簿）、务工证明（工牌/考勤/工友证言/欠条）",
    "exempt_migrant_work_injury": "农村户籍证明（户口簿）、务工证明（工牌/考勤/工友证言/欠条）",
    "no_economic_test_good_samaritan": "见义勇为确认文书或公安机关出具的情况证明",
    "no_economic_test_hero_martyr": "烈士证明书或英烈身份证明、近亲属关系证明",
    "tuopin_not_national_exemption": "脱贫户证明",
}


def _materials(case: Case, out: Trace, decision: str) -> None:
    reasons = set(out.reasons)
    if "consultation_no_means_test" in reasons:
        out.bring(CONSULTATION_MATERIALS)
        return
    if any(r.startswith("criminal_mandatory_defense") for r in reasons) or "compulsory_medical_treatment_agent" in reasons:
        out.bring(NOTHING_FOR_MANDATORY)
        if "criminal_mandatory_defense_death_review" in reasons:
            out.bring("被告人或近亲属提出的法律援助申请（死刑复核阶段须申请）")
        return
    out.bring(*BASE_MATERIALS)
    no_means_test = any(r.startswith(("exempt_", "no_economic_test_")) for r in out.reasons)
    if out.means_tested or not no_means_test:
        out.bring(HARDSHIP_STATEMENT)
    for code in out.reasons:
        for item in _EXEMPTION_PROOF.get(code, "").split("、") if code in _EXEMPTION_PROOF else ():
            out.bring(item)
    if "exempt_local_rule" in reasons and "major_illness" in case.statuses:
        out.bring("年龄证明（身份证）", "重大疾病诊断证明")
    if "exempt_local_rule" in reasons and case.applicant.migrant_worker:
        out.bring(*_EXEMPTION_PROOF["exempt_migrant_wage"].split("、"))
    if case.is_minor:
        out.bring(AGENT_PROOF)
    role = _criminal_role(case)
    if role == "suspect_defendant":
        out.bring("拘留/逮捕通知书或起诉书副本", "近亲属关系证明（近亲属代为申请时）")
    elif role == "victim":
        out.bring("报案回执/立案或起诉材料", "伤情鉴定或就诊记录")
    if case.matter is not None:
        out.bring(*case.matter.materials)
    if case.applicant.disability and case.applicant.disability != "mental":
        out.bring("残疾人证")
    out.bring("与申请事项有关的案件材料")


WHERE_BY_ART38 = ("按法律援助法第三十八条：打官司的，向受理案件的法院（或公安、检察院）所在地的法律援助机构申请；"
                  "劳动仲裁等非诉讼事项，向仲裁委等处理机关所在地或者事情发生地（如干活的地方）的法律援助机构申请")


ORGANS_NOTIFY = "不需要申请：办案机关（公安机关、人民检察院、人民法院）应当通知法律援助机构指派律师，家属可以告诉办案机关或值班律师还没有请律师"


def _where_to_apply(table: RegionTable, region: str | None, organs_notify: bool = False) -> str:
    """The region only decides where to apply: without it, say how art. 38 picks the agency."""
    if organs_notify:
        return f"{ORGANS_NOTIFY}；也可拨打12348公共法律服务热线咨询"
    if region is None:
        return f"{WHERE_BY_ART38}；也可拨打12348公共法律服务热线咨询"
    centre = table.centre(region)
    return f"{centre}；也可拨打12348公共法律服务热线咨询"
