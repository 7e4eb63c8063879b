"""Validate a parsed JSON body against a pydantic model with JSON's own types, as the OpenAPI
schema declares them: 0 is not false and "3" is not 3 (pydantic's lax mode would take both), but
3.0 is the integer 3 (JSON Schema's "integer" counts it)."""
from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


def validate_strict(model: type[Model], data: Any) -> Model:
    """Raises pydantic.ValidationError like model_validate."""
    return model.model_validate_json(json.dumps(_whole_numbers(data)), strict=True)


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value
