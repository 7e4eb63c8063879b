"""Request limits, in one ASGI middleware in front of every route:

- the body cap (FAYUAN_MAX_BODY_BYTES): a larger Content-Length is refused with 413 before anything
  is read, and a body without one (chunked) is counted while the route reads it — the read fails
  with 413 the moment it goes over, so no route ever parses an oversized body;
- per-IP rate limits (FAYUAN_RATE_*_PER_IP) on the public routes: chat, transcript reads, search,
  eligibility and the WeChat callbacks (before their signature check). Staff routes are not limited
  per IP (the console makes many calls); staff logins have their own throttle (api/auth.py).

Per-user limits need the parsed request (the chat session, the WeChat openid), so the routes ask
`Limits.admit_user` themselves. Refusals are 429 with a plain-Chinese message and Retry-After."""
from __future__ import annotations

import hashlib
import json
import logging
import math

import anyio.to_thread
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from api.client_ip import client_ip, parse_networks
from assistant.privacy import mask_pii
from assistant.limits.rate_limit import MemoryRateLimiter, RateLimiter
from knowledge.rates import Rate
from api.settings import Settings

log = logging.getLogger(__name__)

RATE_LIMITED = "请求太频繁，请稍后再试。如有紧急情况请拨打 12348 或 110。"


def too_large_message(limit: int) -> str:
    return f"请求内容太大（超过 {limit} 字节），请精简后再试 (request body larger than {limit} bytes)"


class RateLimited(HTTPException):
    def __init__(self, retry_after_s: float, message: str = RATE_LIMITED):
        self.retry_after = max(1, math.ceil(retry_after_s))
        super().__init__(429, message, headers={"Retry-After": str(self.retry_after)})


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing passes it on instead of turning it into a 400."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))


def route_group(method: str, path: str) -> str | None:
    """Which public rate limit a request counts against (None: not limited per IP). Every method of
    a limited path counts (`method` is part of the signature for callers such as api/openapi_errors)."""
    if path.startswith("/wechat/"):
        return "callback"
    if path.startswith(("/v1/search", "/v1/laws")):
        return "search"
    if path == "/v1/eligibility":
        return "eligibility"
    if path.startswith("/v1/documents"):
        return "documents"
    if path in ("/v1/chat", "/v1/chat/stream", "/v1/chat/completions"):
        return "chat"
    if path.startswith(("/v1/chat/", "/v1/consultations/")):   # transcript polls, ratings
        return "chat_read"
    return None


class Limits:
    """The limits in force, built from Settings; shared by the middleware and the routes."""

    def __init__(self, settings: Settings, limiter: RateLimiter):
        self.enabled, self.limiter, self.max_body_bytes = settings.rate_limits_enabled, limiter, settings.max_body_bytes
        self.proxies = parse_networks(settings.trusted_proxies)
        per_ip = {"chat": settings.rate_chat_per_ip, "chat_read": settings.rate_chat_read_per_ip,
                  "search": settings.rate_search_per_ip, "eligibility": settings.rate_eligibility_per_ip,
                  "documents": settings.rate_documents_per_ip,
                  "callback": settings.rate_callback_per_ip}
        self.per_ip = {group: Rate.parse(text) for group, text in per_ip.items()}
        self.per_user = {"chat": Rate.parse(settings.rate_chat_per_user)}
        # a limiter other than the in-process one talks to Redis: its calls (up to the Redis timeout
        # when Redis hangs) run on a worker thread so the event loop keeps serving other requests
        self.remote = not isinstance(limiter, MemoryRateLimiter)

    def client_ip(self, request: Request) -> str:
        return client_ip(request.scope, self.proxies)

    async def admit_ip(self, group: str, ip: str) -> None:
        """Count one request from an IP (off the event loop when the limiter is remote)."""
        await self._check_async(f"ip:{group}:{ip}", self.per_ip[group])

    async def admit_user(self, group: str, user_key: object) -> None:
        """Count one request of a user (a chat session id; nothing to count without an id), off the
        event loop when the limiter is remote."""
        key = _user_counter(group, user_key)
        if key is not None:
            await self._check_async(key, self.per_user[group])

    async def _check_async(self, key: str, rate: Rate) -> None:
        if not self.enabled:
            return
        if self.remote:
            await anyio.to_thread.run_sync(self._check, key, rate)
        else:
            self._check(key, rate)

    def _check(self, key: str, rate: Rate) -> None:
        decision = self.limiter.hit(key, rate)
        if not decision.allowed:
            log.info("rate limit %s hit by %s", rate, mask_pii(key))   # an IP, or a hashed user counter
            raise RateLimited(decision.retry_after_s)


def _user_counter(group: str, user_key: object) -> str | None:
    """The counter of one user: hashed, so a long key costs no more memory than a short one and the
    key (a session id: the only key to a transcript) never reaches a log line or Redis."""
    if not (isinstance(user_key, str) and user_key):
        return None
    return f"user:{group}:" + hashlib.sha256(user_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def limits_of(request: Request) -> Limits | None:
    return getattr(request.app.state, "limits", None)


def request_ip(request: Request) -> str:
    """The client's IP (X-Forwarded-For only from FAYUAN_TRUSTED_PROXIES)."""
    limits = limits_of(request)
    return limits.client_ip(request) if limits is not None else (request.client.host if request.client else "unknown")


async def check_user_rate(request: Request, group: str, user_key: object) -> None:
    """For routes: raise RateLimited when this user is over the group's per-user rate."""
    limits = limits_of(request)
    if limits is not None:
        await limits.admit_user(group, user_key)


def error_body(exc: HTTPException) -> dict:
    """{"detail": …} like every other error, plus an OpenAI-style `error` for chat front ends."""
    kind = "rate_limit_error" if exc.status_code == 429 else "invalid_request_error"
    return {"detail": exc.detail, "error": {"message": exc.detail, "type": kind}}


class LimitsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): it must see the body as it streams in."""

    def __init__(self, app, limits: Limits):
        self.app, self.limits = app, limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limits.max_body_bytes
        declared = _content_length(scope)
        try:
            if declared is not None and declared > cap:
                raise BodyTooLarge(cap)
            group = route_group(scope["method"], scope["path"])
            if group is not None:
                await self.limits.admit_ip(group, client_ip(scope, self.limits.proxies))
        except HTTPException as exc:
            await _respond(exc, send)
            return
        started = False

        async def capped_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge(cap)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        received = 0
        try:
            await self.app(scope, capped_receive, tracking_send)
        except BodyTooLarge as exc:   # read outside a route (a middleware): answer here if we still can
            if started:
                raise
            await _respond(exc, send)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _respond(exc: HTTPException, send) -> None:
    body = json.dumps(error_body(exc), ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (exc.headers or {}).items()]
    await send({"type": "http.response.start", "status": exc.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _limit_error(request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=exc.status_code, headers=exc.headers)


def install_limits(app: FastAPI, services) -> Limits:
    """Wire the limits into `app` (create_app calls this once); `services.rate_limiter` holds the
    counters (shared with the WeChat channels and the login throttle)."""
    limits = Limits(services.settings, services.rate_limiter)
    app.state.limits = limits
    app.add_middleware(LimitsMiddleware, limits=limits)
    app.add_exception_handler(RateLimited, _limit_error)
    app.add_exception_handler(BodyTooLarge, _limit_error)
    return limits
