"""`fayuan` command line: one entry point over the same core the web app uses."""
from __future__ import annotations

import argparse
import os
import sys


def _cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.cli_ingest import ensure_knowledge_base, ingest_needed, start_embedding_backfill
    from api.logging_setup import configure_logging
    from api.model_setup import start_model_setup, wait_for_model_setup
    from api.settings import get_settings

    settings = get_settings()
    log_config = configure_logging(settings.log_format, settings.log_level)
    # a fresh machine: the model is set up beside the catalog and BM25, which need none
    reads_statutes = ingest_needed(settings, args.ingest) and settings.laws_dir.is_dir()
    model_setup = start_model_setup(settings.knowledge) if reads_statutes else None
    try:
        embedding_pending = ensure_knowledge_base(settings, force_ingest=args.ingest)
    finally:
        wait_for_model_setup(model_setup)
    # the app writes its own access line (with route, request id and duration): uvicorn's is off
    options = dict(host=args.host, port=args.port, log_config=log_config, access_log=False)
    if args.workers > 1:   # each worker process builds its own app (and loads the knowledge base)
        from api.metrics_multiprocess import ENV, prepare_dir

        # set before uvicorn spawns the workers: their prometheus_client reads it at import
        os.environ[ENV] = str(prepare_dir(settings.data_dir, args.port))
        if embedding_pending:   # serves on BM25 meanwhile; /readyz says "degraded"
            start_embedding_backfill(settings)
        uvicorn.run("api.app:create_app", factory=True, workers=args.workers, **options)
    else:
        app = create_app()      # opens the generation before the embedding thread replaces it
        if embedding_pending:
            start_embedding_backfill(settings)
        uvicorn.run(app, workers=1, **options)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fayuan", description="法援 Fayuan")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--ingest", action="store_true",
                       help="incremental ingest of FAYUAN_LAWS_DIR before serving (always done when no knowledge base exists)")
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (each holds its own knowledge base in memory, ~1 GB over the whole folder); "
                            "/metrics adds up all workers; rate limits are shared only with FAYUAN_REDIS_URL")
    serve.set_defaults(func=_cmd_serve)
    from api import cli_ingest, cli_staff

    cli_staff.register(sub)
    from api import cli_records

    cli_records.register(sub)
    from api import cli_backup

    cli_backup.register(sub)
    cli_ingest.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from api.model_setup import ModelSetupFailed
    from api.secret_key import WeakSecretKey
    from api.settings import SettingsError, get_settings

    args = build_parser().parse_args(argv)
    try:
        get_settings()   # every command runs on the settings: refuse bad ones before any work
        return args.func(args)
    except (SettingsError, WeakSecretKey) as exc:   # WeakSecretKey: a weak data_dir/secret_key file
        print(f"fayuan: {exc}", file=sys.stderr)
        return 2
    except ModelSetupFailed as exc:
        print(f"fayuan: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
