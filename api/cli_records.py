"""`fayuan purge`: apply the retention period (FAYUAN_RETENTION_DAYS) to the records database."""
from __future__ import annotations

import argparse
import json


def _cmd_purge(args: argparse.Namespace) -> int:
    from assistant.db import create_records_schema
    from assistant.records.purge import purge_old_records
    from knowledge.database import make_engine
    from api.secret_key import effective_secret_key
    from api.settings import get_settings

    settings = get_settings()
    days = args.days if args.days is not None else settings.retention_days
    engine = make_engine(settings.resolved_database_url)
    create_records_schema(engine)
    try:
        result = purge_old_records(engine, retention_days=days, key=effective_secret_key(settings), dry_run=args.dry_run)
    except ValueError as exc:
        print(f"error: {exc}")
        return 2
    print(json.dumps({"dry_run": args.dry_run, "retention_days": days, **result.to_dict()}, ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    purge = sub.add_parser("purge", help="delete/anonymise consultation data older than the retention period")
    purge.add_argument("--days", type=int, default=None, help="override FAYUAN_RETENTION_DAYS")
    purge.add_argument("--dry-run", action="store_true", help="count what would go, change nothing")
    purge.set_defaults(func=_cmd_purge)
