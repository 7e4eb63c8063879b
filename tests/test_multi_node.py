"""Two API hosts working as one service, without Docker: two `fayuan serve` processes on different
ports over one PostgreSQL (records), one Redis (rate limits) and one Chroma server (vectors),
sharing one data folder for the knowledge base's catalog and BM25 files — the topology of
deploy/docker-compose.yml and docs/deploy.md. A villager's session continues on the other
process, a ticket opened on one is claimed on the other, the rate limits are one budget, an ingest
run beside one host is served by both (docs/deploy.md, "Updating the knowledge base"), and a
kill -9 of one host loses nothing that host had acknowledged."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import FIXTURES, REPO, postgres_schema_url
from tests.kb_slice import TEST_CACHE, build_slice
from tests.server_process import ServerProcess

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.chroma, pytest.mark.corpus]

ADMIN, ADMIN_PASSWORD = "zhangwei", "multi-node-" + secrets.token_hex(8)
CHAT_PER_SESSION = 4     # FAYUAN_RATE_CHAT_PER_USER below: small, so sharing it shows
LOCAL_RULE = ("某县农民工工资支付条例\n\n第一条 为了保障农民工按时足额获得工资，制定本条例。\n"
              "第二条 施工总承包单位对所承包工程的农民工工资支付负总责，不得以工程款未到位为由拖欠。\n")


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, laws_dir, chroma_url, redis_url):
    """Hosts A and B, started one after the other (each creates the schema and the bootstrap admin
    if missing) over the shared stores; both stopped and the server's collections dropped after."""
    from ingest.pipeline import IngestPipeline
    from knowledge.generations import current_generation
    from api.settings import Settings
    from knowledge.vectors import VectorIndex

    root = tmp_path_factory.mktemp("multi_node")
    shared_data = root / "shared-data"        # the volume both hosts mount (compose: fayuan-data)
    laws = build_slice(root / "laws", FIXTURES / "laws", laws_dir)
    kb_settings = Settings(data_dir=shared_data, model_dir=REPO / "data" / "models", embedding_cache=TEST_CACHE,
                           chroma_url=chroma_url)
    IngestPipeline(kb_settings, show_progress=False).ingest_folder(laws)   # the compose `ingest` job
    env = {"FAYUAN_CHROMA_URL": chroma_url, "FAYUAN_REDIS_URL": redis_url,
           "FAYUAN_SECRET_KEY": secrets.token_hex(24),     # one secret for the service: both hosts
           "FAYUAN_ADMIN_USERNAME": ADMIN, "FAYUAN_ADMIN_PASSWORD": ADMIN_PASSWORD,
           "FAYUAN_LAWS_DIR": str(laws), "FAYUAN_RATE_CHAT_PER_USER": f"{CHAT_PER_SESSION}/min",
           "FAYUAN_SLA_SWEEP_INTERVAL_S": "0", "FAYUAN_RETENTION_PURGE_INTERVAL_HOURS": "0"}
    with postgres_schema_url() as database_url:
        servers = {name: ServerProcess(shared_data, database_url, root / f"host-{name}.log", **env)
                   for name in ("A", "B")}
        try:
            for server in servers.values():
                server.start(timeout_s=240)
            yield servers
        finally:
            for server in servers.values():
                server.stop()
            for gen in shared_data.joinpath("kb").glob("gen-*"):
                VectorIndex.drop_remote(gen.name, chroma_url)
    assert current_generation(kb_settings.kb_dir) is not None


def _chat(server: ServerProcess, message: str, session_id: str | None = None) -> httpx.Response:
    body = {"message": message, **({"session_id": session_id} if session_id else {})}
    return httpx.post(f"{server.url}/v1/chat", json=body, timeout=120)


def _transcript(server: ServerProcess, session_id: str) -> list[dict]:
    answer = httpx.get(f"{server.url}/v1/chat/{session_id}/messages", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["messages"]


def _staff_headers(server: ServerProcess) -> dict:
    answer = httpx.post(f"{server.url}/v1/auth/token", json={"username": ADMIN, "password": ADMIN_PASSWORD},
                        timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_a_villagers_session_continues_on_the_other_host(hosts):
    a, b = hosts["A"], hosts["B"]
    first = _chat(a, "老板拖欠工资三个月了怎么办")
    assert first.status_code == 200, first.text
    session_id = first.json()["session_id"]        # whatever id the first host issued
    assert first.json()["citations"]
    second = _chat(b, "我没有签劳动合同，还能要回来吗", session_id)
    assert second.status_code == 200, second.text
    assert second.json()["session_id"] == session_id
    for server in (a, b):
        turns = _transcript(server, session_id)
        assert [m["role"] for m in turns] == ["user", "assistant"] * 2
        assert turns[0]["text"] == "老板拖欠工资三个月了怎么办" and turns[2]["text"] == "我没有签劳动合同，还能要回来吗"


def test_a_ticket_opened_on_one_host_is_claimed_and_answered_on_the_other(hosts):
    a, b = hosts["A"], hosts["B"]
    asked = _chat(a, "我要转人工，工地欠我工钱")
    assert asked.status_code == 200, asked.text
    session_id, handoff = asked.json()["session_id"], asked.json()["handoff"]
    assert handoff and handoff["ticket_id"], asked.json()
    ticket_id = handoff["ticket_id"]

    staff_on_b = _staff_headers(b)
    listed = httpx.get(f"{b.url}/v1/handoffs", params={"status": "open"}, headers=staff_on_b, timeout=30).json()
    assert ticket_id in {t["id"] for t in listed["tickets"]}
    claimed = httpx.post(f"{b.url}/v1/handoffs/{ticket_id}/claim", headers=staff_on_b, timeout=30)
    assert claimed.status_code == 200, claimed.text
    replied = httpx.post(f"{b.url}/v1/handoffs/{ticket_id}/reply", json={"text": "您好，我是县法律援助中心的张伟。"},
                         headers=staff_on_b, timeout=30)
    assert replied.status_code == 200, replied.text

    seen_on_a = httpx.get(f"{a.url}/v1/handoffs/{ticket_id}", headers=_staff_headers(a), timeout=30).json()
    assert seen_on_a["status"] == "assigned" and seen_on_a["owner_name"] == claimed.json()["owner_name"]
    # the villager's page (polling host A) shows the reply staff sent from host B
    assert any(m["role"] == "staff" and "张伟" in m["text"] for m in _transcript(a, session_id))


def test_rate_limits_are_one_budget_across_both_hosts(hosts):
    a, b = hosts["A"], hosts["B"]
    session_id = _chat(a, "你好").json()["session_id"]     # a first message has no id to count against
    codes = [_chat(server, "谢谢", session_id).status_code for server in (b, a) * CHAT_PER_SESSION]
    # one budget of CHAT_PER_SESSION (per process, each host would have let all of them through)
    assert codes.count(200) == CHAT_PER_SESSION and codes.count(429) == CHAT_PER_SESSION, codes
    assert codes[:CHAT_PER_SESSION] == [200] * CHAT_PER_SESSION


def _article(server: ServerProcess, law: str, article: str) -> int:
    return httpx.get(f"{server.url}/v1/laws/{law}/articles/{article}", timeout=30).status_code


def test_an_ingest_beside_one_host_is_served_by_both(hosts, tmp_path):
    """The documented procedure: `fayuan ingest` on any machine that mounts the shared data folder
    and reaches the Chroma server; every host switches to the new generation within seconds."""
    a, b = hosts["A"], hosts["B"]
    law = tmp_path / "某县农民工工资支付条例.txt"
    law.write_text(LOCAL_RULE, encoding="utf-8")
    assert _article(a, "某县农民工工资支付条例", "2") == 404
    run = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(law), "--kind", "local_regulation",
                          "--region", "四川省某县", "--quiet"], cwd=REPO, env=a.env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    deadline = time.monotonic() + 30       # LiveKnowledgeBase looks at the CURRENT pointer every 5 s
    while time.monotonic() < deadline:
        codes = {name: _article(server, "某县农民工工资支付条例", "2") for name, server in hosts.items()}
        if codes == {"A": 200, "B": 200}:
            break
        time.sleep(1)
    assert codes == {"A": 200, "B": 200}


def test_killing_one_host_loses_nothing_it_acknowledged(hosts):
    a, b = hosts["A"], hosts["B"]
    first = _chat(a, "公司不给加班费怎么办")
    session_id = first.json()["session_id"]
    assert _chat(a, "我每天都加班三个小时", session_id).status_code == 200
    ticket_id = _chat(a, "找人工", session_id).json()["handoff"]["ticket_id"]
    a.kill9()
    turns = _transcript(b, session_id)
    assert [m["text"] for m in turns if m["role"] == "user"] == ["公司不给加班费怎么办", "我每天都加班三个小时", "找人工"]
    assert all(m["text"] for m in turns if m["role"] == "assistant") and len(turns) == 6
    ticket = httpx.get(f"{b.url}/v1/handoffs/{ticket_id}", headers=_staff_headers(b), timeout=30)
    assert ticket.status_code == 200 and ticket.json()["session_id"] == session_id
    # the villager carries on, on the host that is left
    assert _chat(b, "那我要准备什么证据", session_id).status_code == 200
    assert len(_transcript(b, session_id)) == 8
