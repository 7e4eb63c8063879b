"""What a person can do next, per kind of dispute, as numbered points with a longer explanation.

A point may lean on a rule (a time limit, "仲裁不收费"): its sentence is only said when the
knowledge base has that article, and the article then becomes a citation of the answer — so a
time limit is never stated without the statute that sets it."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    law: str
    article_id: str
    sentence: str            # said only when the article exists in the knowledge base


@dataclass(frozen=True)
class StepTemplate:
    text: str
    detail: str
    rule: Rule | None = None


WHERE_TO_ASK = StepTemplate(
    "拿不准的，拨打 12348 法律服务热线，或到当地法律援助中心、找村（居）法律顾问咨询。",
    "12348 是司法行政部门的公共法律服务热线，免费咨询。县（区）法律援助中心、乡镇司法所、村（居）法律顾问"
    "都可以当面咨询；经济困难的，还可以申请法律援助，由律师免费代理。去的时候带上身份证件和手里的证据材料。")

LABOUR = (
    StepTemplate("先和单位协商，保存好劳动合同、工资条、考勤记录、转账和聊天记录等证据。",
                 "协商时把诉求说清楚（欠多少、从什么时候起），最好有书面记录或录音；可以请工会、同事或村里的调解员一起参与。"
                 "证据越全越好：劳动合同、工牌、考勤、工资条、银行流水、微信聊天、证人。"),
    StepTemplate("协商不成，可以申请调解，或向当地劳动人事争议仲裁委员会申请劳动仲裁。",
                 "调解可以找企业劳动争议调解委员会、乡镇（街道）调解组织。仲裁要向用人单位所在地或合同履行地的劳动人事争议"
                 "仲裁委员会递交书面申请书，写明双方信息、请求和事实理由，附上证据。",
                 Rule("劳动争议调解仲裁法", "27", "申请仲裁的时效一般是一年，从知道权利被侵害之日起算；"
                      "在职期间被拖欠工资的，从离职之日起算。")),
    StepTemplate("对仲裁结果不服的，可以向人民法院起诉。",
                 "劳动争议一般要先仲裁、后诉讼。收到仲裁裁决书后要注意起诉期限，别错过。",
                 Rule("劳动争议调解仲裁法", "50", "一般要在收到裁决书之日起十五日内起诉。")),
)
# unpaid wages, the commonest labour question: beside arbitration a worker may complain to the labour
# inspectorate and may quit with severance — what people most need to hear, whatever retrieval quoted
UNPAID_WAGES = (
    LABOUR[0],
    StepTemplate("可以向当地人社部门的劳动保障监察机构投诉，或拨打 12333 咨询。",
                 "投诉时写明单位名称、地址、欠了几个月、多少钱，附上工资条、考勤、聊天记录等证据；投诉不收费。",
                 Rule("劳动合同法", "85", "劳动行政部门会责令单位限期支付，逾期不付的，单位还要加付赔偿金。")),
    StepTemplate("您也可以提出解除劳动合同。",
                 "解除前最好书面通知单位，写明是因为拖欠工资，并保留送达的凭证；这样解除劳动合同的，还可以要求单位支付"
                 "经济补偿。",
                 Rule("劳动合同法", "38", "用人单位未及时足额支付劳动报酬的，劳动者可以解除劳动合同。")),
    *LABOUR[1:],
)
WORK_INJURY = (
    StepTemplate("受伤后先治疗，保留病历、诊断证明、医药费票据，并让单位知道受伤经过。",
                 "记下受伤的时间、地点、经过和在场的同事，他们可以作证。"),
    StepTemplate("申请工伤认定：单位应当申请；单位不申请的，本人或近亲属可以向社会保险行政部门申请。",
                 "工伤认定后再做劳动能力鉴定，按照伤残等级享受工伤保险待遇；单位没有缴工伤保险的，由单位支付。",
                 Rule("工伤保险条例", "17", "自己申请的期限是事故伤害发生之日起一年内。")),
    StepTemplate("对待遇有争议的，可以申请劳动仲裁。",
                 "向当地劳动人事争议仲裁委员会书面申请，带上工伤认定书、鉴定结论和费用票据。"),
)
CONSUMER = (
    StepTemplate("先和商家协商，保存好购物凭证、发票、聊天记录和商品照片。",
                 "把问题和要求（退货、换货、退款、赔偿）讲清楚，保留沟通记录。"),
    StepTemplate("协商不成，可以找消费者协会调解，或拨打 12315 向市场监管部门投诉。",
                 "也可以通过全国12315平台在网上投诉，写明商家名称、购买时间、问题和证据。",
                 Rule("消费者权益保护法", "39", "法律规定的解决途径有：协商和解、消费者协会调解、向有关行政部门投诉、"
                      "仲裁、向人民法院起诉。")),
    StepTemplate("金额较大或商家欺诈的，可以向人民法院起诉。", "小额纠纷可以走简易程序，诉讼费不高。"),
)
FAMILY = (
    StepTemplate("先和家人协商，可以请村（居）委会或人民调解员帮忙调解。",
                 "人民调解不收费，调解达成的协议有法律效力，可以申请法院司法确认。"),
    StepTemplate("协商、调解不成，可以向人民法院起诉。",
                 "离婚、抚养费、赡养费等纠纷一般向被告住所地法院起诉；经济困难的可以申请法律援助。"),
)
# said only when the question mentions violence (an inheritance question is not told to call the police)
FAMILY_VIOLENCE = StepTemplate("遇到家庭暴力，及时报警（110）并保留证据，可以找妇联（12338）求助。",
                               "可以向法院申请人身安全保护令；报警回执、伤情照片、病历、聊天记录都是证据。")
VIOLENCE_WORDS = ("打我", "打了", "家暴", "暴力", "殴打", "威胁", "虐待", "动手")
FAMILY_WITH_VIOLENCE = (*FAMILY, FAMILY_VIOLENCE)
CIVIL = (
    StepTemplate("先协商，保存好借条、合同、转账记录、聊天记录等证据。",
                 "协商时尽量让对方写下书面的还款或赔偿承诺，注明金额和时间。"),
    StepTemplate("协商不成，可以找村（居）委会的人民调解委员会调解，调解不收费。",
                 "调解达成的协议可以向法院申请司法确认，对方不履行时可以申请强制执行。"),
    StepTemplate("还可以向人民法院起诉。",
                 "向被告住所地或合同履行地法院起诉，带上起诉状、证据和身份证件。",
                 Rule("民法典", "188", "向法院请求保护民事权利的诉讼时效一般是三年，从知道或者应当知道权利受到损害以及义务人之日起计算。")),
)
NEIGHBOURS = (
    StepTemplate("先和邻居协商，拍照、录像，记下受影响的情况（挡光、排水、通行、噪声等）。",
                 "把影响说具体：哪几个房间、每天几点到几点见不到太阳，哪里积水、哪条路走不通。可以请村（居）委会干部或"
                 "网格员到现场看一看，一起协商。",
                 Rule("民法典", "288", "法律要求邻里之间按照有利生产、方便生活、团结互助、公平合理的原则处理相邻关系。")),
    StepTemplate("协商不成，可以找村（居）委会的人民调解委员会调解；盖房没有审批或超出审批的，可以向乡镇人民政府"
                 "（街道办事处）反映。",
                 "人民调解不收费，调解达成的协议可以向法院申请司法确认。反映时带上照片、测量数据和审批情况等材料。"),
    StepTemplate("还可以向人民法院起诉，请求排除妨害、赔偿损失。",
                 "向不动产所在地法院起诉，带上起诉状、照片视频、损失凭证和身份证件。",
                 Rule("民法典", "236", "妨害物权或者可能妨害物权的，可以请求排除妨害或者消除危险。")),
)
CRIMINAL = (
    StepTemplate("遇到违法犯罪，及时向公安机关报案（110），保留好证据。",
                 "报案时要回执；被骗的保存转账记录、聊天记录和对方账号。"),
    StepTemplate("被追究刑事责任的人和家属可以委托律师；请不起律师的，可以申请法律援助。",
                 "符合法定情形的，公安机关、检察院、法院应当通知法律援助机构指派律师。"),
)
# no known kind of dispute: no generic steps (only where to ask), rather than steps that do not fit
CRIMINAL_DEFENCE = CRIMINAL[1:]      # a criminal-procedure question: the lawyer / legal-aid step only
GENERAL: tuple[StepTemplate, ...] = ()

# which steps fit the laws an answer cites (first match wins, in citation order)
STEPS_BY_LAW: dict[str, tuple[StepTemplate, ...]] = {
    "工伤保险条例": WORK_INJURY,
    "劳动合同法": LABOUR, "劳动法": LABOUR, "劳动争议调解仲裁法": LABOUR, "保障农民工工资支付条例": LABOUR,
    "劳动合同法实施条例": LABOUR, "社会保险法": LABOUR,
    "消费者权益保护法": CONSUMER, "产品质量法": CONSUMER, "食品安全法": CONSUMER, "电子商务法": CONSUMER,
    "反家庭暴力法": FAMILY, "妇女权益保障法": FAMILY, "未成年人保护法": FAMILY, "老年人权益保障法": FAMILY,
    # 刑法 questions are as often about doctrine as about a crime suffered: no 报案 step for them
    "刑事诉讼法": CRIMINAL_DEFENCE, "治安管理处罚法": CRIMINAL,
}
# 民法典 spans many kinds of dispute: a cited article's 编/章 heading picks the steps first
STEPS_BY_CODE_HEADING: dict[str, tuple[StepTemplate, ...]] = {
    "婚姻家庭": FAMILY, "继承": FAMILY, "相邻关系": NEIGHBOURS, "合同编": CIVIL,
}


INJURY_WORDS = ("工伤", "受伤", "摔伤", "砸伤", "烫伤", "伤残", "职业病", "事故伤害")
PAY_WORDS = ("工资", "工钱", "薪水", "薪资", "欠薪", "讨薪", "劳动报酬")
UNPAID_WORDS = ("欠", "不发", "没发", "未发", "不给", "没给", "不付", "没付", "克扣", "扣发", "讨薪",
                "扣工资", "扣工钱", "扣了", "扣我", "被扣", "少发", "少给", "压工资", "押工资", "拿不到", "要不到",
                "不结", "没结")   # phrases, not a bare 扣: "扣除个税后工资" is not unpaid pay
# when an answer rests on labour law, the question's own words can name a narrower dispute: the
# first entry whose every word group has a word in the question wins
LABOUR_DISPUTES_BY_WORDS: tuple[tuple[tuple[tuple[str, ...], ...], tuple[StepTemplate, ...]], ...] = (
    ((INJURY_WORDS,), WORK_INJURY),
    ((PAY_WORDS, UNPAID_WORDS), UNPAID_WAGES),
)


# the 协商/调解/起诉 steps of a contract dispute fit only a question that names one (someone owes,
# does not pay or perform, must pay back): "想申请个专利 咋弄" cites a 技术合同 article of 合同编
# but asks how to apply — 借条 and 起诉 steps did not fit it (issue #22)
CONTRACT_DISPUTE = re.compile(r"欠|借|还钱|不还|没还|赖账|不给|没给|不付|没付|不退|违约|赔|补偿|退钱|退款|骗|纠纷|要回|讨|拖着|"
                              r"不履行|毁约|反悔|定金|订金|押金|租金|货款|工钱|尾款|起诉|打官司")


def steps_for(laws_with_paths: list[tuple[str, list[str]]], question: str = "") -> tuple[StepTemplate, ...]:
    """The steps for the first cited law with a known kind of dispute (an injury at work counts as
    工伤, and unpaid pay as 欠薪, even when the articles found are general labour law); a family
    dispute gets the violence step only when the question speaks of violence; contract-dispute
    steps only when the question (if given) names a dispute."""
    steps = _dispute_steps(laws_with_paths, question)
    if steps is FAMILY and any(w in question for w in VIOLENCE_WORDS):
        return FAMILY_WITH_VIOLENCE
    if steps is CIVIL and question and CONTRACT_DISPUTE.search(question) is None:
        return GENERAL
    return steps


def _dispute_steps(laws_with_paths: list[tuple[str, list[str]]], question: str) -> tuple[StepTemplate, ...]:
    if any(STEPS_BY_LAW.get(law) in (LABOUR, WORK_INJURY) for law, _ in laws_with_paths):
        for word_groups, steps in LABOUR_DISPUTES_BY_WORDS:
            if all(any(w in question for w in words) for words in word_groups):
                return steps
    for law, path in laws_with_paths:
        if law == "民法典":
            for heading, steps in STEPS_BY_CODE_HEADING.items():
                if any(heading in p for p in path):
                    return steps
        if law in STEPS_BY_LAW:
            return STEPS_BY_LAW[law]
    return GENERAL
