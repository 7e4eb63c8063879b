"""The background loop started in the app's lifespan: SLA sweep + notification outbox.

It runs in one daemon thread; `kick()` wakes it early so a new ticket's notification goes out at
once instead of at the next interval. Tests call `run_once` (or the functions it calls) directly."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from assistant.handoff.outbox import OutboxDispatcher
from assistant.handoff.queue import HandoffQueue
from assistant.handoff.sla import sweep_sla
from assistant.telemetry import count_notifications

log = logging.getLogger(__name__)


class HandoffWorker:
    def __init__(self, queue: HandoffQueue, dispatcher: OutboxDispatcher, interval_s: float,
                 housekeeping: Iterable[Callable[[datetime | None], object]] = ()):
        self._queue = queue
        self._housekeeping = list(housekeeping)   # e.g. the retention purge; each decides when it is due
        self._dispatcher = dispatcher
        self._interval = interval_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, now: datetime | None = None) -> None:
        sweep_sla(self._queue, now)
        sent = self._dispatcher.dispatch_due(now)
        count_notifications(sent.sent, sent.retried, sent.failed)
        for job in self._housekeeping:
            job(now)

    def kick(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._interval <= 0 or (self._thread and self._thread.is_alive()):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="fayuan-handoff-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
        self._dispatcher.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup
                log.exception("handoff worker round failed")
            self._wake.wait(self._interval)
            self._wake.clear()
