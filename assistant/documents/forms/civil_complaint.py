"""民事起诉状 (民事诉讼法第一百二十四条: the parties, the claims, the facts and reasons, the
evidence) for four cases villagers bring most: divorce, child support, a private loan, an unpaid
labour-service fee. Each case words its default claims and its facts, and cites the 民法典
articles its claim rests on."""
from __future__ import annotations

from assistant.documents.compose import (Built, Filler, addressee, chinese_date, claim_text, date_line, petition,
                                         sentence, yuan)
from assistant.documents.facts import (CIVIL_CASES, ChildSupportFacts, DivorceFacts, LabourServiceFeeFacts,
                                       PrivateLoanFacts)

TITLE = "民事起诉状"
COSTS = "本案诉讼费用由被告负担"
COMMON_ATTACHMENTS = ["本起诉状副本（按被告人数提交）", "原告身份证复印件", "被告身份信息（身份证复印件、户籍信息或工商登记信息）"]


def build(facts) -> Built:
    fill = Filler()
    claims, story, law, evidence = _CASES[facts.case](fill, facts)
    if facts.claims:
        claims = [claim_text(c) for c in facts.claims]
    reasons = [facts.facts_and_reasons] if facts.facts_and_reasons else [story]
    reasons.append(f"为维护原告的合法权益，根据{law}的规定，特向贵院提起诉讼，请依法判决。")
    attachments = COMMON_ATTACHMENTS + evidence + ["证据清单"]
    parties = [("原告", facts.plaintiff)]
    if getattr(facts, "custodian", None) is not None:   # a child sues through the parent it lives with
        parties.append(("法定代理人", facts.custodian))
    parties.append(("被告", facts.defendant))
    blocks = petition(title=TITLE, parties=parties, claims=claims, reasons=reasons,
                      preamble=[f"案由：{CIVIL_CASES[facts.case]}"],
                      addressee=addressee(fill, facts.court, "人民法院", "受理法院"),
                      signer="具状人", date_line=date_line(fill, facts.date), attachments=attachments, fill=fill)
    return Built(TITLE, blocks, fill.missing, attachments)


def _divorce(fill: Filler, f: DivorceFacts):
    claims = ["判决原告与被告离婚"]
    kids = [fill.text(c.name, "子女姓名", 3) for c in f.children]
    if kids:
        claims.append(f"婚生子女{'、'.join(kids)}由原告直接抚养，被告每月支付抚养费{blank_money(fill)}至子女年满十八周岁止")
    claims += ["依法分割夫妻共同财产" + (f"（{f.property}）" if f.property else ""), COSTS]
    story = f"原告与被告于{fill.date(f.marriage_date, '结婚登记日期')}登记结婚。"
    for child in f.children:
        born = f"，{chinese_date(child.birth_date)}出生" if child.birth_date else ""
        story += f"婚后育有子女{fill.text(child.name, '子女姓名', 3)}（{child.gender or ''}{born}）。".replace("（）", "")
    story += sentence(f.breakdown) or fill.text(None, "感情破裂的事实（如分居、家暴、长期不履行家庭义务）", 20) + "。"
    if f.separated_since:
        story += f"双方自{chinese_date(f.separated_since)}起分居至今。"
    if f.property:
        story += f"夫妻共同财产：{sentence(f.property)}"
    if f.debts:
        story += f"夫妻共同债务：{sentence(f.debts)}"
    story += "原告认为，双方感情确已破裂，已无和好可能。"
    evidence = ["结婚证（或婚姻登记记录证明）", "子女出生医学证明或户口簿", "感情破裂的证据（分居证明、报警记录、聊天记录等）",
                "夫妻共同财产、债务的证明（房产证、存款、车辆、借条等）"]
    return claims, story, "《中华人民共和国民法典》第一千零七十九条、第一千零八十四条、第一千零八十七条", evidence


def blank_money(fill: Filler) -> str:
    return fill.text(None, "每月抚养费金额", 4) + "元"


def _child_support(fill: Filler, f: ChildSupportFacts):
    monthly = yuan(f.monthly_amount) if f.monthly_amount is not None else blank_money(fill)
    since = chinese_date(f.since) if f.since else "起诉之日"
    claims = [f"判令被告自{since}起每月支付原告抚养费{monthly}，至原告年满十八周岁止", COSTS]
    custodian = (f.custodian.name if f.custodian and f.custodian.name else fill.text(None, "法定代理人姓名", 3))
    born = fill.date(f.plaintiff.birth_date, "原告出生日期")
    story = f"原告系被告的子女，{born}出生。"
    if f.divorce_date:
        story += f"原告的父母于{chinese_date(f.divorce_date)}离婚，"
    story += f"原告现随{custodian}共同生活，被告未依法负担原告的抚养费。"
    if f.payer_monthly_income is not None:
        story += f"被告每月收入约{yuan(f.payer_monthly_income)}，有能力负担抚养费。"
    story += "原告尚未成年，日常生活、教育、医疗均需费用。"
    evidence = ["原告出生医学证明或户口簿", "法定代理人身份证明", "离婚证及离婚协议、离婚判决书或调解书",
                "被告收入情况的证明或线索", "原告生活、教育、医疗费用票据"]
    return claims, story, "《中华人民共和国民法典》第一千零六十七条、第一千零八十五条", evidence


def _private_loan(fill: Filler, f: PrivateLoanFacts):
    owed = f.principal - (f.repaid or 0) if f.principal is not None else None
    owed_text = fill.money(owed, "借款本金")
    claims = [f"判令被告偿还借款本金{owed_text}"]
    if f.annual_interest_rate:
        claims.append(f"判令被告按年利率{f.annual_interest_rate}%支付利息，自{fill.date(f.loan_date, '借款日期')}起"
                      "计算至实际清偿之日止")
    else:
        claims.append("判令被告支付逾期还款的利息，自还款期限届满之日起计算至实际清偿之日止")
    claims.append(COSTS)
    rate = f"约定年利率{f.annual_interest_rate}%" if f.annual_interest_rate else "未约定利息"
    story = (f"{fill.date(f.loan_date, '借款日期')}，被告向原告借款{fill.money(f.principal, '借款本金')}，{rate}，"
             f"约定于{fill.date(f.due_date, '还款期限')}前归还。原告已通过"
             f"{f.evidence or fill.text(None, '交付借款的方式（现金、银行转账、微信转账等）', 6)}将借款交付被告。")
    if f.repaid:
        story += f"被告已归还{yuan(f.repaid)}，"
    story += f"尚欠本金{owed_text}未还。还款期限届满后，经原告多次催要，被告至今未还。"
    evidence = ["借条、借款合同或欠条", "交付借款的凭证（银行转账记录、微信或支付宝转账记录、收条）", "催款记录（短信、聊天记录等）"]
    return claims, story, "《中华人民共和国民法典》第六百六十七条、第六百七十五条、第六百七十六条", evidence


def _labour_service_fee(fill: Filler, f: LabourServiceFeeFacts):
    unpaid = fill.money(f.unpaid_amount, "欠付劳务费金额")
    claims = [f"判令被告支付劳务费{unpaid}",
              f"判令被告以{unpaid}为基数，按同期全国银行间同业拆借中心公布的一年期贷款市场报价利率，"
              "支付自起诉之日起至实际付清之日止的逾期付款利息", COSTS]
    story = (f"{fill.date(f.work_start, '开工日期')}至{fill.date(f.work_end, '完工日期')}，原告为被告提供"
             f"{fill.text(f.work_content, '劳务内容', 6)}劳务，双方约定劳务报酬为{fill.text(f.agreed_fee, '约定的劳务报酬', 6)}。"
             f"原告已按约定完成劳务，被告尚欠劳务费{unpaid}未付，经原告多次催要，被告至今未付。")
    evidence = ["劳务协议、派工单、考勤或记工记录", "结算单、欠条", "催要记录（短信、聊天记录、录音）", "证人名单及联系方式"]
    return claims, story, "《中华人民共和国民法典》第五百零九条、第五百七十七条", evidence


_CASES = {"divorce": _divorce, "child_support": _child_support, "private_loan": _private_loan,
          "labour_service_fee": _labour_service_fee}
