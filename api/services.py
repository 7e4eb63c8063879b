"""The objects the routes work with, built once at start-up and injected (never module globals).

Each area adds its service here; `build_services` is the one place they are wired together."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from knowledge.database import make_engine
from knowledge.secret_key import effective_secret_key
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    records_engine: Engine
    knowledge: Any = None            # knowledge.types.KnowledgeBase, once loaded
    staff: Any = None                # assistant.staff.accounts.StaffDirectory
    handoff_desk: Any = None         # assistant.handoff.queue.HandoffQueue (assistant.contracts.HandoffDesk)
    outbound: Any = None             # assistant.handoff.outbound.OutboundRegistry (staff replies per channel)
    handoff_worker: Any = None       # assistant.handoff.worker.HandoffWorker (SLA sweep, notification outbox, retention purge)
    records: Any = None              # assistant.records.service.ConsultationRecords
    chat_sessions: Any = None        # assistant.sessions.SessionStore
    assistant: Any = None            # assistant.conversation.ConversationService (assistant.contracts.Assistant)
    wechat: Any = None               # assistant.channels.wiring.WeChatChannels (公众号, WeCom)
    eligibility_standards: Any = None  # assistant.eligibility.standards.StandardsBook (repo table + staff overrides)
    compensation_figures: Any = None  # assistant.tools.figures.FiguresBook (repo table + staff overrides)
    known_answers: Any = None        # assistant.known_answers.store.KnownAnswerStore (approved staff replies)
    known_answer_bank: Any = None    # assistant.known_answers.match.KnownAnswerBank (what the chat answers from)
    documents: Any = None            # assistant.documents.store.DocumentStore (generated 文书, short-lived)
    rate_limiter: Any = None         # assistant.rate_limit.RateLimiter (per-IP and per-user counters)
    login_limiter: Any = None        # the staff login throttle's RateLimiter (default: rate_limiter)
    extra: dict[str, Any] = field(default_factory=dict)


def build_services(settings: Settings) -> Services:
    from assistant.db import create_records_schema

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    effective_secret_key(settings)   # generated now (data_dir/secret_key) when not set: a weak one stops start-up
    engine = make_engine(settings.resolved_database_url)
    create_records_schema(engine)
    services = Services(settings=settings, records_engine=engine)
    _wire_rate_limits(services)
    _wire_staff(services)
    _wire_knowledge(services)
    _wire_eligibility(services)
    _wire_tools(services)
    _wire_chat(services)
    _wire_wechat(services)
    _wire_handoff(services)
    return services


def _wire_rate_limits(services: Services) -> None:
    """In memory, per process (the default); with FAYUAN_REDIS_URL one budget in Redis for every
    worker and replica: the public limits fail open and the login throttle counts in this process
    while Redis does not answer (assistant/rate_limit_guard.py says why)."""
    from assistant.rate_limit import MemoryRateLimiter

    settings = services.settings
    if not settings.redis_url:
        services.rate_limiter = services.login_limiter = MemoryRateLimiter()
        return
    from assistant.rate_limit_guard import GuardedLimiter
    from assistant.redis_rate_limit import RedisRateLimiter, redis_client

    client = redis_client(settings.redis_url, settings.redis_timeout_s)
    where = client.connection_pool.connection_kwargs    # host/port/db or path; never the password
    log.info("rate limits and the login throttle are shared through Redis at %s",
             where.get("path") or f"{where.get('host')}:{where.get('port') or 6379}/{where.get('db') or 0}")
    shared = RedisRateLimiter(client, key_secret=effective_secret_key(settings))
    services.rate_limiter = GuardedLimiter(shared, "public", fallback=None, retry_after_s=settings.redis_retry_after_s)
    services.login_limiter = GuardedLimiter(shared, "login", fallback=MemoryRateLimiter(),
                                            retry_after_s=settings.redis_retry_after_s)


def _wire_knowledge(services: Services) -> None:
    """Open the serving knowledge-base generation (data/kb/CURRENT). Missing: knowledge stays None,
    /readyz answers 503 and search 503 until `fayuan ingest` has run."""
    from knowledge.kb import KnowledgeBaseMissing, LiveKnowledgeBase

    try:
        services.knowledge = LiveKnowledgeBase(services.settings)
    except KnowledgeBaseMissing as exc:
        log.warning("%s", exc)


def _wire_staff(services: Services) -> None:
    """Staff accounts, the bootstrap admin (FAYUAN_ADMIN_USERNAME/PASSWORD) and PII-masked logs."""
    from assistant.privacy import install_log_masking
    from assistant.staff.accounts import StaffDirectory

    install_log_masking()
    settings = services.settings
    services.staff = StaffDirectory(services.records_engine)
    services.staff.ensure_admin(settings.admin_username, settings.admin_password)


def _wire_handoff(services: Services) -> None:
    """The handoff queue (HandoffDesk), staff-reply senders per channel, SLA + notification worker
    (with the retention purge and the purge of expired documents), the document store, and the consultation records (`services.records.record_turn(...)` once per answered turn)."""
    from assistant.documents.store import DocumentPurgeJob, DocumentStore
    from assistant.handoff.outbound import OutboundRegistry
    from assistant.handoff.outbox import OutboxDispatcher
    from assistant.handoff.queue import HandoffQueue
    from assistant.handoff.worker import HandoffWorker
    from assistant.records.retention import RetentionJob
    from assistant.records.service import ConsultationRecords

    settings = services.settings
    services.outbound = OutboundRegistry()
    for channel, messenger in (getattr(services.wechat, "messengers", None) or {}).items():
        services.outbound.register(channel, messenger)
    dispatcher = OutboxDispatcher(services.records_engine, settings.notify_webhook_url,
                                  timeout_s=settings.notify_timeout_s, max_attempts=settings.notify_max_attempts)
    services.handoff_desk = HandoffQueue(
        services.records_engine, sla_minutes=settings.handoff_sla_minutes,
        public_base_url=settings.public_base_url, notify=bool(settings.notify_webhook_url),
        mentions=settings.notify_mentions, outbound=services.outbound,
        transcripts=getattr(services, "chat_sessions", None),
        on_notification=lambda: services.handoff_worker and services.handoff_worker.kick())
    retention = RetentionJob(services.records_engine, retention_days=settings.retention_days,
                             key=effective_secret_key(settings),
                             interval_hours=settings.retention_purge_interval_hours)
    services.documents = DocumentStore(services.records_engine, ttl_hours=settings.documents_ttl_hours)
    services.handoff_worker = HandoffWorker(services.handoff_desk, dispatcher, settings.sla_sweep_interval_s,
                                            housekeeping=[retention, DocumentPurgeJob(services.documents)])
    services.records = ConsultationRecords(services.records_engine)


def _wire_eligibility(services: Services) -> None:
    """Regional standards (repo table + overrides staff make through /v1/admin/regions) and the
    in-chat eligibility dialogue the conversation reads from `extra["eligibility_dialogue"]`."""
    from assistant.eligibility.dialogue import EligibilityDialogue
    from assistant.eligibility.standards import StandardsBook

    services.eligibility_standards = StandardsBook(services.records_engine)
    services.extra["eligibility_dialogue"] = EligibilityDialogue(services.eligibility_standards)


def _wire_tools(services: Services) -> None:
    """Statistics for the compensation tool (repo table + overrides staff make through /v1/admin/figures)."""
    from assistant.tools.figures import FiguresBook

    services.compensation_figures = FiguresBook(services.records_engine)


def _wire_wechat(services: Services) -> None:
    """公众号 and WeCom callbacks; the assistant is looked up per message (it may load later)."""
    from assistant.channels.wiring import build_wechat_channels

    services.wechat = build_wechat_channels(services.settings, services.records_engine,
                                            lambda: getattr(services, "assistant", None),
                                            limiter=services.rate_limiter)


def _wire_chat(services: Services) -> None:
    """The chat assistant. Knowledge base, handoff desk and eligibility dialogue are read from the
    container at each turn, so they can be loaded or wired after this (app start-up)."""
    from assistant.conversation import ConversationService
    from assistant.known_answers.match import KnownAnswerBank
    from assistant.known_answers.store import KnownAnswerStore
    from assistant.llm import llm_from_settings
    from assistant.documents.in_chat import DocumentDesk
    from assistant.sessions import SessionStore

    settings = services.settings
    from assistant.transcript_seal import TranscriptSeal

    services.chat_sessions = SessionStore(services.records_engine, seal=TranscriptSeal(effective_secret_key(settings)))
    services.known_answers = KnownAnswerStore(services.records_engine)
    services.known_answer_bank = KnownAnswerBank(services.known_answers)
    services.assistant = ConversationService(
        store=services.chat_sessions,
        knowledge=lambda: services.knowledge,
        handoff_desk=lambda: getattr(services, "handoff_desk", None),
        eligibility=lambda: services.extra.get("eligibility_dialogue"),
        records=lambda: getattr(services, "records", None),
        figures=lambda: services.compensation_figures,
        known_answers=lambda: services.known_answer_bank,
        documents=lambda: DocumentDesk(services.documents, settings.public_base_url) if services.documents else None,
        llm=llm_from_settings(settings),
        search_k=settings.chat_search_k, min_score=settings.chat_min_score,
        max_citations=settings.chat_max_citations, relative_floor=settings.chat_relative_floor,
        max_message_chars=settings.chat_max_message_chars)
