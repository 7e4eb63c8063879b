"""A ticket's structured facts as rows staff can read: (Chinese label, value) pairs.

Facts arrive as the conversation built them: Chinese keys (家庭人口, 事项), an eligibility
pre-screen's `region`, `decision` (codes and reasons) and `facts` (the EligibilityFacts dump, English
field names and codes). Everything is named in Chinese here; a nested field without a name is
left out (its content is already in the flat Chinese summary) rather than shown as a code."""
from __future__ import annotations

from api.console.labels import label, reason_label

TOP_KEYS = {"region": "地区", "risk": "紧急情况", "cards": "纠纷类型", "topic": "咨询事项", "intent": "咨询类型"}
DECISION_KEYS = {"reasons": "判断理由", "missing": "还缺的信息", "citations": "依据", "materials": "需要准备的材料",
                 "where_to_apply": "去哪里申请"}
FACT_FIELDS = {   # EligibilityFacts (assistant/eligibility/facts.py), dotted for nested fields
    "home_region": "户籍/居住地", "application_date": "申请日期", "service": "申请事项类别",
    "proceeding": "程序", "matter_type": "事项类型", "household_monthly_expenditure": "家庭月支出",
    "adversary_is_household_member": "对方是共同生活的家人", "has_counsel": "已委托律师",
    "applicant.age": "年龄", "applicant.gender": "性别", "applicant.hukou": "户口类型",
    "applicant.disability": "残疾类别", "applicant.no_fixed_income": "无固定生活来源",
    "applicant.is_natural_person": "申请人是个人", "applicant.orphan": "无人抚养的未成年人",
    "urgency.days_to_deadline": "距期限天数", "urgency.needs_preservation": "需要保全",
    "criminal.role": "诉讼身份", "criminal.stage": "诉讼阶段", "criminal.procedure": "审理程序",
    "criminal.possible_sentence": "可能判处", "criminal.retrial_ordered": "已决定再审或抗诉", "criminal.charge": "涉嫌罪名", "criminal.age_at_offence": "犯罪时年龄",
    "criminal.age_now": "现在年龄", "criminal.note": "案件说明",
}
GENDER = {"M": "男", "F": "女"}
# already in the flat summary under a Chinese key (dialogue.handoff_summary): not repeated
SUMMARISED = {"region", "matter_desc", "household_size", "household_monthly_income", "applicant_monthly_income",
              "residence_type", "applicant.statuses", "applicant.migrant_worker", "proof_available"}


def fact_rows(facts: dict | None) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in (facts or {}).items():
        if key == "decision":
            rows += _decision_rows(value)
        elif key == "facts" and isinstance(value, dict):
            rows += _detail_rows(value)
        elif key in TOP_KEYS:
            rows.append((TOP_KEYS[key], _text(value)))
        elif not key.isascii():
            rows.append((key, _text(value)))
    return [(k, v) for k, v in rows if v != ""]


def _decision_rows(decision) -> list[tuple[str, str]]:
    if not isinstance(decision, dict):
        return []
    rows = [("初筛结论", label(decision.get("decision")))] if decision.get("decision") else []
    for key, name in DECISION_KEYS.items():
        value = decision.get(key)
        if key in ("reasons", "missing") and isinstance(value, list):
            value = [reason_label(code) for code in value]
        rows.append((name, _text(value)))
    if decision.get("urgent"):
        rows.append(("时间紧急", "是（法律援助法第四十四条，可先行援助）"))
    return rows


def _detail_rows(facts: dict, prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for key, value in facts.items():
        path = f"{prefix}{key}"
        if path in SUMMARISED:
            continue
        if isinstance(value, dict):
            rows += _detail_rows(value, f"{path}.")
        elif path in FACT_FIELDS:
            rows.append((FACT_FIELDS[path], GENDER.get(value, "") if path == "applicant.gender" else _text(value)))
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "；".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dict):
        return "；".join(f"{label(k)}：{_text(v)}" for k, v in value.items() if _text(v))
    return label(value)
