"""The shape of a card answer (issue #22): when the fact the answer asks for decides it — the
reason says what follows either way ("签了合同的，…；没签合同的，…") — that conditional is said
right under the conclusion as 【要看】, and 【还需要知道】 at the end only asks; a reason with one
case stays at the end, as before. Rendered with the real small knowledge base (劳动合同法)."""
from __future__ import annotations

from assistant.answers.cards import Card, Claim, Pattern, packaged_cards
from assistant.answers.render import FIRST_SCREEN, CardRenderer, decides

CONCLUSION = Claim("单位必须按时足额发工资。", "劳动合同法", "30", "向劳动者及时足额支付劳动报酬")
TWO_WAYS = Claim("签了合同的，按合同约定的工资算；没签合同的，从第二个月起每月还可以要二倍工资",
                 "劳动合同法", "82", "应当向劳动者每月支付二倍的工资")
ONE_WAY = Claim("没签合同超过一个月的，从第二个月起每月还可以要二倍工资", "劳动合同法", "82", "应当向劳动者每月支付二倍的工资")
ASK = "工资是怎么约定的？您签了劳动合同没有？"


def card(why: Claim) -> Card:
    return Card(id="wages_test", title="欠薪", domain="labour", when=(Pattern.parse("工资"),),
                conclusions=(CONCLUSION,), steps=(Claim("先找单位要，保留工资条和聊天记录。"),), ask=((why, ASK),))


def test_a_deciding_fact_is_said_under_the_conclusion_and_only_asked_at_the_end(small_kb):
    lines = CardRenderer(small_kb).render([card(TWO_WAYS)], "老板欠我工资").text.split("\n")
    assert lines[0] == "【结论】单位必须按时足额发工资。"
    depends = next(i for i, line in enumerate(lines) if line.startswith("【要看】"))
    assert lines[depends] == ("【要看】您签了劳动合同没有：签了合同的，按合同约定的工资算；没签合同的，从第二个月起每月还可以要二倍工资"
                              "（《劳动合同法》第八十二条）。")
    assert depends < lines.index("【法律依据】")
    assert "【还需要知道】工资是怎么约定的？您签了劳动合同没有？" in lines
    assert sum("二倍工资" in line for line in lines) == 1          # said once, not again at the end


def test_a_reason_with_one_case_stays_at_the_end(small_kb):
    text = CardRenderer(small_kb).render([card(ONE_WAY)], "老板欠我工资").text
    assert "【要看】" not in text
    assert "【还需要知道】工资是怎么约定的？您签了劳动合同没有？因为没签合同超过一个月的" in text


def test_the_first_screen_keeps_the_first_step_when_the_conditional_is_long(small_kb):
    long_why = Claim(TWO_WAYS.text + "，" + "按月计算，" * 20 + "到补签合同的前一天为止", "劳动合同法", "82",
                     "应当向劳动者每月支付二倍的工资")
    lines = CardRenderer(small_kb).render([card(long_why)], "老板欠我工资").text.split("\n")
    assert lines[1].startswith("【先做这一步】") and lines[2].startswith("【要看】")
    assert len(lines[0] + lines[1]) <= FIRST_SCREEN


def test_which_packaged_asks_decide_the_answer():
    deciding = {c.id for c in packaged_cards() if c.ask and decides(c.ask[0][0].text)}
    assert {"visitation", "private_loan", "school_bullying"} <= deciding
    # a reason with one case (包工头没有用工资格的，由…清偿) is not a conditional answer
    assert "unpaid_wages" not in deciding


def test_a_deciding_fact_the_message_does_not_speak_of_stays_at_the_end(small_kb):
    """The card fits, but the message says nothing of what its ask is about (a card's ask on who
    hurt a child, for a child left alone at home): the conditional is not put first."""
    text = CardRenderer(small_kb).render([card(TWO_WAYS)], "老板跑了找不到人").text
    assert "【要看】" not in text
    assert "【还需要知道】工资是怎么约定的？您签了劳动合同没有？因为签了合同的" in text
