"""Helpers for the chat tests: the real app on the `small_kb` knowledge base with its own records
database, and a local OpenAI-compatible stand-in server."""
from __future__ import annotations

from contextlib import contextmanager

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def chat_services(small_kb, small_kb_settings, records_dir: Path, **overrides):
    """Services built the production way (build_services) on a fresh records database, with the
    session's small knowledge base loaded (data_dir points at an empty folder so build_services
    does not open a second copy of it)."""
    from api.services import build_services

    settings = small_kb_settings.model_copy(update={
        "data_dir": records_dir / "data", "database_url": f"sqlite:///{(records_dir / 'records.sqlite3').as_posix()}",
        **overrides})
    services = build_services(settings)
    services.knowledge = small_kb
    return services


def ask_chat(client, message, session_id=None) -> dict:
    """POST one message to /v1/chat and return the reply body (fails the test on a non-200)."""
    r = client.post("/v1/chat", json={"message": message, "session_id": session_id})
    assert r.status_code == 200, r.text
    return r.json()


class StandInLLM:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 returning queued canned replies.

    queue items: {"content": str} | {"status": int} | {"sleep": seconds, "content": str}"""

    def __init__(self):
        self.replies: deque[dict] = deque()
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):  # noqa: N802 - http.server naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                outer.requests.append({"path": self.path, "body": body,
                                       "authorization": self.headers.get("authorization")})
                spec = outer.replies.popleft() if outer.replies else {"status": 500}
                if spec.get("sleep"):
                    time.sleep(spec["sleep"])
                status = spec.get("status", 200)
                payload = {"error": {"message": "stand-in failure"}} if status != 200 else {
                    "id": "chatcmpl-standin", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "stand-in"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": spec["content"]}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                data = json.dumps(payload, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def served_in_thread(app):
    """The app served by uvicorn on a free loopback port in a thread; yields its base URL."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
