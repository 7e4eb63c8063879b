"""Helpers shared by the handoff tests: cheap-to-hash staff accounts, a queue on a test engine,
a controllable clock, and a local HTTP receiver standing in for the WeCom group robot."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from argon2 import PasswordHasher

from assistant.handoff.queue import HandoffQueue
from assistant.conversation.sessions import SessionStore
from assistant.staff.accounts import StaffDirectory

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


class WebhookReceiver:
    """A WeCom-robot look-alike on 127.0.0.1: records every JSON body, answers errcode 0, and can be
    told to fail the first N calls (HTTP 500 or errcode 45009 'rate limited')."""

    def __init__(self, fail_first: int = 0, failure: str = "http"):
        self.calls: list[dict] = []
        self.raw: list[bytes] = []
        self.fail_first = fail_first
        self.failure = failure
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.raw.append(body)
                attempt = len(receiver.raw)
                if attempt <= receiver.fail_first and receiver.failure == "http":
                    self.send_response(500)
                    self.end_headers()
                    return
                if attempt <= receiver.fail_first:
                    answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
                else:
                    receiver.calls.append(json.loads(body))
                    answer = {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/cgi-bin/webhook/send?key=test"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._server.shutdown()
        self._server.server_close()
