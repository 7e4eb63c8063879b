"""The facts a document is filled from, validated with Pydantic before anything is rendered.

Every field is optional: what is missing becomes a blank (＿＿＿＿) on the form and a line in the
answer's `missing` list. What is present must be right: dates as YYYY-MM-DD and not in the future
where the law cannot have them there, amounts never negative, an end never before its start,
no unknown keys (a typo would otherwise silently leave a blank). `reason_in_chinese` turns a
ValidationError into the one-line Chinese reason of the 422."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

Short = Annotated[str, Field(max_length=60)]
Medium = Annotated[str, Field(max_length=200)]
Long = Annotated[str, Field(max_length=3000)]
# yuan: never negative, at most a hundred billion, cents at most
Money = Annotated[Decimal, Field(ge=0, le=Decimal("100000000000"), decimal_places=2)]
Count = Annotated[int, Field(ge=1, le=50)]
DATE_FORMAT = "日期格式应为 YYYY-MM-DD（如 2025-03-01）"


def _iso_day(value: Any) -> Any:
    """Only 'YYYY-MM-DD' text (lax pydantic would also read 20250301 as seconds since 1970)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(DATE_FORMAT)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{DATE_FORMAT}，且应是真实存在的日期") from None


Day = Annotated[dt.date, BeforeValidator(_iso_day)]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: None if isinstance(v, str) and not v.strip() else v for k, v in data.items()}


def _not_future(value: dt.date | None, what: str) -> None:
    if value is not None and value > dt.date.today():
        raise ValueError(f"{what}不能晚于今天")


def _in_order(first: dt.date | None, then: dt.date | None, message: str) -> None:
    if first is not None and then is not None and then < first:
        raise ValueError(message)


class Party(_Facts):
    """A party: a person (the default) or an organisation (an employer, a company)."""
    kind: Literal["person", "organisation"] = "person"
    name: Short | None = None
    gender: Literal["男", "女"] | None = None
    birth_date: Day | None = None
    ethnicity: Annotated[str, Field(max_length=10)] | None = None
    id_number: Annotated[str, Field(pattern=r"^(\d{15}|\d{17}[\dXx])$")] | None = None
    phone: Annotated[str, Field(pattern=r"^\+?[\d\- ]{5,20}$")] | None = None
    address: Medium | None = None
    work_unit: Medium | None = None               # 工作单位或职业
    relation: Short | None = None                 # to the applicant (代理人, 被申请人 of a protection order)
    legal_representative: Short | None = None     # organisations: 法定代表人（负责人）
    representative_title: Short | None = None
    credit_code: Annotated[str, Field(pattern=r"^[0-9A-Za-z]{18}$")] | None = None

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: dt.date | None) -> dt.date | None:
        _not_future(value, "出生日期")
        return value


class Claim(_Facts):
    """One 请求事项: the words, and the amount when it is money."""
    text: Medium
    amount: Money | None = None

    @model_validator(mode="before")
    @classmethod
    def _words_alone(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


Claims = Annotated[list[Claim], Field(max_length=20)]


class Child(_Facts):
    name: Short | None = None
    gender: Literal["男", "女"] | None = None
    birth_date: Day | None = None

    @field_validator("birth_date")
    @classmethod
    def _born(cls, value: dt.date | None) -> dt.date | None:
        _not_future(value, "子女出生日期")
        return value


class PreScreen(BaseModel):
    """The eligibility engine's decision dict (`Decision.api_dict()`), as /v1/eligibility returns it.
    Keys the engine may add later are ignored."""
    model_config = ConfigDict(extra="ignore")
    decision: Literal["eligible", "ineligible", "review"]
    reasons: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=60)] = []
    citations: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=60)] = []
    materials: Annotated[list[Annotated[str, Field(max_length=300)]], Field(max_length=40)] = []
    missing: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=40)] = []
    explanation: Annotated[str, Field(max_length=3000)] = ""
    where_to_apply: Annotated[str, Field(max_length=300)] = ""
    urgent: bool = False


class _Signed(_Facts):
    date: Day | None = None     # the day the applicant signs; blank for the pen when not given
    facts_and_reasons: Long | None = None   # the applicant's own words replace the composed text


class LegalAidFacts(_Signed):
    applicant: Party = Field(default_factory=Party)
    agent: Party | None = None
    opponent: Party | None = None
    legal_aid_centre: Short | None = None       # 受理机构, e.g. 某某县法律援助中心
    region: Short | None = None
    matter: Medium | None = None                # 申请事项 / 案由, e.g. 追索劳动报酬
    service: Short | None = None                # 代理 / 辩护 / 代拟法律文书 ...
    case_summary: Long | None = None
    household_size: Count | None = None
    household_monthly_income: Money | None = None
    applicant_monthly_income: Money | None = None
    residence_type: Literal["城镇", "农村"] | None = None
    special_status: Annotated[list[Short], Field(max_length=10)] = []   # 低保对象、农民工 ...
    pre_screen: PreScreen | None = None


class LaborArbitrationFacts(_Signed):
    applicant: Party = Field(default_factory=Party)
    respondent: Party = Field(default_factory=lambda: Party(kind="organisation"))
    committee: Short | None = None              # 某某市劳动人事争议仲裁委员会
    claims: Claims = []
    start_date: Day | None = None           # 入职
    end_date: Day | None = None             # 离职 / 被辞退
    position: Short | None = None
    monthly_wage: Money | None = None
    written_contract: bool | None = None
    dispute: Long | None = None                 # what happened, in a sentence or two

    @model_validator(mode="after")
    def _dates(self):
        _not_future(self.start_date, "入职日期")
        _in_order(self.start_date, self.end_date, "离职日期不能早于入职日期")
        return self


class _Complaint(_Signed):
    plaintiff: Party = Field(default_factory=Party)
    defendant: Party = Field(default_factory=Party)
    court: Short | None = None
    claims: Claims = []


class DivorceFacts(_Complaint):
    case: Literal["divorce"]
    marriage_date: Day | None = None
    children: Annotated[list[Child], Field(max_length=10)] = []
    separated_since: Day | None = None
    property: Long | None = None
    debts: Long | None = None
    breakdown: Long | None = None               # why the relationship has broken down

    @model_validator(mode="after")
    def _dates(self):
        _not_future(self.marriage_date, "结婚登记日期")
        _in_order(self.marriage_date, self.separated_since, "分居日期不能早于结婚日期")
        return self


class ChildSupportFacts(_Complaint):
    case: Literal["child_support"]
    # the plaintiff is the child, represented by the parent the child lives with (法定代理人)
    custodian: Party | None = None
    monthly_amount: Money | None = None
    payer_monthly_income: Money | None = None
    divorce_date: Day | None = None
    since: Day | None = None                # support claimed from


class PrivateLoanFacts(_Complaint):
    case: Literal["private_loan"]
    loan_date: Day | None = None
    principal: Money | None = None
    annual_interest_rate: Annotated[Decimal, Field(ge=0, le=100)] | None = None   # per cent a year
    due_date: Day | None = None
    repaid: Money | None = None
    evidence: Medium | None = None              # 借条、转账记录 ...

    @model_validator(mode="after")
    def _dates(self):
        _not_future(self.loan_date, "借款日期")
        _in_order(self.loan_date, self.due_date, "还款期限不能早于借款日期")
        if self.principal is not None and self.repaid is not None and self.repaid > self.principal:
            raise ValueError("已还金额不能大于借款本金")
        return self


class LabourServiceFeeFacts(_Complaint):
    case: Literal["labour_service_fee"]
    work_start: Day | None = None
    work_end: Day | None = None
    work_content: Medium | None = None
    agreed_fee: Medium | None = None            # 每天300元 / 包工价20000元
    unpaid_amount: Money | None = None

    @model_validator(mode="after")
    def _dates(self):
        _not_future(self.work_start, "开始干活的日期")
        _in_order(self.work_start, self.work_end, "完工日期不能早于开工日期")
        return self


CivilComplaintFacts = Annotated[Union[DivorceFacts, ChildSupportFacts, PrivateLoanFacts, LabourServiceFeeFacts],
                                Field(discriminator="case")]
CIVIL_CASES = {"divorce": "离婚纠纷", "child_support": "抚养费纠纷", "private_loan": "民间借贷纠纷",
               "labour_service_fee": "劳务合同纠纷（追索劳务费）"}


class ProtectionOrderFacts(_Signed):
    applicant: Party = Field(default_factory=Party)
    respondent: Party = Field(default_factory=Party)
    court: Short | None = None
    measures: Annotated[list[Literal["no_violence", "no_contact", "move_out"]],
                        Field(max_length=3)] = ["no_violence", "no_contact"]
    other_measures: Medium | None = None
    incidents: Annotated[list["Incident"], Field(max_length=20)] = []
    reported_to_police: bool | None = None


class Incident(_Facts):
    date: Day | None = None
    what: Medium

    @field_validator("date")
    @classmethod
    def _past(cls, value: dt.date | None) -> dt.date | None:
        _not_future(value, "事件日期")
        return value


ProtectionOrderFacts.model_rebuild()


class PaymentOrderFacts(_Signed):
    applicant: Party = Field(default_factory=Party)
    respondent: Party = Field(default_factory=Party)
    court: Short | None = None
    amount: Money | None = None                 # the money owed (金钱、有价证券)
    interest: Medium | None = None              # how interest is claimed, in words
    debt_basis: Medium | None = None            # 借款 / 货款 / 劳务费 ...
    debt_date: Day | None = None
    due_date: Day | None = None
    evidence: Medium | None = None

    @model_validator(mode="after")
    def _dates(self):
        _not_future(self.debt_date, "债务发生日期")
        _in_order(self.debt_date, self.due_date, "约定付款日期不能早于债务发生日期")
        return self


# --- the Chinese reason of a 422 -------------------------------------------------------------------

FIELD_LABELS = {
    "type": "文书类型", "facts": "事实", "case": "案件类型", "applicant": "申请人", "respondent": "被申请人",
    "plaintiff": "原告", "defendant": "被告", "agent": "代理人", "opponent": "对方当事人", "name": "姓名/名称",
    "gender": "性别", "birth_date": "出生日期", "ethnicity": "民族", "id_number": "公民身份号码", "phone": "联系电话",
    "address": "住址", "credit_code": "统一社会信用代码", "date": "日期", "claims": "请求事项", "amount": "金额",
    "start_date": "入职日期", "end_date": "离职日期", "monthly_wage": "月工资", "marriage_date": "结婚登记日期",
    "separated_since": "分居日期", "monthly_amount": "每月抚养费", "payer_monthly_income": "对方月收入",
    "loan_date": "借款日期", "principal": "借款本金", "annual_interest_rate": "年利率", "due_date": "还款期限",
    "repaid": "已还金额", "work_start": "开工日期", "work_end": "完工日期", "unpaid_amount": "欠付劳务费",
    "household_size": "家庭人口", "household_monthly_income": "家庭月收入", "applicant_monthly_income": "本人月收入",
    "pre_screen": "初筛结果", "measures": "保护措施", "incidents": "家暴事件", "debt_date": "债务发生日期",
    "children": "子女", "custodian": "法定代理人", "kind": "主体类型", "residence_type": "城乡",
}
_MESSAGES = {
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD（如 2025-03-01）",
    "date_parsing": "日期格式应为 YYYY-MM-DD（如 2025-03-01）",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD（如 2025-03-01）",
    "date_type": "日期格式应为 YYYY-MM-DD（如 2025-03-01）",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "int_parsing": "应为整数", "int_type": "应为整数",
    "decimal_max_places": "最多保留两位小数", "int_from_float": "应为整数",
    "extra_forbidden": "没有这一项（请检查字段名）", "missing": "必须填写",
    "string_type": "应为文字", "string_pattern_mismatch": "格式不对", "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false", "list_type": "应为列表", "model_type": "应为对象", "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "union_tag_not_found": "请写明案件类型 case：divorce（离婚）、child_support（抚养费）、private_loan（民间借贷）、"
                           "labour_service_fee（劳务费）",
    "union_tag_invalid": "案件类型只能是 divorce、child_support、private_loan、labour_service_fee",
}


def _where(loc: tuple) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in CIVIL_CASES)]   # drop the union's tag
    label = next((FIELD_LABELS[p] for p in reversed(parts) if p in FIELD_LABELS), "")
    path = ".".join(parts) or "facts"
    return f"{path}（{label}）" if label else path


def _message(item: dict) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return "不能为负数" if str(bound) == "0" else f"不能小于 {bound}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind in ("string_too_long", "too_long"):
        return f"太长了（最多 {ctx.get('max_length')} {'字' if kind == 'string_too_long' else '项'}）"
    if kind == "literal_error":
        return f"只能是 {ctx.get('expected', '')}"
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    return _MESSAGES.get(kind, item["msg"])


def reason_in_chinese(error: ValidationError) -> str:
    """'facts.start_date（入职日期）：日期格式应为 YYYY-MM-DD（如 2025-03-01）；…' (at most five problems)."""
    parts = [f"{_where(item['loc'])}：{_message(item)}" for item in error.errors()[:5]]
    return "；".join(parts)
