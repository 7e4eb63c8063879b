"""法律援助申请表: the table legal-aid centres hand out (申请人, 代理人, 对方当事人, 申请事项, 案情,
经济状况, the applicant's promise, the centre's intake box), with the eligibility pre-screen's
result (`facts.pre_screen`, the engine's decision dict) in its own rows and its materials as the
list of what to bring. The pre-screen is marked as a pre-screen: the centre decides within seven
days (法律援助法第四十三条)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assistant.documents.compose import BLANK, Built, Filler, blank, chinese_date, date_line, yuan
from assistant.documents.facts import LegalAidFacts, Party
from assistant.documents.layout import Cell, Grid, Para, Title
from assistant.eligibility.decision import DECISION_LABELS

TITLE = "法律援助申请表"
DEFAULT_MATERIALS = ["有效身份证明（身份证或户口簿）", "经济困难状况说明表（或签署个人诚信承诺）",
                     "与所申请法律援助事项有关的案件材料"]
AGENT_MATERIALS = "代理人身份证明及监护或近亲属关系证明"
PROMISE = ("本人保证以上所填内容及提交的材料真实、合法、有效。因经济困难申请法律援助的，已如实说明经济困难状况"
           "（《中华人民共和国法律援助法》第四十一条）；如有虚假，愿意承担相应的法律责任。")
WIDTHS = (1.2, 2.8, 4.6, 2.4, 4.4)


def build(facts: LegalAidFacts) -> Built:
    fill = Filler()
    attachments = [m for m in facts.pre_screen.materials if m != TITLE] \
        if facts.pre_screen and facts.pre_screen.materials else list(DEFAULT_MATERIALS)   # not this form itself
    if facts.agent is not None and AGENT_MATERIALS not in attachments:
        attachments.append(AGENT_MATERIALS)
    groups = [("申请人", _applicant(fill, facts.applicant)),
              ("代理人", _agent(facts.agent)),
              ("对方当事人", _opponent(facts.opponent)),
              ("申请事项", _matter(fill, facts)),
              ("案情及申请理由", [[Cell(facts.facts_and_reasons or facts.case_summary
                                        or fill.text(None, "案情及申请理由", 30), span=4)]]),
              ("经济状况", _means(fill, facts)),
              ("预审结果", _pre_screen(facts)),
              ("申请人承诺", [[Cell(f"{PROMISE}\n\n申请人（签名）：{blank(8)}　　{date_line(fill, facts.date)}", span=4)]]),
              ("受理情况", [[Cell("受理人", label=True), Cell(""), Cell("受理日期", label=True),
                            Cell(f"{blank(4)}年{blank(2)}月{blank(2)}日")],
                           [Cell("（以上由法律援助机构填写）", span=4)]])]
    blocks = [Title(TITLE, subtitle=f"受理机构：{facts.legal_aid_centre or fill.text(None, '受理的法律援助机构', 10)}"
                                   f"　　　编号：{blank(8)}"),
              Grid(columns=4, groups=groups, widths_cm=WIDTHS),
              Para("附：申请时请带上以下材料（原件和复印件）：")]
    blocks += [Para(f"{n}. {item}") for n, item in enumerate(attachments, 1)]
    return Built(TITLE, blocks, fill.missing, attachments)


def _pair(label: str, value: str) -> list[Cell]:
    return [Cell(label, label=True), Cell(value)]


def _applicant(fill: Filler, p: Party) -> list[list[Cell]]:
    born = chinese_date(p.birth_date) if p.birth_date else fill.text(None, "申请人出生日期")
    return [_pair("姓名", fill.text(p.name, "申请人姓名", 4)) + _pair("性别", fill.text(p.gender, "申请人性别", 2)),
            _pair("出生日期", born) + _pair("民族", fill.text(p.ethnicity, "申请人民族", 3)),
            [Cell("公民身份号码", label=True), Cell(fill.text(p.id_number, "申请人公民身份号码", 18), span=3)],
            [Cell("住所地（经常居住地）", label=True), Cell(fill.text(p.address, "申请人住址", 16), span=3)],
            _pair("工作单位（职业）", p.work_unit or BLANK * 6) + _pair("联系电话", fill.text(p.phone, "申请人联系电话", 8))]


def _agent(agent: Party | None) -> list[list[Cell]]:
    """Optional (a minor's guardian, a relative): empty boxes when there is none, not a missing fact."""
    a = agent or Party()
    return [_pair("姓名", a.name or "") + _pair("与申请人关系", a.relation or ""),
            _pair("公民身份号码", a.id_number or "") + _pair("联系电话", a.phone or "")]


def _opponent(opponent: Party | None) -> list[list[Cell]]:
    o = opponent or Party()
    return [_pair("姓名（名称）", o.name or "") + _pair("联系电话", o.phone or ""),
            [Cell("住所地", label=True), Cell(o.address or "", span=3)]]


def _matter(fill: Filler, f: LegalAidFacts) -> list[list[Cell]]:
    return [[Cell("案由（事项）", label=True), Cell(fill.text(f.matter, "申请援助的事项", 12), span=3)],
            _pair("援助形式", f.service or "□法律咨询 □代拟法律文书 □代理 □刑事辩护")
            + _pair("案件所在地", fill.text(f.region, "案件所在地（申请地）", 6))]


def _means(fill: Filler, f: LegalAidFacts) -> list[list[Cell]]:
    per_head = BLANK * 4 + "元"
    if f.household_monthly_income is not None and f.household_size:
        per_head = yuan((f.household_monthly_income / f.household_size).quantize(Decimal("0.01"), ROUND_HALF_UP))
    size = f"{f.household_size}人" if f.household_size else fill.text(None, "家庭人口", 2) + "人"
    return [_pair("家庭人口", size) + _pair("城镇／农村", f.residence_type or "□城镇 □农村"),
            _pair("家庭月总收入", fill.money(f.household_monthly_income, "家庭月收入"))
            + _pair("本人月收入", yuan(f.applicant_monthly_income) if f.applicant_monthly_income is not None
                    else BLANK * 4 + "元"),
            _pair("家庭人均月收入", per_head) + _pair("特殊身份", "、".join(f.special_status) or "无")]


def _pre_screen(f: LegalAidFacts) -> list[list[Cell]]:
    screen = f.pre_screen
    if screen is None:
        return [[Cell("未经系统预审，由法律援助机构审查", span=4)]]
    rows = [[Cell("初步判断", label=True), Cell(DECISION_LABELS[screen.decision] + ("（紧急）" if screen.urgent else ""),
                                               span=3)],
            [Cell("依据", label=True), Cell("、".join(screen.citations) or "—", span=3)]]
    if screen.explanation:
        rows.append([Cell("说明", label=True), Cell(screen.explanation, span=3)])
    if screen.where_to_apply:
        rows.append([Cell("申请地点", label=True), Cell(screen.where_to_apply, span=3)])
    rows.append([Cell("本结果由法援系统根据申请人所述自动预审，仅供参考；是否给予法律援助由法律援助机构"
                      "自收到申请之日起七日内审查决定（法律援助法第四十三条）。", span=4)])
    return rows
