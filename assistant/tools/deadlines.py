"""Deadlines: when a claim, an appeal or an application must be made, counted as the law counts.

`compute_deadline(request, kb, today)` → `DeadlineResult` (deadline, days left, citations with the
article text from the knowledge base, notes in plain Chinese). Each kind is a `DeadlineRule` below:
its period, the article that sets it, the counting rules that apply and whether the period can be
interrupted (中断: it restarts) or suspended (中止: the lost time is added back, or 民法典 194's six
months). Which article backs which rule is data here and checked against the statute mirror by
tests/test_tools_citations.py."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.tools.citations import Basis, cite_all, tool_citation_json
from assistant.tools.periods import Period, PeriodEnd, add_period, calendar_years, period_end
from assistant.tools.periods import check_date_range, china_today
from assistant.tools.periods import cn_date as _cn
from knowledge.types import Citation

URGENT_DAYS = 30          # fewer days left than this: the matter is urgent (chat, handoff priority)

# counting rules
CIVIL_COUNTING = (
    Basis("民法典", "201", "开始的当日不计入，自下一日开始计算"),
    Basis("民法典", "202", "没有对应日的，月末日为期间的最后一日"),
    Basis("民法典", "203", "以法定休假日结束的次日为期间的最后一日"),
)
PROCEDURE_COUNTING = (
    Basis("民事诉讼法", "85", "期间开始的时和日，不计算在期间内"),
)

# an obligor who agrees to pay after expiry cannot plead it (said when an interruption came too late)
AFTER_EXPIRY = Basis("民法典", "192", "不得以诉讼时效期间届满为由抗辩")

Suspension = Literal["resume", "six_months"]   # 中止: add the lost time back / six months from its end


@dataclass(frozen=True)
class DeadlineRule:
    kind: str
    title: str
    period: Period | None
    starts: str                                  # what start_date means for this kind
    basis: tuple[Basis, ...]
    counting: tuple[Basis, ...] = ()
    interruption: Basis | None = None            # 中断 restarts the period
    suspension: tuple[Suspension, Basis] | None = None
    notes: tuple[str, ...] = ()
    extra: tuple[Basis, ...] = ()                # articles the notes rely on


RULES: dict[str, DeadlineRule] = {r.kind: r for r in (
    DeadlineRule(
        "labor_arbitration", "劳动争议申请仲裁时效", Period(years=1),
        "知道或者应当知道权利被侵害之日，如被辞退、被拒付工资之日",
        (Basis("劳动争议调解仲裁法", "27", "劳动争议申请仲裁的时效期间为一年"),),
        CIVIL_COUNTING,
        interruption=Basis("劳动争议调解仲裁法", "27", "从中断时起，仲裁时效期间重新计算"),
        suspension=("resume", Basis("劳动争议调解仲裁法", "27", "从中止时效的原因消除之日起，仲裁时效期间继续计算")),
        notes=("向单位讨要、向劳动监察等部门投诉或单位同意支付，时效中断并从中断时起重新计算一年（第二十七条第二款）。",
               "劳动关系存续期间拖欠劳动报酬的，不受一年限制，但劳动关系终止的，应当自终止之日起一年内申请（第二十七条第四款）。"),
    ),
    DeadlineRule(
        "civil_litigation", "民事诉讼时效", Period(years=3),
        "知道或者应当知道权利受到损害以及义务人之日",
        (Basis("民法典", "188", "诉讼时效期间为三年"),),
        CIVIL_COUNTING,
        interruption=Basis("民法典", "195", "诉讼时效期间重新计算"),
        suspension=("six_months", Basis("民法典", "194", "自中止时效的原因消除之日起满六个月，诉讼时效期间届满")),
        notes=("向对方提出履行请求、对方同意履行、起诉或申请仲裁，时效中断并重新计算三年（民法典第一百九十五条）。",
               "自权利受到损害之日起超过二十年的，人民法院不予保护（民法典第一百八十八条第二款）。",
               "请求支付抚养费、赡养费、扶养费不适用诉讼时效（民法典第一百九十六条）。"),
        extra=(Basis("民法典", "196", "请求支付抚养费、赡养费或者扶养费"),),
    ),
    DeadlineRule(
        "work_injury_recognition_by_worker", "工伤职工本人申请工伤认定", Period(years=1),
        "事故伤害发生之日或者被诊断、鉴定为职业病之日",
        (Basis("工伤保险条例", "17", "在事故伤害发生之日或者被诊断、鉴定为职业病之日起1年内"),),
        CIVIL_COUNTING,
        notes=("单位应当在30日内申请工伤认定；单位没有申请的，本人、近亲属或工会可在1年内直接申请（工伤保险条例第十七条）。",
               "期间的计算适用民法典关于期间计算的一般规定。"),
    ),
    DeadlineRule(
        "appeal_civil_judgment", "不服一审民事判决上诉", Period(days=15), "判决书送达之日",
        (Basis("民事诉讼法", "171", "判决书送达之日起十五日内向上一级人民法院提起上诉"),),
        PROCEDURE_COUNTING,
        notes=("上诉期是法定期间，不适用中断；因不可抗拒的事由或其他正当理由耽误的，可在障碍消除后十日内申请顺延，"
               "是否准许由法院决定（民事诉讼法第八十六条）。",),
        extra=(Basis("民事诉讼法", "86", "在障碍消除后的十日内，可以申请顺延期限"),),
    ),
    DeadlineRule(
        "appeal_civil_ruling", "不服一审民事裁定上诉", Period(days=10), "裁定书送达之日",
        (Basis("民事诉讼法", "171", "裁定书送达之日起十日内向上一级人民法院提起上诉"),),
        PROCEDURE_COUNTING,
        notes=("上诉期是法定期间，不适用中断；耽误的可在障碍消除后十日内申请顺延（民事诉讼法第八十六条）。",),
        extra=(Basis("民事诉讼法", "86", "在障碍消除后的十日内，可以申请顺延期限"),),
    ),
    DeadlineRule(
        "sue_after_labor_award", "不服劳动仲裁裁决起诉", Period(days=15), "收到仲裁裁决书之日",
        (Basis("劳动争议调解仲裁法", "50", "可以自收到仲裁裁决书之日起十五日内向人民法院提起诉讼"),
         Basis("劳动争议调解仲裁法", "48", "可以自收到仲裁裁决书之日起十五日内向人民法院提起诉讼")),
        PROCEDURE_COUNTING,
        notes=("非终局裁决，双方均可在十五日内起诉，期满不起诉的，裁决书发生法律效力（第五十条）；"
               "第四十七条规定的终局裁决，劳动者可在十五日内起诉（第四十八条）。",),
    ),
    DeadlineRule(
        "administrative_reconsideration", "申请行政复议", Period(days=60), "知道或者应当知道该行政行为之日",
        (Basis("行政复议法", "20", "六十日内提出行政复议申请"),),
        (Basis("行政复议法", "88", "依照《中华人民共和国民事诉讼法》关于期间、送达的规定执行"), *PROCEDURE_COUNTING),
        suspension=("resume", Basis("行政复议法", "20", "申请期限自障碍消除之日起继续计算")),
        notes=("法律规定的申请期限超过六十日的，按该规定（行政复议法第二十条第一款）。",
               "行政机关未告知复议权利、复议机关和期限的，自知道之日起计算，但最长不超过一年（第二十条第三款）。"),
    ),
    DeadlineRule(
        "administrative_litigation", "直接提起行政诉讼", Period(months=6), "知道或者应当知道作出行政行为之日",
        (Basis("行政诉讼法", "46", "应当自知道或者应当知道作出行政行为之日起六个月内提出"),),
        (Basis("行政诉讼法", "101", "关于期间、送达"), *PROCEDURE_COUNTING),
        suspension=("resume", Basis("行政诉讼法", "48", "被耽误的时间不计算在起诉期限内")),
        notes=("法律另有规定的除外（行政诉讼法第四十六条第一款）；因不动产起诉超过二十年、其他案件超过五年的，"
               "法院不予受理（第四十六条第二款）。",),
    ),
    DeadlineRule(
        "protection_order", "申请人身安全保护令", None, "（无起算日）",
        (Basis("反家庭暴力法", "23", "向人民法院申请人身安全保护令的，人民法院应当受理"),
         Basis("反家庭暴力法", "28", "应当在七十二小时内作出人身安全保护令或者驳回申请")),
        notes=("申请人身安全保护令没有申请期限：遭受家庭暴力或者面临家庭暴力现实危险时，随时可以向法院申请（反家庭暴力法第二十三条）。",
               "法院受理后应当在七十二小时内作出裁定，情况紧急的在二十四小时内作出（第二十八条）。",
               "正在遭受暴力时请先拨打 110。"),
    ),
)}
KINDS = tuple(RULES)


class DeadlineRequest(BaseModel):
    """POST /v1/tools/deadline."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal[KINDS]  # type: ignore[valid-type]
    start_date: dt.date | None = Field(None, description="起算日（protection_order 不需要）")
    today: dt.date | None = Field(None, description="计算剩余天数的日期，默认今天（北京时间）")
    interrupted_on: dt.date | None = Field(None, description="最近一次时效中断的日期（如向对方讨要之日）")
    suspension_started_on: dt.date | None = Field(None, description="时效中止的原因发生之日")
    suspension_ended_on: dt.date | None = Field(None, description="时效中止的原因消除之日")

    _in_range = field_validator("start_date", "today", "interrupted_on", "suspension_started_on",
                                "suspension_ended_on")(check_date_range)

    @model_validator(mode="after")
    def _consistent(self) -> "DeadlineRequest":
        rule = RULES[self.kind]
        if rule.period is None:
            return self
        if self.start_date is None:
            raise ValueError("缺少起算日 start_date（格式 YYYY-MM-DD）")
        if self.interrupted_on is not None:
            if rule.interruption is None:
                raise ValueError(f"{rule.title}的期限不适用中断，请不要填写 interrupted_on")
            if self.interrupted_on < self.start_date:
                raise ValueError("中断日期 interrupted_on 不能早于起算日 start_date")
        if (self.suspension_started_on is None) != (self.suspension_ended_on is None):
            raise ValueError("中止需要同时填写 suspension_started_on 和 suspension_ended_on")
        if self.suspension_started_on is not None:
            if rule.suspension is None:
                raise ValueError(f"{rule.title}的期限不适用中止，请不要填写 suspension_started_on/suspension_ended_on")
            if self.interrupted_on is not None:
                raise ValueError("中断和中止请分别计算：一次只填写其中一种")
            if self.suspension_ended_on < self.suspension_started_on:
                raise ValueError("中止原因消除之日不能早于中止开始之日")
            if self.suspension_started_on < self.start_date:
                raise ValueError("中止开始之日不能早于起算日 start_date")
        return self


@dataclass
class DeadlineResult:
    kind: str
    title: str
    period: str | None
    start_date: dt.date | None
    deadline: dt.date | None
    days_left: int | None
    expired: bool
    urgent: bool
    citations: list[Citation]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "period": self.period,
                "start_date": _iso(self.start_date), "deadline": _iso(self.deadline),
                "days_left": self.days_left, "expired": self.expired, "urgent": self.urgent,
                "citations": [tool_citation_json(c) for c in self.citations], "notes": self.notes}


def compute_deadline(request: DeadlineRequest, kb: Any, today: dt.date | None = None) -> DeadlineResult:
    rule = RULES[request.kind]
    today = request.today or today or china_today()
    if rule.period is None:
        citations, missing = cite_all(kb, list(rule.basis))
        return DeadlineResult(rule.kind, rule.title, None, None, None, None, False, False, citations,
                              [*rule.notes, *missing])
    notes: list[str] = []
    bases = [*rule.basis]
    start = request.start_date
    end = period_end(start, rule.period)
    notes.append(f"{rule.title}：从{_cn(start)}（{rule.starts}）起算{rule.period.describe()}，"
                 f"开始的当日不计入，期间届满日为{_cn(end.nominal)}。")
    if request.interrupted_on is not None:
        end = _interrupt(rule, request.interrupted_on, end, notes, bases)
    elif request.suspension_started_on is not None:
        end = _suspend(rule, request, end, notes, bases)
    elif rule.interruption or rule.suspension:
        bases += [b for b in (rule.interruption, rule.suspension and rule.suspension[1]) if b]
    _say_rest_days(end, notes)
    bases += [*rule.counting, *rule.extra]
    days_left = (end.last_day - today).days
    expired = days_left < 0
    if expired:
        notes.append(f"按上述计算，期限已于{_cn(end.last_day)}届满。如果期间曾有中断或中止事由，期限可能重新计算或延后，"
                     "请尽快带材料咨询法律援助机构或拨打 12348。")
    elif days_left < URGENT_DAYS:
        notes.append(f"距期限届满只剩 {days_left} 天，请尽快行动。")
    citations, missing = cite_all(kb, bases)
    return DeadlineResult(rule.kind, rule.title, rule.period.describe(), start, end.last_day, days_left,
                          expired, days_left < URGENT_DAYS, citations, [*notes, *rule.notes, *missing])


def _interrupt(rule: DeadlineRule, on: dt.date, end: PeriodEnd, notes: list[str], bases: list[Basis]) -> PeriodEnd:
    bases.append(rule.interruption)
    if on > end.last_day:
        notes.append(f"中断日{_cn(on)}在原期限{_cn(end.last_day)}届满之后，时效已经届满，不能再中断重新计算；"
                     "但对方在届满后同意履行的，不得再以时效届满为由抗辩（民法典第一百九十二条）。")
        bases.append(AFTER_EXPIRY)
        return end
    restarted = period_end(on, rule.period)
    notes.append(f"时效于{_cn(on)}中断，从中断时起重新计算{rule.period.describe()}，新的期间届满日为{_cn(restarted.nominal)}。")
    return restarted


def _suspend(rule: DeadlineRule, request: DeadlineRequest, end: PeriodEnd, notes: list[str],
             bases: list[Basis]) -> PeriodEnd:
    how, basis = rule.suspension
    bases.append(basis)
    began, ended = request.suspension_started_on, request.suspension_ended_on
    if began > end.last_day:
        notes.append(f"中止原因发生于{_cn(began)}，此时期限已经届满，不发生中止。")
        return end
    if how == "resume":
        lost = (ended - began).days
        moved = period_end(end.nominal, Period(days=lost))
        notes.append(f"期间中止（{_cn(began)}至{_cn(ended)}），从障碍消除之日起继续计算，被耽误的 {lost} 天不计入，"
                     f"期间届满日延至{_cn(moved.nominal)}。")
        return moved
    last_six = add_period(end.nominal, Period(months=-6))
    if ended < last_six:
        notes.append(f"中止原因在时效期间最后六个月（自{_cn(last_six)}起）之前已经消除，不发生中止（民法典第一百九十四条）。")
        return end
    moved = period_end(ended, Period(months=6))
    notes.append(f"时效期间最后六个月内存在障碍，自中止原因消除之日（{_cn(ended)}）起满六个月时效届满，"
                 f"即{_cn(moved.nominal)}（民法典第一百九十四条）。")
    return moved


def _say_rest_days(end: PeriodEnd, notes: list[str]) -> None:
    if end.moved_over:
        notes.append(f"{_cn(end.nominal)}是休息日或法定节假日，期限顺延至节假日后的第一个工作日{_cn(end.last_day)}。")
    if not end.calendar_known:
        first, last = calendar_years()
        notes.append(f"节假日数据只覆盖 {first}–{last} 年（国务院每年公布放假安排），{end.last_day.year} 年只按周六、周日"
                     "判断休息日；届时请按国务院公布的放假安排核对。")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
