"""What kind of matter a case is, for the scope rules (法律援助法第三十一条、第三十二条) and the
documents to bring. `matter_type` is an open code; unknown codes are read by their parts
(…_wage…, …traffic…) and by `matter_desc` keywords, and otherwise count as a personal matter
outside the national list (→ staff check, never a refusal)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Matter:
    code: str
    art31_item: int | None = None     # 法律援助法第三十一条 item (1–8), None = not on the list
    kind: str = "personal"           # personal / commercial / criminal / petition
    tags: frozenset[str] = field(default_factory=frozenset)
    materials: tuple[str, ...] = ()

    def has(self, *tags: str) -> bool:
        return any(t in self.tags for t in tags)


def _m(code, item=None, kind="personal", tags=(), materials=()) -> Matter:
    return Matter(code, item, kind, frozenset(tags), tuple(materials))


_WAGE_DOCS = ("劳动关系证明（劳动合同/工牌/考勤/聊天记录）", "欠薪证据（工资条/欠条/银行流水）")
_MEDICAL_DOCS = ("病历资料及医疗费票据", "医疗纠纷投诉或鉴定材料（如有）")
_TRAFFIC_DOCS = ("交通事故责任认定书", "病历及医疗费票据")
_DV_DOCS = ("报警回执/告诫书/伤情照片/就诊记录/妇联或居委会求助记录",)

CATALOGUE: dict[str, Matter] = {m.code: m for m in [
    _m("state_compensation", 1, tags={"state_compensation"},
       materials=("原处理决定书及撤销/无罪的法律文书", "羁押或限制人身自由期间证明")),
    _m("state_compensation_retrial_acquittal", 1, tags={"state_compensation", "retrial_acquittal"},
       materials=("再审改判无罪的判决书", "羁押或限制人身自由期间证明")),
    _m("social_insurance_benefit", 2, tags={"social_insurance"},
       materials=("社保机构不予办理的书面答复", "社会保险缴费记录")),
    _m("pension_benefit", 2, tags={"social_insurance"}, materials=("社保机构不予办理的书面答复",)),
    _m("social_assistance", 2, tags={"social_assistance"},
       materials=("民政部门不予批准（不予救助）决定书", "家庭收入及成员情况材料")),
    _m("survivor_benefit", 3, tags={"survivor_benefit"}, materials=("死亡证明", "亲属关系证明")),
    _m("support_elderly", 4, tags={"support"},
       materials=("亲属关系证明（户口簿/出生证明）", "赡养义务人基本情况")),
    _m("support_child", 4, tags={"support"},
       materials=("离婚证及离婚协议或判决书", "子女出生证明/户口簿")),
    _m("support_spouse", 4, tags={"support"}, materials=("结婚证", "扶养义务人基本情况")),
    _m("labor_relationship_confirmation", 5, tags={"labor"},
       materials=("劳动关系证明（平台接单记录/工作安排聊天记录/收入流水）",)),
    _m("wage_arrears", 5, tags={"labor", "wage"}, materials=_WAGE_DOCS),
    _m("labor_contract_dispute", None, tags={"labor", "labor_contract"},
       materials=("劳动合同", "解除/辞退通知或相关证据", "工资流水")),
    _m("social_insurance_dispute", None, tags={"labor", "social_insurance_labor"},
       materials=("劳动关系证明", "社会保险缴费记录")),
    _m("incapacity_declaration", 6, tags={"incapacity"},
       materials=("被申请人病历/精神疾病诊断证明", "亲属关系证明")),
    _m("work_injury", 7, tags={"work_injury", "personal_injury"},
       materials=("工伤认定申请材料或就医记录", "劳动关系证明")),
    _m("traffic_accident_injury", 7, tags={"traffic", "personal_injury"}, materials=_TRAFFIC_DOCS),
    _m("food_drug_safety", 7, tags={"food_drug", "personal_injury"},
       materials=("就医记录", "购买凭证及剩余药品/食品")),
    _m("medical_accident", 7, tags={"medical", "personal_injury"}, materials=_MEDICAL_DOCS),
    _m("environmental_pollution", 8, tags={"environment"},
       materials=("损失证据（照片、检测报告、损失清单）",)),
    _m("ecological_damage", 8, tags={"environment"}, materials=("损失证据（照片、检测报告、损失清单）",)),
    _m("personal_injury_other", None, tags={"personal_injury", "other_injury"},
       materials=("病历及伤情照片",)),
    _m("product_quality_injury", None, tags={"personal_injury", "product_quality"},
       materials=("病历及伤情照片", "购买凭证及产品")),
    _m("emergency_injury", None, tags={"personal_injury", "emergency"}, materials=("病历及伤情照片",)),
    _m("martyr_personality_rights", None, tags={"hero_martyr"},
       materials=("烈士证明书或英烈身份证明", "近亲属关系证明", "侵权内容截图或公证文书")),
    _m("good_samaritan_injury", None, tags={"good_samaritan", "personal_injury"},
       materials=("见义勇为确认文书或公安机关出具的情况证明", "伤情及损失证据")),
    _m("dv_divorce", None, tags={"dv"}, materials=(*_DV_DOCS, "结婚证")),
    _m("domestic_violence", None, tags={"dv"}, materials=_DV_DOCS),
    _m("dv_protection_order", None, tags={"dv"}, materials=_DV_DOCS),
    _m("abuse", None, tags={"dv"}, materials=_DV_DOCS),
    _m("abandonment", None, tags={"dv"}, materials=_DV_DOCS),
    _m("divorce", None, materials=("结婚证",)),
    _m("divorce_property", None),
    _m("custody", None),
    _m("inheritance", None),
    _m("private_loan", None, materials=("借条/转账记录", "催讨记录")),
    _m("lease_contract", None),
    _m("land_contract_rights", None, tags={"land"}, materials=("土地承包经营权证或村集体分配方案",)),
    _m("boundary_dispute", None),
    _m("neighbour_dispute", None),
    _m("property_dispute", None),
    _m("consumer_dispute", None),
    _m("commercial_contract", None, kind="commercial"),
    _m("commercial_dispute", None, kind="commercial"),
    _m("enterprise_dispute", None, kind="commercial"),
    _m("business_contract", None, kind="commercial"),
    _m("criminal_defense", None, kind="criminal"),
    _m("criminal_victim", None, kind="criminal"),
    _m("private_prosecution", None, kind="criminal"),
    _m("incidental_civil_action", None, kind="criminal"),
    _m("compulsory_medical_treatment", None, kind="criminal"),
    _m("petition", None, kind="petition", materials=("原裁判文书", "申诉材料")),
    _m("retrial", None, kind="petition", materials=("再审决定书或抗诉书", "原裁判文书")),
]}

# for codes we do not know: parts of the code, then words of the description
_CODE_HINTS: list[tuple[tuple[str, ...], str]] = [
    (("retrial_acquittal",), "state_compensation_retrial_acquittal"),
    (("state_compensation",), "state_compensation"),
    (("wage", "salary", "pay"), "wage_arrears"),
    (("labor_relationship", "employment_confirmation"), "labor_relationship_confirmation"),
    (("work_injury", "occupational"), "work_injury"),
    (("traffic",), "traffic_accident_injury"),
    (("medical",), "medical_accident"),
    (("food", "drug"), "food_drug_safety"),
    (("pollution", "environment", "ecolog"), "environmental_pollution"),
    (("support_elder", "maintenance_elder"), "support_elderly"),
    (("support_child", "child_support"), "support_child"),
    (("support",), "support_spouse"),
    (("survivor", "death_benefit", "fuxu"), "survivor_benefit"),
    (("social_insurance", "pension"), "social_insurance_benefit"),
    (("social_assistance", "dibao"), "social_assistance"),
    (("incapacity", "capacity"), "incapacity_declaration"),
    (("martyr", "hero"), "martyr_personality_rights"),
    (("samaritan",), "good_samaritan_injury"),
    (("domestic_violence", "dv_", "abuse", "abandon"), "domestic_violence"),
    (("labor", "labour"), "labor_contract_dispute"),
    (("product",), "product_quality_injury"),
    (("injury",), "personal_injury_other"),
    (("commercial", "enterprise", "company", "business"), "commercial_dispute"),
    (("petition",), "petition"),
    (("retrial",), "retrial"),
]
_DESC_HINTS: list[tuple[tuple[str, ...], str]] = [
    (("家暴", "家庭暴力", "虐待", "遗弃"), "domestic_violence"),
    (("欠薪", "工资", "工钱", "劳动报酬"), "wage_arrears"),
    (("工伤",), "work_injury"),
    (("交通事故", "车祸"), "traffic_accident_injury"),
    (("医疗", "医院", "误诊"), "medical_accident"),
    (("赡养",), "support_elderly"),
    (("抚养费",), "support_child"),
    (("扶养",), "support_spouse"),
]


def classify(matter_type: str | None, matter_desc: str | None = None) -> Matter | None:
    if not matter_type:
        return None
    if matter_type in CATALOGUE:
        return CATALOGUE[matter_type]
    for parts, code in _CODE_HINTS:
        if any(p in matter_type for p in parts):
            return Matter(matter_type, CATALOGUE[code].art31_item, CATALOGUE[code].kind,
                          CATALOGUE[code].tags, CATALOGUE[code].materials)
    for words, code in _DESC_HINTS:
        if matter_desc and any(w in matter_desc for w in words):
            return Matter(matter_type, CATALOGUE[code].art31_item, CATALOGUE[code].kind,
                          CATALOGUE[code].tags, CATALOGUE[code].materials)
    return Matter(matter_type)
