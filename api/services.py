"""The objects the routes work with, built once at start-up and injected (never module globals).

`build_services` is the composition root: the one place settings are read and the parts wired
together. Each part gets the few values it needs, not the settings object."""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from knowledge.database import make_engine
from api.secret_key import effective_secret_key
from api.settings import Settings

if TYPE_CHECKING:   # the parts are imported where they are built (start-up cost stays in build_services)
    from assistant.channels.wiring import ChannelSettings, WeChatChannels
    from assistant.contracts import Assistant
    from assistant.documents.in_chat import DocumentDesk
    from assistant.documents.store import DocumentStore
    from assistant.eligibility.dialogue import EligibilityDialogue
    from assistant.eligibility.standards import StandardsBook
    from assistant.handoff.outbound import OutboundRegistry
    from assistant.handoff.queue import HandoffQueue
    from assistant.handoff.worker import HandoffWorker
    from assistant.known_answers.match import KnownAnswerBank
    from assistant.known_answers.store import KnownAnswerStore
    from assistant.answers.llm import LLMComposer
    from assistant.limits.rate_limit import RateLimiter
    from assistant.records.service import ConsultationRecords
    from assistant.conversation.sessions import SessionStore
    from assistant.staff.accounts import StaffDirectory
    from assistant.staff.hashing_slots import HashingSlots
    from assistant.staff.login_throttle import LoginThrottle
    from assistant.staff.revocations import TokenRevocations
    from assistant.tools.figures import FiguresBook
    from knowledge.types import KnowledgeBase

log = logging.getLogger(__name__)
HASH_SLOTS = 2            # argon2 checks at once per process (64 MiB each, in the shared thread pool)


@dataclass
class Services:
    settings: Settings
    records_engine: Engine
    secret_key: str                              # FAYUAN_SECRET_KEY, or the one generated in data_dir
    # the stores on the records database, built first
    staff: StaffDirectory
    token_revocations: TokenRevocations
    chat_sessions: SessionStore
    records: ConsultationRecords                 # consultation records (`record_turn` once per answered turn)
    documents: DocumentStore                     # generated 文书, short-lived
    eligibility_standards: StandardsBook         # repo table + staff overrides (/v1/admin/regions)
    eligibility_dialogue: EligibilityDialogue    # the in-chat eligibility questions
    compensation_figures: FiguresBook            # repo table + staff overrides (/v1/admin/figures)
    known_answers: KnownAnswerStore              # approved staff replies
    known_answer_bank: KnownAnswerBank           # what the chat answers from
    # the limits: per-IP/per-user counters, the staff login throttle and its password-check places
    rate_limiter: RateLimiter
    login_limiter: RateLimiter
    login_throttle: LoginThrottle
    login_hashing_slots: HashingSlots
    # wired after: they need the container (live lookups) or each other
    knowledge: KnowledgeBase | None = None       # None until `fayuan ingest` has run (/readyz 503)
    assistant: Assistant | None = None           # assistant.conversation.service.ConversationService
    wechat: WeChatChannels | None = None         # 公众号, WeCom
    outbound: OutboundRegistry | None = None     # staff replies per channel
    handoff_desk: HandoffQueue | None = None     # the handoff queue (assistant.contracts.HandoffDesk)
    handoff_worker: HandoffWorker | None = None  # SLA sweep, notification outbox, retention + document purge

    # --- live lookups --------------------------------------------------------------------------
    # The conversation and the channels ask for these at each turn, so a part loaded or replaced
    # after wiring (the knowledge base at start-up; a test's double) is the one they use.
    def current_knowledge(self) -> KnowledgeBase | None:
        return self.knowledge

    def current_assistant(self) -> Assistant | None:
        return self.assistant

    def current_handoff_desk(self) -> HandoffQueue | None:
        return self.handoff_desk

    def current_eligibility_dialogue(self) -> EligibilityDialogue:
        return self.eligibility_dialogue

    def current_records(self) -> ConsultationRecords:
        return self.records

    def current_figures(self) -> FiguresBook:
        return self.compensation_figures

    def current_known_answers(self) -> KnownAnswerBank:
        return self.known_answer_bank

    def kick_handoff_worker(self) -> None:
        """A notification was queued: the worker sends it now rather than at its next sweep."""
        if self.handoff_worker is not None:
            self.handoff_worker.kick()

    def document_desk(self) -> DocumentDesk:
        from assistant.documents.in_chat import DocumentDesk

        return DocumentDesk(self.documents, self.settings.public_base_url)


def build_services(settings: Settings) -> Services:
    from assistant.db import create_records_schema

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret_key = effective_secret_key(settings)   # generated now (data_dir/secret_key) when not set: a weak one stops start-up
    engine = make_engine(settings.resolved_database_url)
    create_records_schema(engine)
    services = _build_stores(settings, engine, secret_key)
    _wire_knowledge(services)
    _wire_chat(services)
    _wire_wechat(services)
    _wire_handoff(services)
    return services


def _build_stores(settings: Settings, engine: Engine, secret_key: str) -> Services:
    """The container with every part that needs only the settings and the records database."""
    from assistant.documents.store import DocumentStore
    from assistant.eligibility.dialogue import EligibilityDialogue
    from assistant.eligibility.standards import StandardsBook
    from assistant.known_answers.match import KnownAnswerBank
    from assistant.known_answers.store import KnownAnswerStore
    from assistant.records.service import ConsultationRecords
    from assistant.conversation.sessions import SessionStore
    from assistant.staff.hashing_slots import HashingSlots
    from assistant.staff.revocations import TokenRevocations
    from assistant.tools.figures import FiguresBook
    from assistant.conversation.transcript_seal import TranscriptSeal

    rate_limiter, login_limiter = _rate_limiters(settings, secret_key)
    standards = StandardsBook(engine)
    known_answers = KnownAnswerStore(engine)
    return Services(
        settings=settings, records_engine=engine, secret_key=secret_key, staff=_staff_directory(settings, engine),
        token_revocations=TokenRevocations(engine),
        chat_sessions=SessionStore(engine, seal=TranscriptSeal(secret_key)),
        records=ConsultationRecords(engine),
        documents=DocumentStore(engine, ttl_hours=settings.documents_ttl_hours),
        eligibility_standards=standards, eligibility_dialogue=EligibilityDialogue(standards),
        compensation_figures=FiguresBook(engine),
        known_answers=known_answers, known_answer_bank=KnownAnswerBank(known_answers),
        rate_limiter=rate_limiter, login_limiter=login_limiter,
        login_throttle=login_throttle(settings, login_limiter), login_hashing_slots=HashingSlots(HASH_SLOTS))


def login_throttle(settings: Settings, limiter: RateLimiter) -> LoginThrottle:
    """The staff login throttle counting in `limiter` (FAYUAN_LOGIN_* settings)."""
    from assistant.staff.login_throttle import LoginThrottle

    return LoginThrottle(limiter, max_failures=settings.login_max_failures,
                         max_failures_per_ip=settings.login_max_failures_per_ip, backoff_s=settings.login_backoff_s,
                         max_backoff_s=settings.login_backoff_max_s, forget_s=settings.login_failure_window_s)


def _rate_limiters(settings: Settings, secret_key: str) -> tuple[RateLimiter, RateLimiter]:
    """(the public limits, the login throttle's counters). In memory, per process (the default);
    with FAYUAN_REDIS_URL one budget in Redis for every worker and replica: the public limits fail
    open and the login throttle counts in this process while Redis does not answer
    (assistant/limits/rate_limit_guard.py says why)."""
    from assistant.limits.rate_limit import MemoryRateLimiter

    if not settings.redis_url:
        limiter = MemoryRateLimiter()
        return limiter, limiter
    from assistant.limits.rate_limit_guard import GuardedLimiter
    from assistant.limits.redis_rate_limit import RedisRateLimiter, redis_client

    client = redis_client(settings.redis_url, settings.redis_timeout_s)
    where = client.connection_pool.connection_kwargs    # host/port/db or path; never the password
    log.info("rate limits and the login throttle are shared through Redis at %s",
             where.get("path") or f"{where.get('host')}:{where.get('port') or 6379}/{where.get('db') or 0}")
    shared = RedisRateLimiter(client, key_secret=secret_key)
    return (GuardedLimiter(shared, "public", fallback=None, retry_after_s=settings.redis_retry_after_s),
            GuardedLimiter(shared, "login", fallback=MemoryRateLimiter(), retry_after_s=settings.redis_retry_after_s))


def _staff_directory(settings: Settings, engine: Engine) -> StaffDirectory:
    """Staff accounts with the bootstrap admin (FAYUAN_ADMIN_USERNAME/PASSWORD); logs mask PII from here on."""
    from assistant.privacy import install_log_masking
    from assistant.staff.accounts import StaffDirectory

    install_log_masking()
    staff = StaffDirectory(engine)
    staff.ensure_admin(settings.admin_username, settings.admin_password)
    return staff


def _wire_knowledge(services: Services) -> None:
    """Open the serving knowledge-base generation (data/kb/CURRENT). Missing: knowledge stays None,
    /readyz answers 503 and search 503 until `fayuan ingest` has run."""
    from knowledge.kb import KnowledgeBaseMissing, LiveKnowledgeBase

    try:
        services.knowledge = LiveKnowledgeBase(services.settings.knowledge)
    except KnowledgeBaseMissing as exc:
        log.warning("%s", exc)
        return
    from assistant.answers.classifier import card_classifier
    from assistant.answers.semantic import semantic_index

    semantic_index(services.knowledge)   # the cards' example vectors (~3 s of CPU), before the first question
    card_classifier()                    # the card classifier, fitted on this checkout's phrasings (< 1 s)


def _wire_chat(services: Services) -> None:
    """The chat assistant. The knowledge base, the handoff desk and the other parts are looked up
    in the container at each turn, so they can be loaded or wired after this (app start-up)."""
    from assistant.conversation.service import ConversationService

    settings = services.settings
    services.assistant = ConversationService(
        store=services.chat_sessions, knowledge=services.current_knowledge,
        handoff_desk=services.current_handoff_desk, eligibility=services.current_eligibility_dialogue,
        records=services.current_records, figures=services.current_figures,
        known_answers=services.current_known_answers, documents=services.document_desk,
        llm=_llm(settings),
        search_k=settings.chat_search_k, min_score=settings.chat_min_score,
        max_citations=settings.chat_max_citations, relative_floor=settings.chat_relative_floor,
        max_message_chars=settings.chat_max_message_chars)


def _llm(settings: Settings) -> LLMComposer | None:
    """The optional LLM that words answers (FAYUAN_LLM_*): None unless a base URL and a model are set."""
    from assistant.answers.llm import LLMComposer

    if not (settings.llm_base_url and settings.llm_model):
        return None
    return LLMComposer(settings.llm_base_url, settings.llm_model, settings.llm_api_key,
                       timeout_s=settings.llm_timeout_s, cooldown_s=settings.llm_cooldown_s)


def _wire_wechat(services: Services) -> None:
    """公众号 and WeCom callbacks; the assistant is looked up per message (it may be replaced later)."""
    from assistant.channels.wiring import build_wechat_channels

    services.wechat = build_wechat_channels(channel_settings(services.settings, services.secret_key),
                                            services.records_engine,
                                            services.current_assistant, limiter=services.rate_limiter)


def channel_settings(settings: Settings, secret_key: str) -> ChannelSettings:
    """The channels' own settings: the FAYUAN_WECHAT_* / FAYUAN_WECOM_* values of the same names."""
    from assistant.channels.wiring import ChannelSettings

    names = [f.name for f in dataclasses.fields(ChannelSettings) if f.name != "secret_key"]
    return ChannelSettings(secret_key=secret_key, **{name: getattr(settings, name) for name in names})


def _wire_handoff(services: Services) -> None:
    """The handoff queue (HandoffDesk), staff-reply senders per channel, and the worker: SLA sweep,
    notification outbox, retention purge and the purge of expired documents."""
    from assistant.documents.store import DocumentPurgeJob
    from assistant.handoff.outbound import OutboundRegistry
    from assistant.handoff.outbox import OutboxDispatcher
    from assistant.handoff.queue import HandoffQueue
    from assistant.handoff.worker import HandoffWorker
    from assistant.records.retention import RetentionJob

    settings = services.settings
    services.outbound = OutboundRegistry()
    for channel, messenger in (services.wechat.messengers if services.wechat else {}).items():
        services.outbound.register(channel, messenger)
    dispatcher = OutboxDispatcher(services.records_engine, settings.notify_webhook_url,
                                  timeout_s=settings.notify_timeout_s, max_attempts=settings.notify_max_attempts)
    retention = RetentionJob(services.records_engine, retention_days=settings.retention_days,
                             key=services.secret_key,
                             interval_hours=settings.retention_purge_interval_hours)
    services.handoff_desk = HandoffQueue(
        services.records_engine, sla_minutes=settings.handoff_sla_minutes,
        public_base_url=settings.public_base_url, notify=bool(settings.notify_webhook_url),
        mentions=settings.notify_mentions, outbound=services.outbound, transcripts=services.chat_sessions,
        on_notification=services.kick_handoff_worker)
    services.handoff_worker = HandoffWorker(services.handoff_desk, dispatcher, settings.sla_sweep_interval_s,
                                            housekeeping=[retention, DocumentPurgeJob(services.documents)])
