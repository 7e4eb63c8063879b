"""The evals' own stage hands: a real `fayuan serve` in a child process, a stand-in for the WeCom
group robot that records what it is sent, and a signed 公众号 text callback.

The measurements use these instead of the test suite's helpers: evals/ imports the product and
itself, never tests/ (tests/test_layers.py holds that)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from wechatpy.utils import WeChatSigner

REPO = Path(__file__).resolve().parents[1]
#: the embedding cache the test suite also fills (git-ignored), so ingesting the fixtures is quick
FIXTURE_EMBEDDING_CACHE = REPO / "data" / "test-cache" / "embeddings.sqlite3"
MODEL_DIR = REPO / "data" / "models"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp:
    """`python -m api.cli serve` on 127.0.0.1 with the given data folder and records database;
    `env` adds FAYUAN_* settings. Output goes to `log_path`."""

    failure = SystemExit      # what a server that exits or never gets ready raises (tests: AssertionError)

    def __init__(self, data_dir: Path, database_url: str, log_path: Path, *, workers: int = 1,
                 ready_path: str = "/readyz", **env: str):
        self.port, self.workers, self.ready_path = free_port(), workers, ready_path
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {**os.environ, "HF_HUB_OFFLINE": "1", "FAYUAN_DATA_DIR": str(data_dir),
                    "FAYUAN_DATABASE_URL": database_url, "FAYUAN_MODEL_DIR": str(MODEL_DIR),
                    "FAYUAN_EMBEDDING_CACHE": str(FIXTURE_EMBEDDING_CACHE), **env}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 180) -> "ServedApp":
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(self.port),
                                          "--workers", str(self.workers)],
                                         cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise self.failure(f"the server exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.kill()
        raise self.failure("the server was not ready in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run (what a crash looks like)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


class RobotRecorder:
    """A WeCom group robot on 127.0.0.1 that keeps every body it is sent (`raw`) and answers what
    `answer` says (errcode 0; a subclass may fail some calls); point FAYUAN_NOTIFY_WEBHOOK_URL at `url`."""

    key = "eval"

    def __init__(self):
        self.raw: list[bytes] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                recorder.raw.append(body)
                status, answer = recorder.answer(body, len(recorder.raw))
                self.send_response(status)
                if answer is None:
                    self.end_headers()
                    return
                data = json.dumps(answer).encode()
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/cgi-bin/webhook/send?key={self.key}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def answer(self, body: bytes, attempt: int) -> tuple[int, dict | None]:
        """(HTTP status, JSON answer or None for an empty body) to the `attempt`-th call."""
        return 200, {"errcode": 0, "errmsg": "ok"}

    def __enter__(self) -> "RobotRecorder":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def official_account_text(token: str, openid: str, content: str, msg_id: int) -> tuple[dict, bytes]:
    """(query parameters, body) of a plain-mode 公众号 text message callback, signed with `token`
    the way WeChat signs it."""
    timestamp, nonce = str(int(time.time())), os.urandom(8).hex()
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    xml = (f"<xml><ToUserName><![CDATA[gh_fayuan]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
           f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce}, xml.encode("utf-8")
