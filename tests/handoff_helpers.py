"""Helpers shared by the handoff tests: cheap-to-hash staff accounts, a queue on a test engine,
a controllable clock, and a local HTTP receiver standing in for the WeCom group robot."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher

from assistant.handoff.queue import HandoffQueue
from assistant.conversation.sessions import SessionStore
from assistant.staff.accounts import StaffDirectory
from evals.harness import RobotRecorder

# real argon2id, with parameters small enough for tests that create dozens of accounts
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Clock:
    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def make_staff(engine, *names: str, role: str = "staff"):
    directory = StaffDirectory(engine, hasher=FAST_HASHER)
    return [directory.add(name, f"{name}-password", role=role) for name in names]


def make_queue(engine, clock: Clock | None = None, **kwargs) -> HandoffQueue:
    return HandoffQueue(engine, transcripts=SessionStore(engine), clock=clock or Clock(), **kwargs)


class WebhookReceiver(RobotRecorder):
    """A WeCom-robot look-alike on 127.0.0.1: records every JSON body, answers errcode 0, and can be
    told to fail the first N calls (HTTP 500 or errcode 45009 'rate limited')."""

    key = "test"

    def __init__(self, fail_first: int = 0, failure: str = "http"):
        self.calls: list[dict] = []
        self.fail_first = fail_first
        self.failure = failure
        super().__init__()

    def answer(self, body: bytes, attempt: int) -> tuple[int, dict | None]:
        if attempt <= self.fail_first:
            return (500, None) if self.failure == "http" else (200, {"errcode": 45009, "errmsg": "api freq out of limit"})
        self.calls.append(json.loads(body))
        return super().answer(body, attempt)
