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
`restore`, which changes nothing in that case.

The manifest is signed (HMAC-SHA256 with a key derived from the secret key, `manifest_key`): a
backup folder is data from outside, so `restore` refuses an unsigned or altered manifest, any
name in it that could point outside its place (`..`, separators, absolute paths, a generation
not shaped like the knowledge base's `gen-…`), and copies only the files the manifest lists.
Backups hold staff password hashes and openids: folders are made 0700, files 0600."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from knowledge import generations, serving_lock
from api.settings import Settings

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
RECORDS_SQLITE = "records.sqlite3"
RECORDS_PGDUMP = "records.pgdump"
SIGNATURE = "signature"
SIGNATURE_SCHEME = "hmac-sha256:"
# the shape of the names knowledge.generations.new_generation makes: no dots, no separators
GENERATION_NAME = re.compile(rf"{re.escape(generations.PREFIX)}[0-9A-Za-z][0-9A-Za-z_-]{{0,100}}")
STAFF_SOURCES = "staff-sources"
EMBEDDINGS = "embeddings.sqlite3"


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
    dest.chmod(0o700)        # before anything is written: nothing inside is ever readable by others
    gen = generations.current_generation(settings.kb_dir)
    if gen is not None:
        _copy_tree(gen, dest / "kb" / gen.name)
    staff_sources = settings.kb_dir / "staff-sources"
    if staff_sources.is_dir():
        _copy_tree(staff_sources, dest / "kb" / "staff-sources")
    if embedding_cache and settings.resolved_embedding_cache.is_file():
        sqlite_snapshot(settings.resolved_embedding_cache, dest / "kb" / "embeddings.sqlite3")
    records = _backup_records(settings.resolved_database_url, dest)
    _make_private(dest)
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
    manifest[SIGNATURE] = sign_manifest(manifest, manifest_key(settings))
    tmp = dest / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, dest / MANIFEST)          # present only once everything above is written
    return BackupResult(dest, manifest["generation"], len(files), sum(f["bytes"] for f in files.values()),
                        records, time.perf_counter() - started)


def manifest_key(settings: Settings) -> bytes:
    """The key that signs backup manifests: the ONE place a backup reads the secret key."""
    from api.secret_key import effective_secret_key

    return hmac.new(effective_secret_key(settings).encode("utf-8"), b"fayuan backup manifest v1",
                    hashlib.sha256).digest()


def sign_manifest(manifest: dict, key: bytes) -> str:
    """HMAC over the manifest's canonical JSON (every field but the signature itself)."""
    body = {k: v for k, v in manifest.items() if k != SIGNATURE}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return SIGNATURE_SCHEME + hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _make_private(root: Path) -> None:
    for path in root.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


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

def verify_backup(src: Path, settings: Settings) -> dict:
    """The manifest, once its signature is right, every name in it safe and every listed file
    present with its size and checksum."""
    src = Path(src)
    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"不是完整的备份：缺少 {MANIFEST}（备份可能被中断）"
                          f" (not a complete backup: {MANIFEST} is missing; was it interrupted?): {src}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(manifest, dict) or not isinstance(files, dict):
            raise TypeError("manifest or files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份清单无法读取 (manifest unreadable): {exc}") from None
    _check_signature(manifest, manifest_key(settings))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式 (unsupported backup format): {manifest.get('format')!r}")
    _check_names(manifest)
    problems = []
    for rel, entry in files.items():
        path = src / rel
        if path.is_symlink() or not path.is_file():
            problems.append(f"missing {rel}")
        elif path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            problems.append(f"checksum mismatch {rel}")
    if problems:
        raise BackupError("备份已损坏，未做任何恢复 (backup is damaged, nothing restored): " + "; ".join(problems[:10])
                          + (f" … and {len(problems) - 10} more" if len(problems) > 10 else ""))
    return manifest


def _check_signature(manifest: dict, key: bytes) -> None:
    signature = manifest.get(SIGNATURE)
    if not isinstance(signature, str) or not signature.startswith(SIGNATURE_SCHEME):
        raise BackupError("备份清单没有签名，拒绝恢复 (the manifest is not signed; restore refused)")
    if not hmac.compare_digest(signature.encode("ascii", "replace"), sign_manifest(manifest, key).encode("ascii")):
        raise BackupError("备份清单签名不符：清单被改动过，或备份来自密钥不同的安装，拒绝恢复"
                          " (manifest signature mismatch: altered, or made with another FAYUAN_SECRET_KEY; restore refused)")


def _check_names(manifest: dict) -> None:
    """Every name the restore turns into a path must stay in its place (signed or not: defence
    in depth against a leaked key)."""
    generation = manifest.get("generation")
    if generation is not None and not (isinstance(generation, str) and GENERATION_NAME.fullmatch(generation)):
        raise BackupError(f"备份清单中的知识库版本名不合法 (invalid generation name in the manifest): {generation!r}")
    bad = [rel for rel in manifest["files"] if not _allowed_file(rel, generation)
           or not isinstance(manifest["files"][rel], dict)]
    if bad:
        raise BackupError(f"备份清单中有不合法的文件路径 (invalid file paths in the manifest): {bad[:5]!r}")


def _allowed_file(rel: str, generation: str | None) -> bool:
    parts = rel.split("/")
    if "\\" in rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return False
    if parts in ([RECORDS_SQLITE], [RECORDS_PGDUMP], ["kb", EMBEDDINGS]):
        return True
    return len(parts) > 2 and parts[0] == "kb" and parts[1] in (generation, STAFF_SOURCES)


def restore_backup(settings: Settings, src: Path, *, force: bool = False) -> dict:
    """Put a verified backup back into settings.data_dir; refused (ServiceRunning) while a service
    has the folder open. An existing records database is only replaced with `force`."""
    src = Path(src)
    manifest = verify_backup(src, settings)
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
    listed = set(manifest["files"])
    if manifest["generation"]:
        _restore_generation(src, manifest["generation"], _listed_under(listed, f"kb/{manifest['generation']}/"),
                            kb_dir)
    _copy_listed(src / "kb" / STAFF_SOURCES, _listed_under(listed, f"kb/{STAFF_SOURCES}/"), kb_dir / STAFF_SOURCES)
    if f"kb/{EMBEDDINGS}" in listed:
        _replace_sqlite(src / "kb" / EMBEDDINGS, settings.resolved_embedding_cache)
    if manifest["records"] == "sqlite" and RECORDS_SQLITE in listed:
        _replace_sqlite(src / RECORDS_SQLITE, records_path)
    elif manifest["records"] == "pg_dump" and RECORDS_PGDUMP in listed:
        _pg_restore(src / RECORDS_PGDUMP, records_url)
    return manifest


def _listed_under(listed: set[str], prefix: str) -> list[str]:
    return sorted(rel[len(prefix):] for rel in listed if rel.startswith(prefix))


def _copy_listed(src_dir: Path, relative: list[str], dst_dir: Path) -> None:
    """Copy exactly these files (checked names, checked checksums); anything else in the backup
    folder stays where it is."""
    for rel in relative:
        target = dst_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src_dir / rel, target)


def _restore_generation(src: Path, name: str, relative: list[str], kb_dir: Path) -> None:
    with generations.ingest_lock(kb_dir):       # no ingest may publish meanwhile
        staging = kb_dir / f".restoring-{name}"
        shutil.rmtree(staging, ignore_errors=True)
        _copy_listed(src / "kb" / name, relative, staging)
        target = kb_dir / name
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
