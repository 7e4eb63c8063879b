"""`fayuan backup DEST` and `fayuan restore SRC` (api/backup.py does the work)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_backup(args: argparse.Namespace) -> int:
    from api.backup import BackupError, create_backup
    from api.settings import get_settings

    try:
        result = create_backup(get_settings(), Path(args.dest), embedding_cache=args.embedding_cache)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"backup: {result.dest}\ngeneration: {result.generation}\nrecords: {result.records}\n"
          f"files: {result.files}  bytes: {result.bytes}\ntime: {result.seconds:.1f}s")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from api.backup import BackupError, restore_backup, verify_backup
    from knowledge.generations import IngestBusy
    from knowledge.serving_lock import ServiceRunning
    from api.settings import get_settings

    try:
        if args.verify_only:
            manifest = verify_backup(Path(args.src), get_settings())
        else:
            manifest = restore_backup(get_settings(), Path(args.src), force=args.force)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    except IngestBusy as exc:
        print(f"导入任务正在运行，请稍后再恢复 (an ingest is running; restore later): {exc}", file=sys.stderr)
        return 3
    except ServiceRunning as exc:
        print(exc, file=sys.stderr)
        return 3
    verb = "verified" if args.verify_only else "restored"
    print(f"{verb}: {args.src} (created {manifest['created_at']}, generation {manifest['generation']}, "
          f"records {manifest['records']}, {len(manifest['files'])} files)")
    return 0


def register(sub) -> None:
    backup = sub.add_parser("backup", help="consistent backup of the knowledge base and records (service may run)")
    backup.add_argument("dest", help="an empty or new folder")
    backup.add_argument("--embedding-cache", action="store_true",
                        help="include the embedding cache (large; saves re-embedding after a rebuild)")
    backup.set_defaults(func=_cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into FAYUAN_DATA_DIR (refused while the service runs)")
    restore.add_argument("src", help="a folder written by `fayuan backup`")
    restore.add_argument("--force", action="store_true", help="replace an existing records database")
    restore.add_argument("--verify-only", action="store_true", help="check the manifest and checksums, change nothing")
    restore.set_defaults(func=_cmd_restore)
