"""`fayuan backup` / `fayuan restore` on a real small knowledge base and a real records database:
backed up while the app serves, the data folder wrecked, restored; the app then answers the same
search and still has the conversation and the handoff ticket. Damaged or partial backups are
refused and change nothing."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.backup import MANIFEST, BackupError, create_backup, restore_backup, verify_backup
from knowledge.generations import current_generation
from knowledge.serving_lock import ServiceRunning
from tests.conftest import REPO

QUERY = {"q": "公司拖欠工资怎么办", "k": 5}


@pytest.fixture
def live_settings(small_kb_settings, tmp_path):
    """A writable copy of the small knowledge base with its own records database."""
    data = tmp_path / "data"
    shutil.copytree(small_kb_settings.kb_dir, data / "kb", ignore=shutil.ignore_patterns("ingest.lock"))
    return small_kb_settings.model_copy(update={"data_dir": data})


def _search_ids(client) -> list[tuple]:
    response = client.get("/v1/search", params=QUERY)
    assert response.status_code == 200
    return [(hit.get("law"), hit.get("article_id"), hit.get("case_title"), hit.get("section"))
            for hit in response.json()["results"]]


def test_backup_while_serving_then_restore_a_wrecked_data_folder(live_settings, tmp_path):
    backup = tmp_path / "backup"
    with TestClient(create_app(live_settings)) as client:
        services = client.app.state.services
        before = _search_ids(client)
        assert before
        answer = client.post("/v1/chat", json={"message": "老板拖欠我三个月工资怎么办"})
        assert answer.status_code == 200
        session_id = answer.json()["session_id"]      # issued by the server
        ticket = services.handoff_desk.open(session_id, trigger="person_request", service="法律援助",
                                            summary="拖欠工资，想申请法律援助")
        statuses: list[int] = []

        def keep_chatting() -> None:      # traffic during the backup: no downtime
            for n in range(5):
                statuses.append(client.post("/v1/chat", json={"session_id": f"during-{n}",
                                                              "message": "加班费怎么算"}).status_code)

        traffic = threading.Thread(target=keep_chatting)
        traffic.start()
        result = create_backup(live_settings, backup)
        traffic.join()
        assert statuses == [200] * 5
        transcript = client.get(f"/v1/chat/{session_id}/messages").json()

    assert result.generation == current_generation(live_settings.kb_dir).name and result.records == "sqlite"
    manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    assert {"kb/" + result.generation + "/catalog.sqlite3", "records.sqlite3"} <= set(manifest["files"])
    assert manifest["versions"]["sqlite"] and manifest["embedding_model"] == live_settings.embedding_model

    # wreck: knowledge base gone, records database overwritten with garbage next to a stale WAL
    shutil.rmtree(live_settings.kb_dir)
    records = live_settings.data_dir / "fayuan.sqlite3"
    records.write_bytes(b"\0" * 4096)
    with pytest.raises(BackupError, match="--force"):
        restore_backup(live_settings, backup)
    restore_backup(live_settings, backup, force=True)

    with TestClient(create_app(live_settings)) as client:
        services = client.app.state.services
        assert _search_ids(client) == before
        assert client.get(f"/v1/chat/{session_id}/messages").json() == transcript
        restored = services.handoff_desk.get(ticket.id)
        assert restored.session_id == session_id and restored.status == ticket.status
        assert [e.action for e in services.handoff_desk.events(ticket.id)] == ["open"]


def test_damaged_or_partial_backups_are_refused_and_change_nothing(live_settings, tmp_path):
    backup = tmp_path / "backup"
    create_backup(live_settings, backup)
    serving = current_generation(live_settings.kb_dir)
    catalog = next(backup.glob("kb/gen-*/catalog.sqlite3"))
    data = bytearray(catalog.read_bytes())
    data[len(data) // 2] ^= 0xFF
    catalog.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="checksum mismatch kb/gen-.*/catalog.sqlite3"):
        restore_backup(live_settings, backup, force=True)
    (backup / MANIFEST).unlink()               # as if the backup had been interrupted
    cli = subprocess.run([sys.executable, "-m", "api.cli", "restore", str(backup), "--force"], cwd=REPO,
                         env={"FAYUAN_DATA_DIR": str(live_settings.data_dir), "PATH": "/usr/bin:/bin",
                              "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2 and "缺少 manifest.json" in cli.stderr
    assert current_generation(live_settings.kb_dir) == serving
    with pytest.raises(BackupError, match="not empty"):
        create_backup(live_settings, backup)
    with pytest.raises(BackupError, match="missing"):
        verify_backup(backup, live_settings)


@pytest.mark.postgres
def test_restore_is_refused_while_the_service_runs(live_settings, tmp_path):
    backup = tmp_path / "backup"
    records = live_settings.data_dir / "fayuan.sqlite3"
    with TestClient(create_app(live_settings)) as client:
        before = client.post("/v1/chat", json={"message": "加班费怎么算"}).json()["session_id"]
        assert create_backup(live_settings, backup).records == "sqlite"      # backing up a running service is fine
        after = client.post("/v1/chat", json={"message": "加班费怎么算"}).json()["session_id"]
        with pytest.raises(ServiceRunning, match="请先停止服务"):
            restore_backup(live_settings, backup, force=True)
        cli = subprocess.run([sys.executable, "-m", "api.cli", "restore", str(backup), "--force"], cwd=REPO,
                             env={"FAYUAN_DATA_DIR": str(live_settings.data_dir), "PATH": "/usr/bin:/bin",
                                  "HF_HUB_OFFLINE": "1"}, capture_output=True, text=True, timeout=120)
        assert cli.returncode == 3 and "请先停止服务" in cli.stderr
        # nothing was swapped under the running service: its newest conversation is still there
        assert client.get(f"/v1/chat/{after}/messages").json()["messages"]
    assert records.is_file()
    restore_backup(live_settings, backup, force=True)         # stopped: the restore goes ahead
    with TestClient(create_app(live_settings)) as client:
        assert client.get(f"/v1/chat/{after}/messages").status_code == 404   # the backup's state
        assert client.get(f"/v1/chat/{before}/messages").json()["messages"]


def test_postgresql_records_round_trip_through_pg_dump(settings, tmp_path):
    import os
    import uuid

    from sqlalchemy import create_engine, text

    from assistant.db import create_records_schema
    from assistant.conversation.sessions import SessionStore, TurnRecord
    from knowledge.database import make_engine

    base = os.environ.get("FAYUAN_TEST_POSTGRES_URL")
    if not base or not shutil.which("pg_dump"):
        pytest.skip("needs FAYUAN_TEST_POSTGRES_URL and pg_dump")
    name = f"fayuan_backup_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        engine = make_engine(url)
        create_records_schema(engine)
        store = SessionStore(engine)
        session = store.open(None)        # the id is issued by the store
        store.save_turn(session, [TurnRecord("user", "工伤怎么认定")])
        pg_settings = settings.model_copy(update={"database_url": url})
        assert create_backup(pg_settings, tmp_path / "backup").records == "pg_dump"
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM chat_messages"))
            conn.execute(text("DROP TABLE handoff_events"))
        restore_backup(pg_settings, tmp_path / "backup")
        assert [m.text for m in store.messages(session.id)] == ["工伤怎么认定"]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM handoff_events")).scalar() == 0
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
