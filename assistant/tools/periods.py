"""Counting a period the way the law counts it (民法典第二百零一条至第二百零三条, 民事诉讼法第八十五条).

- the day the period starts is not counted: N days end on start + N;
- a period of months or years ends on the corresponding day of the last month, or on that
  month's last day when it has none (1月31日 + 1个月 → 2月28/29日; 2月29日 + 1年 → 2月28日);
- a last day that is a rest day or statutory holiday moves to the first working day after it.

Working days come from the `chinesecalendar` package (the State Council's yearly holiday notices,
including 调休 Saturdays that are working days). Beyond the years it knows, only weekends are
treated as rest days, and the result says so."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from zoneinfo import ZoneInfo

import chinese_calendar

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Period:
    years: int = 0
    months: int = 0
    days: int = 0

    def describe(self) -> str:
        parts = [f"{self.years}年" if self.years else "", f"{self.months}个月" if self.months else "",
                 f"{self.days}日" if self.days else ""]
        return "".join(parts) or "0日"


@dataclass
class PeriodEnd:
    nominal: dt.date            # the last day before moving off rest days
    last_day: dt.date           # the last day after moving
    moved_over: list[dt.date] = field(default_factory=list)   # rest days skipped
    calendar_known: bool = True  # False: weekends only (the holiday package lacks the year)


# dates the tools accept: a period added to them must stay a date (datetime stops at 9999)
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def check_date_range(value: dt.date | None) -> dt.date | None:
    """For the request models' validators: a date the tools can count from."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValueError(f"日期 {value.isoformat()} 超出可计算的范围（{EARLIEST.isoformat()} 至 {LATEST.isoformat()}）")
    return value


def add_period(start: dt.date, period: Period) -> dt.date:
    """The nominal last day: the start day itself is not counted (民法典第二百零一条)."""
    total_months = start.month - 1 + period.months + 12 * period.years
    year, month = start.year + total_months // 12, total_months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])   # 民法典第二百零二条
    return dt.date(year, month, day) + dt.timedelta(days=period.days)


def is_rest_day(day: dt.date) -> tuple[bool, bool]:
    """(rest day?, known to the holiday calendar?)."""
    try:
        return not chinese_calendar.is_workday(day), True
    except NotImplementedError:   # a year the package has no State Council notice for
        return day.weekday() >= 5, False


def period_end(start: dt.date, period: Period) -> PeriodEnd:
    nominal = add_period(start, period)
    end = PeriodEnd(nominal=nominal, last_day=nominal)
    while True:
        rest, known = is_rest_day(end.last_day)
        end.calendar_known = end.calendar_known and known
        if not rest:
            return end
        end.moved_over.append(end.last_day)
        end.last_day += dt.timedelta(days=1)


def calendar_years() -> tuple[int, int]:
    """The first and last year the holiday package knows."""
    known = [d.year for d in chinese_calendar.holidays]
    return min(known), max(known)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def china_today() -> dt.date:
    """Today where the users are (the server may run in UTC)."""
    return dt.datetime.now(CHINA).date()
