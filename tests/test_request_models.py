"""The request models of the hand-checked routes (api/request_body.py, api/routers/chat_schema.py,
api/routers/documents.py): bad input is refused with the route's
own sentence, odd values the facade tolerates are read, not refused."""
from __future__ import annotations

import pytest

from api.request_body import BadBody, read_model
from api.routers.chat_schema import ChatLimits, ChatRequest, CompletionsRequest
from api.routers.documents import DocumentRequest, _document_reason

LIMITS = ChatLimits(max_message_chars=20, max_history_messages=3, max_history_chars=50)


def _refusal(model, data, **how) -> str:
    with pytest.raises(BadBody) as refused:
        read_model(model, data, **how)
    return refused.value.reason


@pytest.mark.parametrize(("body", "reason"), [
    ({}, "message 必须是文字"), ({"message": 5}, "message 必须是文字"), ({"message": " \n"}, "消息不能为空"),
    ({"message": "问" * 21}, "消息太长了（21 字），请控制在 20 字以内"),
    ({"message": "问题", "session_id": 7}, "session_id 格式不对"),
    ({"message": "问题", "session_id": "no spaces allowed"}, "session_id 格式不对"),
    ({"message": 5, "session_id": 7}, "message 必须是文字"),            # the message is checked first
])
def test_a_chat_body_is_refused_with_one_plain_chinese_reason(body, reason):
    assert reason in _refusal(ChatRequest, body, field_reasons=ChatRequest.FIELD_REASONS, context=LIMITS)


def test_a_chat_body_reads_any_channel_but_h5_as_api():
    read = read_model(ChatRequest, {"message": "问题", "channel": ["h5"], "unknown": 1}, context=LIMITS)
    assert (read.message, read.channel, read.session_id) == ("问题", "api", None)
    assert read_model(ChatRequest, {"message": "问题", "channel": "h5"}, context=LIMITS).channel == "h5"


@pytest.mark.parametrize(("body", "reason"), [
    ({}, "messages 必须是非空列表"), ({"messages": []}, "messages 必须是非空列表"),
    ({"messages": "问题"}, "messages 必须是非空列表"),
    ({"messages": [{"role": "user", "content": "问"}] * 4}, "对话记录太长（4 条）"),
    ({"messages": [{"role": "assistant", "content": "答" * 51}, {"role": "user", "content": "问"}]},
     "对话记录太长（52 字）"),
    ({"messages": [{"role": "assistant", "content": "答"}, "not a message"]}, "没有用户消息"),
    ({"messages": [{"role": "user", "content": "   "}]}, "消息不能为空"),
])
def test_a_completions_body_is_refused_in_the_order_the_facade_checks(body, reason):
    assert reason in _refusal(CompletionsRequest, body, field_reasons=CompletionsRequest.FIELD_REASONS,
                              context=LIMITS)


def test_the_facade_reads_odd_values_instead_of_refusing_them():
    read = read_model(CompletionsRequest, {
        "messages": [7, {"role": "user", "content": [{"type": "text", "text": "加班"}, {"text": "费"}, 3]},
                     {"role": "assistant", "content": "答"}],
        "model": 0, "stream": "yes", "user": 42}, context=LIMITS)
    assert read.question == "加班费"
    assert (read.model, read.stream, read.user) == ("fayuan", True, None)
    assert len(read.messages) == 3          # what is not a message still counts towards the history


def test_a_document_body_names_its_unknown_keys_and_reads_odd_values_as_the_route_did():
    reason = _refusal(DocumentRequest, {"type": "x", "b": 1, "a": 2}, reason=_document_reason)
    assert reason.startswith("请求里有不认识的项：a、b")
    assert "facts 必须是 JSON 对象" in _refusal(DocumentRequest, {"type": "x", "facts": ["x"]}, reason=_document_reason)
    read = read_model(DocumentRequest, {"type": 5, "session_id": 5})
    assert (read.type, read.facts, read.session_id) == ("5", None, None)   # "没有这种文书：5"; no session

