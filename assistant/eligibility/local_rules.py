"""Local legal-aid rules we have read (mirror: ../shared/laws/DLC/...), keyed by jurisdiction.

Each rule sits next to its citation. A region inherits its parents' rules (杭州市 → 浙江省).
Figures are not here: they are data (regions.json + staff overrides)."""
from __future__ import annotations

from dataclasses import dataclass

from assistant.eligibility.matters import Matter

# ---- scope (法律援助法第三十一条第九项) --------------------------------------------------
# regions whose local scope is general: any personal matter of the applicant's own rights
GENERAL_SCOPE = {
    "杭州市": "杭州市法律援助条例第十二条",
    "河南省": "河南省法律援助条例第十一条",
}
# listed additions: (citation, matter tags that the list covers)
LISTED_SCOPE = {
    "北京市": ("北京市法律援助条例第九条", {"dv", "personal_injury"}),
    "上海市": ("上海市法律援助若干规定第五条", {"labor_contract", "labor", "work_injury", "traffic",
                                          "medical", "dv", "emergency"}),
    "浙江省": ("浙江省法律援助条例第九条", {"medical", "traffic", "work_injury", "good_samaritan"}),
}

# ---- no economic test (第三十二条第五项) -------------------------------------------------
# migrant workers' wage / work-injury claims need no economic check at all (no proof needed)
MIGRANT_NO_TEST = {
    "北京市": "北京市法律援助条例第十一条",
    "河南省": "河南省进城务工人员权益保护条例第三十九条",
}
GOOD_SAMARITAN = {
    "上海市": "上海市法律援助若干规定第七条",
    "山东省": "山东省法律援助条例第九条",
    "北京市": "北京市法律援助条例第十二条",
    "杭州市": "杭州市法律援助条例第十三条",
}

# ---- exemptions from the economic check (第四十二条第四项) ---------------------------------
HANGZHOU_EXEMPT = "杭州市法律援助条例第十三条"
HANGZHOU_CRIMINAL_EXEMPT = "杭州市法律援助条例第十六条"
BEIJING_DIRECT_HARDSHIP = "北京市法律援助条例第十九条"
BEIJING_MINOR_EXEMPT = "北京市未成年人保护条例第五十七条"
SHANDONG_JUDICIAL_AID = "山东省法律援助条例第十七条"

# ---- "may accept" rules → review ---------------------------------------------------------
SHANDONG_MAY_ACCEPT = "山东省法律援助条例第十条"        # 重大疾病、自然灾害、不可抗力
SHANGHAI_PUBLIC_HEALTH = "上海市公共卫生应急管理条例第七十六条"   # 公共卫生事件致困难：可以免于经济状况审查

# ---- urgency (第四十四条) local equivalents -----------------------------------------------
ADVANCE_AID = {
    "上海市": "上海市法律援助若干规定第九条",
    "浙江省": "浙江省法律援助条例第十八条",
    "杭州市": "杭州市法律援助条例第二十九条",
    "北京市": "北京市法律援助条例第二十九条",
}

# ---- time limits and objections (第四十三条、第四十九条) -----------------------------------
DECISION_DAYS = {"北京市": "5个工作日", "上海市": "10个工作日", "浙江省": "7个工作日",
                 "杭州市": "5个工作日", "山东省": "5个工作日", "河南省": "10日"}
OBJECTION = {
    "北京市": ("北京市法律援助条例第二十四条", "15日内"),
    "杭州市": ("杭州市法律援助条例第三十条", "15日内"),
    "山东省": ("山东省法律援助条例第十六条", "30日内"),
}


@dataclass(frozen=True)
class Local:
    """The local rules that apply in one region, nearest jurisdiction first."""
    jurisdictions: tuple[str, ...]

    def _first(self, table: dict):
        for name in self.jurisdictions:
            if name in table:
                return table[name]
        return None

    def is_(self, name: str) -> bool:
        return name in self.jurisdictions

    def scope_citation(self, matter: Matter) -> str | None:
        """Citation of the local list that covers this matter, if any."""
        general = self._first(GENERAL_SCOPE)
        if general:
            return general
        for name in self.jurisdictions:
            if name in LISTED_SCOPE:
                cite, tags = LISTED_SCOPE[name]
                if matter.has(*tags):
                    return cite
        return None

    def listed_scope_citation(self) -> str | None:
        for name in self.jurisdictions:
            if name in LISTED_SCOPE:
                return LISTED_SCOPE[name][0]
        return None

    def migrant_no_test(self) -> str | None:
        return self._first(MIGRANT_NO_TEST)

    def good_samaritan(self) -> str | None:
        return self._first(GOOD_SAMARITAN)

    def advance_aid(self) -> str | None:
        return self._first(ADVANCE_AID)

    def decision_days(self) -> str:
        return self._first(DECISION_DAYS) or "7日"

    def objection(self) -> tuple[str | None, str]:
        return self._first(OBJECTION) or (None, "")
