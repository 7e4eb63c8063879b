"""A backup folder is input from outside: `fayuan restore` must refuse a manifest that is unsigned,
altered or signed with another key, names that leave their place (`..` in the generation), and
copy only the files the manifest lists; backups are private (0700 folders, 0600 files).

Real files, a real records database (SQLite) and a small hand-made knowledge-base generation (no
model needed): the checks are about the folder, not about search."""
from __future__ import annotations

import json
import stat

import pytest

from assistant.db import create_records_schema
from knowledge import generations
from api.backup import MANIFEST, BackupError, create_backup, restore_backup, sign_manifest, manifest_key
from knowledge.database import make_engine


@pytest.fixture
def data_settings(settings):
    """A data folder with a published generation, a staff source and a records database."""
    kb = settings.kb_dir
    gen = generations.new_generation(kb)
    (gen / "catalog.txt").write_text("catalog", encoding="utf-8")
    (gen / "bm25").mkdir()
    (gen / "bm25" / "index.txt").write_text("bm25", encoding="utf-8")
    generations.publish(kb, gen)
    (kb / "staff-sources").mkdir()
    (kb / "staff-sources" / "local.txt").write_text("地方条例", encoding="utf-8")
    engine = make_engine(settings.resolved_database_url)
    create_records_schema(engine)
    engine.dispose()
    return settings.model_copy(update={"secret_key": "k" * 40})


def _rewrite(backup, change, *, key=None) -> None:
    """Edit the manifest; re-sign it with `key` (the attacker who knows it) or leave the old signature."""
    manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    change(manifest)
    if key is not None:
        manifest["signature"] = sign_manifest(manifest, key)
    (backup / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_backup_folders_are_0700_and_files_0600(data_settings, tmp_path):
    backup = tmp_path / "backup"
    create_backup(data_settings, backup)
    paths = [backup, *backup.rglob("*")]
    assert any(p.name == "records.sqlite3" for p in paths) and any(p.name == MANIFEST for p in paths)
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_generation_with_dotdot_is_refused_even_when_signed_and_nothing_is_removed(data_settings, tmp_path):
    backup = tmp_path / "backup"
    create_backup(data_settings, backup)
    serving = generations.current_generation(data_settings.kb_dir)
    (backup / "kb" / "evil").mkdir(mode=0o700)
    _rewrite(backup, lambda m: m.update(generation=".."), key=manifest_key(data_settings))
    with pytest.raises(BackupError, match="invalid generation name"):
        restore_backup(data_settings, backup, force=True)
    _rewrite(backup, lambda m: m.update(generation="gen-x", files={**m["files"], "kb/gen-x/../../x": {}}),
             key=manifest_key(data_settings))
    with pytest.raises(BackupError, match="invalid file paths"):
        restore_backup(data_settings, backup, force=True)
    assert data_settings.data_dir.is_dir() and generations.current_generation(data_settings.kb_dir) == serving
    assert (data_settings.kb_dir / "staff-sources" / "local.txt").is_file()


def test_unsigned_or_altered_or_foreign_manifests_are_refused(data_settings, tmp_path):
    backup = tmp_path / "backup"
    create_backup(data_settings, backup)
    original = (backup / MANIFEST).read_text(encoding="utf-8")

    _rewrite(backup, lambda m: m.pop("signature"))
    with pytest.raises(BackupError, match="not signed"):
        restore_backup(data_settings, backup, force=True)

    (backup / MANIFEST).write_text(original, encoding="utf-8")
    _rewrite(backup, lambda m: m.update(generation=".."))        # changed, old signature kept
    with pytest.raises(BackupError, match="signature mismatch"):
        restore_backup(data_settings, backup, force=True)

    (backup / MANIFEST).write_text(original, encoding="utf-8")
    other_install = data_settings.model_copy(update={"secret_key": "z" * 40})
    with pytest.raises(BackupError, match="signature mismatch"):
        restore_backup(other_install, backup, force=True)
    restore_backup(data_settings, backup, force=True)            # the untouched manifest restores


def test_only_files_listed_in_the_manifest_are_restored(data_settings, tmp_path):
    backup = tmp_path / "backup"
    result = create_backup(data_settings, backup)
    planted = backup / "kb" / result.generation / "planted.py"
    planted.write_text("import os; os.system('rm -rf /')", encoding="utf-8")
    (backup / "kb" / "staff-sources" / "extra.txt").write_text("不在清单里", encoding="utf-8")
    restore_backup(data_settings, backup, force=True)
    restored = generations.current_generation(data_settings.kb_dir)
    assert restored.name == result.generation
    assert (restored / "bm25" / "index.txt").read_text(encoding="utf-8") == "bm25"
    assert not (restored / "planted.py").exists()
    assert not (data_settings.kb_dir / "staff-sources" / "extra.txt").exists()
