"""kill -9 of a real `fayuan serve` in the middle of traffic from several threads (chat turns,
in-chat eligibility dialogues, handoff tickets claimed and answered by staff, admin edits of the
regional standards). Afterwards every request that got a 2xx is fully in the records database,
nothing is half-written (SQLite integrity and foreign keys, every JSON column parses) and the
restarted server serves the same data. Runs on SQLite and, with FAYUAN_TEST_POSTGRES_URL, on
PostgreSQL."""
from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import dataclass, field

import httpx
from sqlalchemy import JSON, text

from assistant.db import RecordsBase, create_records_schema
from assistant.privacy import mask_pii
from knowledge.database import make_engine
from tests.server_process import ServerProcess

ADMIN = {"username": "crash-admin", "password": "crash-admin-password-1"}
MESSAGES = ["公司拖欠我三个月工资怎么办", "我想申请法律援助", "我在杭州市，家里四口人，每月收入两千元",
            "我要找人工，帮我联系法律援助中心", "加班费怎么计算"]


@dataclass
class Acked:
    """What the server confirmed with a 2xx before it died."""
    chats: list[tuple[str, str]] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    replies: list[tuple[str, str]] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)      # non-2xx answers while the server was up

    def __repr__(self) -> str:
        return (f"Acked(chats={len(self.chats)}, claims={len(self.claims)}, replies={len(self.replies)}, "
                f"regions={len(self.regions)}, failures={self.failures[:5]})")

    def enough(self) -> bool:
        return len(self.chats) >= 12 and self.replies and len(self.regions) >= 3


def _staff_client(url: str) -> httpx.Client:
    token = httpx.post(f"{url}/v1/auth/token", json=ADMIN, timeout=60).json()["access_token"]
    return httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"})


def _chatter(url: str, k: int, acked: Acked, stop: threading.Event) -> None:
    sessions: dict[int, str] = {}       # three conversations, each continued with the id the server issued
    with httpx.Client(base_url=url, timeout=60) as client:
        n = 0
        while not stop.is_set():
            slot, message = n % 3, f"{MESSAGES[n % len(MESSAGES)]}（第{k}-{n}问）"
            try:
                r = client.post("/v1/chat", json={"session_id": sessions.get(slot), "message": message})
            except httpx.HTTPError:
                return                                        # the server is gone
            if r.status_code == 200:
                sessions[slot] = r.json()["session_id"]
                acked.chats.append((sessions[slot], message))
            else:
                acked.failures.append(f"chat {r.status_code} {r.text[:200]}")
            n += 1


def _staff(url: str, acked: Acked, stop: threading.Event) -> None:
    with _staff_client(url) as client:
        n = 0
        while not stop.is_set():
            try:
                pending = client.get("/v1/handoffs", params={"status": "pending"}).json()["tickets"]
                for ticket in pending[:2]:
                    if client.post(f"/v1/handoffs/{ticket['id']}/claim").status_code == 200:
                        acked.claims.append(ticket["id"])
                        note = f"工作人员第{n}次回复：请带上劳动合同"
                        r = client.post(f"/v1/handoffs/{ticket['id']}/reply", json={"text": note})
                        (acked.replies.append((ticket["id"], note)) if r.status_code == 200
                         else acked.failures.append(f"reply {r.status_code} {r.text[:200]}"))
                        n += 1
            except (httpx.HTTPError, ValueError, KeyError):
                return
            time.sleep(0.2)


def _admin(url: str, acked: Acked, stop: threading.Event) -> None:
    with _staff_client(url) as client:
        region = client.get("/v1/admin/regions").json()["regions"][0]["region"]
        n = 0
        while not stop.is_set():
            try:
                entry = {k: v for k, v in client.get(f"/v1/admin/regions/{region}").json().items() if k != "region"}
                entry["legal_aid_centre"] = f"崩溃测试法律援助中心{n}号窗口"
                r = client.put(f"/v1/admin/regions/{region}", json=entry)
            except (httpx.HTTPError, ValueError, KeyError):
                return
            (acked.regions.append(entry["legal_aid_centre"]) if r.status_code == 200
             else acked.failures.append(f"region {r.status_code} {r.text[:200]}"))
            n += 1
            time.sleep(0.1)


def _check_database(url: str, acked: Acked) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            for table in RecordsBase.metadata.sorted_tables:
                for column in (c for c in table.columns if isinstance(c.type, JSON)):
                    for (value,) in conn.execute(text(f'SELECT "{column.name}" FROM "{table.name}"')):
                        if isinstance(value, str):
                            json.loads(value)                  # raises on a torn write
            messages = {(s, t) for s, t in conn.execute(text(
                "SELECT session_id, text FROM chat_messages WHERE role = 'user'"))}
            assert [c for c in acked.chats if (c[0], mask_pii(c[1])) not in messages] == []
            events = {(t, a, n) for t, a, n in conn.execute(text("SELECT ticket_id, action, note FROM handoff_events"))}
            assert {t for t, a, _ in events if a == "claim"} >= set(acked.claims)
            assert all(any(t == ticket and a == "reply" and note in n for t, a, n in events)
                       for ticket, note in acked.replies)
            staff_lines = {t for (t,) in conn.execute(text("SELECT text FROM chat_messages WHERE role = 'staff'"))}
            assert all(note in staff_lines for _, note in acked.replies)
            centres = set()
            for (new,) in conn.execute(text("SELECT new FROM eligibility_region_audit")):
                centres.add((json.loads(new) if isinstance(new, str) else new)["legal_aid_centre"])
            assert set(acked.regions) <= centres
    finally:
        engine.dispose()


def test_kill_9_mid_traffic_loses_no_acknowledged_write(small_kb_settings, records_db_url, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_kb_settings.kb_dir, data / "kb", ignore=shutil.ignore_patterns("ingest.lock"))
    env = {"FAYUAN_ADMIN_USERNAME": ADMIN["username"], "FAYUAN_ADMIN_PASSWORD": ADMIN["password"],
           "FAYUAN_RATE_LIMITS_ENABLED": "false", "FAYUAN_SLA_SWEEP_INTERVAL_S": "1"}
    server = ServerProcess(data, records_db_url, tmp_path / "server.log", **env).start()
    acked, stop = Acked(), threading.Event()
    workers = [threading.Thread(target=_chatter, args=(server.url, k, acked, stop)) for k in range(3)]
    workers += [threading.Thread(target=_staff, args=(server.url, acked, stop)),
                threading.Thread(target=_admin, args=(server.url, acked, stop))]
    try:
        for w in workers:
            w.start()
        deadline = time.monotonic() + 180
        while not acked.enough() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)                                        # mid-traffic: every thread is sending
        server.kill9()
    finally:
        stop.set()
        server.kill9()
        for w in workers:
            w.join(timeout=60)
    assert acked.enough(), f"too little traffic before the kill: {acked}"
    assert acked.failures == []
    print(f"\nacknowledged before kill -9: {acked!r}")        # shown with pytest -s
    _check_database(records_db_url, acked)

    again = ServerProcess(data, records_db_url, tmp_path / "server.log", **env).start()
    try:
        session, message = acked.chats[0]
        transcript = httpx.get(f"{again.url}/v1/chat/{session}/messages", timeout=30).json()
        assert message in [m["text"] for m in transcript["messages"]]     # the holder reads their own words
        assert httpx.post(f"{again.url}/v1/chat", json={"session_id": session, "message": "还在吗"},
                          timeout=60).status_code == 200
    finally:
        again.stop()
    create_records_schema(make_engine(records_db_url))          # the schema still opens cleanly
