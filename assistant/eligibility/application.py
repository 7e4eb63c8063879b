"""After the pre-screen: what the legal-aid centre receives and what the applicant is told.

`application_packet(decision, facts, received)` is the dict the centre's ticket carries and the
法律援助申请表 is filled from: the decision with its reasons and citations, the materials to bring,
where to apply, and when the agency's decision is due. `applicant_notice(packet)` is the plain
text the applicant gets: what to bring and the due date.

The due date: the agency decides "自收到法律援助申请之日起七日内" and assigns a lawyer within three
days of deciding (法律援助法第四十三条). The day of receipt is not counted (as in 民法典第二百零一条),
so an application handed in on 1 June is decided by 8 June. These are calendar days; a local rule
may be shorter (北京 5 working days…), which the notice says in words. In a mandatory defence
(第二十五条第一款, 第二十八条) nobody applies: the organs notify the agency within three days and
it assigns a lawyer within three days (第三十六条).
"""
from __future__ import annotations

import datetime as dt
import re

from assistant.eligibility.decision import ELIGIBLE, INELIGIBLE, LAW
from assistant.eligibility.local_rules import DECISION_DAYS

DECISION_WITHIN_DAYS = 7
ASSIGN_WITHIN_DAYS = 3
ART43 = LAW + "第四十三条"
ART36 = LAW + "第三十六条"
ART43_TEXT = ("法律援助机构应当自收到法律援助申请之日起七日内进行审查，作出是否给予法律援助的决定。"
              "决定给予法律援助的，应当自作出决定之日起三日内指派法律援助人员为受援人提供法律援助；")
INCOMPLETE_TEXT = ("申请人提交的申请材料不齐全的，法律援助机构应当一次性告知申请人需要补充的材料或者要求申请人作出说明。"
                   "申请人未按要求补充材料或者作出说明的，视为撤回申请。")
_NOTIFIED_BY_ORGANS = ("criminal_mandatory_defense_minor", "criminal_mandatory_defense_sensory_disability",
                       "criminal_mandatory_defense_mental_capacity", "criminal_mandatory_defense_life_or_death",
                       "criminal_mandatory_defense_absentia", "compulsory_medical_treatment_agent")


def decision_due(received: dt.date) -> dt.date:
    """The last day of the seven (the day of receipt not counted)."""
    return received + dt.timedelta(days=DECISION_WITHIN_DAYS)


def _organs_notify(reasons: list[str]) -> bool:
    # 死刑复核: the defendant applies (第二十五条第一款第五项 "申请法律援助的"), so the 7 days apply
    return any(r in _NOTIFIED_BY_ORGANS for r in reasons)


def local_period(table, region: str | None) -> str | None:
    """The local period when a local rule sets one (北京 5 working days…), for the notice."""
    if not region or table is None:
        return None
    chain = tuple(table.jurisdictions(table.resolve(region)))
    for name in chain:
        if name in DECISION_DAYS:
            period = DECISION_DAYS[name]
            n = int(re.match(r"\d+", period).group())
            # the Law's 7 days are a floor (older local texts with 10 days do not lengthen it)
            shorter = n <= 5 if "工作日" in period else n < DECISION_WITHIN_DAYS
            return f"{name}规定{period}内作出决定" if shorter else None
    return None


def application_packet(decision: dict, facts: dict | None, received: dt.date, table=None) -> dict:
    """What the legal-aid centre needs: the pre-screen result, the facts, materials and due date.
    `table` (a RegionTable) adds the local decision period where a local rule sets one."""
    reasons = list(decision.get("reasons") or [])
    region = (facts or {}).get("region")
    if _organs_notify(reasons):
        due = {"date": None, "rule": "办案机关应当在三日内通知法律援助机构，法律援助机构收到通知后三日内指派律师",
               "citation": ART36}
    else:
        due = {"date": decision_due(received).isoformat(), "days": DECISION_WITHIN_DAYS, "rule": ART43_TEXT,
               "citation": ART43, "assign_within_days": ASSIGN_WITHIN_DAYS, "local": local_period(table, region),
               "if_incomplete": INCOMPLETE_TEXT}
    return {
        "decision": decision.get("decision"),
        "reasons": reasons,
        "citations": list(decision.get("citations") or []),
        "materials": list(decision.get("materials") or []),
        "where_to_apply": decision.get("where_to_apply"),
        "urgent": bool(decision.get("urgent")),
        "received_on": received.isoformat(),
        "decision_due": due,
        "facts": facts or {},
    }


def _cn_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def applicant_notice(packet: dict) -> str:
    """'请带上：…；法律援助机构收到申请后7日内作出决定（…最迟…）' for the applicant."""
    lines = []
    materials = packet.get("materials") or []
    due = packet["decision_due"]
    if materials and due.get("date") is not None:   # in a mandatory defence nothing is brought
        lines.append("请带上：" + "；".join(f"{i}. {m}" for i, m in enumerate(materials, 1)) + "。")
    if due.get("date") is None:
        lines.append(f"不需要您另外申请：{due['rule']}（{due['citation']}）。")
    else:
        when = _cn_date(packet["received_on"])
        line = (f"法律援助机构收到申请后{due['days']}日内作出是否给予援助的决定：按{when}提交算，"
                f"最迟{_cn_date(due['date'])}前答复；决定给予的，3日内指派律师（{due['citation']}）。")
        if due.get("local"):
            line += f"当地规定更快：{due['local']}。"
        lines.append(line)
        lines.append("材料不齐的，工作人员会一次性告诉您要补什么，请按时补上，否则视为撤回申请。")
    if packet.get("decision") == INELIGIBLE:
        lines.append("如果被决定不予援助，可以向司法局提出异议（法律援助法第四十九条）。")
    elif packet.get("decision") == ELIGIBLE and packet.get("urgent"):
        lines.append("时间紧的，可以请法律援助机构先行提供援助、材料后补（法律援助法第四十四条）。")
    return "\n".join(lines)
