"""The monthly report per region: consultations, intents, handoffs, time to first human reply,
eligibility outcomes and satisfaction — as rows for the console page and as CSV."""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assistant.handoff.models import HandoffTicketRow
from assistant.handoff.tickets import as_utc
from assistant.records.csv_safe import csv_text
from assistant.records.models import RATINGS, ConsultationRatingRow, ConsultationRecordRow

UNSPECIFIED_REGION = "未注明"
ALL_REGIONS = "合计"


@dataclass
class RegionMonth:
    region: str
    consultations: int = 0            # distinct conversations with at least one answered turn
    turns: int = 0
    intents: Counter = field(default_factory=Counter)
    handoffs: int = 0
    handoffs_by_service: Counter = field(default_factory=Counter)
    first_reply_minutes: list[float] = field(default_factory=list)
    eligibility: Counter = field(default_factory=Counter)
    ratings: Counter = field(default_factory=Counter)

    @property
    def median_first_reply_minutes(self) -> float | None:
        return round(statistics.median(self.first_reply_minutes), 1) if self.first_reply_minutes else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Share of 满意 + 基本满意 among ratings (None without ratings)."""
        total = sum(self.ratings.values())
        return round((self.ratings["满意"] + self.ratings["基本满意"]) / total, 3) if total else None

    def merge(self, other: "RegionMonth") -> None:
        self.consultations += other.consultations
        self.turns += other.turns
        self.intents.update(other.intents)
        self.handoffs += other.handoffs
        self.handoffs_by_service.update(other.handoffs_by_service)
        self.first_reply_minutes += other.first_reply_minutes
        self.eligibility.update(other.eligibility)
        self.ratings.update(other.ratings)


@dataclass
class MonthlyReport:
    year: int
    month: int
    regions: list[RegionMonth]
    total: RegionMonth

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError("month must be YYYY-MM between 2000-01 and 2100-12")
    start = datetime(year, month, 1, tzinfo=timezone.utc)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=timezone.utc)
    return start, end


def monthly_report(engine: Engine, year: int, month: int, *, region: str | None = None) -> MonthlyReport:
    start, end = month_bounds(year, month)
    by_region: dict[str, RegionMonth] = defaultdict(lambda: RegionMonth(""))
    sessions: dict[str, set[str]] = defaultdict(set)

    def bucket(name: str | None) -> RegionMonth:
        key = name or UNSPECIFIED_REGION
        entry = by_region[key]
        entry.region = key
        return entry

    with Session(engine) as db:
        records = db.execute(select(ConsultationRecordRow.session_id, ConsultationRecordRow.region,
                                    ConsultationRecordRow.intent, ConsultationRecordRow.eligibility_outcome)
                             .where(ConsultationRecordRow.created_at >= start,
                                    ConsultationRecordRow.created_at < end)).all()
        tickets = db.execute(select(HandoffTicketRow.region, HandoffTicketRow.service, HandoffTicketRow.created_at,
                                    HandoffTicketRow.first_reply_at)
                             .where(HandoffTicketRow.created_at >= start, HandoffTicketRow.created_at < end)).all()
        ratings = db.execute(select(ConsultationRatingRow.region, ConsultationRatingRow.rating)
                             .where(ConsultationRatingRow.created_at >= start,
                                    ConsultationRatingRow.created_at < end)).all()

    for session_id, reg, intent, eligibility in records:
        entry = bucket(reg)
        entry.turns += 1
        entry.intents[intent] += 1
        sessions[entry.region].add(session_id)
        if eligibility:
            entry.eligibility[eligibility] += 1
    for reg, service, created_at, first_reply_at in tickets:
        entry = bucket(reg)
        entry.handoffs += 1
        entry.handoffs_by_service[service] += 1
        if first_reply_at is not None:
            entry.first_reply_minutes.append((as_utc(first_reply_at) - as_utc(created_at)).total_seconds() / 60)
    for reg, rating in ratings:
        bucket(reg).ratings[rating] += 1
    for name, ids in sessions.items():
        by_region[name].consultations = len(ids)

    rows = sorted(by_region.values(), key=lambda r: (-r.consultations, r.region))
    if region:
        rows = [r for r in rows if r.region == region]
    total = RegionMonth(ALL_REGIONS)
    for row in rows:
        total.merge(row)
    return MonthlyReport(year, month, rows, total)


CSV_COLUMNS = (("month", "月份"), ("region", "地区"), ("consultations", "咨询数"), ("turns", "问答轮次"),
               ("handoffs", "转人工"), ("median_first_reply_minutes", "首次人工回复中位数（分钟）"))


def report_csv(report: MonthlyReport, label=lambda code: code) -> str:
    """One line per region plus a 合计 line; intents and eligibility outcomes get a column each.

    Two header rows: the Chinese names people read in Excel/WPS, then the codes (stable keys for
    scripts: `intent:legal_question`). `label` names a code in Chinese (api.console.labels.label)."""
    intents = sorted({i for r in report.regions for i in r.intents})
    outcomes = sorted({o for r in report.regions for o in r.eligibility})
    codes = ([code for code, _ in CSV_COLUMNS] + [f"intent:{i}" for i in intents]
             + [f"eligibility:{o}" for o in outcomes] + [f"rating:{r}" for r in RATINGS] + ["satisfaction_rate"])
    names = ([name for _, name in CSV_COLUMNS] + [f"咨询类型：{label(i)}" for i in intents]
             + [f"援助资格：{label(o)}" for o in outcomes] + [f"评价：{r}" for r in RATINGS] + ["满意率"])
    return csv_text([names, codes] + [
        [report.label, row.region, row.consultations, row.turns, row.handoffs,
         "" if row.median_first_reply_minutes is None else row.median_first_reply_minutes]
        + [row.intents[i] for i in intents] + [row.eligibility[o] for o in outcomes]
        + [row.ratings[r] for r in RATINGS]
        + ["" if row.satisfaction_rate is None else row.satisfaction_rate]
        for row in report.regions + [report.total]])
