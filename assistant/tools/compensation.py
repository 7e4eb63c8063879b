"""Money owed: `compute_compensation(request, figures, kb)` → `CompensationResult`.

One function per kind, each with the arithmetic written out in `formula`, the articles that set
every number (text from the knowledge base), the assumptions it made (e.g. the national figure
when the region is unknown) and the facts it still needs (`missing`, with a question for each).
Amounts are Decimal, rounded to the fen at the end."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.tools.citations import Basis, cite_all, tool_citation_json
from assistant.tools.figures import FigureLookup, FiguresBook
from assistant.tools.periods import Period, add_period, check_date_range, china_today
from assistant.tools.periods import cn_date as _cn
from knowledge.types import Citation

KINDS = ("severance", "unlawful_dismissal", "double_wage", "overtime", "work_injury_lump_sum",
         "traffic_or_injury_death", "disability", "child_support")
QUESTIONS = {
    "monthly_wage": "您的月工资是多少（解除或终止前十二个月的平均工资，含奖金、津贴、补贴）？",
    "start_date": "您是哪一天入职（开始用工）的？",
    "end_date": "劳动关系是哪一天结束的（或哪一天补签了书面合同）？",
    "region": "单位（或受诉法院）在哪个省、市？",
    "grade": "伤残等级鉴定为几级（1–10级）？",
    "age": "受害人（定残或死亡时）多少周岁？",
    "monthly_income": "负担抚养费一方的月总收入是多少？",
    "hours": "加班了多少小时（工作日延长时间、休息日、法定节假日分别是多少）？",
}

ARTICLE = {
    "severance": Basis("劳动合同法", "47", "每满一年支付一个月工资的标准向劳动者支付"),
    "severance_cap": Basis("劳动合同法", "47", "向其支付经济补偿的年限最高不超过十二年"),
    "wage_base": Basis("劳动合同法实施条例", "27", "包括计时工资或者计件工资以及奖金、津贴和补贴等货币性收入"),
    "pre_2008": Basis("劳动合同法", "97", "经济补偿年限自本法施行之日起计算"),
    "unlawful": Basis("劳动合同法", "87", "依照本法第四十七条规定的经济补偿标准的二倍向劳动者支付赔偿金"),
    "double": Basis("劳动合同法", "82", "应当向劳动者每月支付二倍的工资"),
    "double_start_end": Basis("劳动合同法实施条例", "6", "起算时间为用工之日起满一个月的次日，截止时间为补订书面劳动合同的前一日"),
    "double_one_year": Basis("劳动合同法实施条例", "7", "自用工之日起满一个月的次日至满一年的前一日"),
    "overtime": Basis("劳动法", "44", "支付不低于工资的百分之一百五十的工资报酬"),
    "injury_1_4": Basis("工伤保险条例", "35", "一级伤残为27个月的本人工资"),
    "injury_5_6": Basis("工伤保险条例", "36", "五级伤残为18个月的本人工资"),
    "injury_7_10": Basis("工伤保险条例", "37", "七级伤残为13个月的本人工资"),
    "injury_wage": Basis("工伤保险条例", "64", "按照统筹地区职工平均工资的300%计算"),
    "death": Basis("人身损害赔偿解释", "15", "死亡赔偿金按照受诉法院所在地上一年度城镇居民人均可支配收入标准，按二十年计算"),
    "disability": Basis("人身损害赔偿解释", "12", "自定残之日起按二十年计算"),
    "statistics": Basis("人身损害赔偿解释", "22", "一审法庭辩论终结时的上一统计年度"),
    "child_support": Basis("民法典婚姻家庭编解释（一）", "49", "抚养费一般可以按其月总收入的百分之二十至三十的比例给付"),
}
# 一次性伤残补助金: months of the worker's own wage by grade (工伤保险条例第三十五条至第三十七条)
INJURY_MONTHS = {1: 27, 2: 25, 3: 23, 4: 21, 5: 18, 6: 16, 7: 13, 8: 11, 9: 9, 10: 7}
OVERTIME_RATES = (("hours", Decimal("1.5"), "工作日延长工作时间"), ("rest_day_hours", Decimal("2"), "休息日"),
                  ("holiday_hours", Decimal("3"), "法定休假日"))
PAY_DAYS_PER_MONTH = Decimal("21.75")
LABOUR_CONTRACT_LAW_IN_FORCE = dt.date(2008, 1, 1)


class CompensationRequest(BaseModel):
    """POST /v1/tools/compensation: the kind and the facts, as flat fields."""
    model_config = ConfigDict(extra="forbid")
    kind: Literal[KINDS]  # type: ignore[valid-type]
    monthly_wage: float | None = Field(None, gt=0, le=10_000_000, description="月工资（元）")
    start_date: dt.date | None = Field(None, description="入职/用工之日")
    end_date: dt.date | None = Field(None, description="劳动关系结束之日（double_wage：补签书面合同之日或离职之日）")
    grade: int | None = Field(None, ge=1, le=10, description="伤残等级 1–10")
    region: str | None = Field(None, min_length=1, max_length=40, description="省或市，如 上海市")
    year: int | None = Field(None, ge=1990, le=2100, description="统计数据年度（默认：结束日/今天的上一年度）")
    age: int | None = Field(None, ge=0, le=130, description="受害人周岁")
    monthly_income: float | None = Field(None, ge=0, le=10_000_000, description="负担抚养费一方的月总收入")
    children: int | None = Field(None, ge=1, le=20, description="需负担抚养费的子女人数")
    hours: float | None = Field(None, ge=0, le=10_000, description="工作日延长工作时间（小时）")
    rest_day_hours: float | None = Field(None, ge=0, le=10_000, description="休息日加班且未补休（小时）")
    holiday_hours: float | None = Field(None, ge=0, le=10_000, description="法定休假日加班（小时）")
    disability_coefficient: float | None = Field(None, gt=0, le=1, description="伤残赔偿指数（默认按等级）")

    _in_range = field_validator("start_date", "end_date")(check_date_range)

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CompensationRequest":
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("结束日期 end_date 不能早于开始日期 start_date")
        return self


@dataclass
class CompensationResult:
    kind: str
    amount: Decimal | None
    formula: str
    citations: list[Citation]
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    range: tuple[Decimal, Decimal] | None = None
    currency: str = "CNY"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "amount": _money(self.amount), "currency": self.currency,
                "range": None if self.range is None else {"min": _money(self.range[0]), "max": _money(self.range[1])},
                "formula": self.formula, "citations": [tool_citation_json(c) for c in self.citations],
                "assumptions": self.assumptions, "missing": self.missing,
                "questions": [QUESTIONS[m] for m in self.missing if m in QUESTIONS]}


@dataclass
class _Work:
    """What a kind's function builds up."""
    request: CompensationRequest
    figures: FiguresBook
    bases: list[Basis] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def need(self, *names: str) -> bool:
        """True when every fact is there; otherwise records the missing ones."""
        absent = [n for n in names if getattr(self.request, n) is None]
        self.missing += [n for n in absent if n not in self.missing]
        return not absent

    def need_region(self) -> None:
        if self.request.region is None and "region" not in self.missing:
            self.missing.append("region")

    def local(self, name: str, year: int | None) -> FigureLookup | None:
        """A local figure; says so when the national one (or another year) stands in for it."""
        region = self.request.region
        self.need_region()
        found = self.figures.figure(name, region, year)
        if found is None:
            self.assumptions.append(f"数据表中没有{name}的数据，无法计算；请工作人员在数据表中补充。")
            return None
        if found.fell_back:
            where = f"未收录“{region}”的数据" if region else "未提供地区"
            self.assumptions.append(f"{where}，暂按全国数据计算：{found.describe()}。当地数据通常不同，请以当地统计部门公布的数字为准。")
        else:
            self.assumptions.append(f"采用{found.describe()}。")
        if year is not None and found.year != year:
            self.assumptions.append(f"没有{year}年的数据，采用已有的{found.year}年数据。")
        return found


def compute_compensation(request: CompensationRequest, figures: FiguresBook, kb: Any,
                         today: dt.date | None = None) -> CompensationResult:
    work = _Work(request, figures)
    amount, formula, spread = CALCULATORS[request.kind](work, today or china_today())
    citations, not_found = cite_all(kb, work.bases)
    return CompensationResult(request.kind, amount, formula, citations, [*work.assumptions, *not_found],
                              work.missing, spread)


Outcome = tuple[Decimal | None, str, tuple[Decimal, Decimal] | None]


# ---- 经济补偿 / 违法解除赔偿金 --------------------------------------------------------------
def service_months(start: dt.date, end: dt.date) -> tuple[int, int, int]:
    """(full years, full months after them, days after them) worked from `start` to `end` inclusive."""
    stop = end + dt.timedelta(days=1)    # the last day worked counts
    years = 0
    while add_period(start, Period(years=years + 1)) <= stop:
        years += 1
    months = 0
    while add_period(start, Period(years=years, months=months + 1)) <= stop:
        months += 1
    days = (stop - add_period(start, Period(years=years, months=months))).days
    return years, months, days


def severance_months(years: int, months: int, days: int) -> Decimal:
    """劳动合同法第四十七条: a month per full year; six months or more → a year; less → half a month."""
    if months >= 6:
        return Decimal(years + 1)
    if months or days:
        return Decimal(years) + Decimal("0.5")
    return Decimal(years)


def _severance(work: _Work, today: dt.date) -> Outcome:
    r = work.request
    work.bases += [ARTICLE["severance"], ARTICLE["wage_base"]]
    if not work.need("monthly_wage", "start_date", "end_date"):
        work.need_region()
        return None, "经济补偿 = 工作年限（月数） × 月工资", None
    years, months, days = service_months(r.start_date, r.end_date)
    n = severance_months(years, months, days)
    wage = Decimal(str(r.monthly_wage))
    text = f"工作年限 {years} 年 {months} 个月 {days} 天 → {_num(n)} 个月"
    work.assumptions.append("“六个月以上”含六个月；不满一年的零头六个月以上按一年、不满六个月按半个月计算。")
    work.assumptions.append("月工资应为解除或终止前十二个月的平均应得工资（含奖金、津贴、补贴）；低于当地最低工资标准的，按最低工资标准计算（劳动合同法实施条例第二十七条）。")
    if r.start_date < LABOUR_CONTRACT_LAW_IN_FORCE:
        work.bases.append(ARTICLE["pre_2008"])
        work.assumptions.append("2008年1月1日以前的工作年限按当时的规定计算（劳动合同法第九十七条第三款），本计算按全部年限统一计算，仅供参考。")
    avg = work.local("average_wage", r.year or r.end_date.year - 1)
    if avg is not None:
        cap = avg.monthly * 3
        if wage > cap:
            work.bases.append(ARTICLE["severance_cap"])
            capped = min(n, Decimal(12))
            text += (f"；月工资 {_yuan(wage)} 元高于当地上年度职工月平均工资 {_yuan(avg.monthly)} 元的三倍 {_yuan(cap)} 元，"
                     f"按 {_yuan(cap)} 元计算，年限最多十二年 → {_num(capped)} 个月")
            wage, n = cap, capped
    amount = n * wage
    return amount, f"{text}；经济补偿 = {_num(n)} × {_yuan(wage)} = {_yuan(amount)} 元", None


def _unlawful_dismissal(work: _Work, today: dt.date) -> Outcome:
    amount, text, _ = _severance(work, today)
    work.bases.insert(0, ARTICLE["unlawful"])
    if amount is None:
        return None, "赔偿金 = 2 × 经济补偿", None
    return amount * 2, f"{text}；违法解除赔偿金 = 2 × {_yuan(amount)} = {_yuan(amount * 2)} 元", None


# ---- 未订立书面劳动合同的二倍工资 ------------------------------------------------------------
def _double_wage(work: _Work, today: dt.date) -> Outcome:
    r = work.request
    work.bases += [ARTICLE["double"], ARTICLE["double_start_end"], ARTICLE["double_one_year"]]
    if not work.need("monthly_wage", "start_date", "end_date"):
        return None, "另一倍工资 = 月工资 × 月数（用工满一个月的次日起，最多 11 个月）", None
    first = add_period(r.start_date, Period(months=1))                     # 满一个月的次日
    last_possible = add_period(r.start_date, Period(years=1)) - dt.timedelta(days=1)  # 满一年的前一日
    last = min(r.end_date - dt.timedelta(days=1), last_possible)           # 补订合同的前一日
    work.assumptions.append("以用工之日的下一个月对应日为“满一个月的次日”；end_date 为补签书面合同之日或劳动关系结束之日。")
    work.assumptions.append("结果只是另一倍（未付的那一倍）工资；已发的正常工资不在内。")
    work.assumptions.append("二倍工资差额的仲裁时效为一年（劳动争议调解仲裁法第二十七条），已超过一年的部分可能得不到支持。")
    if last < first:
        return Decimal(0), f"用工不满一个月即签订书面合同（或离职），没有二倍工资：{_cn(first)} 之前已结束", None
    full, rest, period_days = _months_between(first, last)
    months = min(Decimal(full) + (Decimal(rest) / Decimal(period_days) if rest else Decimal(0)), Decimal(11))
    if rest:
        work.assumptions.append(f"不满一个月的 {rest} 天按该月 {period_days} 个日历日折算（各地口径可能不同）。")
    wage = Decimal(str(r.monthly_wage))
    amount = wage * months
    return amount, (f"二倍工资期间 {_cn(first)} 至 {_cn(last)}：{full} 个整月 + {rest} 天 → {_num(months)} 个月"
                    f"（最多 11 个月）；另一倍工资 = {_yuan(wage)} × {_num(months)} = {_yuan(amount)} 元"), None


def _months_between(first: dt.date, last: dt.date) -> tuple[int, int, int]:
    """(full months, days left over, days of the partial month) from `first` to `last` inclusive."""
    stop, full = last + dt.timedelta(days=1), 0
    while add_period(first, Period(months=full + 1)) <= stop:
        full += 1
    begin = add_period(first, Period(months=full))
    return full, (stop - begin).days, (add_period(first, Period(months=full + 1)) - begin).days


# ---- 加班费 -------------------------------------------------------------------------------
def _overtime(work: _Work, today: dt.date) -> Outcome:
    r = work.request
    work.bases.append(ARTICLE["overtime"])
    if r.hours is None and r.rest_day_hours is None and r.holiday_hours is None:
        work.missing.append("hours")
    if not work.need("monthly_wage") or "hours" in work.missing:
        return None, "加班费 = 月工资 ÷ 21.75 ÷ 8 × 小时数 × 150% / 200% / 300%", None
    hourly = Decimal(str(r.monthly_wage)) / PAY_DAYS_PER_MONTH / 8
    work.assumptions.append("小时工资 = 月工资 ÷ 21.75 ÷ 8：月计薪天数 21.75 天见《关于职工全年月平均工作时间和工资折算问题的通知》"
                            "（劳社部发〔2008〕3号），该通知没有条文编号，未列入引用。")
    work.assumptions.append("按这些加班时间的工资报酬全部未付计算；休息日加班已安排补休的，不支付 200% 的报酬（劳动法第四十四条第二项）。")
    parts, amount = [], Decimal(0)
    for name, rate, label in OVERTIME_RATES:
        hours = getattr(r, name)
        if hours:
            share = hourly * Decimal(str(hours)) * rate
            amount += share
            parts.append(f"{label} {_num(Decimal(str(hours)))} 小时 × {_num(rate * 100)}% = {_yuan(share)}")
    return amount, (f"小时工资 {_yuan(Decimal(str(r.monthly_wage)))} ÷ 21.75 ÷ 8 = {_yuan(hourly)} 元；"
                    + "；".join(parts or ["加班 0 小时"]) + f"；合计 {_yuan(amount)} 元"), None


# ---- 一次性伤残补助金 ------------------------------------------------------------------------
def _work_injury(work: _Work, today: dt.date) -> Outcome:
    r = work.request
    if r.grade is not None:
        work.bases.append(ARTICLE["injury_1_4" if r.grade <= 4 else "injury_5_6" if r.grade <= 6 else "injury_7_10"])
    work.bases.append(ARTICLE["injury_wage"])
    if not work.need("grade", "monthly_wage"):
        work.need_region()
        return None, "一次性伤残补助金 = 本人工资 × 伤残等级对应的月数（一级27个月……十级7个月）", None
    wage = Decimal(str(r.monthly_wage))
    work.assumptions.append("本人工资是受伤前12个月平均月缴费工资（工伤保险条例第六十四条）。")
    text = ""
    avg = work.local("average_wage", r.year or (r.end_date or today).year - 1)
    if avg is not None:
        low, high = avg.monthly * Decimal("0.6"), avg.monthly * 3
        bounded = min(max(wage, low), high)
        if bounded != wage:
            text = (f"本人工资 {_yuan(wage)} 元超出统筹地区职工月平均工资 {_yuan(avg.monthly)} 元的 60%–300%"
                    f"（{_yuan(low)}–{_yuan(high)} 元），按 {_yuan(bounded)} 元计算；")
            wage = bounded
    months = INJURY_MONTHS[r.grade]
    amount = wage * months
    return amount, f"{text}{r.grade}级伤残 {months} 个月 × {_yuan(wage)} = {_yuan(amount)} 元", None


# ---- 死亡赔偿金 / 残疾赔偿金 -----------------------------------------------------------------
def compensation_years(age: int) -> int:
    """人身损害赔偿解释第十二条、第十五条: twenty years; from 60 a year less for each year of age; five from 75."""
    if age >= 75:
        return 5
    if age >= 60:
        return 20 - (age - 60)
    return 20


def _income_years(work: _Work, today: dt.date, article: str) -> tuple[FigureLookup | None, int | None]:
    r = work.request
    work.bases += [ARTICLE[article], ARTICLE["statistics"]]
    if not work.need("age"):
        work.need_region()
        return None, None
    income = work.local("urban_disposable_income", r.year or today.year - 1)
    work.assumptions.append("采用受诉法院所在地上一年度（一审法庭辩论终结时的上一统计年度）城镇居民人均可支配收入，城镇、农村受害人统一适用。")
    return income, compensation_years(r.age)


def _death(work: _Work, today: dt.date) -> Outcome:
    income, years = _income_years(work, today, "death")
    if income is None or years is None:
        return None, "死亡赔偿金 = 上一年度城镇居民人均可支配收入 × 赔偿年限（20年；60周岁起每增一岁减一年；75周岁以上5年）", None
    work.assumptions.append("只计算死亡赔偿金；丧葬费、被扶养人生活费、精神损害抚慰金等另计。")
    amount = income.annual * years
    return amount, f"{work.request.age} 周岁 → {years} 年；死亡赔偿金 = {_yuan(income.annual)} × {years} = {_yuan(amount)} 元", None


def _disability(work: _Work, today: dt.date) -> Outcome:
    r = work.request
    income, years = _income_years(work, today, "disability")
    if r.grade is None and r.disability_coefficient is None:
        work.missing.append("grade")
    if income is None or years is None or "grade" in work.missing:
        return None, "残疾赔偿金 = 上一年度城镇居民人均可支配收入 × 赔偿年限 × 伤残赔偿指数", None
    if r.disability_coefficient is not None:
        coefficient = Decimal(str(r.disability_coefficient))
        work.assumptions.append(f"伤残赔偿指数按您提供的 {_num(coefficient * 100)}% 计算。")
    else:
        coefficient = Decimal(11 - r.grade) / 10
        work.assumptions.append(f"伤残赔偿指数按司法实践通行做法：一级100%，每低一级减10%，{r.grade}级为 {_num(coefficient * 100)}%。"
                                "该指数不是司法解释的条文规定（第十二条只说“根据伤残等级”），多处伤残的另行计算，法院可以调整。")
    amount = income.annual * years * coefficient
    return amount, (f"{r.age} 周岁 → {years} 年；残疾赔偿金 = {_yuan(income.annual)} × {years} × "
                    f"{_num(coefficient * 100)}% = {_yuan(amount)} 元"), None


# ---- 抚养费 -------------------------------------------------------------------------------
def _child_support(work: _Work, today: dt.date) -> Outcome:
    r = work.request
    work.bases.append(ARTICLE["child_support"])
    if not work.need("monthly_income"):
        return None, "抚养费 = 月总收入 × 20%–30%（一个子女）；两个以上子女一般不超过 50%", None
    income = Decimal(str(r.monthly_income))
    children = r.children or 1
    if r.children is None:
        work.assumptions.append("未说明子女人数，按一个子女计算。")
    low, high = (Decimal("0.2"), Decimal("0.3")) if children == 1 else (Decimal("0.2"), Decimal("0.5"))
    work.assumptions.append("这是一般比例；法院根据子女实际需要、双方负担能力和当地生活水平确定，有特殊情况可以提高或降低。")
    if children > 1:
        work.assumptions.append("两个以上子女比例可以适当提高，但一般不超过月总收入的 50%；下限 20% 沿用一个子女的比例。")
    spread = (income * low, income * high)
    return None, (f"每月抚养费 = {_yuan(income)} × {_num(low * 100)}%–{_num(high * 100)}% = "
                  f"{_yuan(spread[0])}–{_yuan(spread[1])} 元（{children} 个子女合计）"), spread


CALCULATORS: dict[str, Callable[[_Work, dt.date], Outcome]] = {
    "severance": _severance, "unlawful_dismissal": _unlawful_dismissal, "double_wage": _double_wage,
    "overtime": _overtime, "work_injury_lump_sum": _work_injury, "traffic_or_injury_death": _death,
    "disability": _disability, "child_support": _child_support,
}


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,f}"


def _num(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
