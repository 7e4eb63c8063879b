"""A real `fayuan serve` (uvicorn) in a child process on 127.0.0.1, for crash tests: start it,
wait until it answers, kill -9 it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import REPO
from tests.kb_slice import TEST_CACHE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data_dir: Path, database_url: str, log_path: Path, *, workers: int = 1,
                 ready_path: str = "/readyz", **env: str):
        self.port, self.workers, self.ready_path = free_port(), workers, ready_path
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {**os.environ, "HF_HUB_OFFLINE": "1", "FAYUAN_DATA_DIR": str(data_dir),
                    "FAYUAN_DATABASE_URL": database_url, "FAYUAN_MODEL_DIR": str(REPO / "data" / "models"),
                    "FAYUAN_EMBEDDING_CACHE": str(TEST_CACHE), **env}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 180) -> "ServerProcess":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(self.port),
                                      "--workers", str(self.workers)],
                                     cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.kill9()
        raise AssertionError("server did not become ready")

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            assert self.proc.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill9()
