"""Crash tests only: with FAYUAN_TEST_PAUSE_AT=<stage> the ingest stops at that pipeline
checkpoint, writes the stage name to `<kb_dir>/test-paused-at` and sleeps, so a test can kill -9
it at a known point (parse, catalog, vectors-written, before-publish, ...). Unset: does nothing."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

MARKER = "test-paused-at"


def pause_checkpoint(stage_to_pause: str | None, kb_dir: Path) -> Callable[[str], None] | None:
    if not stage_to_pause:
        return None

    def checkpoint(stage: str) -> None:
        if stage != stage_to_pause:
            return
        kb_dir.mkdir(parents=True, exist_ok=True)
        tmp = kb_dir / f"{MARKER}.tmp"
        tmp.write_text(stage, encoding="utf-8")
        tmp.replace(kb_dir / MARKER)       # the test sees the whole stage name or nothing
        while True:                        # until the test kills the process
            time.sleep(3600)

    return checkpoint
