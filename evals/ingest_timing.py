"""Ingest timing: run an (incremental) ingest of FAYUAN_LAWS_DIR into FAYUAN_DATA_DIR and record
the summary (counts, skipped files, stage times). Cold when no knowledge base exists yet; a
second run measures the unchanged re-ingest.

    python -m evals.ingest_timing [--laws-dir PATH]"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from evals.common import write_result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--laws-dir", type=Path)
    args = parser.parse_args(argv)

    from ingest.pipeline import IngestPipeline
    from knowledge.generations import current_generation
    from api.settings import get_settings

    settings = get_settings()
    laws = args.laws_dir or settings.laws_dir
    cold = current_generation(settings.kb_dir) is None
    summary = IngestPipeline(settings, show_progress=True).ingest_folder(laws)
    print(summary.as_text())
    kind = "cold" if cold else ("unchanged" if summary.unchanged else "incremental")
    print(f"written to {write_result(f'ingest_{kind}', {'run': kind, **dataclasses.asdict(summary)})}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
