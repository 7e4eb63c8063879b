"""`EligibilityFacts`: the structured facts of one legal-aid pre-screen.

Accepts the `facts` object of the eligibility scenarios as-is (unknown keys such as
`threshold_snapshot` and `note` are ignored). A missing optional key means null/false. Values that
cannot be right (negative income, a household of 0, an unknown category) raise a validation error
whose message says which field and why; the API turns it into a 422."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

ResidenceType = Literal["urban", "rural"]
Service = Literal["representation", "consultation"]
Disability = Literal["visual", "hearing", "speech", "physical", "mental", "intellectual"]
# closed list from the scenario README (applicant.statuses)
Status = Literal["dibao", "tekun", "low_income_family", "youfu", "tuopin", "judicial_aid",
                 "military_family", "hero_martyr_relative", "good_samaritan", "dv_victim",
                 "major_illness", "arbitration_fee_waived"]
CriminalRole = Literal["suspect_defendant", "suspect", "defendant", "suspect_relative", "defendant_relative",
                       "victim", "victim_relative", "private_prosecutor", "incidental_civil_plaintiff",
                       "compulsory_treatment_respondent", "compulsory_medical_respondent", "petitioner"]

_SLUG = r"^[a-z0-9][a-z0-9_\-+]*$"   # open vocabularies (matter_type, proceeding, stage...) are codes


Document = Annotated[str, Field(max_length=40)]            # "户口簿"
# yuan (or a ratio): a number, or its decimal digits as text ("3190.5"); never negative
Amount = Annotated[Decimal, Field(ge=0), WithJsonSchema(
    {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": r"^\+?[0-9]+(\.[0-9]+)?$"}]})]
Documents = Annotated[list[Document], Field(max_length=30)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Applicant(_Lenient):
    age: int | None = Field(None, ge=0, le=130, description="years")
    gender: Literal["M", "F"] | None = None
    hukou: ResidenceType | None = None
    migrant_worker: bool | None = None
    disability: Disability | None = None
    no_fixed_income: bool | None = None
    statuses: list[Status] = Field(default_factory=list)
    is_natural_person: bool | None = None
    orphan: bool | None = None   # a minor nobody supports (孤儿, 事实无人抚养): art. 42(1) is clear

    @field_validator("statuses", mode="before", json_schema_input_type=list[Status] | None)
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


class Urgency(_Lenient):
    days_to_deadline: int | None = Field(None, ge=0)
    needs_preservation: bool | None = None


class CriminalFacts(_Lenient):
    role: CriminalRole | None = None
    stage: str | None = Field(None, pattern=_SLUG)   # investigation, prosecution, trial, death_review…
    procedure: str | None = Field(None, pattern=_SLUG)  # ordinary, summary, speedy, absentia…
    possible_sentence: str | None = Field(None, pattern=_SLUG)  # death, life, fixed_term…
    age_at_offence: int | None = Field(None, ge=0, le=130)
    age_now: int | None = Field(None, ge=0, le=130)
    charge: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=500)
    retrial_ordered: bool | None = None   # art. 33: court ordered a retrial or procuratorate protested


class EligibilityFacts(_Lenient):
    region: str | None = Field(None, max_length=40)
    residence_type: ResidenceType | None = None
    application_date: dt.date | None = None
    service: Service | None = None
    proceeding: str | None = Field(None, pattern=_SLUG)
    matter_type: str | None = Field(None, pattern=_SLUG)
    matter_desc: str | None = Field(None, max_length=500)
    applicant: Applicant = Field(default_factory=Applicant)
    household_size: int | None = Field(None, ge=1, le=50)
    household_monthly_income: Amount | None = None
    applicant_monthly_income: Amount | None = None
    household_monthly_expenditure: Amount | None = None
    per_capita_income_to_dibao_ratio: Amount | None = None
    adversary_is_household_member: bool | None = None
    assets: Any = None
    proof_available: Documents | bool | None = (
        None)   # documents at hand ("户口簿") or yes/no
    has_counsel: bool | None = None
    urgency: Urgency = Field(default_factory=Urgency)
    criminal: CriminalFacts | None = None
    home_region: str | None = Field(None, max_length=40)   # where the applicant lives, if elsewhere

    # json_schema_input_type: the API's schema (api/routers/eligibility.py) says what these accept
    @field_validator("applicant", mode="before", json_schema_input_type=Applicant | None)
    @classmethod
    def _no_applicant_is_default(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("urgency", mode="before", json_schema_input_type=Urgency | None)
    @classmethod
    def _no_urgency_is_default(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("proof_available", mode="before",
                     json_schema_input_type=Documents | bool | Document | None)
    @classmethod
    def _one_document_is_a_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value] if value.strip() else None
        return value

    @field_validator("region", "home_region", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    # ---- small derived facts the rules read ----------------------------------------------
    @property
    def statuses(self) -> set[str]:
        return set(self.applicant.statuses)

    @property
    def has_proof(self) -> bool:
        """Documents proving a claimed status are at hand (art. 42 "有材料证明")."""
        if isinstance(self.proof_available, bool):
            return self.proof_available
        return bool(self.proof_available)

    @property
    def proof_text(self) -> str:
        return "、".join(self.proof_available) if isinstance(self.proof_available, list) else ""

    @property
    def has_assets(self) -> bool:
        """Assets of note were mentioned (value, text, list, or {"significant": bool, ...})."""
        value = self.assets
        if isinstance(value, dict):
            flags = [v for k, v in value.items() if "significant" in str(k)]
            return bool(flags[0]) if flags else any(bool(v) for v in value.values())
        if isinstance(value, str):
            return value.strip().lower() not in {"", "none", "no", "无", "没有", "false"}
        return bool(value)

    @property
    def is_urgent(self) -> bool:
        days = self.urgency.days_to_deadline
        return bool(self.urgency.needs_preservation) or (days is not None and days < 7)


def validation_reason(error: Exception) -> str:
    """One readable line per problem, e.g. 'household_size: must be at least 1'."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return str(error)
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "facts"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)
