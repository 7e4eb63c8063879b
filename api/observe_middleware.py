"""Per-request observability as a pure ASGI middleware (no BaseHTTPMiddleware: that one costs
about a millisecond per request and buffers streamed answers): the request id, the HTTP metrics
and one access log line per request.

The request id is the caller's X-Request-ID when it is sane (api.request_context), else a new
one; it is current for every log line written while the request is handled, and returned in the
X-Request-ID response header. The access line ("fayuan.access", INFO) carries method, path (no
query string: queries are consultation text), route template, status and duration_ms."""
from __future__ import annotations

import logging
import time

from api.metrics import HttpMetrics
from api.request_context import RequestContext, enter_request, leave_request, request_id_from, route_template

access_log = logging.getLogger("fayuan.access")


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
        status = 500     # what the client gets when the app raises before answering

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        token = enter_request(RequestContext(request_id, scope))
        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - start
            self.metrics.in_progress.dec()
            route = route_template(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            if self.access_log_enabled and access_log.isEnabledFor(logging.INFO):
                access_log.log(logging.WARNING if status >= 500 else logging.INFO,
                               "%s %s %d", scope["method"][:16], scope["path"][:300], status,
                               extra={"method": scope["method"][:16], "path": scope["path"][:300],
                                      "route": route, "status": status, "duration_ms": round(seconds * 1000, 2)})
            leave_request(token)


def install_observability(app, services) -> None:
    """The app's metrics registry (app.state.metrics, read by GET /metrics) and this middleware,
    outermost: it is added last, so rate-limited and refused requests are counted and logged too."""
    from api.metrics import AppMetrics

    app.state.metrics = AppMetrics(services)
    app.add_middleware(ObservabilityMiddleware, http_metrics=app.state.metrics.http,
                       access_log_enabled=services.settings.access_log)
