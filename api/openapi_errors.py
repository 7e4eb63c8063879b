"""Error responses every route gets from shared machinery, added to its OpenAPI operation so the
schema says what a client really receives (tests/test_api_fuzz.py holds the app to its schema):

- 401 / 403 from the `require_staff` / `require_admin` dependencies;
- 400 (unparseable body) and 422 (field errors) from FastAPI's body parsing;
- 413 from the body cap on any request with a body (api/limits.py);
- 429 on the routes with a per-IP rate limit (api/limits.route_group).

Route-specific errors (404 unknown ticket, 409 conflicts …) stay declared on the routes."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.auth import require_admin, require_staff
from api.limits import route_group
from api.responses import error_responses


def declare_common_errors(app: FastAPI) -> None:
    """Wrap `app.openapi` so the generated schema carries the shared error responses."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path, method, codes in _implied_errors(app):
                operation = schema["paths"].get(path, {}).get(method)
                if operation is None:
                    continue
                for code, response in error_responses(*codes).items():
                    operation["responses"].setdefault(str(code), _json_error(schema, response))
        return app.openapi_schema

    app.openapi = openapi


def _implied_errors(app: FastAPI):
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        calls = _dependency_calls(context.dependant)
        for method in context.methods or ():
            codes = set()
            if require_staff in calls or require_admin in calls:
                codes.add(401)
            if require_admin in calls:
                codes.add(403)
            if context.dependant.body_params:
                codes |= {400, 422}
            if context.dependant.body_params or method in ("POST", "PUT", "PATCH"):
                codes.add(413)
            if route_group(method, context.path) is not None:
                codes.add(429)
            yield context.path, method.lower(), sorted(codes)


def _dependency_calls(dependant: Dependant) -> set:
    calls = set()
    for sub in dependant.dependencies:
        calls.add(sub.call)
        calls |= _dependency_calls(sub)
    return calls


def _json_error(schema: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI response object for an ErrorBody response (the model is already a component
    when any route declares it; otherwise it is added)."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorBody", response["model"].model_json_schema())
    return {"description": response["description"],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
