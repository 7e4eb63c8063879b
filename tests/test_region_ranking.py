"""Local regulations only for the asker's region (knowledge.regions): region-less questions are
answered from national law first; naming the region, or a region known from the session, lets the
region's own rules come first."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

from knowledge.regions import RegionNames, demote_foreign_local, is_home
from tests.chat_support import ask_chat, chat_services

WAGES = "老板三个月没发工资我能不能走人还要赔偿"
ARREARS = "用人单位拖欠进城务工人员工资，可以解除劳动合同吗"    # the wording of the local fixture
LOCAL_LAW = "河南省示例务工人员工资保障条例"     # tests/fixtures/laws/DLC/河南地方法规


def test_place_names_map_to_catalog_regions():
    names = RegionNames(["河南省", "河南省郑州市", "山东省日照市", "重庆市彭水苗族土家族自治县", ""])
    assert names.named_in("我在郑州打工") == {"河南省郑州市"}
    assert names.named_in("郑州市的老板") == {"河南省郑州市"}
    assert names.named_in("河南老家") == {"河南省"}
    assert names.named_in("重庆彭水") == {"重庆市", "重庆市彭水苗族土家族自治县"}
    assert names.named_in("邻居盖楼挡了我家日照") == set()        # an ordinary word, not the city
    assert names.named_in("日照市的规定") == {"山东省日照市"}
    assert names.named_in(WAGES) == set() and names.named_in(None) == set()


def test_home_means_the_same_branch_of_regions():
    assert is_home("河南省", {"河南省郑州市"})            # the province's rules for its city
    assert is_home("河南省郑州市", {"河南省"})            # the province named, its cities' rules
    assert not is_home("河南省洛阳市", {"河南省郑州市"})
    assert not is_home("浙江省", set())


def test_foreign_local_rules_go_below_national_law_unless_far_ahead():
    region = {"local": "河南省", "a": "", "b": "", "far": "山东省"}.get
    ranked = [("local", 5.0), ("a", 4.9), ("b", 4.0)] + [(f"x{i}", 3.9 - i * 0.01) for i in range(20)]
    demoted = [d for d, _ in demote_foreign_local(ranked, lambda d: region(d, ""), set())]
    assert demoted[:3] == ["a", "b", "x0"] and "local" in demoted[3:]   # down by the national top-to-20th gap
    assert demote_foreign_local(ranked, lambda d: region(d, ""), {"河南省"}) == ranked
    dominant = [("far", 9.0)] + ranked[1:]             # a topic only local rules cover
    assert demote_foreign_local(dominant, lambda d: region(d, ""), set())[0][0] == "far"


def _rank_of_local_law(hits) -> int:
    return next((i for i, h in enumerate(hits) if h.law == LOCAL_LAW), len(hits))


def test_region_less_question_is_answered_from_national_law(small_kb):
    for question in (WAGES, ARREARS):
        hits = small_kb.search(question, 10)
        assert hits[0].region is None and hits[0].level in ("法律", "行政法规")
    assert _rank_of_local_law(small_kb.search(ARREARS, 10)) >= 3


def test_the_askers_region_keeps_its_local_rule_up(small_kb):
    without = _rank_of_local_law(small_kb.search(ARREARS, 10))
    assert _rank_of_local_law(small_kb.search(ARREARS, 10, home_region="河南省")) < min(without, 3)
    assert _rank_of_local_law(small_kb.search(ARREARS, 10, home_region="浙江省")) == without
    # a region named in the question counts like a known one
    # (the question must be about the rule's subject: for a loosely related one its rank moves with
    # small changes of the query vector, e.g. 16 on a fresh build vs < 10 with older cached vectors)
    named = _rank_of_local_law(small_kb.search("我在河南打工，" + ARREARS, 10))
    assert named < _rank_of_local_law(small_kb.search("我在浙江打工，" + ARREARS, 10))
    assert named < 10


def test_chat_prefers_the_local_rule_of_the_sessions_region(small_kb, small_kb_settings, tmp_path):
    from api.app import create_app

    services = chat_services(small_kb, small_kb_settings, tmp_path)
    with TestClient(create_app(small_kb_settings, services=services)) as client:
        first = ask_chat(client, ARREARS)
        cited = [c["law"] for c in first["citations"]] + [LOCAL_LAW]
        assert cited[0] != LOCAL_LAW
        # the answer quotes national law first, not the foreign region's rule
        quoted = re.findall(r"《([^》]+)》第[^“]{1,12}“", first["answer"])
        assert quoted and quoted[0] != LOCAL_LAW
        # a session whose region is known (eligibility facts) lets that region's rule come up
        store = services.assistant.store
        session = store.open(None, channel="api")
        session.state["region"] = "河南省"
        store.save_turn(session, [])
        again = [c["law"] for c in ask_chat(client, ARREARS, session.id)["citations"]]
        assert LOCAL_LAW in again and again.index(LOCAL_LAW) < cited.index(LOCAL_LAW)
