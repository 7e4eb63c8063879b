"""Request bodies read into pydantic models, refused the product's way.

A FastAPI body parameter answers bad input with its own list of English field errors. The routes
that use these helpers answer instead with one reason: plain Chinese for the public routes, and
JSON's own types for the tools and the staff tables (api/strict_json.py). A model says its own
refusals with `refuse(...)` in its validators; errors pydantic raises itself (a missing field, a
wrong type) take the reason the route gives for that field."""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from api.strict_json import validate_strict

Model = TypeVar("Model", bound=BaseModel)
REFUSAL = "fayuan_refusal"


class BadBody(Exception):
    """The body is not what the route takes; `reason` is the sentence to answer with."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def refuse(reason: str) -> PydanticCustomError:
    """An error for a model's validator to raise: `reason` is shown to the caller as it is."""
    return PydanticCustomError(REFUSAL, "{reason}", {"reason": reason})


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; BadBody (in plain Chinese) when it is not one."""
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadBody("请求体必须是 JSON (body must be JSON)") from exc
    except ValueError as exc:   # an integer of more than 4,300 digits (Python's conversion limit)
        raise BadBody("请求里的数字太长了，无法处理 (a number in the JSON body has too many digits)") from exc
    if not isinstance(body, dict):
        raise BadBody("请求体必须是 JSON 对象 (body must be a JSON object)")
    return body


def read_model(model: type[Model], data: Any, *, field_reasons: Mapping[str, str] = {},
               reason: Callable[[ValidationError], str] | None = None,
               context: dict[str, Any] | None = None, strict: bool = False) -> Model:
    """`data` validated as `model` (with JSON's own types when `strict`). Refused: BadBody with
    `reason(error)`, or by default the first error's reason (`first_reason`)."""
    try:
        if strict:
            return validate_strict(model, data)
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise BadBody(reason(exc) if reason else first_reason(exc, field_reasons)) from None


def read_object(model: type[Model], body: Any, *, not_object: str, **how: Any) -> Model:
    """`read_model` for a body FastAPI has parsed (a `Body(Any)` parameter): BadBody(`not_object`)
    when it is not a JSON object."""
    if not isinstance(body, dict):
        raise BadBody(not_object)
    return read_model(model, body, **how)


def first_reason(exc: ValidationError, field_reasons: Mapping[str, str]) -> str:
    """The reason of the first error: a refusal's own words, else the reason for its field."""
    error = exc.errors(include_url=False)[0]
    if error["type"] == REFUSAL:
        return error["ctx"]["reason"]
    field = str(error["loc"][0]) if error["loc"] else ""
    return field_reasons.get(field) or field_reasons.get("*") or error["msg"]
