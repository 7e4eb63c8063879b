"""Who is using a data folder: every running API process holds a shared flock on
`<data_dir>/serving.lock`; `fayuan restore` takes it exclusively, so it refuses to swap files
under a running service (whose open SQLite and Chroma handles would keep reading the old files or
write into the restored ones). The kernel drops an flock when its process dies, so a killed
server never leaves a stale lock."""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

LOCK_FILE = "serving.lock"


class ServiceRunning(RuntimeError):
    """A Fayuan service has the data folder open."""


class RestoreInProgress(RuntimeError):
    """A restore is replacing the data folder's files right now."""


def _open(data_dir: Path) -> IO[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return open(data_dir / LOCK_FILE, "a+")


def hold_while_serving(data_dir: Path) -> IO[str]:
    """Take the shared lock for this process's lifetime; close the returned file to let go."""
    fh = _open(data_dir)
    try:
        fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        fh.close()
        raise RestoreInProgress(f"a restore is running on {data_dir}; start the service after it") from exc
    return fh


@contextmanager
def no_service_running(data_dir: Path) -> Iterator[None]:
    """Hold the folder exclusively (no service may start meanwhile), or raise ServiceRunning."""
    fh = _open(data_dir)
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ServiceRunning(f"服务正在使用 {data_dir}，请先停止服务再恢复 "
                                 f"(a Fayuan service is running on this data folder; stop it first)") from exc
        yield
    finally:
        fh.close()
