"""What to do right now when a message shows urgent risk, and which articles back it up.

The texts name only hotlines and steps; articles are attached only when the knowledge base has
them (looked up at answer time), so nothing here can put an invented citation in front of a user."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UrgentGuidance:
    risk: str
    label: str                       # what staff see (ticket summary, reports)
    service: str                     # handoff target service
    steps: tuple[str, ...]
    citations: tuple[str, ...] = ()  # looked up in the knowledge base; missing ones are dropped


GUIDANCE: dict[str, UrgentGuidance] = {
    "suicide": UrgentGuidance("suicide", "自杀风险", "法律援助", (
        "您的安全最重要。如果您现在有伤害自己的想法，请马上拨打 120（急救）或 110，或请身边的人陪着您。",
        "可以拨打心理援助热线 12356，或希望24热线 400-161-9995，有人会认真听您说。",
        "您遇到的法律上的难处，我们已请工作人员尽快联系您，一起想办法。",
    )),
    "child_at_risk": UrgentGuidance("child_at_risk", "儿童受侵害", "法律援助", (
        "孩子正在危险中的，请马上拨打 110 报警；受了伤拨打 120，看病时保留病历。",
        "任何人发现孩子受到侵害，都可以向公安、民政、教育等部门检举、控告；也可以拨打 12355 青少年服务热线、"
        "妇联热线 12338 求助。",
        "保存好照片、聊天记录、病历和证人信息，报警时交给警察。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    ), ("未成年人保护法第十一条", "未成年人保护法第二十条")),
    "elder_expelled": UrgentGuidance("elder_expelled", "老人被赶出家门", "法律援助", (
        "老人现在没地方住、有危险的，请马上拨打 110；天冷天热先到亲戚家或村（居）委会找个安全的地方。",
        "子女不能把老人赶出家门，应当安排好老人的住房。可以请村（居）委会、乡镇司法所调解，也可以直接向法院起诉。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    ), ("老年人权益保障法第十六条", "老年人权益保障法第七十五条")),
    "domestic_violence": UrgentGuidance("domestic_violence", "家庭暴力", "法律援助", (
        "如果正在被打或有危险，请马上拨打 110 报警；受了伤拨打 120，看病时保留病历和照片。",
        "可以拨打妇联热线 12338 求助，也可以去村（居）委会、妇联或派出所反映。",
        "可以向法院申请人身安全保护令；报警回执、伤情照片、聊天记录都是证据，请保存好。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    ), ("反家庭暴力法第十三条", "反家庭暴力法第二十三条")),
    "threat": UrgentGuidance("threat", "人身威胁", "法律援助", (
        "如果对方正在威胁您的人身安全，请马上拨打 110 报警，先到安全的地方去。",
        "保存威胁的录音、短信、聊天记录和证人信息，报警时交给警察。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    )),
    "detention": UrgentGuidance("detention", "家人被羁押", "法律援助", (
        "家属可以委托律师到看守所会见；请不起律师的，可以向当地法律援助中心申请法律援助。",
        "向办案的公安机关问清楚：关在哪里、什么罪名、办案单位的电话，并记下来。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    ), ("法律援助法第二十四条", "法律援助法第二十五条")),
    "violence_injury": UrgentGuidance("violence_injury", "被打受伤", "法律援助", (
        "伤得重的先拨打 120 或马上去医院，头部受伤、看不清东西不要拖；请医生写清伤情，保留病历和票据。",
        "马上拨打 110 报警，说清楚谁打的、在哪里；打人的跑了也要报，派出所会调查处理，伤情鉴定也由他们安排。",
        "拍下伤口照片，记下在场的人，保存好聊天记录和录音。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    ), ("治安管理处罚法第四十三条", "民法典第一千一百七十九条")),
    "fraud_in_progress": UrgentGuidance("fraud_in_progress", "刚被诈骗", "法律援助", (
        "马上拨打 110 报警（也可以打反诈专线 96110），说清楚转给了哪个账户、转了多少、什么时间：越快报警，越有可能紧急止付、冻结。",
        "马上打银行客服电话说明被骗，请求止付；不要再按对方说的转任何钱、不要再点对方发的链接或软件，退出屏幕共享。",
        "保存好转账记录、聊天记录、对方电话和账号，报警时交给警察。",
        "法律援助咨询：12348。我们已请工作人员优先联系您。",
    ), ("反电信网络诈骗法第二十条", "反电信网络诈骗法第三十四条")),
    "deadline": UrgentGuidance("deadline", "时效将到", "法律援助", (
        "时间很紧：请在期限届满前先把申请递交上去（劳动争议向当地劳动人事争议仲裁委员会书面申请，"
        "民事纠纷向法院起诉），材料不全可以之后补充。",
        "带上身份证件、合同或工资记录、聊天记录等证据；递交时要回执或拍照留存。",
        "马上拨打 12348 或到当地法律援助中心，说明“时效快到了”。我们已请工作人员优先联系您。",
    ), ("劳动争议调解仲裁法第二十七条", "民法典第一百八十八条")),
}
