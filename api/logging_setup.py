"""Log formatting for `fayuan serve`: one JSON object per line (FAYUAN_LOG_FORMAT=json, the
default) or plain text lines, for the app's loggers and uvicorn's alike.

A JSON line holds ts, level, logger, message, then request_id and route of the request being
served (api.request_context) and every `extra=` field of the call (the access line adds method,
path, status, duration_ms). Every string that goes out — message, extras, exception text — passes
through mask_pii here, whatever was or was not masked before (extras are attached to a record
after the masking record factory ran, so they need it)."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from api.request_context import current_request
from assistant.privacy import mask_pii

LOG_FORMATS = ("json", "text")

# attributes every LogRecord has; anything else on a record came from `extra=`
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "color_message"}   # color_message: uvicorn's coloured copy
_OWN_KEYS = ("ts", "level", "logger", "message")


def _masked(value):
    """A JSON-ready copy of `value` with personal data masked (numbers too: a phone number
    passed as an int is still a phone number)."""
    if isinstance(value, str):
        return mask_pii(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if -1e6 < value < 1e6:     # every kind of personal number has 7 or more digits
            return value
        text = str(value)
        masked = mask_pii(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {str(k): _masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_masked(v) for v in value]
    return mask_pii(str(value))


def extra_fields(record: logging.LogRecord) -> dict:
    """The request's id and route, then the record's `extra=` fields, masked."""
    fields = {}
    context = current_request()
    if context is not None:
        fields["request_id"] = context.request_id
        route = context.route
        if route is not None:
            fields["route"] = route
    for key, value in record.__dict__.items():
        if key not in _RECORD_FIELDS and not key.startswith("_") and key not in _OWN_KEYS:
            fields[key] = _masked(value)
    return fields


def _message(record: logging.LogRecord) -> str:
    message = record.getMessage()
    # PiiLogFilter (the record factory, the handler's filter) already masked msg and args
    return message if getattr(record, "_pii_masked", False) else mask_pii(message)


def _exception_text(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    text = record.exc_text
    if record.exc_info:
        text = formatter.formatException(record.exc_info)
    if record.stack_info:
        text = f"{text}\n{formatter.formatStack(record.stack_info)}" if text else record.stack_info
    return mask_pii(text) if text else None


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        entry.update(extra_fields(record))
        exception = _exception_text(self, record)
        if exception:
            entry["exception"] = exception
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-11-28 17:05:01,123 INFO fayuan.access [rid route] message key=value …`, masked."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.message = _message(record)
        record.asctime = self.formatTime(record)
        line = self.formatMessage(record)
        fields = extra_fields(record)
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        exception = _exception_text(self, record)
        return f"{line}\n{exception}" if exception else line


def logging_config(log_format: str, level: str) -> dict:
    """A logging.config.dictConfig dict (uvicorn's `log_config` takes it): one stderr handler on the
    root logger, uvicorn's loggers propagating to it, the PII filter on the handler."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"FAYUAN_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"fayuan": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "filters": {"pii": {"()": "assistant.privacy.PiiLogFilter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "fayuan", "filters": ["pii"]}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            **{name: {"handlers": [], "level": level, "propagate": True}
               for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
            # HTTP clients log every request URL at INFO, and WeChat/WeCom API URLs carry the
            # access_token in their query string: only their warnings go out
            **{name: {"handlers": [], "level": "WARNING", "propagate": True}
               for name in ("httpx", "httpx2", "httpcore")},
        },
    }


def configure_logging(log_format: str, level: str) -> dict:
    """Apply `logging_config` to this process and return it (for uvicorn.run(log_config=...))."""
    import logging.config

    from assistant.privacy import install_log_masking

    config = logging_config(log_format, level)
    logging.config.dictConfig(config)
    install_log_masking()
    return config
