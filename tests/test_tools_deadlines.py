"""Deadlines counted by hand (assistant/tools/deadlines.py, periods.py): the first day is not
counted, months end on the corresponding day or the month's last day, and a last day on a rest day
or statutory holiday moves to the next working day of the chinesecalendar package."""
from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.tools.deadlines import RULES, DeadlineRequest, compute_deadline
from assistant.tools.periods import Period, add_period, period_end

D = dt.date.fromisoformat


def run(**body):
    return compute_deadline(DeadlineRequest.model_validate(body), kb=None)


# ---- counting (民法典第二百零一条、第二百零二条) -------------------------------------------------
@pytest.mark.parametrize("start, period, expected", [
    ("2025-01-31", Period(months=1), "2025-02-28"),    # no 31 February: the month's last day
    ("2024-01-31", Period(months=1), "2024-02-29"),    # leap year: 29 February
    ("2024-02-29", Period(years=1), "2025-02-28"),     # no 29 February in 2025
    ("2024-02-29", Period(years=4), "2028-02-29"),     # the corresponding day exists again
    ("2025-08-31", Period(months=6), "2026-02-28"),
    ("2026-09-16", Period(days=15), "2026-10-01"),     # 16 + 15 = 31 September → 1 October
    ("2025-03-01", Period(years=1), "2026-03-01"),     # the start day is not counted
    ("2026-12-20", Period(days=15), "2027-01-04"),     # across a year
])
def test_add_period_counts_as_the_civil_code_does(start, period, expected):
    assert add_period(D(start), period) == D(expected)


def test_a_last_day_in_the_national_day_holiday_moves_to_8_october():
    # 2026-10-01..07 are 国庆节 holidays in the package's 2026 data; 10-08 is a Thursday, a working day
    end = period_end(D("2026-09-16"), Period(days=15))
    assert end.nominal == D("2026-10-01") and end.last_day == D("2026-10-08")
    assert end.moved_over == [D("2026-10-0%d" % d) for d in range(1, 8)] and end.calendar_known


def test_a_working_saturday_after_the_spring_festival_is_not_moved():
    # 2026-02-28 is a Saturday the State Council made a working day (调休): the period ends on it
    end = period_end(D("2025-08-31"), Period(months=6))
    assert end.last_day == D("2026-02-28") and not end.moved_over


# ---- kinds ---------------------------------------------------------------------------------
def test_labor_arbitration_one_year_ending_on_a_sunday_is_urgent():
    # 2025-03-01 + 1 year = 2026-03-01, a Sunday → Monday 2026-03-02; from 2026-02-10: 18 + 2 = 20 days
    r = run(kind="labor_arbitration", start_date="2025-03-01", today="2026-02-10")
    assert (r.deadline, r.days_left, r.expired, r.urgent) == (D("2026-03-02"), 20, False, True)
    assert [(c.law, c.article_id) for c in r.citations][:2] == [("劳动争议调解仲裁法", "27"), ("民法典", "201")]
    assert any("休息日或法定节假日" in n for n in r.notes)
    assert any("中断" in n for n in r.notes)   # the note on interruption is always there


def test_leap_day_start_ends_on_28_february():
    # 2024-02-29 + 1 year: no 29 February 2025 → Friday 2025-02-28, a working day
    r = run(kind="labor_arbitration", start_date="2024-02-29", today="2025-01-01")
    assert r.deadline == D("2025-02-28") and r.days_left == 58   # 30 (Jan) + 28 = 58


def test_appeal_against_a_judgment_over_the_national_day_holiday():
    # served 2026-09-16; 15 days → 2026-10-01 (国庆) → 2026-10-08; from 2026-09-20: 10 + 8 = 18 days
    r = run(kind="appeal_civil_judgment", start_date="2026-09-16", today="2026-09-20")
    assert (r.deadline, r.days_left, r.urgent) == (D("2026-10-08"), 18, True)
    assert [(c.law, c.article_id) for c in r.citations][:2] == [("民事诉讼法", "171"), ("民事诉讼法", "85")]


def test_appeal_against_a_ruling_ending_on_a_saturday():
    # served Wednesday 2026-06-03; 10 days → Saturday 2026-06-13 → Monday 2026-06-15
    r = run(kind="appeal_civil_ruling", start_date="2026-06-03", today="2026-06-01")
    assert r.deadline == D("2026-06-15") and r.days_left == 14


def test_sue_after_award_fifteen_days_and_both_articles():
    # received Monday 2026-05-04; 15 days → Tuesday 2026-05-19
    r = run(kind="sue_after_labor_award", start_date="2026-05-04", today="2026-05-04")
    assert r.deadline == D("2026-05-19") and r.days_left == 15
    assert {("劳动争议调解仲裁法", "50"), ("劳动争议调解仲裁法", "48")} <= {(c.law, c.article_id) for c in r.citations}


def test_administrative_reconsideration_sixty_days():
    # 2026-03-02 + 60 days = 2026-05-01 (劳动节, holidays 05-01..05-05) → Wednesday 2026-05-06
    r = run(kind="administrative_reconsideration", start_date="2026-03-02", today="2026-03-02")
    assert r.deadline == D("2026-05-06") and not r.urgent
    assert r.citations[0].law == "行政复议法" and r.citations[0].article_id == "20"


def test_work_injury_and_civil_litigation_periods():
    # 2025-07-15 + 1 year = Wednesday 2026-07-15; 2023-11-10 + 3 years = Tuesday 2026-11-10
    assert run(kind="work_injury_recognition_by_worker", start_date="2025-07-15", today="2026-07-15").days_left == 0
    r = run(kind="civil_litigation", start_date="2023-11-10", today="2026-11-11")
    assert r.deadline == D("2026-11-10") and r.expired and r.days_left == -1 and r.urgent
    assert any("已于2026年11月10日届满" in n for n in r.notes)


def test_a_year_beyond_the_holiday_calendar_is_said():
    # 2026-10-15 + 6 months = Thursday 2027-04-15: the package has no 2027 holidays → weekends only, said
    r = run(kind="administrative_litigation", start_date="2026-10-15", today="2026-10-15")
    assert r.deadline == D("2027-04-15")
    assert any("2027 年只按周六、周日" in n for n in r.notes)


def test_urgent_means_fewer_than_thirty_days_left():
    # labor arbitration ends Monday 2026-03-02: 30 days before is 2026-01-31, 29 days before 2026-02-01
    assert not run(kind="labor_arbitration", start_date="2025-03-01", today="2026-01-31").urgent
    assert run(kind="labor_arbitration", start_date="2025-03-01", today="2026-02-01").urgent


# ---- interruption (中断) and suspension (中止) ------------------------------------------------
def test_interruption_restarts_the_year():
    # asked the employer to pay on 2025-12-10: one year from then → Thursday 2026-12-10
    r = run(kind="labor_arbitration", start_date="2025-03-01", interrupted_on="2025-12-10", today="2026-02-10")
    assert r.deadline == D("2026-12-10") and r.days_left == 303   # 18 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 10
    assert any("重新计算" in n and "2026年12月10日" in n for n in r.notes)


def test_interruption_after_expiry_does_not_restart():
    # 2020-01-01 + 3 years = Sunday 2023-01-01; 01-02 is the New Year holiday → Tuesday 2023-01-03
    r = run(kind="civil_litigation", start_date="2020-01-01", interrupted_on="2024-01-01", today="2024-02-01")
    assert r.deadline == D("2023-01-03") and r.expired
    assert any("不能再中断" in n for n in r.notes)
    assert ("民法典", "192") in {(c.law, c.article_id) for c in r.citations}


def test_civil_suspension_in_the_last_six_months_ends_six_months_after_the_obstacle():
    # nominal end 2027-02-28; the obstacle 2026-10-01..2026-12-01 lies in the last six months
    # (from 2026-08-28) → 2026-12-01 + 6 months = Tuesday 2027-06-01 (民法典第一百九十四条)
    r = run(kind="civil_litigation", start_date="2024-02-29", suspension_started_on="2026-10-01",
            suspension_ended_on="2026-12-01", today="2026-12-07")
    assert r.deadline == D("2027-06-01")


def test_civil_suspension_before_the_last_six_months_changes_nothing():
    r = run(kind="civil_litigation", start_date="2024-02-28", suspension_started_on="2025-01-01",
            suspension_ended_on="2025-03-01", today="2026-12-07")
    assert r.deadline == D("2027-03-01")   # 2027-02-28 is a Sunday → Monday 03-01 (weekends only in 2027)
    assert any("不发生中止" in n for n in r.notes)


def test_labor_suspension_adds_the_lost_days_back():
    # 2025-05-01..2025-05-31 = 30 days lost; 2026-03-01 + 30 days = Tuesday 2026-03-31
    r = run(kind="labor_arbitration", start_date="2025-03-01", suspension_started_on="2025-05-01",
            suspension_ended_on="2025-05-31", today="2026-03-01")
    assert r.deadline == D("2026-03-31") and r.days_left == 30 and not r.urgent


def test_protection_order_has_no_deadline():
    r = run(kind="protection_order")
    assert (r.deadline, r.days_left, r.expired, r.urgent) == (None, None, False, False)
    assert [(c.law, c.article_id) for c in r.citations] == [("反家庭暴力法", "23"), ("反家庭暴力法", "28")]
    assert "没有申请期限" in r.notes[0]


def test_without_a_knowledge_base_every_citation_says_it_has_no_text():
    r = run(kind="appeal_civil_judgment", start_date="2026-09-16", today="2026-09-20")
    assert all(c.text is None and not c.found for c in r.citations)
    assert any("知识库中暂未找到" in n and "《民事诉讼法》第一百七十一条" in n for n in r.notes)


@pytest.mark.parametrize("body, reason", [
    ({"kind": "labor_arbitration"}, "缺少起算日"),
    ({"kind": "appeal_civil_judgment", "start_date": "2026-01-01", "interrupted_on": "2026-01-05"}, "不适用中断"),
    ({"kind": "labor_arbitration", "start_date": "2026-01-01", "interrupted_on": "2025-12-01"}, "不能早于起算日"),
    ({"kind": "labor_arbitration", "start_date": "2026-01-01", "suspension_started_on": "2026-02-01"}, "同时填写"),
    ({"kind": "civil_litigation", "start_date": "2026-01-01", "suspension_started_on": "2026-03-01",
      "suspension_ended_on": "2026-02-01"}, "不能早于中止开始"),
    ({"kind": "appeal_civil_ruling", "start_date": "2026-01-01", "suspension_started_on": "2026-01-02",
      "suspension_ended_on": "2026-01-03"}, "不适用中止"),
])
def test_inconsistent_requests_are_refused_in_chinese(body, reason):
    with pytest.raises(ValidationError, match=reason):
        DeadlineRequest.model_validate(body)


def test_every_kind_of_the_issue_is_there():
    assert set(RULES) == {"labor_arbitration", "civil_litigation", "work_injury_recognition_by_worker",
                          "appeal_civil_judgment", "appeal_civil_ruling", "sue_after_labor_award",
                          "administrative_reconsideration", "administrative_litigation", "protection_order"}
