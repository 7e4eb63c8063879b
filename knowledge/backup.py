"""`fayuan backup DEST` / `fayuan restore SRC`: a consistent copy of everything Fayuan cannot
rebuild quickly, taken while the service runs.

    DEST/manifest.json                 written last: files with sha256 and size, versions
    DEST/kb/<generation>/...           the serving generation (catalog, Chroma, BM25, doc metadata)
    DEST/kb/staff-sources/...          laws staff added one file at a time
    DEST/kb/embeddings.sqlite3         embedding cache (optional: it only saves re-embedding time)
    DEST/records.sqlite3               records database (SQLite), or records.pgdump (PostgreSQL)

SQLite files are copied with the online backup API (a consistent snapshot even while the server
writes); a published generation is never written again, so its other files are plain copies.
A backup without manifest.json (interrupted) or with a file whose checksum differs is refused by
`restore`, which changes nothing in that case."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from knowledge import generations, serving_lock
from knowledge.settings import Settings

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
RECORDS_SQLITE = "records.sqlite3"
RECORDS_PGDUMP = "records.pgdump"


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why, in Chinese and English."""


@dataclass
class BackupResult:
    dest: Path
    generation: str | None
    files: int
    bytes: int
    records: str              # "sqlite", "pg_dump" or a note on what was not backed up
    seconds: float


# ---- backup ------------------------------------------------------------------------------------

def create_backup(settings: Settings, dest: Path, *, embedding_cache: bool = False) -> BackupResult:
    started = time.perf_counter()
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"备份目录不是空的 (backup folder is not empty): {dest}")
    dest.mkdir(parents=True, exist_ok=True)
    gen = generations.current_generation(settings.kb_dir)
    if gen is not None:
        _copy_tree(gen, dest / "kb" / gen.name)
    staff_sources = settings.kb_dir / "staff-sources"
    if staff_sources.is_dir():
        _copy_tree(staff_sources, dest / "kb" / "staff-sources")
    if embedding_cache and settings.resolved_embedding_cache.is_file():
        sqlite_snapshot(settings.resolved_embedding_cache, dest / "kb" / "embeddings.sqlite3")
    records = _backup_records(settings.resolved_database_url, dest)
    files = {rel: _file_entry(dest / rel) for rel in _relative_files(dest)}
    manifest = {
        "format": FORMAT,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "generation": gen.name if gen else None,
        "records": records,
        # with a Chroma server the vectors live there: back that server up on its own
        "vectors": f"not included: Chroma server {settings.chroma_url}" if settings.chroma_url else "in kb/",
        "versions": _versions(),
        "embedding_model": settings.embedding_model,
        "files": files,
    }
    tmp = dest / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, dest / MANIFEST)          # present only once everything above is written
    return BackupResult(dest, manifest["generation"], len(files), sum(f["bytes"] for f in files.values()),
                        records, time.perf_counter() - started)


def sqlite_snapshot(src: Path, dst: Path) -> None:
    """Consistent copy of a live SQLite database (WAL included) with the online backup API."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dst)
    try:
        with target:
            source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")   # one self-contained file, no -wal beside it
    finally:
        source.close()
        target.close()


def _copy_tree(src: Path, dst: Path) -> None:
    for path in sorted(src.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm", "-journal")) or path.name == "ingest.lock":
            continue
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in SQLITE_SUFFIXES:
            sqlite_snapshot(path, target)
        else:
            shutil.copy2(path, target)


def _backup_records(url: str, dest: Path) -> str:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[-1])
        if not path.is_file():
            return "none (no records database yet)"
        sqlite_snapshot(path, dest / RECORDS_SQLITE)
        return "sqlite"
    if url.startswith("postgresql"):
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            return "not included: pg_dump not found (back up PostgreSQL with pg_dump -Fc yourself)"
        out = subprocess.run([pg_dump, "-Fc", "--no-owner", "-f", str(dest / RECORDS_PGDUMP), libpq_url(url)],
                             capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise BackupError(f"pg_dump 失败 (pg_dump failed): {out.stderr.strip()[-500:]}")
        return "pg_dump"
    return f"not included: unsupported database URL scheme {url.split(':', 1)[0]}"


def libpq_url(url: str) -> str:
    """SQLAlchemy's postgresql+psycopg://… as the postgresql://… that pg_dump/pg_restore read."""
    return "postgresql://" + url.split("://", 1)[1]


def _relative_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def _file_entry(path: Path) -> dict:
    return {"sha256": _sha256(path), "bytes": path.stat().st_size}


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _versions() -> dict:
    versions = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("fayuan", "chromadb", "sqlalchemy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


# ---- restore -----------------------------------------------------------------------------------

def verify_backup(src: Path) -> dict:
    """The manifest, once every listed file is present with its size and checksum."""
    src = Path(src)
    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"不是完整的备份：缺少 {MANIFEST}（备份可能被中断）"
                          f" (not a complete backup: {MANIFEST} is missing; was it interrupted?): {src}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份清单无法读取 (manifest unreadable): {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式 (unsupported backup format): {manifest.get('format')!r}")
    problems = []
    for rel, entry in files.items():
        path = src / rel
        if not path.is_file():
            problems.append(f"missing {rel}")
        elif path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            problems.append(f"checksum mismatch {rel}")
    if problems:
        raise BackupError("备份已损坏，未做任何恢复 (backup is damaged, nothing restored): " + "; ".join(problems[:10])
                          + (f" … and {len(problems) - 10} more" if len(problems) > 10 else ""))
    return manifest


def restore_backup(settings: Settings, src: Path, *, force: bool = False) -> dict:
    """Put a verified backup back into settings.data_dir; refused (ServiceRunning) while a service
    has the folder open. An existing records database is only replaced with `force`."""
    src = Path(src)
    manifest = verify_backup(src)
    with serving_lock.no_service_running(settings.data_dir):
        return _restore_verified(settings, src, manifest, force)


def _restore_verified(settings: Settings, src: Path, manifest: dict, force: bool) -> dict:
    records_url = settings.resolved_database_url
    records_path = Path(records_url.split("///", 1)[-1]) if records_url.startswith("sqlite") else None
    if manifest["records"] == "sqlite" and records_path is None:
        raise BackupError("备份中的记录库是 SQLite，但 FAYUAN_DATABASE_URL 指向别的数据库"
                          " (the backup holds a SQLite records database; FAYUAN_DATABASE_URL is not SQLite)")
    if manifest["records"] == "pg_dump" and not records_url.startswith("postgresql"):
        raise BackupError("备份中的记录库是 PostgreSQL 转储，但 FAYUAN_DATABASE_URL 不是 PostgreSQL"
                          " (the backup holds a PostgreSQL dump; FAYUAN_DATABASE_URL is not PostgreSQL)")
    if records_path is not None and records_path.is_file() and manifest["records"] == "sqlite" and not force:
        raise BackupError(f"记录库已存在，加 --force 才会覆盖 (records database exists; use --force to replace it): "
                          f"{records_path}")
    kb_dir = settings.kb_dir
    kb_dir.mkdir(parents=True, exist_ok=True)
    if manifest["generation"]:
        _restore_generation(src / "kb" / manifest["generation"], kb_dir)
    if (src / "kb" / "staff-sources").is_dir():
        shutil.copytree(src / "kb" / "staff-sources", kb_dir / "staff-sources", dirs_exist_ok=True)
    if (src / "kb" / "embeddings.sqlite3").is_file():
        _replace_sqlite(src / "kb" / "embeddings.sqlite3", settings.resolved_embedding_cache)
    if manifest["records"] == "sqlite":
        _replace_sqlite(src / RECORDS_SQLITE, records_path)
    elif manifest["records"] == "pg_dump":
        _pg_restore(src / RECORDS_PGDUMP, records_url)
    return manifest


def _restore_generation(backup_gen: Path, kb_dir: Path) -> None:
    with generations.ingest_lock(kb_dir):       # no ingest may publish meanwhile
        staging = kb_dir / f".restoring-{backup_gen.name}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(backup_gen, staging)
        target = kb_dir / backup_gen.name
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
        generations.publish(kb_dir, target)


def _replace_sqlite(backup_file: Path, target: Path) -> None:
    """Swap the file in whole; the old database's -wal/-shm must go too, or SQLite would replay
    the old write-ahead log onto the restored file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup_file, tmp)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, target)


def _pg_restore(dump: Path, url: str) -> None:
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError(f"找不到 pg_restore：请手动执行 pg_restore --clean --if-exists -d <url> {dump}"
                          f" (pg_restore not found; run it by hand)")
    out = subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", "-d", libpq_url(url), str(dump)],
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise BackupError(f"pg_restore 失败 (pg_restore failed): {out.stderr.strip()[-500:]}")
