"""The app's Prometheus registry: HTTP request counts and latencies by route template, the
knowledge and assistant timings (knowledge.telemetry, assistant.telemetry), process metrics, and
gauges read from the databases at scrape time (ServiceStateCollector).

One registry per app (not the global default one), so every app built in a test process starts
from its own HTTP counters and its own database gauges. Under `fayuan serve --workers N` the scrape
adds up every worker's files instead (api.metrics_multiprocess)."""
from __future__ import annotations

import logging
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from sqlalchemy import func, select

from api.metrics_multiprocess import forget_dead_workers, multiprocess_dir, scrape_registry
from assistant import telemetry as assistant_telemetry
from knowledge import telemetry as knowledge_telemetry

log = logging.getLogger(__name__)

# seconds; 0.3 is the chat p95 target
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics:
    """Request counter and latency histogram labelled (method, route template, status class):
    every label has a fixed set of values, whatever paths and methods clients send."""

    def __init__(self, registry: CollectorRegistry):
        labels = ["method", "route", "status_class"]
        self.requests = Counter("fayuan_http_requests", "HTTP requests answered", labels, registry=registry)
        self.duration = Histogram("fayuan_http_request_duration_seconds",
                                  "HTTP request duration, first byte in to last byte out", labels,
                                  buckets=HTTP_BUCKETS, registry=registry)
        self.in_progress = Gauge("fayuan_http_requests_in_progress", "HTTP requests being handled",
                                 registry=registry, multiprocess_mode="livesum")   # summed over live workers
        self._children: dict[tuple, tuple] = {}    # labels → (counter, histogram) children

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method if method in _METHODS else "other", route,
               f"{status // 100}xx" if 100 <= status < 600 else "other")
        children = self._children.get(key)
        if children is None:
            children = self._children.setdefault(key, (self.requests.labels(*key), self.duration.labels(*key)))
        children[0].inc()
        children[1].observe(seconds)


def serving_generation(knowledge):
    """The generation a (live) knowledge base serves now, or the knowledge base itself."""
    current = getattr(type(knowledge), "current", None)
    return knowledge.current() if callable(current) else knowledge


class ServiceStateCollector:
    """Gauges computed from the records database and the knowledge base when Prometheus scrapes:
    a few indexed COUNT queries (open tickets, the notification backlog), nothing per request.
    A database failure makes fayuan_database_up 0 instead of failing the scrape."""

    def __init__(self, services):
        self._services = services
        self._kb_counts: tuple[object, dict] | None = None    # (generation dir, catalog counts)

    def collect(self):
        knowledge = self._guarded("knowledge base counts", self._knowledge_base)
        yield _flag("fayuan_knowledge_base_loaded", "1 when a knowledge base is being served", bool(knowledge))
        yield from knowledge or ()
        records = self._guarded("records database query", self._records)
        yield _flag("fayuan_database_up", "1 when the records database answered this scrape", records is not None)
        yield from records or ()

    @staticmethod
    def _guarded(what: str, read) -> list | None:
        """`read()`'s families, or None when it failed (logged: a scrape never fails)."""
        try:
            return list(read())
        except Exception as exc:  # noqa: BLE001 - an unreachable database is what the gauges report
            log.warning("metrics: %s failed: %s", what, type(exc).__name__)
            return None

    def _records(self):
        from assistant.handoff.models import OPEN_STATUSES, HandoffTicketRow, NotificationOutboxRow
        from assistant.handoff.tickets import as_utc

        tickets = GaugeMetricFamily("fayuan_handoff_open_tickets",
                                    "Open handoff tickets by status (pending, assigned, escalated) and priority",
                                    labels=["status", "priority"])
        outbox = GaugeMetricFamily("fayuan_notification_outbox",
                                   "Notification outbox rows not sent: pending (backlog) and failed (given up)",
                                   labels=["status"])
        oldest = GaugeMetricFamily("fayuan_notification_outbox_oldest_pending_seconds",
                                   "Age of the oldest pending notification (0 when none)")
        with self._services.records_engine.connect() as conn:
            rows = conn.execute(select(HandoffTicketRow.status, HandoffTicketRow.priority, func.count())
                                .where(HandoffTicketRow.status.in_(OPEN_STATUSES))
                                .group_by(HandoffTicketRow.status, HandoffTicketRow.priority)).all()
            counts = dict(conn.execute(select(NotificationOutboxRow.status, func.count())
                                       .where(NotificationOutboxRow.status.in_(("pending", "failed")))
                                       .group_by(NotificationOutboxRow.status)).all())
            first = conn.execute(select(func.min(NotificationOutboxRow.created_at))
                                 .where(NotificationOutboxRow.status == "pending")).scalar()
        for status, priority, n in rows:
            tickets.add_metric([status, priority], n)
        for status in ("pending", "failed"):
            outbox.add_metric([status], counts.get(status, 0))
        oldest.add_metric([], max(time.time() - as_utc(first).timestamp(), 0.0) if first is not None else 0.0)
        return tickets, outbox, oldest

    def _knowledge_base(self) -> list:
        """Row counts and name of the served generation; [] when none is loaded."""
        knowledge = self._services.knowledge
        if knowledge is None:
            return []
        generation = serving_generation(knowledge)
        folder = getattr(generation, "generation_dir", None)
        if self._kb_counts is None or self._kb_counts[0] != folder:
            self._kb_counts = (folder, generation.counts())    # a generation never changes
        rows = GaugeMetricFamily("fayuan_knowledge_base_rows",
                                 "Catalog rows of the served generation (laws, versions, articles, cases, case_sections)",
                                 labels=["table"])
        for table, n in self._kb_counts[1].items():
            rows.add_metric([table], n)
        families = [rows]
        if folder is not None:
            info = GaugeMetricFamily("fayuan_knowledge_base_generation", "The served generation (always 1)",
                                     labels=["generation"])
            info.add_metric([folder.name], 1)
            families.append(info)
        return families


def _flag(name: str, documentation: str, on: bool) -> GaugeMetricFamily:
    gauge = GaugeMetricFamily(name, documentation)
    gauge.add_metric([], 1 if on else 0)
    return gauge


class AppMetrics:
    """Everything /metrics exposes for one app: its own registry in one process; in multiprocess
    mode the sum of every worker's files, plus the database gauges read by the answering worker."""

    def __init__(self, services):
        self.registry = CollectorRegistry()
        self._multiprocess_dir = multiprocess_dir()
        if self._multiprocess_dir is None:   # these describe one process: meaningless summed over workers
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)
        self.http = HttpMetrics(self.registry)
        for metric in knowledge_telemetry.METRICS + assistant_telemetry.METRICS:
            self.registry.register(metric)
        self._scraped = self.registry if self._multiprocess_dir is None else scrape_registry(self._multiprocess_dir)
        self._scraped.register(ServiceStateCollector(services))

    def exposition(self) -> bytes:
        if self._multiprocess_dir is not None:
            forget_dead_workers(self._multiprocess_dir)
        return generate_latest(self._scraped)
