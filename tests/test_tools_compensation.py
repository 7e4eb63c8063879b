"""Money owed, worked by hand (assistant/tools/compensation.py). A test figures table gives round
local numbers: 测试市 average wage 120,000 a year (10,000 a month, cap 3 × 10,000 = 30,000) and
urban per-capita disposable income 60,000 a year; the national rows are the shipped ones."""
from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assistant.tools.compensation import (CompensationRequest, compensation_years, compute_compensation,
                                          service_months, severance_months)
from assistant.tools.figures import FiguresBook, load_base_figures

SOURCE = {"title": "测试用统计数据（非真实数据）", "published": "2025-01-01"}
TEST_CITY = {"level": "city", "aliases": ["测试"], "figures": [
    {"figure": "average_wage", "year": 2024, "annual": 120000, "source": SOURCE},
    {"figure": "urban_disposable_income", "year": 2024, "annual": 60000, "source": SOURCE},
]}
TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def book():
    base = load_base_figures()
    base["regions"]["测试市"] = TEST_CITY
    return FiguresBook(base=base)


def run(book, **body):
    return compute_compensation(CompensationRequest.model_validate({"region": "测试市", **body}), book,
                                kb=None, today=TODAY).to_dict()


# ---- severance (劳动合同法第四十七条) ----------------------------------------------------------
@pytest.mark.parametrize("start, end, parts, months", [
    ("2021-10-01", "2025-02-28", (3, 5, 0), 3.5),     # 3 years 5 months → 3 + 0.5
    ("2023-01-01", "2024-06-30", (1, 6, 0), 2),       # six months counts as a year
    ("2025-01-01", "2025-03-15", (0, 2, 15), 0.5),    # under six months: half a month
    ("2020-03-01", "2025-02-28", (5, 0, 0), 5),       # whole years
    # 31 Jan + 1 month = 29 Feb (no 31 Feb): 31 Jan..28 Feb worked is one full month
    ("2024-01-31", "2024-02-28", (0, 1, 0), 0.5),
    ("2024-01-31", "2024-02-27", (0, 0, 28), 0.5),
])
def test_service_length_and_months(start, end, parts, months):
    got = service_months(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    assert got == parts and float(severance_months(*got)) == months


def test_severance_three_years_five_months(book):
    # 3.5 months × 6,000 = 21,000 (6,000 is under the cap 30,000)
    r = run(book, kind="severance", monthly_wage=6000, start_date="2021-10-01", end_date="2025-02-28")
    assert r["amount"] == 21000.0 and r["currency"] == "CNY" and r["missing"] == []
    assert [(c["law"], c["article_id"]) for c in r["citations"]] == [("劳动合同法", "47"), ("劳动合同法实施条例", "27")]
    assert "3.5 × 6,000.00" in r["formula"]


def test_severance_above_three_times_the_average_wage_is_capped_at_twelve_years(book):
    # 15 years 2 months → 15.5 months; 40,000 > 30,000 → 12 × 30,000 = 360,000
    r = run(book, kind="severance", monthly_wage=40000, start_date="2010-01-01", end_date="2025-02-28")
    assert r["amount"] == 360000.0 and "年限最多十二年" in r["formula"]


def test_the_twelve_year_limit_only_applies_above_the_cap(book):
    # 15 years × 9,000 = 135,000 (9,000 ≤ 30,000: no limit); above the cap with 3 years: 3 × 30,000
    assert run(book, kind="severance", monthly_wage=9000, start_date="2010-03-01", end_date="2025-02-28")["amount"] == 135000.0
    assert run(book, kind="severance", monthly_wage=45000, start_date="2022-03-01", end_date="2025-02-28")["amount"] == 90000.0


def test_unlawful_dismissal_is_twice_severance(book):
    # 2 × 21,000 = 42,000 (劳动合同法第八十七条)
    r = run(book, kind="unlawful_dismissal", monthly_wage=6000, start_date="2021-10-01", end_date="2025-02-28")
    assert r["amount"] == 42000.0 and r["citations"][0]["article_id"] == "87"


def test_unknown_region_uses_the_national_average_wage_and_says_so(book):
    # national 2024 non-private average wage 124,110 / 12 = 10,342.50; cap 31,027.50; 12 × 31,027.50 = 372,330
    r = run(book, kind="severance", region="火星市", monthly_wage=50000, start_date="2010-01-01", end_date="2025-06-30")
    assert r["amount"] == 372330.0
    assert any("未收录“火星市”的数据，暂按全国数据" in a for a in r["assumptions"])


def test_absent_region_is_asked_for(book):
    body = {"kind": "severance", "monthly_wage": 6000, "start_date": "2021-10-01", "end_date": "2025-02-28"}
    r = compute_compensation(CompensationRequest.model_validate(body), book, kb=None).to_dict()
    assert r["amount"] == 21000.0 and r["missing"] == ["region"] and r["questions"][0].startswith("单位")


def test_missing_facts_give_no_amount_and_questions(book):
    r = run(book, kind="severance", start_date="2021-10-01")
    assert r["amount"] is None and r["missing"] == ["monthly_wage", "end_date"] and len(r["questions"]) == 2


def test_service_before_2008_is_flagged(book):
    r = run(book, kind="severance", monthly_wage=5000, start_date="2005-01-01", end_date="2025-02-28")
    assert any("2008年1月1日以前" in a for a in r["assumptions"])
    assert ("劳动合同法", "97") in {(c["law"], c["article_id"]) for c in r["citations"]}


# ---- double wage (劳动合同法第八十二条, 实施条例第六条、第七条) ------------------------------------
def test_double_wage_is_at_most_eleven_months(book):
    # from 2024-04-01 to the day before the first anniversary 2025-02-28: 11 months × 5,000 = 55,000
    r = run(book, kind="double_wage", monthly_wage=5000, start_date="2024-03-01", end_date="2025-06-30")
    assert r["amount"] == 55000.0 and "11 个整月" in r["formula"]
    r = run(book, kind="double_wage", monthly_wage=4800, start_date="2023-01-15", end_date="2025-12-31")
    assert r["amount"] == 52800.0   # 11 × 4,800


def test_double_wage_part_month(book):
    # contract signed 2024-06-15: 2024-04-01..2024-06-14 = 2 months + 14 of June's 30 days
    # 6,000 × (2 + 14/30) = 12,000 + 2,800 = 14,800
    r = run(book, kind="double_wage", monthly_wage=6000, start_date="2024-03-01", end_date="2024-06-15")
    assert r["amount"] == 14800.0


@pytest.mark.parametrize("end", ["2024-03-20", "2024-04-01"])
def test_no_double_wage_within_the_first_month(book, end):
    r = run(book, kind="double_wage", monthly_wage=6000, start_date="2024-03-01", end_date=end)
    assert r["amount"] == 0.0


# ---- overtime (劳动法第四十四条) ----------------------------------------------------------------
def test_overtime_at_150_200_300_percent(book):
    # hourly 8,700 / 21.75 / 8 = 50; 10 h × 75 + 8 h × 100 + 8 h × 150 = 750 + 800 + 1,200 = 2,750
    r = run(book, kind="overtime", monthly_wage=8700, hours=10, rest_day_hours=8, holiday_hours=8)
    assert r["amount"] == 2750.0 and r["citations"][0]["article_id"] == "44"
    assert any("21.75" in a for a in r["assumptions"])
    assert run(book, kind="overtime", monthly_wage=8700)["missing"] == ["hours"]


# ---- work injury (工伤保险条例第三十五条至第三十七条、第六十四条) ----------------------------------
@pytest.mark.parametrize("grade, wage, amount, article", [
    (7, 3000, 78000.0, "37"),     # 3,000 < 60 % × 10,000 → 6,000 × 13
    (1, 40000, 810000.0, "35"),   # 40,000 > 300 % × 10,000 → 30,000 × 27
    (10, 8000, 56000.0, "37"),    # within bounds: 8,000 × 7
    (5, 10000, 180000.0, "36"),   # 10,000 × 18
])
def test_work_injury_lump_sum(book, grade, wage, amount, article):
    r = run(book, kind="work_injury_lump_sum", grade=grade, monthly_wage=wage, end_date="2025-03-01")
    assert r["amount"] == amount
    assert [(c["law"], c["article_id"]) for c in r["citations"]] == [("工伤保险条例", article), ("工伤保险条例", "64")]


# ---- death and disability (人身损害赔偿解释第十二条、第十五条) ------------------------------------
@pytest.mark.parametrize("age, years", [(0, 20), (45, 20), (59, 20), (60, 20), (61, 19), (65, 15), (74, 6), (75, 5), (90, 5)])
def test_compensation_years_by_age(age, years):
    assert compensation_years(age) == years


def test_death_compensation(book):
    # 65 years old → 15 years × 60,000 = 900,000; the figure of 2024 (the year before 2025)
    r = run(book, kind="traffic_or_injury_death", age=65)
    assert r["amount"] == 900000.0 and r["citations"][0]["article_id"] == "15"
    assert run(book, kind="traffic_or_injury_death", age=30)["amount"] == 1200000.0   # 20 × 60,000


def test_disability_compensation(book):
    # 30, grade 10 → 20 × 60,000 × 10 % = 120,000; 65, grade 8 → 15 × 60,000 × 30 % = 270,000
    assert run(book, kind="disability", age=30, grade=10)["amount"] == 120000.0
    r = run(book, kind="disability", age=65, grade=8)
    assert r["amount"] == 270000.0 and any("不是司法解释的条文规定" in a for a in r["assumptions"])
    # a coefficient given by the court or the appraisal wins: 80 → 5 × 60,000 × 25 % = 75,000
    assert run(book, kind="disability", age=80, grade=8, disability_coefficient=0.25)["amount"] == 75000.0


# ---- child support (婚姻家庭编解释（一）第四十九条) ---------------------------------------------
def test_child_support_ranges(book):
    r = run(book, kind="child_support", monthly_income=6000)          # 20–30 % of 6,000
    assert r["amount"] is None and r["range"] == {"min": 1200.0, "max": 1800.0}
    assert r["citations"][0]["article_id"] == "49"
    r = run(book, kind="child_support", monthly_income=8000, children=2)   # up to 50 % of 8,000
    assert r["range"] == {"min": 1600.0, "max": 4000.0}
    assert run(book, kind="child_support")["missing"] == ["monthly_income"]


# ---- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("body, reason", [
    ({"kind": "severance", "start_date": "2025-03-01", "end_date": "2025-02-01"}, "不能早于开始日期"),
    ({"kind": "severance", "monthly_wage": -100}, "greater_than"),
    ({"kind": "work_injury_lump_sum", "grade": 11}, "less_than_equal"),
    ({"kind": "work_injury_lump_sum", "grade": 0}, "greater_than_equal"),
    ({"kind": "pension"}, "literal_error"),
    ({"kind": "severance", "start_date": "2025-02-30"}, "date"),
])
def test_bad_input_is_refused(body, reason):
    with pytest.raises(ValidationError) as caught:
        CompensationRequest.model_validate(body)
    assert reason in str(caught.value) or reason in caught.value.errors()[0]["type"]
