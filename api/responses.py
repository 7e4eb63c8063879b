"""The error responses routes declare in the OpenAPI schema (`responses=error_responses(404, 422)`),
so the schema says what a client really gets — schemathesis (tests/test_api_fuzz.py) holds every
route to it."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

REASONS = {
    400: "Malformed request",
    401: "Staff login required (bearer token from POST /v1/auth/token)",
    403: "Forbidden: wrong role, not the owner, or a failed signature check",
    404: "Not found",
    409: "Conflicts with the current state (e.g. the ticket is already claimed or closed)",
    413: "Request body too large",
    422: "Invalid input; `detail` says why (plain Chinese on the public API)",
    429: "Too many requests; retry after the Retry-After header",
    503: "Not ready yet (knowledge base or assistant still loading)",
}


class ErrorBody(BaseModel):
    detail: Any = Field(..., description="Why: a sentence, {\"reason\": ...}, or FastAPI's list of field errors")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """JSON error responses (`{"detail": ...}`) for the given status codes."""
    return {code: {"model": ErrorBody, "description": REASONS[code]} for code in codes}


def text_error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Plain-text error responses (the WeChat callbacks answer errors as text)."""
    return {code: {"description": REASONS[code], "content": {"text/plain": {"schema": {"type": "string"}}}}
            for code in codes}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` declaring a required JSON request body, for routes that read and check the
    body themselves (to answer in plain Chinese) instead of through a FastAPI body parameter."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` inlined, so it can sit inside `openapi_extra`
    (a `#/$defs/...` reference would point at the OpenAPI document's root)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def file_response(media_type: str) -> dict[str, Any]:
    """A 200 whose body is a file of `media_type` (CSV, SVG), not JSON."""
    return {"description": f"A {media_type} file", "content": {media_type: {"schema": {"type": "string"}}}}


def region_entry(book, region: str) -> dict:
    """A staff-editable table's entry for a region name or alias (`book.entry`: the legal-aid
    standards, the compensation figures) as the admin JSON routes return it; unknown → 404."""
    from fastapi import HTTPException

    found = book.entry(region)
    if found is None:
        raise HTTPException(status_code=404, detail=f"未知地区 (unknown region): {region}")
    name, entry = found
    return {"region": name, **entry}
