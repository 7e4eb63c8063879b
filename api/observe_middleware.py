"""Per-request observability as a pure ASGI middleware (not BaseHTTPMiddleware, which runs the
route in a second task behind a memory stream: slower, and in the way of streamed answers): the
request id, the HTTP metrics and one access log line per request.

The request id is the caller's X-Request-ID when it is sane (api.request_context), else a new
one; it is current for every log line written while the request is handled, and returned in the
X-Request-ID response header. The access line ("fayuan.access", INFO) carries method, path, route
template, status and duration_ms. The path logged is the route template (/v1/chat/{session_id}/messages),
never the raw path: a session id is the only key to a transcript, and the H5 page polls that path
every 5 s. Only a path no route matched is logged as sent (masked, cut at 300 characters); never
the query string (queries are consultation text). A route
that raises before answering gets a plain-Chinese 500 with the id here (the exception still goes
up, so the server logs its traceback — with the id, as the request's context is not left)."""
from __future__ import annotations

import json
import logging
import time

from api.metrics import HttpMetrics
from api.request_context import (UNMATCHED_ROUTE, RequestContext, enter_request, leave_request, request_id_from,
                                 route_template)

access_log = logging.getLogger("fayuan.access")
INTERNAL_ERROR = "服务器出错了，请稍后再试；如需帮助请拨打 12348 (internal server error)"


class ObservabilityMiddleware:
    def __init__(self, app, http_metrics: HttpMetrics, access_log_enabled: bool = True):
        self.app = app
        self.metrics = http_metrics
        self.access_log_enabled = access_log_enabled

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = request_id_from(scope.get("headers") or ())
        id_header = (b"x-request-id", request_id.encode("ascii"))
        status, started = 500, False

        async def send_with_id(message):
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        token = enter_request(RequestContext(request_id, scope))
        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if not started:    # a plain answer that still carries the id the person can quote
                await _send_internal_error(send_with_id, request_id)
            raise              # uvicorn logs the traceback, still in this request's context (its id)
        finally:
            seconds = time.perf_counter() - start
            self.metrics.in_progress.dec()
            route = route_template(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            if self.access_log_enabled and access_log.isEnabledFor(logging.INFO):
                path = scope["path"][:300] if route == UNMATCHED_ROUTE else route
                access_log.log(logging.WARNING if status >= 500 else logging.INFO,
                               "%s %s %d", scope["method"][:16], path, status,
                               extra={"method": scope["method"][:16], "path": path,
                                      "route": route, "status": status, "duration_ms": round(seconds * 1000, 2)})
        leave_request(token)   # (each request runs in its own task: after an error the context just ends)


async def _send_internal_error(send, request_id: str) -> None:
    body = json.dumps({"detail": INTERNAL_ERROR, "request_id": request_id}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def install_observability(app, services) -> None:
    """The app's metrics registry (app.state.metrics, read by GET /metrics) and this middleware,
    outermost: it is added last, so rate-limited and refused requests are counted and logged too."""
    from api.metrics import AppMetrics

    app.state.metrics = AppMetrics(services)
    app.add_middleware(ObservabilityMiddleware, http_metrics=app.state.metrics.http,
                       access_log_enabled=services.settings.access_log)
