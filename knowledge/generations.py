"""Knowledge-base generations: each ingest builds a complete new folder, then a `CURRENT` pointer
is switched atomically (os.replace). Readers only ever open the generation CURRENT names, so a
crash or kill -9 mid-ingest leaves the previous generation serving, untouched.

    data/kb/CURRENT                 "gen-20261128-141500-1234"
    data/kb/gen-…/COMPLETE          written last, before the pointer switch
    data/kb/gen-…/catalog.sqlite3   catalog (knowledge/catalog.py)
    data/kb/gen-…/chroma/           vectors (knowledge/vectors.py)
    data/kb/gen-…/lexical/          BM25 (knowledge/lexical.py)
    data/kb/embeddings.sqlite3      embedding cache shared by all generations: nothing is embedded twice
"""
from __future__ import annotations

import fcntl
import gc
import logging
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

POINTER = "CURRENT"
COMPLETE = "COMPLETE"
PREFIX = "gen-"


class IngestBusy(RuntimeError):
    """Another ingest holds the lock on this knowledge-base folder."""


def current_generation(kb_dir: Path) -> Path | None:
    pointer = kb_dir / POINTER
    if not pointer.is_file():
        return None
    gen = kb_dir / pointer.read_text(encoding="utf-8").strip()
    return gen if (gen / COMPLETE).is_file() else None


def new_generation(kb_dir: Path) -> Path:
    kb_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    # the random part keeps two runs of one process within one second apart (a crashed run's
    # partial folder may still be there when the next run starts)
    gen = kb_dir / f"{PREFIX}{stamp}-{os.getpid()}-{secrets.token_hex(3)}"
    gen.mkdir()
    return gen


def _fsync_write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def publish(kb_dir: Path, gen: Path) -> None:
    """Mark `gen` complete and make it the serving generation in one atomic rename."""
    _fsync_write(gen / COMPLETE, time.strftime("%Y-%m-%dT%H:%M:%S"))
    tmp = kb_dir / f"{POINTER}.tmp"
    _fsync_write(tmp, gen.name)
    os.replace(tmp, kb_dir / POINTER)
    dir_fd = os.open(kb_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def stale_generations(kb_dir: Path, keep_previous: Path | None = None) -> list[Path]:
    """Generation folders that are neither serving nor the one kept for readers still on it
    (partial ones left by a crash included)."""
    if not kb_dir.is_dir():
        return []
    keep = {p.name for p in (current_generation(kb_dir), keep_previous) if p is not None}
    return sorted(p for p in kb_dir.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and p.name not in keep)


def remove_generation(path: Path, attempts: int = 5) -> None:
    # A crashed run's Chroma client may still be flushing into its folder for a moment, which
    # makes one rmtree pass fail on files that appear meanwhile: retry briefly, then say so.
    for attempt in range(attempts):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        gc.collect()
        time.sleep(0.2 * (attempt + 1))
    log.warning("could not remove old generation folder %s; the next ingest tries again", path)


@contextmanager
def ingest_lock(kb_dir: Path):
    """One ingest at a time per folder. The kernel drops an flock when its process dies, so a
    killed ingest never leaves a stale lock; the pid written into the file only names the holder."""
    kb_dir.mkdir(parents=True, exist_ok=True)
    fh = open(kb_dir / "ingest.lock", "a+")   # not "w": a loser must not erase the holder's pid
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            fh.seek(0)
            raise IngestBusy(f"another ingest is running on {kb_dir} (pid {fh.read().strip() or '?'})") from exc
        fh.truncate(0)
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()
