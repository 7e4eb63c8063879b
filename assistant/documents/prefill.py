"""A ticket's structured facts as a document's facts (the console's 生成文书 and
POST /v1/handoffs/{id}/documents).

Tickets from the eligibility dialogue carry the pre-screen's facts (`facts`, EligibilityFacts
as JSON) and its decision (`decision`, the engine's dict) beside the flat summary (region, 事项 …,
see assistant/eligibility/dialogue.py `handoff_summary`). What the ticket does not hold (names,
ID numbers, addresses: never asked in chat) stays blank for the applicant to write in."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

STATUS_LABELS = {"dibao": "低保对象", "tekun": "特困供养人员", "low_income_family": "低收入家庭成员",
                 "youfu": "优抚对象", "tuopin": "脱贫户", "judicial_aid": "曾获司法救助", "military_family": "军人军属",
                 "hero_martyr_relative": "英雄烈士近亲属", "good_samaritan": "见义勇为人员",
                 "dv_victim": "家庭暴力受害人", "major_illness": "重大疾病", "arbitration_fee_waived": "免交仲裁费"}
GENDERS = {"M": "男", "F": "女"}
RESIDENCE = {"urban": "城镇", "rural": "农村"}


def facts_from_ticket(doc_type: str, ticket_facts: dict | None, *, region: str | None = None) -> dict:
    """The document facts a ticket supports; keys the document type does not have are left out."""
    raw = dict(ticket_facts or {})
    screened = raw.get("facts") if isinstance(raw.get("facts"), dict) else {}
    applicant = screened.get("applicant") if isinstance(screened.get("applicant"), dict) else {}
    party = {"gender": GENDERS[applicant["gender"]]} if applicant.get("gender") in GENDERS else {}
    if doc_type == "legal_aid_application":
        return _legal_aid(raw, screened, applicant, party, region)
    if doc_type == "civil_complaint":
        return {"case": "divorce", "plaintiff": party} if party else {"case": "divorce"}
    return {"applicant": party} if party else {}


def _legal_aid(raw: dict, screened: dict, applicant: dict, party: dict, region: str | None) -> dict:
    facts: dict = {"applicant": party}
    facts["region"] = _text(raw.get("region") or screened.get("region") or region)
    facts["matter"] = _text(raw.get("事项") or screened.get("matter_desc") or screened.get("matter_type"))
    facts["case_summary"] = _text(screened.get("matter_desc"))
    size = screened.get("household_size", raw.get("家庭人口"))
    facts["household_size"] = size if isinstance(size, int) and size >= 1 else None
    facts["household_monthly_income"] = _money(screened.get("household_monthly_income", raw.get("家庭月收入")))
    facts["applicant_monthly_income"] = _money(screened.get("applicant_monthly_income", raw.get("本人月收入")))
    facts["residence_type"] = RESIDENCE.get(screened.get("residence_type") or "") or _text(raw.get("城乡"))
    statuses = [STATUS_LABELS[s] for s in applicant.get("statuses") or [] if s in STATUS_LABELS]
    if applicant.get("migrant_worker") or raw.get("农民工") == "是":
        statuses.append("农民工")
    facts["special_status"] = statuses
    decision = raw.get("decision")
    if isinstance(decision, dict) and decision.get("decision") in ("eligible", "ineligible", "review"):
        facts["pre_screen"] = decision
    return {k: v for k, v in facts.items() if v not in (None, "", [], {})}


def _text(value: object) -> str | None:
    return value.strip()[:200] if isinstance(value, str) and value.strip() else None


def _money(value: object) -> str | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return str(amount.quantize(Decimal("0.01"))) if amount >= 0 and value not in (None, "") else None
