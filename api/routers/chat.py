"""Chat endpoints: `/v1/chat` (+ SSE stream), the OpenAI-compatible `/v1/chat/completions` facade,
the transcript for the H5 page, and the H5 page itself (`/chat`).

Routes stay thin: read the body into its model (api/routers/chat_schema.py), call
`services.assistant.reply`, shape the JSON. Streams send the already verified answer in pieces —
nothing unverified is ever streamed."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi import Path as UrlPath
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse

from api.deps import get_services
from api.responses import error_responses
from api.request_body import BadBody, json_object, read_model
from api.routers.chat_schema import (BAD_SESSION_ID, CHAT_BODY, COMPLETIONS_BODY, COMPLETIONS_RESPONSE,
                                     STREAM_RESPONSE, ChatLimits, ChatRequest, CompletionsRequest)
from api.limits import check_user_rate, request_ip
from api.services import Services
from assistant.contracts import ChatReply
from assistant.conversation.service import KnowledgeUnavailable
from assistant.conversation.sessions import CLIENT_HELD_CHANNELS, SESSION_ID_PATTERN, InvalidSessionId
from knowledge.database import MAX_DB_INT
from knowledge.types import Citation

log = logging.getLogger(__name__)
router = APIRouter(tags=["chat"])
STATIC = Path(__file__).resolve().parents[1] / "static" / "chat"
ASSETS = {"chat.js": "text/javascript", "chat.css": "text/css"}
FACADE_USER_CHANNEL = "api_user"   # facade sessions keyed by the OpenAI `user` field: never readable by id
STREAM_PIECE = 24   # characters per SSE delta


class ChatError(Exception):
    def __init__(self, status: int, reason: str):
        self.status, self.reason = status, reason


def _ask(services: Services, session_id: str | None, message: str, channel: str, user_ref: str | None = None) -> ChatReply:
    if services.assistant is None:
        raise ChatError(503, "对话服务尚未就绪，请稍后再试 (assistant not ready)")
    try:
        return services.assistant.reply(session_id, message, channel=channel, user_ref=user_ref)
    except InvalidSessionId as exc:
        raise ChatError(422, str(exc)) from exc
    except KnowledgeUnavailable as exc:
        raise ChatError(503, str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a person never sees a stack trace or a bare 500
        log.exception("chat turn failed")
        raise ChatError(503, "服务暂时出了点问题，请稍后再试，或拨打 12348 法律服务热线 (internal error)") from exc


def reply_json(reply: ChatReply) -> dict:
    return {"session_id": reply.session_id, "answer": reply.answer,
            "citations": [c.to_json() for c in reply.citations], "intent": reply.intent,
            "handoff": reply.handoff.__dict__ if reply.handoff else None, "disclaimer": reply.disclaimer,
            "silent": reply.silent}


def _error(err: ChatError) -> JSONResponse:
    return JSONResponse({"detail": err.reason}, status_code=err.status)


async def _read(request: Request, services: Services, model: type[ChatRequest] | type[CompletionsRequest]):
    """The body as `model`; ChatError (422, in plain Chinese) when it is not one."""
    try:
        return read_model(model, await json_object(request), field_reasons=model.FIELD_REASONS,
                          context=ChatLimits.of(services.settings))
    except BadBody as exc:
        raise ChatError(422, exc.reason) from None


async def _answer_body(request: Request, services: Services):
    """Read a /v1/chat body and answer it (raises ChatError for bad input)."""
    body: ChatRequest = await _read(request, services, ChatRequest)
    session_id = await _held_session(services, body.session_id, body.channel)
    await _admit_turn(request, session_id)
    return await _in_thread(_ask, services, session_id, body.message, body.channel)


async def _held_session(services: Services, session_id: str | None, channel: str) -> str | None:
    """The presented id when it names a server-issued session of this channel; None otherwise (the
    turn then starts a new session and the reply carries its id)."""
    if session_id is None:
        return None
    session = await _in_thread(services.chat_sessions.held, session_id, frozenset({channel}))
    return session.id if session is not None else None


async def _admit_turn(request: Request, session_id: str | None) -> None:
    """The per-user chat limit, keyed by the client's address and its server-issued session: no
    one can spend another person's budget by sending their id, and a made-up id is no session
    (a new conversation: only the per-IP limit applies)."""
    if session_id is not None:
        await check_user_rate(request, "chat", f"{request_ip(request)} {session_id}")


def _check_session_id(value: str) -> str:
    if SESSION_ID_PATTERN.fullmatch(value):
        return value
    raise ChatError(422, BAD_SESSION_ID)


@router.post("/v1/chat", openapi_extra=CHAT_BODY, responses=error_responses(422, 503))
async def chat(request: Request, services: Services = Depends(get_services)):
    """One question → one grounded answer with verified citations."""
    try:
        reply = await _answer_body(request, services)
    except ChatError as err:
        return _error(err)
    return JSONResponse(reply_json(reply))   # plain JSON types already: skips FastAPI's jsonable_encoder walk


@router.post("/v1/chat/stream", openapi_extra=CHAT_BODY, responses={**STREAM_RESPONSE, **error_responses(422, 503)})
async def chat_stream(request: Request, services: Services = Depends(get_services)):
    """Server-sent events: `meta` (session, intent), `delta` pieces of the answer, `done` (full reply)."""
    try:
        reply = await _answer_body(request, services)
    except ChatError as err:
        return _error(err)
    payload = reply_json(reply)

    def events() -> Iterator[str]:
        yield _sse("meta", {"session_id": reply.session_id, "intent": reply.intent})
        for piece in _pieces(reply.answer):
            yield _sse("delta", {"text": piece})
        yield _sse("done", payload)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/v1/chat/{session_id}/messages", responses=error_responses(404, 422))
def chat_messages(session_id: str = UrlPath(..., json_schema_extra={"pattern": SESSION_ID_PATTERN.pattern}),
                  after: int = Query(0, le=MAX_DB_INT, description="Messages after this id"),
                  services: Services = Depends(get_services)):
    """The transcript of a web session (for the H5 page: history after a reload, staff replies).
    Only for the server-issued ids of the web channels: channel and facade-`user` sessions are
    never readable here."""
    if not SESSION_ID_PATTERN.fullmatch(session_id):
        return JSONResponse({"detail": "session_id 格式不对 (invalid session id)"}, status_code=422)
    if services.chat_sessions.held(session_id, CLIENT_HELD_CHANNELS) is None:
        return JSONResponse({"detail": "没有这个会话 (no such session)"}, status_code=404)
    messages = [m.to_dict() for m in services.chat_sessions.messages(session_id, after_id=max(after, 0))]
    for m in messages:
        m["citations"] = [Citation.from_dict(c).to_json() for c in m["citations"]]
    return {"session_id": session_id, "messages": messages}


# what the person reads about their ticket (no codes)
TICKET_STATUS_WORDS = {"pending": "等待工作人员接手", "assigned": "工作人员处理中", "escalated": "已加急处理",
                       "resolved": "已办结", "cancelled": "已取消"}


@router.get("/v1/chat/{session_id}/handoff", responses=error_responses(404, 422))
def chat_handoff(session_id: str = UrlPath(..., json_schema_extra={"pattern": SESSION_ID_PATTERN.pattern}),
                 services: Services = Depends(get_services)):
    """Where the holder's handoff stands (the H5 page shows it, also after a reload): ticket number,
    status in words, the expected reply time (SLA), the staff member's display name once claimed,
    and whether a rating is asked for (after resolve) or given. `ticket` is null without one."""
    if not SESSION_ID_PATTERN.fullmatch(session_id):
        return JSONResponse({"detail": "session_id 格式不对 (invalid session id)"}, status_code=422)
    if services.chat_sessions.held(session_id, CLIENT_HELD_CHANNELS) is None:
        return JSONResponse({"detail": "没有这个会话 (no such session)"}, status_code=404)
    desk = services.handoff_desk
    ticket = desk.latest_ticket(session_id) if desk is not None else None
    if ticket is None:
        return {"ticket": None}
    staff = services.staff.get(ticket.owner_id) if ticket.owner_id is not None else None
    info = ticket.info()
    return {"ticket": {
        "ticket_id": ticket.id, "status": ticket.status, "status_text": TICKET_STATUS_WORDS.get(ticket.status, ""),
        "is_open": ticket.is_open, "expected_reply": info.expected_reply if ticket.is_open else "",
        "due_at": info.due_at, "staff_name": (staff.display_name if staff else None),
        "rating_asked": ticket.status == "resolved",
        "rating": services.records.rating_of(session_id)}}


# --- OpenAI-compatible facade ------------------------------------------------------------------
async def _facade_session(services: Services, user: str | None, header: str | None) -> tuple[str | None, str]:
    """(session id, channel) of a facade call. X-Session-Id: a server-issued "api" session (an
    unknown one starts a new session, whose id comes back in the X-Session-Id response header).
    Else the OpenAI `user` field, as an HMAC keyed with the server's secret on its own channel:
    nobody can compute it offline, and its transcript is not readable through
    GET /v1/chat/{session_id}/messages."""
    if header:
        return await _held_session(services, _check_session_id(header), "api"), "api"
    if user:
        return facade_user_session_id(services.secret_key, user), FACADE_USER_CHANNEL
    return None, "api"


def facade_user_session_id(secret_key: str, user: str) -> str:
    key = hashlib.sha256(("fayuan-facade-user:" + secret_key).encode()).digest()
    digest = hmac.new(key, user.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]
    return f"{FACADE_USER_CHANNEL}:{digest}"


def _facade_content(reply: ChatReply) -> str:
    labels = [c.label for c in reply.citations]
    refs = ("\n\n相关条文：" + "；".join(labels)) if labels else ""
    return reply.answer + refs


@router.post("/v1/chat/completions", openapi_extra=COMPLETIONS_BODY,
             responses={**COMPLETIONS_RESPONSE, **error_responses(422, 503)})
async def chat_completions(request: Request, services: Services = Depends(get_services),
                           x_session_id: str | None = Header(None)):
    """Fayuan as an OpenAI-compatible "model" for existing chat front ends."""
    try:
        body: CompletionsRequest = await _read(request, services, CompletionsRequest)
        message = body.question
        session_id, channel = await _facade_session(services, body.user, x_session_id)
        await _admit_turn(request, session_id)
        reply = await _in_thread(_ask, services, session_id, message, channel)
    except ChatError as err:
        return JSONResponse({"detail": err.reason, "error": {"message": err.reason, "type": "invalid_request_error"
                             if err.status < 500 else "server_error"}}, status_code=err.status)
    model = body.model
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    content = _facade_content(reply)
    extra = {"fayuan": reply_json(reply)}
    session_header = {"X-Session-Id": reply.session_id}   # the id to send back for the next turn
    if body.stream:
        def chunks() -> Iterator[str]:
            base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model}
            yield _data({**base, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]})
            for piece in _pieces(content):
                yield _data({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            yield _data({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], **extra})
            yield "data: [DONE]\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", **session_header})
    return JSONResponse({"id": completion_id, "object": "chat.completion", "created": created, "model": model,
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                      "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": len(message), "completion_tokens": len(content),
                                   "total_tokens": len(message) + len(content)}, **extra}, headers=session_header)


# --- H5 page ----------------------------------------------------------------------------------
@router.get("/chat", response_class=HTMLResponse, include_in_schema=False)
def chat_page(services: Services = Depends(get_services)) -> Response:
    """The page, with the message limit filled in (its counter tells the person before sending)."""
    page = (STATIC / "chat.html").read_text(encoding="utf-8")
    page = page.replace("__MAX_CHARS__", str(int(services.settings.chat_max_message_chars)))
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})


@router.get("/chat/assets/{name}", include_in_schema=False)
def chat_asset(name: str) -> Response:
    if name not in ASSETS:
        return JSONResponse({"detail": "not found"}, status_code=404)
    return FileResponse(STATIC / name, media_type=f"{ASSETS[name]}; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


# --- helpers -----------------------------------------------------------------------------------
async def _in_thread(fn, *args):
    """Run the (blocking: retrieval, SQL) turn in the thread pool, keeping the event loop free."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


def _pieces(text: str) -> Iterator[str]:
    for start in range(0, len(text), STREAM_PIECE):
        yield text[start:start + STREAM_PIECE]


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _data(data: dict) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


