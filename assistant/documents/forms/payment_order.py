"""支付令申请书 (民事诉讼法第二百二十五条: money owed, no other dispute between the two, and the
order can be served on the debtor)."""
from __future__ import annotations

from assistant.documents.compose import Built, Filler, addressee, date_line, petition, sentence
from assistant.documents.facts import PaymentOrderFacts

TITLE = "支付令申请书"


def build(facts: PaymentOrderFacts) -> Built:
    fill = Filler()
    amount = fill.money(facts.amount, "请求给付金额")
    basis = facts.debt_basis or fill.text(None, "债务性质（借款、货款、劳务费等）", 4)
    claims = [f"请求贵院依法向被申请人发出支付令，督促被申请人向申请人给付{basis}{amount}"
              + (f"及利息（{facts.interest}）" if facts.interest else ""),
              "申请费用由被申请人负担"]
    if facts.facts_and_reasons:
        story = facts.facts_and_reasons
    else:
        story = (f"{fill.date(facts.debt_date, '债务发生日期')}，被申请人因{basis}欠申请人{amount}，"
                 f"约定于{fill.date(facts.due_date, '约定付款日期')}前付清。"
                 f"有{facts.evidence or fill.text(None, '债权凭证（借条、欠条、结算单等）', 6)}为证。"
                 "期限届满后，经申请人多次催要，被申请人至今未付。")
    reasons = [sentence(story),
               "申请人与被申请人之间没有其他债务纠纷，支付令能够送达被申请人。根据《中华人民共和国民事诉讼法》"
               "第二百二十五条的规定，特向贵院申请支付令，请依法督促被申请人履行给付义务。"]
    attachments = ["本申请书副本1份", "申请人身份证明", "被申请人身份信息（身份证复印件或工商登记信息）",
                   "债权凭证：借条、欠条、合同、结算单、转账记录等", "催款记录（短信、聊天记录等）"]
    blocks = petition(title=TITLE, parties=[("申请人", facts.applicant), ("被申请人", facts.respondent)],
                      claims=claims, reasons=reasons,
                      addressee=addressee(fill, facts.court, "人民法院", "受理法院"),
                      signer="申请人", date_line=date_line(fill, facts.date), attachments=attachments, fill=fill)
    return Built(TITLE, blocks, fill.missing, attachments)
