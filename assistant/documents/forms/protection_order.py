"""人身安全保护令申请书 (反家庭暴力法第二十三条 application, 第二十七条 conditions, 第二十九条
measures; the court decides within 72 hours, 24 hours when urgent, 第二十八条)."""
from __future__ import annotations

from assistant.documents.compose import Built, Filler, addressee, chinese_date, date_line, petition, sentence
from assistant.documents.facts import ProtectionOrderFacts

TITLE = "人身安全保护令申请书"
MEASURES = {"no_violence": "禁止被申请人对申请人实施家庭暴力",
            "no_contact": "禁止被申请人骚扰、跟踪、接触申请人及其相关近亲属",
            "move_out": "责令被申请人迁出申请人住所"}


def build(facts: ProtectionOrderFacts) -> Built:
    fill = Filler()
    claims = [MEASURES[m] for m in facts.measures]
    if facts.other_measures:
        claims.append(facts.other_measures)
    story: list[str] = []
    if facts.facts_and_reasons:
        story.append(facts.facts_and_reasons)
    else:
        relation = facts.respondent.relation or fill.text(None, "申请人与被申请人的关系", 4)
        story.append(f"申请人与被申请人系{relation}关系。")
        for incident in facts.incidents:
            when = chinese_date(incident.date) if incident.date else "此前"
            story.append(f"{when}，{sentence(incident.what)}")
        if not facts.incidents:
            story.append(fill.text(None, "遭受家庭暴力的经过（时间、方式、伤情）", 20) + "。")
        if facts.reported_to_police:
            story.append("申请人已就上述情况报警。")
    closing = ("申请人遭受家庭暴力或者面临家庭暴力的现实危险，根据《中华人民共和国反家庭暴力法》第二十三条、"
               "第二十七条、第二十九条的规定，特向贵院申请人身安全保护令，请依法裁定。")
    attachments = ["本申请书副本1份", "申请人身份证明", "申请人与被申请人关系的证明（结婚证、户口簿等）",
                   "报警回执、出警记录、告诫书", "伤情照片、病历、诊断证明或验伤报告",
                   "聊天记录、录音录像、证人证言等其他证据"]
    blocks = petition(title=TITLE, parties=[("申请人", facts.applicant), ("被申请人", facts.respondent)],
                      claims=claims, reasons=["".join(story), closing],
                      addressee=addressee(fill, facts.court, "人民法院", "受理法院"),
                      signer="申请人", date_line=date_line(fill, facts.date), attachments=attachments, fill=fill)
    return Built(TITLE, blocks, fill.missing, attachments)
