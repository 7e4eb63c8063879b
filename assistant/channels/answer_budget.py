"""The 5-second rule: WeChat and WeCom wait about 5 s for the HTTP response and then retry.

`AnswerBudget.run` starts the answer on a worker thread and waits up to `budget_s`. If it is ready
it is returned for the passive reply; otherwise `None` is returned (the caller replies "success"
at once) and `on_late` is called with the answer when it is ready — exactly one of the two paths
delivers it."""
from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class AnswerBudget:
    def __init__(self, budget_s: float, workers: int = 4):
        self.budget_s = budget_s
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wechat-answer")

    def run(self, job: Callable[[], T], on_late: Callable[[T], None]) -> T | None:
        # jobs run in the caller's context, so their log lines carry the callback's request id
        future = self._pool.submit(contextvars.copy_context().run, job)
        try:
            return future.result(timeout=self.budget_s)
        except FutureTimeout:
            late = contextvars.copy_context()
            future.add_done_callback(lambda done: late.run(self._deliver_late, done, on_late))
            return None

    def submit(self, job: Callable[[], None]) -> Future:
        """Background work that is not raced against the budget (e.g. sending split answers)."""
        return self._pool.submit(contextvars.copy_context().run, self._logged(job))

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait)

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
