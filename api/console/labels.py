"""What staff read instead of codes: the Chinese name of every code a console page, report or CSV
can show (ticket triggers, statuses, priorities, channels, audit actions, intents, urgent risks,
eligibility decisions and reasons, matter types, dispute types = answer-card ids).

`label(code)` looks a code up in all of them; an unknown value is returned as it is (free text,
region names, older records), so the browser test that scans every page for snake_case codes is
what catches a code that has no name yet."""
from __future__ import annotations

from functools import lru_cache

from assistant.eligibility.decision import DECISION_LABELS
from assistant.eligibility.explain import PLAIN as REASON_SENTENCES
from assistant.eligibility.labels import CONSOLE_MATTERS as MATTER_LABELS
from assistant.eligibility.labels import CONSOLE_STATUSES as PERSON_STATUS_LABELS
from assistant.conversation.intents import INTENT_LABELS
from assistant.conversation.urgent import GUIDANCE

STATUS_LABELS = {"pending": "待认领", "assigned": "处理中", "escalated": "已超时", "resolved": "已办结",
                 "cancelled": "已取消"}
PRIORITY_LABELS = {"urgent": "紧急", "high": "较急", "normal": "一般"}
ROLE_LABELS = {"user": "当事人", "assistant": "机器人", "staff": "工作人员"}
TRIGGER_LABELS = {"person_request": "当事人要求人工", "urgent_risk": "紧急情况", "uncertain_answer": "机器人答不准",
                  "eligibility_application": "法律援助申请", "staff_pull": "工作人员接管"}
CHANNEL_LABELS = {"web": "网页", "h5": "网页", "api": "接口", "api_user": "接口", "official_account": "微信公众号",
                  "wechat_oa": "微信公众号", "wecom_app": "企业微信应用", "wecom": "企业微信应用",
                  "wecom_bot": "企业微信机器人"}
ACTION_LABELS = {"open": "创建工单", "claim": "认领", "assign": "指派", "reply": "回复", "delivery_failed": "发送失败",
                 "cancel": "取消", "resolve": "办结", "hand_back": "交还机器人", "remind": "时限过半提醒",
                 "escalate": "超时升级", "reprioritise": "调整优先级", "create": "新建", "update": "修改"}
ACTOR_LABELS = {"person": "当事人", "bot": "机器人", "system": "系统"}
AUDIT_NOTES = {"SLA half time": "处理时限已过一半", "SLA deadline passed": "已超过处理时限"}
RESIDENCE_LABELS = {"urban": "城镇", "rural": "农村"}
SERVICE_KIND_LABELS = {"representation": "代理/辩护", "consultation": "法律咨询"}
DISABILITY_LABELS = {"visual": "视力残疾", "hearing": "听力残疾", "speech": "言语残疾", "physical": "肢体残疾",
                     "mental": "精神残疾", "intellectual": "智力残疾"}
PROCEEDING_LABELS = {
    "civil": "民事诉讼", "criminal": "刑事诉讼", "administrative": "行政诉讼", "consultation": "法律咨询",
    "labor_arbitration": "劳动仲裁", "arbitration": "仲裁", "mediation": "调解", "litigation": "诉讼",
    "investigation": "侦查阶段", "prosecution": "审查起诉阶段", "trial": "审判阶段", "death_review": "死刑复核",
    "retrial": "再审", "ordinary": "普通程序", "summary": "简易程序", "speedy": "速裁程序", "absentia": "缺席审判",
    "compulsory_medical": "强制医疗", "death": "死刑", "life": "无期徒刑", "fixed_term": "有期徒刑",
}
CRIMINAL_ROLE_LABELS = {
    "suspect_defendant": "犯罪嫌疑人/被告人", "suspect": "犯罪嫌疑人", "defendant": "被告人",
    "suspect_relative": "犯罪嫌疑人家属", "defendant_relative": "被告人家属", "victim": "被害人",
    "victim_relative": "被害人家属", "private_prosecutor": "自诉人", "incidental_civil_plaintiff": "附带民事诉讼原告",
    "compulsory_treatment_respondent": "强制医疗被申请人", "compulsory_medical_respondent": "强制医疗被申请人",
    "petitioner": "申诉人",
}
# codes older records still carry
LEGACY_LABELS = {"statute_question": "查法条", "not_eligible": "初筛不符合"}
RISK_LABELS = {risk: guidance.label for risk, guidance in GUIDANCE.items()}
YES_NO = {True: "是", False: "否"}


@lru_cache(maxsize=1)
def _card_titles() -> dict[str, str]:
    from assistant.answers.cards import packaged_cards

    return {card.id: card.title for card in packaged_cards()}


def _tables() -> tuple[dict, ...]:
    # order matters where a code is in two tables: a ticket status before a card id of the same name
    return (STATUS_LABELS, PRIORITY_LABELS, TRIGGER_LABELS, CHANNEL_LABELS, ACTION_LABELS, ACTOR_LABELS,
            INTENT_LABELS, RISK_LABELS, DECISION_LABELS, MATTER_LABELS, PERSON_STATUS_LABELS, DISABILITY_LABELS,
            RESIDENCE_LABELS, SERVICE_KIND_LABELS, PROCEEDING_LABELS, CRIMINAL_ROLE_LABELS, LEGACY_LABELS,
            _card_titles())


def label(code) -> str:
    """The Chinese name of a code ("domestic_violence" → 家庭暴力); other values as they are."""
    if isinstance(code, bool):
        return YES_NO[code]
    if code is None:
        return ""
    text = str(code)
    for table in _tables():
        if text in table:
            return table[text]
    return text


def reason_label(code: str) -> str:
    """An eligibility reason code as the sentence the applicant was told."""
    return REASON_SENTENCES.get(code, label(code))
