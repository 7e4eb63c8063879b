"""Assistant-side Prometheus metrics: chat turn and composer timings, SLA breaches, notification
sends. Like knowledge.telemetry they belong to no registry until the web app registers them
(api.metrics)."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

from knowledge.telemetry import STAGE_BUCKETS

CHAT_STAGE_SECONDS = Histogram(
    "fayuan_chat_stage_seconds",
    "Chat turn, by stage: turn (ConversationService.reply, all of it), compose (offline composer "
    "answer), ground (citation verification, and the LLM draft when one is configured)",
    ["stage"], buckets=STAGE_BUCKETS, registry=None)

SLA_BREACHES_TOTAL = Counter(
    "fayuan_handoff_sla_breaches", "Handoff tickets escalated by the SLA sweep (deadline passed "
    "without a human reply), by priority", ["priority"], registry=None)

NOTIFICATIONS_TOTAL = Counter(
    "fayuan_notifications", "Staff notification sends by the outbox worker, by result "
    "(sent / retried / failed = given up)", ["result"], registry=None)

RATE_LIMIT_BACKEND_ERRORS = Counter(
    "fayuan_rate_limit_backend_errors", "Calls to the shared rate-limit backend (Redis) that failed or timed "
    "out, by limiter (public: chat/search/callbacks, login: the staff login throttle)", ["limiter"], registry=None)
RATE_LIMIT_FALLBACKS = Counter(
    "fayuan_rate_limit_fallback", "Rate-limit decisions made without the shared backend, by limiter and "
    "fallback (allowed: the request passed unlimited; memory: counted in this process only)",
    ["limiter", "fallback"], registry=None)

METRICS = (CHAT_STAGE_SECONDS, SLA_BREACHES_TOTAL, NOTIFICATIONS_TOTAL, RATE_LIMIT_BACKEND_ERRORS, RATE_LIMIT_FALLBACKS)


def chat_timer(stage: str):
    """Decorator/context manager timing one chat stage."""
    return CHAT_STAGE_SECONDS.labels(stage=stage).time()


def count_notifications(sent: int, retried: int, failed: int) -> None:
    for result, n in (("sent", sent), ("retried", retried), ("failed", failed)):
        if n:
            NOTIFICATIONS_TOTAL.labels(result=result).inc(n)
