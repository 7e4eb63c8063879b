"""`fayuan ingest PATH`: build or update the knowledge base from a LawRefBook folder or one law file."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from knowledge.records import KIND_LEVELS

log = logging.getLogger(__name__)


def _settings(data_dir: str | None):
    from api.settings import Settings, get_settings

    return Settings(data_dir=Path(data_dir)) if data_dir else get_settings()


def run_ingest(settings, path: Path, *, kind: str | None = None, region: str | None = None,
               title: str | None = None, show_progress: bool = True, defer_embedding: bool = False):
    """Ingest a folder or a single .docx/.txt law into settings.data_dir; returns the summary."""
    from ingest.pause_hook import pause_checkpoint
    from ingest.pipeline import IngestPipeline

    pipeline = IngestPipeline(settings.knowledge, show_progress=show_progress, defer_embedding=defer_embedding,
                              checkpoint=pause_checkpoint(settings.test_pause_at, settings.kb_dir))
    if path.is_dir():
        return pipeline.ingest_folder(path)
    return pipeline.ingest_file(path, kind=kind, region=region, title=title)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.errors import ParseError
    from knowledge.generations import IngestBusy

    path = Path(args.path)
    if not path.exists():
        print(f"找不到路径 (path not found): {path}", file=sys.stderr)
        return 2
    if path.is_file() and path.suffix.lower() not in {".docx", ".txt"}:
        print("单个文件只支持 .docx 或 .txt (a single file must be .docx or .txt)", file=sys.stderr)
        return 2
    try:
        summary = run_ingest(_settings(args.data_dir), path, kind=args.kind, region=args.region,
                             title=args.title, show_progress=not args.quiet)
    except (ParseError, ValueError) as exc:
        print(f"无法导入 (cannot ingest) {path}: {exc}", file=sys.stderr)
        return 1
    except IngestBusy as exc:
        print(f"已有导入任务在运行 (another ingest is running): {exc}", file=sys.stderr)
        return 3
    print(summary.as_text())
    return 0


def register(sub) -> None:
    p = sub.add_parser("ingest", help="ingest a LawRefBook folder or one .docx/.txt law into the knowledge base")
    p.add_argument("path", help="LawRefBook folder (e.g. ../shared/laws) or one .docx/.txt law file")
    p.add_argument("--data-dir", help="data folder (default FAYUAN_DATA_DIR or ./data)")
    p.add_argument("--kind", choices=sorted(KIND_LEVELS), help="single file: kind of instrument")
    p.add_argument("--region", help="single file: region of a local rule, e.g. 浙江省杭州市")
    p.add_argument("--title", help="single file: full title when the file's own title is wrong")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_cmd_ingest)


def ingest_needed(settings, force_ingest: bool = False) -> bool:
    """Whether `fayuan serve` reads the statute folder before serving: no knowledge base yet, or forced."""
    from knowledge.generations import current_generation

    return force_ingest or current_generation(settings.kb_dir) is None


def ensure_knowledge_base(settings, force_ingest: bool = False) -> bool:
    """Before `fayuan serve`: ingest FAYUAN_LAWS_DIR when no knowledge base exists (or when
    forced: an incremental ingest, quick when nothing changed). New texts are not embedded here:
    the generation is published on BM25 at once and the server starts; returns True when texts are
    left to embed (start_embedding_backfill embeds them while serving)."""
    from knowledge import dense_status
    from knowledge.generations import IngestBusy, current_generation

    serving = current_generation(settings.kb_dir)
    if ingest_needed(settings, force_ingest):
        if not settings.laws_dir.is_dir():
            if serving is None:
                log.warning("no knowledge base and no statute folder at %s: search will answer 503",
                            settings.laws_dir)
                return False
        else:
            try:
                print(run_ingest(settings, settings.laws_dir, defer_embedding=True).as_text())
            except IngestBusy as exc:    # another host/process is ingesting: serve what exists
                log.warning("%s: serving the current knowledge base", exc)
        serving = current_generation(settings.kb_dir)
    return serving is not None and not dense_status.read_status(serving)["complete"]


def start_embedding_backfill(settings):
    """Embed what the serving generation lacks on a background thread of this process, part by
    part (national law, cases, local regulations, older versions); the server switches to each
    new generation within seconds (knowledge.kb.LiveKnowledgeBase). Returns the thread."""
    import threading

    from ingest.pause_hook import pause_checkpoint
    from ingest.pipeline import IngestPipeline
    from knowledge.generations import IngestBusy

    def run() -> None:
        pipeline = IngestPipeline(settings.knowledge, checkpoint=pause_checkpoint(settings.test_pause_at, settings.kb_dir))
        try:
            parts = pipeline.embed_pending()
            log.info("embedding finished (%s): hybrid search on the whole knowledge base", ", ".join(parts) or "-")
        except IngestBusy as exc:
            log.warning("embedding left to the other ingest: %s", exc)
        except Exception:  # noqa: BLE001 - the server keeps serving on what is published
            log.exception("embedding stopped; search stays on what is embedded (restart to resume)")

    thread = threading.Thread(target=run, name="embedding-backfill", daemon=True)
    thread.start()
    return thread
