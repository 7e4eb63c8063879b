"""The 5-second rule: WeChat and WeCom wait about 5 s for the HTTP response and then retry.

WeChat/WeCom callbacks have threads of their own, never the shared pool that serves chat and the
console: `handle` runs a callback's (fast) checking and decrypting on `workers + 4` callback
threads, awaited from the event loop; answers are made on `workers` answer threads.

`AnswerBudget.run` starts the answer and, when an answer thread was free, waits up to `budget_s`.
If it is ready it is returned for the passive reply; otherwise `None` is returned (the caller
replies "success" at once) and `on_late` is called with the answer when it is ready — exactly one
of the two paths delivers it. When every answer thread is busy (a burst of followers) it does not
wait at all: "success" at once, the answer queued and delivered later. A backlog beyond
`BACKLOG_PER_WORKER` per thread is refused (`AnswersBacklogged`: the person is told to ask again
later), so a flood cannot queue work for hours."""
from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
CALLBACK_EXTRA_THREADS = 4     # callback threads beyond the answer threads (for the fast checks)
BACKLOG_PER_WORKER = 25


class AnswersBacklogged(RuntimeError):
    """Every answer thread is busy and the queue is full."""


class AnswerBudget:
    def __init__(self, budget_s: float, workers: int = 4, *, backlog_per_worker: int = BACKLOG_PER_WORKER):
        self.budget_s, self.workers = budget_s, workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wechat-answer")
        self._callbacks = ThreadPoolExecutor(max_workers=workers + CALLBACK_EXTRA_THREADS,
                                             thread_name_prefix="wechat-callback")
        self._max_in_flight = workers * (1 + backlog_per_worker)
        self._in_flight = 0            # answers running or queued
        self._lock = threading.Lock()

    async def handle(self, fn: Callable[..., T], *args) -> T:
        """Run a callback's handling on the callback threads; the event loop awaits it."""
        future = self._callbacks.submit(contextvars.copy_context().run, fn, *args)
        return await asyncio.wrap_future(future)

    def run(self, job: Callable[[], T], on_late: Callable[[T], None]) -> T | None:
        with self._lock:
            if self._in_flight >= self._max_in_flight:
                raise AnswersBacklogged
            thread_free = self._in_flight < self.workers
            self._in_flight += 1
        # jobs run in the caller's context, so their log lines carry the callback's request id
        future = self._pool.submit(contextvars.copy_context().run, job)
        future.add_done_callback(self._finished)
        if thread_free:
            try:
                return future.result(timeout=self.budget_s)
            except FutureTimeout:
                pass
        late = contextvars.copy_context()
        future.add_done_callback(lambda done: late.run(self._deliver_late, done, on_late))
        return None

    def submit(self, job: Callable[[], None]) -> Future:
        """Background work that is not raced against the budget (e.g. sending split answers)."""
        return self._pool.submit(contextvars.copy_context().run, self._logged(job))

    def shutdown(self, wait: bool = True) -> None:
        self._callbacks.shutdown(wait=wait)
        self._pool.shutdown(wait=wait)

    def _finished(self, _future: Future) -> None:
        with self._lock:
            self._in_flight -= 1

    @staticmethod
    def _deliver_late(future: Future, on_late: Callable) -> None:
        try:
            on_late(future.result())
        except Exception:  # noqa: BLE001 - a background failure must be logged, not lost silently
            log.exception("late WeChat/WeCom answer could not be delivered")

    @staticmethod
    def _logged(job: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                job()
            except Exception:  # noqa: BLE001
                log.exception("background WeChat/WeCom delivery failed")
        return run
