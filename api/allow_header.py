"""405 Method Not Allowed with an `Allow` header naming every method the path supports.

Starlette answers 405 from the first route whose path matches, so a path served by two routes
(GET and POST /wechat/oa) was said to allow only GET (RFC 9110 §15.5.6: Allow lists them all)."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.routing import compile_path


def install_allow_header(app: FastAPI) -> None:
    patterns = [(context.path, compile_path(context.path)[0], context.methods or set())
                for context in iter_route_contexts(app.routes) if context.path]

    async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
        path = request.url.path
        literal = [methods for route_path, _, methods in patterns if route_path == path]
        # a literal path (/v1/handoffs/pull) is its own resource, not an id of the templated one
        matching = literal or [methods for _, regex, methods in patterns if regex.match(path)]
        allowed = set().union(*matching)
        return JSONResponse({"detail": "Method Not Allowed"}, status_code=405,
                            headers={"Allow": ", ".join(sorted(allowed))})

    app.add_exception_handler(405, method_not_allowed)
