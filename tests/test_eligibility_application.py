"""The legal-aid application end to end: the new case kinds decided (mandatory defence incl.
缺席审判/死刑复核/强制医疗, a migrant worker's claim with the region unknown), the packet the centre's
ticket carries, and what the applicant is told: materials and the 7-day decision date (法律援助法第四十三条)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.eligibility.application import applicant_notice, application_packet, decision_due
from assistant.eligibility.dialogue import EligibilityDialogue
from assistant.eligibility.engine import decide
from assistant.eligibility.facts import EligibilityFacts
from assistant.eligibility.standards import StandardsBook
from evals.eligibility import run_dialogue, score

BOOK = StandardsBook()
SCENARIOS = [json.loads(line) for line in
             (Path(__file__).resolve().parents[1] / "evals" / "data" / "eligibility-new-kinds.jsonl")
             .read_text(encoding="utf-8").splitlines() if line.strip()]


def _facts(sc):
    return EligibilityFacts.model_validate({k: v for k, v in sc["facts"].items() if k not in ("threshold_snapshot", "note")})


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_new_kind_scenarios_from_facts_and_from_the_narrative(sc):
    got = decide(_facts(sc), BOOK).api_dict()
    row = score(sc, got)
    assert row["correct"] and row["reason_recall"] == 1 and row["citation_recall"] == 1, (got["reasons"], got["citations"])
    day = dt.date.fromisoformat(sc["facts"]["application_date"])
    decision, _ = run_dialogue(EligibilityDialogue(BOOK, today=day), sc)
    assert score(sc, decision)["correct"], decision


def test_mandatory_defence_cites_the_criminal_procedure_law_article_that_sets_the_duty():
    duty = {"absentia": "刑事诉讼法第二百九十三条", "compulsory": "刑事诉讼法第三百零四条", "minor": "刑事诉讼法第二百七十八条",
            "speech": "刑事诉讼法第三十五条", "death_review": "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释第四十七条"}
    base = {"proceeding": "criminal", "matter_type": "criminal_defense", "applicant": {"age": 30}}
    cases = {
        "absentia": {**base, "criminal": {"role": "defendant", "stage": "trial", "procedure": "absentia"}},
        "compulsory": {**base, "matter_type": "compulsory_medical_treatment", "criminal": {"role": "compulsory_medical_respondent"}},
        "minor": {**base, "applicant": {"age": 15}, "criminal": {"role": "suspect", "stage": "investigation"}},
        "speech": {**base, "applicant": {"age": 30, "disability": "speech"}, "criminal": {"role": "suspect", "stage": "prosecution"}},
        "death_review": {**base, "criminal": {"role": "defendant", "stage": "death_review"}},
    }
    for name, raw in cases.items():
        d = decide(EligibilityFacts.model_validate(raw), BOOK)
        assert d.decision == "eligible" and duty[name] in d.citations, (name, d.citations)
        assert d.missing == [] and "第三十八条" not in d.where_to_apply   # nobody applies: the organs notify


def test_migrant_wage_claim_is_decided_without_the_region_which_only_says_where_to_apply():
    raw = {"matter_type": "wage_arrears", "applicant": {"migrant_worker": True, "hukou": "rural"},
           "proof_available": ["户口簿", "欠条"]}
    d = decide(EligibilityFacts.model_validate(raw), BOOK)
    assert d.decision == "eligible" and "missing_region" not in d.missing
    assert "法律援助法第三十八条" in d.citations and "第三十八条" in d.where_to_apply
    turn = EligibilityDialogue(BOOK).start("我是农民工，老板欠我工钱，我有户口簿和欠条，能申请法律援助吗？")
    assert turn.asked == "region" and "【初步判断】" in turn.reply   # the answer comes before the question


def test_decision_due_is_seven_days_after_receipt_not_counting_that_day():
    assert decision_due(dt.date(2025, 6, 1)) == dt.date(2025, 6, 8)
    assert decision_due(dt.date(2024, 2, 25)) == dt.date(2024, 3, 3)   # across a leap-year February
    assert decision_due(dt.date(2025, 12, 28)) == dt.date(2026, 1, 4)


def test_packet_and_notice_say_what_to_bring_and_when_the_decision_is_due():
    raw = {"region": "北京市", "matter_type": "wage_arrears", "applicant": {"migrant_worker": True, "hukou": "rural"}}
    d = decide(EligibilityFacts.model_validate(raw), BOOK).api_dict()
    packet = application_packet(d, raw, dt.date(2025, 6, 1), BOOK.snapshot())
    assert packet["decision"] == "eligible" and packet["facts"]["region"] == "北京市"
    assert packet["decision_due"]["date"] == "2025-06-08" and packet["decision_due"]["citation"] == "法律援助法第四十三条"
    assert packet["decision_due"]["local"] == "北京市规定5个工作日内作出决定"
    notice = applicant_notice(packet)
    assert "请带上：1. 有效身份证明" in notice and "最迟2025年6月8日前答复" in notice and "5个工作日" in notice
    mandatory = decide(EligibilityFacts.model_validate({"proceeding": "criminal", "applicant": {"age": 16},
                                                        "criminal": {"role": "suspect"}}), BOOK).api_dict()
    notice = applicant_notice(application_packet(mandatory, {}, dt.date(2025, 6, 1)))
    assert "请带上" not in notice and "法律援助法第三十六条" in notice


def test_yes_to_the_offer_gives_the_ticket_packet_and_tells_the_applicant(tmp_path):
    dialogue = EligibilityDialogue(BOOK, today=dt.date(2025, 6, 1))
    turn = dialogue.start("我在上海，被车撞了，对方不赔。我一个人，一个月两千块，能申请法律援助吗？")
    while turn.decision is None and not turn.done:
        turn = dialogue.answer(turn.state, "住城里")
    done = dialogue.answer(turn.state, "需要")
    packet = done.handoff_summary["application"]
    assert packet["decision"] == "eligible" and packet["decision_due"]["date"] == "2025-06-08"
    assert done.handoff_summary["决定期限"] == "2025-06-08"
    assert "最迟2025年6月8日前答复" in done.reply and "请带上" in done.reply


def test_api_returns_the_decision_due_date(tmp_path):
    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'r.sqlite3'}"))
    body = TestClient(app).post("/v1/eligibility", json={"facts": {
        "region": "上海市", "application_date": "2025-06-01", "matter_type": "wage_arrears",
        "applicant": {"migrant_worker": True, "hukou": "rural"}, "proof_available": ["户口簿"]}}).json()
    assert body["decision"] == "eligible"
    assert body["application"]["decision_due"]["date"] == "2025-06-08"
    # 上海's older 10 working days do not lengthen the Law's 7 days: not mentioned as "faster"
    assert "10个工作日" not in body["application"]["notice"] and body["application"]["decision_due"]["local"] is None
