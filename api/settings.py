"""The product's settings, read once from FAYUAN_* environment variables (or a `.env` file in the
working directory) at the composition root (api/services.py), which hands each component only its
own part: the knowledge base gets `Settings.knowledge`, the channels `ChannelSettings`.
The README's configuration table mirrors this class (`python -m api.settings` prints it)."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from knowledge.rates import Rate
from knowledge.settings import KnowledgeSettings, http_url_or_none


URL_FIELDS = ("llm_base_url", "public_base_url", "wechat_api_base", "wecom_api_base")


class SettingsError(ValueError):
    """Invalid FAYUAN_* settings, one line per setting (its variable name and what is wrong)."""


class Settings(KnowledgeSettings):
    """Everything beyond the knowledge base: records, the LLM, chat, staff, channels, limits, logs."""

    # --- records and search ---------------------------------------------------------------
    database_url: str | None = Field(
        None, description="Records database (sessions, tickets, audit); default SQLite in data_dir")
    search_default_k: int = Field(10, ge=1, le=100, description="Results returned by /v1/search when k is not given")

    # --- optional LLM (OpenAI-compatible) -------------------------------------------------
    llm_base_url: str | None = Field(None, description="Optional OpenAI-compatible endpoint (DeepSeek, Qwen, GLM, vLLM, Ollama); unset = offline composer")
    llm_model: str | None = Field(None, description="Model name at that endpoint")
    llm_api_key: str | None = Field(None, description="API key for that endpoint")
    llm_timeout_s: float = Field(20.0, gt=0, description="LLM call timeout; on timeout the offline composer answers")
    llm_cooldown_s: float = Field(
        30.0, ge=0, description="After an LLM failure, answer with the offline composer for this long before trying again")

    # --- chat assistant ---------------------------------------------------------------------
    chat_search_k: int = Field(10, ge=1, le=100, description="Articles/cases retrieved per chat question")
    chat_min_score: float = Field(
        0.0, ge=0.0, le=1.0, description="Top retrieval score below which the chat says 不确定 instead of answering")
    chat_max_citations: int = Field(
        8, ge=0, description="Retrieved articles listed (collapsed, expandable) under one chat answer; "
                       "STARD dev: 5 → 56% with a gold article, 8 → 62%")
    chat_relative_floor: float = Field(
        0.3, ge=0.0, le=1.0, description="Cite a retrieved article only if its score is at least this share of the top hit's")
    chat_max_message_chars: int = Field(
        2000, ge=1, description="Longer chat messages are refused with 422 (a question, not a document)")

    # --- staff, security ------------------------------------------------------------------
    env: Literal["development", "production"] = Field(
        "development", description="production needs FAYUAN_SECRET_KEY, refuses 公众号 plaintext mode, makes the "
                                   "console cookie Secure, sends HSTS, turns /docs off and /metrics without "
                                   "FAYUAN_METRICS_TOKEN off (docs/operations.md)")
    secret_key: str | None = Field(
        None, description="Signs staff sessions and CSRF tokens, keys session ids; unset = a random key generated "
                          "on first start in data_dir/secret_key (0600; required in production). Published or weak "
                          "keys (shorter than 32 characters) are refused in every mode")
    admin_username: str | None = Field(None, description="Bootstrap admin account created at start-up")
    admin_password: str | None = Field(None, description="Password of the bootstrap admin account")
    session_ttl_minutes: int = Field(480, gt=0, description="Staff console sessions (signed cookie) expire after this")
    api_token_ttl_minutes: int = Field(60, gt=0, description="Staff API bearer tokens (POST /v1/auth/token) expire after this")
    handoff_sla_minutes: dict[str, int] = Field(
        {"urgent": 30, "high": 120, "normal": 480},
        description="Time to resolve a handoff ticket by priority; reminder at half time, escalation at the deadline")
    sla_sweep_interval_s: float = Field(60.0, ge=0, description="How often the SLA sweep and the notification outbox run (0 = off)")
    notify_mentions: list[str] = Field(
        default_factory=list, description="WeCom userids mentioned in staff notifications, as a JSON list, e.g. [\"zhangsan\", \"@all\"]")
    notify_timeout_s: float = Field(5.0, gt=0, description="Timeout of a webhook notification call")
    notify_max_attempts: int = Field(8, ge=1, description="Notification attempts before an outbox row is given up (kept, marked failed)")
    retention_days: int = Field(180, ge=1, description="Consultation records older than this are purged")
    retention_purge_interval_hours: float = Field(
        24.0, ge=0, description="The background worker runs the retention purge this often, first right after "
                                "start-up (0 = never: run `fayuan purge` from cron instead)")
    public_base_url: str = Field("http://127.0.0.1:8000", description="Base URL used in links (console, H5)")
    documents_ttl_hours: float = Field(
        24.0, gt=0, le=720, description="Generated documents (文书, personal data) can be downloaded this long, "
                                        "then they are deleted (docs/documents.md)")

    # --- notifications ----------------------------------------------------------------------
    notify_webhook_url: str | None = Field(None, description="WeCom group-robot webhook for staff notifications")

    # --- WeChat / WeCom ---------------------------------------------------------------------
    wechat_token: str | None = Field(None, description="公众号 callback token (enables /wechat/oa)")
    wechat_appid: str | None = Field(None, description="公众号 AppID (checked in safe mode)")
    wechat_aes_key: str | None = Field(None, description="公众号 EncodingAESKey; set = safe mode (encrypted messages)")
    wechat_secret: str | None = Field(None, description="公众号 AppSecret, for access tokens and customer-service messages")
    wechat_api_base: str = Field("https://api.weixin.qq.com", description="WeChat API base URL (tests point it at a local stand-in)")
    wecom_corp_id: str | None = Field(None, description="WeCom CorpID (enables /wechat/wecom)")
    wecom_token: str | None = Field(None, description="WeCom self-built app callback token")
    wecom_aes_key: str | None = Field(None, description="WeCom self-built app EncodingAESKey")
    wecom_secret: str | None = Field(None, description="WeCom app secret, for access tokens and message/send")
    wecom_agent_id: str | None = Field(None, description="WeCom app AgentId")
    wecom_api_base: str = Field("https://qyapi.weixin.qq.com", description="WeCom API base URL")
    wecom_bot_token: str | None = Field(None, description="WeCom 智能机器人 callback token (enables /wechat/wecom-bot)")
    wecom_bot_aes_key: str | None = Field(None, description="WeCom 智能机器人 EncodingAESKey")
    wechat_reply_budget_s: float = Field(
        4.0, gt=0, description="WeChat/WeCom wait this long for a passive reply (they give up at 5 s); "
                         "slower answers go out through the customer-service / message API")
    wechat_max_body_bytes: int = Field(65536, ge=1024, description="Callback bodies above this size are refused (413)")
    wechat_timestamp_tolerance_s: int = Field(
        300, gt=0, description="Callbacks whose timestamp is further than this from now are refused")
    wechat_answer_workers: int = Field(4, ge=1, description="Threads answering WeChat/WeCom questions")
    wechat_http_timeout_s: float = Field(10.0, gt=0, description="Timeout of calls to the WeChat/WeCom APIs")
    wecom_bot_stream_deadline_s: float = Field(
        330.0, gt=0, description="WeCom bot: after this long the stream is closed and the answer goes to response_url")

    # --- limits (api/limits.py, assistant/limits/rate_limit.py): rates are "N/period", e.g. 20/min, 5/10s, 1000/h
    rate_limits_enabled: bool = Field(
        True, description="Per-IP and per-user rate limits (429 + Retry-After); load tests from one IP may turn them off")
    rate_chat_per_user: str = Field("20/min", description="Chat messages per chat session (/v1/chat, stream, completions)")
    rate_chat_per_ip: str = Field(
        "300/min", description="Chat messages per client IP (a village may share one IP)")
    rate_chat_read_per_ip: str = Field(
        "1200/min", description="Transcript reads per client IP (the H5 page polls every 5 s)")
    rate_search_per_ip: str = Field("300/min", description="/v1/search and /v1/laws requests per client IP")
    rate_eligibility_per_ip: str = Field("120/min", description="/v1/eligibility requests per client IP")
    rate_documents_per_ip: str = Field(
        "60/min", description="/v1/documents requests per client IP (generating and downloading documents)")
    rate_callback_per_ip: str = Field(
        "3000/min", description="WeChat/WeCom callbacks per IP, before the signature check (WeChat's servers "
                                "deliver every user's messages, so keep this high)")
    rate_callback_per_user: str = Field(
        "20/min", description="Questions per WeChat openid / WeCom userid; over it the user gets a polite text reply")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Reverse proxies (IPs or CIDRs, JSON list) whose X-Forwarded-For is "
                                          "believed; empty = the TCP peer is the client")
    max_body_bytes: int = Field(
        65536, ge=1024, description="Request bodies above this are refused with 413 before parsing (chunked too)")
    chat_max_history_messages: int = Field(
        100, ge=1, description="/v1/chat/completions: most entries accepted in `messages`")
    chat_max_history_chars: int = Field(
        20000, ge=100, description="/v1/chat/completions: most characters of text across all `messages`")
    login_max_failures: int = Field(
        5, ge=1, description="Staff login attempts per (username, client address) before each further one "
                             "must wait (a success resets)")
    login_max_failures_per_ip: int = Field(
        20, ge=1, description="Staff login attempts per client address, any username, before each further one "
                              "must wait (successes are given back)")
    login_backoff_s: float = Field(
        60.0, gt=0, description="First wait of a throttled staff login, in seconds; doubles with each further attempt")
    login_backoff_max_s: float = Field(3600.0, gt=0, description="Longest wait of a throttled staff login, in seconds")
    login_failure_window_s: float = Field(
        900.0, gt=0, description="A throttled login counter idle this long after its wait starts from zero, in seconds")
    redis_url: str | None = Field(
        None, description="Redis for rate limits and the staff login throttle shared by all workers and replicas "
                          "(redis://[:PASSWORD@]host:6379/0, rediss://… or unix:///path.sock); empty = in memory, "
                          "per process. Redis down: chat/search are not limited, logins fall back to per-process "
                          "counting (docs/limits.md)")
    redis_timeout_s: float = Field(
        0.5, gt=0, description="Timeout of one Redis connect or command; on timeout the fallback applies")
    redis_retry_after_s: float = Field(
        5.0, ge=0, description="After a Redis error, use the fallback for this long before trying Redis again "
                               "(a dead Redis costs no timeout per request)")

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="Logging level (logs are PII-masked)")
    # --- observability (docs/operations.md) ---------------------------------------------------
    log_format: Literal["json", "text"] = Field(
        "json", description="`fayuan serve` log lines: json (one object per line, with request_id) or text")
    access_log: bool = Field(True, description="One log line per HTTP request (method, path, route, status, duration_ms)")
    metrics_enabled: bool = Field(True, description="Serve Prometheus metrics at /metrics (false = 404)")
    metrics_token: str | None = Field(
        None, description="When set, /metrics needs `Authorization: Bearer <token>`; unset = open in development "
                          "and off (404) in production")
    api_docs: bool | None = Field(
        None, description="Serve the API docs (/docs, /redoc, /openapi.json); unset = on in development, off in "
                          "production")

    @field_validator("rate_chat_per_user", "rate_chat_per_ip", "rate_chat_read_per_ip", "rate_search_per_ip",
                     "rate_eligibility_per_ip", "rate_documents_per_ip", "rate_callback_per_ip", "rate_callback_per_user")
    @classmethod
    def _is_rate(cls, value: str, info) -> str:
        try:
            Rate.parse(value)
        except ValueError as exc:
            raise ValueError(f"FAYUAN_{info.field_name.upper()}: {exc}") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"FAYUAN_TRUSTED_PROXIES: {item!r} is not an IP address or CIDR network") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_capitals(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(*URL_FIELDS)
    @classmethod
    def _is_http_url(cls, value: str | None) -> str | None:
        return http_url_or_none(value)

    @field_validator("database_url")
    @classmethod
    def _is_database_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            backend = None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL, e.g. "
                             "postgresql+psycopg://fayuan:PASSWORD@127.0.0.1/fayuan")
        return value

    @field_validator("redis_url")
    @classmethod
    def _is_redis_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        _check_redis_url(value.strip())
        return value.strip()

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: str | None) -> str | None:
        from api.secret_key import check_secret_key

        return check_secret_key(value) if value else None   # empty = unset: a generated key

    @model_validator(mode="after")
    def _production_needs(self) -> "Settings":
        from api.secret_key import HOW_TO_MAKE_ONE, MIN_SECRET_CHARS

        if self.env != "production":
            return self
        if not self.secret_key:
            raise ValueError(f"FAYUAN_SECRET_KEY must be set to a random secret of at least {MIN_SECRET_CHARS} "
                             f"characters when FAYUAN_ENV=production (every worker and replica signs with it), "
                             f"e.g. {HOW_TO_MAKE_ONE}")
        if self.wechat_token and not self.wechat_aes_key:
            raise ValueError("FAYUAN_WECHAT_AES_KEY: 公众号 plaintext mode (明文模式) is refused when "
                             "FAYUAN_ENV=production: choose 安全模式 and set the EncodingAESKey")
        return self

    @field_validator("notify_webhook_url")
    @classmethod
    def _webhook_is_http(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("FAYUAN_NOTIFY_WEBHOOK_URL must be an http(s) URL")
        return value or None

    @field_validator("handoff_sla_minutes")
    @classmethod
    def _sla_for_every_priority(cls, value: dict[str, int]) -> dict[str, int]:
        if set(value) != {"urgent", "high", "normal"} or any(minutes <= 0 for minutes in value.values()):
            raise ValueError('FAYUAN_HANDOFF_SLA_MINUTES needs positive minutes for exactly urgent, high and normal, '
                             'e.g. {"urgent": 30, "high": 120, "normal": 480}')
        return value

    # the parts handed to components ----------------------------------------------------------
    @property
    def knowledge(self) -> KnowledgeSettings:
        """Only the knowledge base's settings (already validated here: not read again)."""
        return KnowledgeSettings.model_construct(**{name: getattr(self, name) for name in KnowledgeSettings.model_fields})

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'fayuan.sqlite3').as_posix()}"


def _check_redis_url(url: str) -> None:
    """ValueError naming what is wrong with a Redis URL; never echoes it (it may hold a password)."""
    from urllib.parse import urlsplit

    from redis.connection import parse_url

    example = "e.g. redis://127.0.0.1:6379/0, redis://:PASSWORD@host:6379/0 or unix:///run/redis/redis.sock"
    try:
        parts, options = urlsplit(url), parse_url(url)
    except ValueError as exc:
        reason = str(exc).split(" as ", 1)[0]    # redis-py's reasons; cut the echoed value
        raise ValueError(f"FAYUAN_REDIS_URL: not a Redis URL ({reason}); {example}") from None
    if parts.scheme in ("redis", "rediss"):
        if not options.get("host"):
            raise ValueError(f"FAYUAN_REDIS_URL: the URL names no host; {example}")
        database = parts.path.strip("/")
        if database and not database.isdigit():
            raise ValueError(f"FAYUAN_REDIS_URL: the database after the host must be a number (/0); {example}")
    elif not options.get("path"):
        raise ValueError(f"FAYUAN_REDIS_URL: a unix:// URL needs the socket path; {example}")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; SettingsError names every invalid FAYUAN_* variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


def describe_errors(exc: ValidationError) -> str:
    """One line per invalid setting: its variable name and the reason (never the value: it may be
    a secret)."""
    lines = ["invalid configuration (environment variables or .env):"]
    for error in exc.errors():
        name = f"FAYUAN_{str(error['loc'][0]).upper()}" if error["loc"] else "FAYUAN_*"
        reason = error["msg"].removeprefix("Value error, ")
        lines.append(f"  {reason}" if reason.startswith("FAYUAN_") else f"  {name}: {reason}")
    return "\n".join(lines)


def settings_table() -> str:
    """The README's configuration table, generated from this class so the two cannot drift."""
    rows = ["| variable | default | what |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = "" if default is None else str(default)
        what = (field.description or "").replace("|", "\\|")
        rows.append(f"| `FAYUAN_{name.upper()}` | `{shown}` | {what} |" if shown else f"| `FAYUAN_{name.upper()}` | | {what} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(settings_table())
