"""/metrics across the worker processes of `fayuan serve --workers N` (prometheus_client's
multiprocess mode).

Each worker writes its counters, histograms and gauges to memory-mapped files in
PROMETHEUS_MULTIPROC_DIR; whichever worker answers a scrape adds up every worker's files, so a
counter is the total of all workers. The CLI gives every run a fresh folder before the workers start
(prometheus_client picks the mode when it is imported, i.e. in each worker). Not available in this
mode: the process_*, python_gc_* and python_info collectors (they describe only the answering worker)."""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

log = logging.getLogger(__name__)

ENV = "PROMETHEUS_MULTIPROC_DIR"
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live\w*?_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    """The folder when this process runs in multiprocess mode (the variable prometheus_client reads)."""
    return os.environ.get(ENV) or os.environ.get(ENV.lower()) or None


def prepare_dir(data_dir: Path, port: int) -> Path:
    """The folder for one `fayuan serve` run: PROMETHEUS_MULTIPROC_DIR when the operator set it, else
    data_dir/metrics/<port> (two services on one data folder do not mix). Files of an earlier run are
    removed: they would be added to this run's counts. Only *.db files: a mistyped folder loses nothing else."""
    folder = Path(multiprocess_dir() or data_dir / "metrics" / str(port))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return folder


def scrape_registry(folder: str) -> CollectorRegistry:
    """A registry that reads every worker's files at each scrape."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=folder)
    return registry


def forget_dead_workers(folder: str) -> None:
    """Drop the live gauges (requests in progress) of workers that are gone: uvicorn replaces a worker
    that died and nothing else would tell prometheus_client. Counters and histograms stay (totals)."""
    pids = {int(m.group(1)) for m in map(_LIVE_GAUGE_FILE.match, os.listdir(folder)) if m}
    for pid in pids:
        if not _alive(pid):
            log.info("metrics: dropping the live gauges of worker %d (exited)", pid)
            mark_process_dead(pid, folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # exists, owned by someone else
        return True
    return True
