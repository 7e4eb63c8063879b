"""The request being served, as a context variable: every log line written while a request is
handled carries its id and route (api.logging_setup reads it). FastAPI runs sync routes in a
thread pool that copies the context, so the variable reaches them too."""
from __future__ import annotations

import os
import re
from contextvars import ContextVar
from dataclasses import dataclass

from assistant.privacy import mask_pii

UNMATCHED_ROUTE = "unmatched"     # the one route label of every path no route matched (404s)

# a caller's id is kept only when it is short and plain (it lands in logs and a response header)
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")


@dataclass(slots=True)
class RequestContext:
    request_id: str
    scope: dict        # the ASGI scope: the router writes the matched route into it

    @property
    def route(self) -> str | None:
        """The matched route's template; None while routing has not matched (yet)."""
        template = route_template(self.scope)
        return None if template == UNMATCHED_ROUTE else template


_current: ContextVar[RequestContext | None] = ContextVar("fayuan_request", default=None)


def current_request() -> RequestContext | None:
    return _current.get()


def enter_request(context: RequestContext):
    """Make `context` current; returns the token `leave_request` needs."""
    return _current.set(context)


def leave_request(token) -> None:
    _current.reset(token)


def route_template(scope: dict) -> str:
    """The matched route's path template (/v1/laws/{law}/articles/{article_id}), never the raw
    path, so metric labels stay bounded; UNMATCHED_ROUTE when no route matched."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID when it is sane, else a new random id. An id that looks like
    personal data (a phone number sent as an id) is replaced too: ids are logged unmasked."""
    for name, value in headers:
        if name == b"x-request-id":
            try:
                candidate = value.decode("ascii")
            except UnicodeDecodeError:
                break
            if _SANE_REQUEST_ID.fullmatch(candidate) and mask_pii(candidate) == candidate:
                return candidate
            break
    return os.urandom(8).hex()
