"""劳动人事争议仲裁申请书 (劳动争议调解仲裁法第二十八条: the parties, the claims with the facts and
reasons, the evidence; one copy per respondent)."""
from __future__ import annotations

from assistant.documents.compose import (Built, Filler, addressee, claim_text, date_line, petition, sentence,
                                         yuan)
from assistant.documents.facts import LaborArbitrationFacts

TITLE = "劳动人事争议仲裁申请书"


def build(facts: LaborArbitrationFacts) -> Built:
    fill = Filler()
    reasons = [facts.facts_and_reasons] if facts.facts_and_reasons else [_story(fill, facts)]
    reasons.append("为维护申请人的合法权益，根据《中华人民共和国劳动争议调解仲裁法》第二条、第二十八条的规定，"
                   "特向贵委提出仲裁申请，请依法裁决。")
    attachments = ["本申请书副本（按被申请人人数提交）",
                   "申请人身份证复印件",
                   "被申请人的营业执照或工商登记信息（可在国家企业信用信息公示系统打印）",
                   "证据材料及证据清单：劳动合同、工资条或银行流水、考勤记录、工作证、解除或辞退通知等",
                   "送达地址确认书"]
    blocks = petition(title=TITLE, parties=[("申请人", facts.applicant), ("被申请人", facts.respondent)],
                      claims=[claim_text(c) for c in facts.claims], reasons=reasons,
                      addressee=addressee(fill, facts.committee, "劳动人事争议仲裁委员会", "仲裁委员会名称"),
                      signer="申请人", date_line=date_line(fill, facts.date), attachments=attachments, fill=fill)
    return Built(TITLE, blocks, fill.missing, attachments)


def _story(fill: Filler, f: LaborArbitrationFacts) -> str:
    wage = yuan(f.monthly_wage) if f.monthly_wage is not None else fill.text(None, "月工资") + "元"
    contract = {True: "已", False: "未"}.get(f.written_contract) if f.written_contract is not None \
        else fill.text(None, "是否签订书面劳动合同", 2)
    text = (f"申请人于{fill.date(f.start_date, '入职日期')}入职被申请人处，从事{fill.text(f.position, '工作岗位', 4)}工作，"
            f"月工资{wage}，双方{contract}签订书面劳动合同。")
    if f.end_date:
        text += f"{fill.date(f.end_date, '离职日期')}，双方劳动关系解除（终止）。"
    return text + (sentence(f.dispute) or fill.text(None, "争议经过", 20) + "。")
