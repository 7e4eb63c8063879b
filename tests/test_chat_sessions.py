"""The chat session store on a real SQLite records database: state, transcript, masking, and
server-issued session ids bound to their channel (issue 25 row 2)."""
from __future__ import annotations

import pytest

from assistant.conversation.sessions import InvalidSessionId, SessionStore, TurnRecord, WebMessenger


@pytest.fixture
def store(records_engine):
    """On SQLite and (when FAYUAN_TEST_POSTGRES_URL is set) PostgreSQL."""
    return SessionStore(records_engine)


def test_session_state_and_transcript_persist(store):
    session = store.open(None, channel="h5")
    assert session.created and len(session.id) >= 16
    session.state.update({"topic": "公司拖欠工资", "points": [{"text": "协商", "detail": "先协商"}]})
    store.save_turn(session, [TurnRecord("user", "公司拖欠工资", "legal_question"),
                              TurnRecord("assistant", "答复", "legal_question",
                                         [{"law": "劳动合同法", "article_id": "30", "text": "…"}])])
    again = store.open(session.id, channel="h5")
    assert not again.created and again.channel == "h5" and again.id == session.id
    assert again.state["topic"] == "公司拖欠工资"
    messages = store.messages(session.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[1].citations[0]["article_id"] == "30"
    assert store.messages(session.id, after_id=messages[0].id)[0].role == "assistant"


def test_personal_data_is_masked_before_it_is_stored(store):
    session = store.open("wechat_oa:o6_bmjrPTlm6_2sgVt7hMZOPfL2M", channel="wechat_oa")
    store.save_turn(session, [TurnRecord("user", "我叫张三，身份证110101199003071234，电话13812345678，月收入3000")])
    text = store.messages(session.id)[0].text
    assert "110101199003071234" not in text and "13812345678" not in text
    assert "张三" not in text   # a self-introduced name is masked too (我叫…)


def test_bad_session_ids_are_refused(store):
    for bad in ("a" * 65, "../etc/passwd", "有中文", "a b", "x;drop"):
        with pytest.raises(InvalidSessionId):
            store.open(bad)


def test_staff_reply_reaches_the_web_transcript(store):
    session = store.open(None, channel="h5")
    store.save_turn(session, [TurnRecord("user", "转人工", "human_request")])
    WebMessenger(store).send(session.id, "您好，我是法律援助中心的小王，请留个方便联系的时间。")
    assert store.messages(session.id)[-1].role == "staff"
    with pytest.raises(KeyError):
        WebMessenger(store).send("no-such-session", "hi")


def test_a_new_session_is_written_once_with_its_first_turn(store):
    # a channel's server-derived id (two messages of one WeChat user arriving together)
    first = store.open("wecom:abc", channel="wecom", persist=False)
    second = store.open("wecom:abc", channel="wecom", persist=False)   # a parallel request, same new id
    assert first.created and second.created and store.get("wecom:abc") is None
    store.save_turn(first, [TurnRecord("user", "一")])
    store.save_turn(second, [TurnRecord("user", "二")])
    assert [m.text for m in store.messages("wecom:abc")] == ["一", "二"]
    assert not store.open("wecom:abc", channel="wecom").created


def test_a_turn_on_a_session_purged_meanwhile_recreates_it(store, records_engine):
    from sqlalchemy import delete

    from assistant.conversation.session_models import ChatMessageRow, ChatSessionRow

    session = store.open(None, channel="h5", user_ref="u-1")
    with records_engine.begin() as conn:   # the retention purge ran between the turn's read and its write
        conn.execute(delete(ChatMessageRow))
        conn.execute(delete(ChatSessionRow))
    session.state["topic"] = "工伤"
    ids = store.save_turn(session, [TurnRecord("user", "工伤怎么认定"), TurnRecord("assistant", "答复")])
    assert [m.id for m in store.messages(session.id)] == ids and len(set(ids)) == 2
    again = store.get(session.id)
    assert again.state == {"topic": "工伤"} and again.user_ref == "u-1" and again.channel == "h5"


def test_a_later_turn_keeps_the_first_user_ref_and_replaces_the_state(store):
    session = store.open(None, channel="h5", user_ref="first")
    session.state["topic"] = "欠薪"
    store.save_turn(session, [TurnRecord("user", "欠薪")])
    later = store.open(session.id, channel="h5", user_ref="second")
    later.user_ref, later.state = "second", {"topic": "工伤"}
    store.save_turn(later, [TurnRecord("user", "工伤")])
    stored = store.get(session.id)
    assert stored.user_ref == "first" and stored.state == {"topic": "工伤"}


# --- server-issued ids, bound to their channel ------------------------------------------------------

def test_an_unknown_web_id_starts_a_new_session_under_a_fresh_id(store):
    for channel in ("h5", "api", "web"):
        chosen = store.open("chosen-by-the-client", channel=channel)
        assert chosen.created and chosen.id != "chosen-by-the-client" and len(chosen.id) >= 16
    assert store.get("chosen-by-the-client") is None


def test_a_session_of_another_channel_is_not_opened(store):
    wechat = store.open("wechat_oa:0123456789abcdef0123456789abcdef", channel="wechat_oa")
    store.save_turn(wechat, [TurnRecord("user", "我的低保证明在这里")])
    web = store.open(None, channel="h5")
    store.save_turn(web, [TurnRecord("user", "你好")])
    for presented, channel in ((wechat.id, "h5"), (wechat.id, "api"), (web.id, "api"), (web.id, "wecom")):
        other = store.open(presented, channel=channel)
        assert other.created and other.id != presented and other.state == {}
    assert store.held(web.id) is not None and store.held(wechat.id) is None   # transcript/rating reads
    assert store.held(web.id, frozenset({"api"})) is None and store.held("../x") is None
