"""A real `fayuan serve` (uvicorn) in a child process on 127.0.0.1, for crash tests: start it,
wait until it answers, kill -9 it. The evals' ServedApp with the test suite's failures."""
from __future__ import annotations

import signal

from evals.harness import ServedApp, free_port

__all__ = ["ServerProcess", "free_port"]


class ServerProcess(ServedApp):
    failure = AssertionError

    def kill9(self) -> None:
        """SIGKILL, checked: the process died of it (no shutdown handlers ran)."""
        was_running = self.proc is not None and self.proc.poll() is None
        self.kill()
        if was_running:
            assert self.proc.returncode == -signal.SIGKILL
