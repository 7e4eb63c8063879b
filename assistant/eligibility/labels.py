"""Chinese words for the eligibility codes, for what people and staff read (ticket summaries,
the facts handed to the legal-aid centre). Codes stay in the structured facts; unknown codes
fall back to a plain description rather than showing English.

The one source of these names: the staff console (api/console/labels.py) names matters and
statuses from `CONSOLE_MATTERS` / `CONSOLE_STATUSES` below, which are these tables with the
console's own wording for the codes it has always named differently."""
from __future__ import annotations

MATTERS = {
    "state_compensation": "国家赔偿", "state_compensation_retrial_acquittal": "国家赔偿（再审改判无罪）",
    "social_insurance_benefit": "社会保险待遇", "pension_benefit": "养老金待遇", "social_assistance": "最低生活保障/社会救助",
    "survivor_benefit": "抚恤金", "support_elderly": "赡养费", "support_child": "抚养费", "support_spouse": "扶养费",
    "labor_relationship_confirmation": "确认劳动关系", "wage_arrears": "讨要工资（欠薪）",
    "labor_contract_dispute": "劳动合同纠纷", "social_insurance_dispute": "社保缴纳纠纷",
    "incapacity_declaration": "认定无/限制民事行为能力", "work_injury": "工伤赔偿",
    "traffic_accident_injury": "交通事故人身损害赔偿", "food_drug_safety": "食品药品安全事故赔偿",
    "medical_accident": "医疗事故赔偿", "environmental_pollution": "环境污染损害赔偿",
    "ecological_damage": "生态破坏损害赔偿", "personal_injury_other": "人身伤害赔偿",
    "product_quality_injury": "产品质量致人损害", "emergency_injury": "紧急救助中受伤",
    "martyr_personality_rights": "英雄烈士人格权益", "good_samaritan_injury": "见义勇为受伤",
    "dv_divorce": "家暴离婚", "domestic_violence": "家庭暴力", "dv_protection_order": "人身安全保护令",
    "abuse": "虐待", "abandonment": "遗弃", "divorce": "离婚", "divorce_property": "离婚财产分割",
    "custody": "子女抚养权", "inheritance": "继承", "private_loan": "借款纠纷", "lease_contract": "租房纠纷",
    "land_contract_rights": "土地承包/宅基地", "boundary_dispute": "地界纠纷", "neighbour_dispute": "邻里纠纷",
    "property_dispute": "财产纠纷", "consumer_dispute": "消费纠纷", "commercial_contract": "商事合同",
    "commercial_dispute": "商事纠纷", "enterprise_dispute": "企业纠纷", "business_contract": "经营合同",
    "criminal_defense": "刑事辩护", "criminal_victim": "刑事被害人代理", "private_prosecution": "刑事自诉",
    "incidental_civil_action": "刑事附带民事诉讼", "compulsory_medical_treatment": "强制医疗",
    "petition": "申诉", "retrial": "申请再审", "other_personal_matter": "其他个人事项",
}
STATUSES = {
    "dibao": "低保", "tekun": "特困供养", "low_income_family": "低收入家庭", "youfu": "优抚对象",
    "tuopin": "脱贫户", "judicial_aid": "司法救助/缓交诉讼费", "military_family": "军人军属",
    "hero_martyr_relative": "英烈近亲属", "good_samaritan": "见义勇为", "dv_victim": "家暴受害人",
    "major_illness": "重大疾病", "arbitration_fee_waived": "免交仲裁费",
}

# Where the console's wording differs from the summary's. Two wordings are kept only so that
# neither the summaries nor the console pages change; picking one wording removes these lines.
CONSOLE_MATTERS = {**MATTERS, **{
    "state_compensation_retrial_acquittal": "再审无罪后国家赔偿", "social_assistance": "社会救助",
    "wage_arrears": "追讨劳动报酬（欠薪）", "social_insurance_dispute": "社保争议", "incapacity_declaration": "认定无民事行为能力",
    "traffic_accident_injury": "交通事故人身损害", "food_drug_safety": "食品药品安全事故", "medical_accident": "医疗事故",
    "environmental_pollution": "环境污染损害", "ecological_damage": "生态破坏损害", "personal_injury_other": "其他人身损害",
    "product_quality_injury": "产品质量致害", "emergency_injury": "突发事件致害", "martyr_personality_rights": "英烈名誉保护",
    "good_samaritan_injury": "见义勇为受损", "private_loan": "民间借贷", "lease_contract": "租赁合同",
    "land_contract_rights": "土地承包经营权", "boundary_dispute": "宅基地/地界纠纷", "neighbour_dispute": "相邻关系纠纷",
    "criminal_victim": "刑事被害人", "private_prosecution": "自诉", "incidental_civil_action": "刑事附带民事",
    "retrial": "再审",
}}
CONSOLE_STATUSES = {**STATUSES, **{
    "dibao": "低保对象", "tekun": "特困供养人员", "judicial_aid": "获司法救助", "arbitration_fee_waived": "免仲裁费",
}}


def matter_label(code: str | None, desc: str | None = None) -> str:
    if desc:
        return desc
    if not code:
        return ""
    return MATTERS.get(code, "其他事项")


def status_labels(codes) -> list[str]:
    return [STATUSES.get(c, "其他身份") for c in sorted(codes)]
