"""The plain-Chinese explanation of a pre-screen result, short enough for a village WeChat group."""
from __future__ import annotations

from assistant.eligibility.decision import ELIGIBLE, INELIGIBLE, Trace
from assistant.eligibility.local_rules import Local

# one plain sentence per reason code (codes without a sentence are technical notes)
PLAIN: dict[str, str] = {
    "consultation_no_means_test": "只是咨询法律问题，不看收入，法律援助窗口、12348热线都可以免费问。",
    "criminal_mandatory_defense_minor": "未成年的犯罪嫌疑人、被告人没有请律师的，办案机关必须通知法律援助机构派律师。",
    "criminal_mandatory_defense_sensory_disability": "盲、聋、哑的犯罪嫌疑人、被告人没有请律师的，国家必须派律师。",
    "criminal_mandatory_defense_mental_capacity": "不能完全辨认自己行为的人没有请律师的，国家必须派律师。",
    "criminal_mandatory_defense_life_or_death": "可能判无期徒刑、死刑的，没有请律师的，国家必须派律师，不看家里收入。",
    "criminal_mandatory_defense_death_review": "死刑复核案件的被告人申请法律援助的，国家必须派律师。",
    "criminal_mandatory_defense_absentia": "缺席审判的被告人没有请律师的，国家必须派律师。",
    "compulsory_medical_treatment_agent": "强制医疗案件中没有代理人的，国家必须派律师。",
    "not_mandatory_adult_at_trial": "犯事时未满18岁、但审判时已满18岁，不属于必须派律师的情形，要看经济条件。",
    "court_may_appoint_ordinary_procedure": "按普通程序审理的案件，法院可以通知法律援助机构派律师，请工作人员进一步审查。",
    "duty_lawyer_available": "不管收入多少，都可以找看守所、检察院、法院的值班律师免费帮忙。",
    "already_has_counsel": "已经自己请了律师（或代理人）的，不能再申请法律援助；解除委托后可以再申请。",
    "retrial_not_yet_ordered": "申诉案件要等法院决定再审或检察院抗诉后才能申请法律援助；现在可以先免费咨询。",
    "matter_outside_national_list": "这类事情不在国家法律援助目录里，",
    "scope_needs_local_check": "要由当地法律援助机构看本地规定能不能受理。",
    "out_of_scope_matter": "公司之间、生意上的纠纷不属于法律援助范围。",
    "applicant_not_natural_person": "法律援助只帮个人，不帮公司、企业。",
    "no_economic_test_hero_martyr": "英雄烈士近亲属维护烈士名誉等权益，不看收入。",
    "no_economic_test_good_samaritan": "因见义勇为主张权利的，不看收入。",
    "no_economic_test_retrial_acquittal_compensation": "再审改判无罪后请求国家赔偿的，不看收入。",
    "no_economic_test_domestic_violence": "遭受家暴、虐待、遗弃的受害人主张权利，不看收入。",
    "no_economic_test_local_rule": "本地规定这类情况不受经济困难条件限制。",
    "exempt_no_fixed_income_minor": "没有固定生活来源的未成年人，有证明就不用审查经济状况。",
    "exempt_no_fixed_income_elderly": "没有固定生活来源的老人，有村（居）委会证明就不用审查经济状况。",
    "exempt_no_fixed_income_disabled": "没有固定生活来源的残疾人，有证明就不用审查经济状况。",
    "exempt_social_assistance_dibao": "低保对象凭证明免予审查经济状况。",
    "exempt_social_assistance_tekun": "特困供养人员凭证明免予审查经济状况。",
    "exempt_social_assistance_low_income": "低收入家庭凭认定证明免予审查经济状况。",
    "exempt_judicial_aid": "法院给过司法救助的，凭决定书免予审查经济状况。",
    "exempt_youfu": "优抚对象凭证件免予审查经济状况。",
    "exempt_migrant_wage": "农民工讨要工钱，凭户籍和务工证明免予审查经济状况。",
    "exempt_migrant_work_injury": "农民工请求工伤赔偿，凭户籍和务工证明免予审查经济状况。",
    "exempt_local_rule": "本地规定这种情况免予审查经济状况。",
    "exemption_proof_missing": "说的身份要有证明材料才能免审查，没有证明就要看收入。",
    "exemption_not_applicable_fixed_income": "有养老金、工资等固定收入，不算“无固定生活来源”，要看收入。",
    "exemption_scope_ambiguous_minor_family_income": "孩子自己没收入但有父母供养，是否免审查要工作人员判断。",
    "migrant_exemption_not_applicable_matter": "农民工免审查只适用于讨工钱和工伤赔偿，这件事还要看收入。",
    "tuopin_not_national_exemption": "脱贫户身份本身不是国家规定的免审查情形，要看收入。",
    "arbitration_free_not_hardship_proof": "劳动仲裁本来就不收费，“免仲裁费”不能证明经济困难。",
    "judicial_aid_case_type_only": "法院是按案件类型准予缓交/免交诉讼费的，不一定说明经济困难，要工作人员判断。",
    "income_below_threshold": "家里人均收入低于当地经济困难标准。",
    "income_above_threshold": "家里人均收入高于当地经济困难标准。",
    "income_at_threshold_inclusive": "人均收入正好等于标准，本地规定是“不超过”，算符合。",
    "income_at_threshold_exclusive": "人均收入正好等于标准，本地规定是“低于”，正好卡线不算符合。",
    "income_at_threshold_ambiguous": "人均收入正好卡在标准线上，本地规定没说清含不含，要工作人员判断。",
    "personal_income_used_family_adversary": "对方是一起生活的家人，只算您本人的收入。",
    "special_group_multiplier": "您属于本地放宽标准的人群，按放宽后的标准算。",
    "expenditure_hardship_rule": "因大病、意外或上学开支大于收入，按更高的标准算。",
    "significant_assets_check": "当地还要看家庭财产，提到有较大财产的要工作人员核实。",
    "threshold_unknown": "我们还没有当地经济困难标准的准确数字，要工作人员核对。",
    "local_may_accept_major_illness": "本地规定因重大疾病等困难的，法律援助机构应当受理，但能否援助要审查。",
    "missing_income_info": "还不知道家里每月收入。",
    "missing_household_size": "还不知道家里几口人一起生活。",
    "missing_region": "还不知道在哪里申请（标准按受理地算）。",
    "missing_matter_info": "还不知道是什么事情。",
    "missing_criminal_facts": "还缺案件情况（年龄、阶段、可能判多重等）。",
    "missing_residence_type": "还不知道是城镇还是农村户（两个标准不同）。",
    "urgent_advance_aid_art44": "时间紧（快到期限或要保全），可以请法律援助机构先行提供援助、材料后补。",
}

HEADLINE = {
    ELIGIBLE: "初步看，您符合申请法律援助的条件。",
    INELIGIBLE: "初步看，您暂时不符合申请法律援助的条件。",
    "review": "初步看，需要法律援助机构工作人员进一步审查。",
}


def explain(decision: str, out: Trace, local: Local, centre: str) -> str:
    lines = [HEADLINE[decision]]
    lines += [PLAIN[c] for c in out.reasons if c in PLAIN]
    if out.threshold and out.threshold.get("value") is not None:
        lines.append(threshold_sentence(out.threshold))
    if decision == INELIGIBLE:
        cite, days = local.objection()
        extra = f"（本地规定{days}提出，{cite}）" if cite else ""
        lines.append("如对不予援助的决定不服，可以向设立该法律援助机构的司法局提出异议"
                     f"{extra}，对处理结果不服还可以申请行政复议或提起行政诉讼（法律援助法第四十九条）。")
    lines.append(f"最终由法律援助机构决定（一般{local.decision_days()}内答复）。申请地点：{centre}，或拨打12348。")
    return "".join(lines)


def threshold_sentence(threshold: dict) -> str:
    """'当地标准：家庭人均月收入低于3190元。' (the figure and its local wording)."""
    value, comparison = threshold["value"], threshold.get("comparison")
    words = {"<": "低于", "<=": "不超过"}.get(comparison, "约")
    return f"当地标准：家庭人均每月收入{words}{value}元。"
