"""At most a few password checks at once: argon2 takes 64 MiB and tens of milliseconds of CPU per
login, and runs in worker threads shared with chat and the console. A flood of logins must not
take them all, so a check waits for one of `slots` places *without* holding a thread (it polls a
semaphore from the event loop), and gives up after `max_wait_s` (the caller answers 503)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")


class HashingBusy(RuntimeError):
    """No place for a password check came free in time."""


class HashingSlots:
    def __init__(self, slots: int = 2, *, max_wait_s: float = 5.0, poll_s: float = 0.02):
        self._semaphore = threading.BoundedSemaphore(slots)
        self._max_wait_s, self._poll_s = max_wait_s, poll_s

    async def run(self, fn: Callable[..., T], *args) -> T:
        deadline = time.monotonic() + self._max_wait_s
        # a semaphore of threads, polled from the loop: usable from any event loop (each TestClient
        # and each worker process has its own), and a waiting login occupies no thread
        while not self._semaphore.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise HashingBusy
            await anyio.sleep(self._poll_s)
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        finally:
            self._semaphore.release()
