"""kill -9 of a real `fayuan ingest` process at several pipeline stages, while an app built on the
same data folder keeps serving. FAYUAN_TEST_PAUSE_AT (ingest/pause_hook.py) makes the child stop at
a known stage and say so in a marker file; the test then SIGKILLs it from outside. After every
kill: the serving generation is unchanged and answers over HTTP, the ingest lock is free, and the
next ingest completes and cleans up the partial folders. (The in-process variants, one exception
per stage, are in tests/test_ingest_pipeline.py.)"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

from fastapi.testclient import TestClient

from api.app import create_app
from ingest.pause_hook import MARKER
from knowledge import generations
from knowledge.kb import open_knowledge_base
from api.settings import Settings
from tests.conftest import FIXTURES, REPO
from tests.kb_slice import TEST_CACHE

LAW_FILE = "社会法/示例劳动保障法(2020-06-30).md"
LAW, ARTICLE = "示例劳动保障法", "3"
STAGES = ["parse", "catalog", "vectors-written", "before-publish"]


def _edit_article(laws, tag: str) -> None:
    """A new sentence in 第三条: a changed file with one new text to embed (unique per run, the
    embedding cache persists between test sessions)."""
    path = laws / LAW_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("第三条 ", f"第三条 {tag}", 1), encoding="utf-8")


def _start_ingest(laws, data_dir, pause_at: str | None) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "FAYUAN_MODEL_DIR": str(REPO / "data" / "models"),
           "FAYUAN_EMBEDDING_CACHE": str(TEST_CACHE)}
    env.pop("FAYUAN_TEST_PAUSE_AT", None)
    if pause_at:
        env["FAYUAN_TEST_PAUSE_AT"] = pause_at
    return subprocess.Popen([sys.executable, "-m", "api.cli", "ingest", str(laws), "--data-dir", str(data_dir),
                             "--quiet"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_pause(proc: subprocess.Popen, marker, stage: str, timeout_s: float = 240) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if marker.is_file() and marker.read_text(encoding="utf-8") == stage:
            return
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended before pausing at {stage}: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"ingest never reached {stage}")


def test_kill_9_fayuan_ingest_at_each_stage_keeps_serving_and_recovers(tmp_path):
    laws = tmp_path / "laws"
    shutil.copytree(FIXTURES / "laws", laws)
    settings = Settings(data_dir=tmp_path / "data", model_dir=REPO / "data" / "models", embedding_cache=TEST_CACHE)
    first = _start_ingest(laws, settings.data_dir, None)
    assert first.wait(timeout=600) == 0, first.stderr.read().decode()[-2000:]
    serving = generations.current_generation(settings.kb_dir)
    original = open_knowledge_base(settings).get_article(LAW, ARTICLE).text

    with TestClient(create_app(settings)) as client:
        for stage in STAGES:
            tag = f"崩溃{stage}{uuid.uuid4().hex[:8]}。"
            _edit_article(laws, tag)
            proc = _start_ingest(laws, settings.data_dir, stage)
            _wait_for_pause(proc, settings.kb_dir / MARKER, stage)
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
            (settings.kb_dir / MARKER).unlink()

            assert generations.current_generation(settings.kb_dir) == serving, stage
            article = client.get(f"/v1/laws/{LAW}/articles/{ARTICLE}")
            assert article.status_code == 200 and article.json()["text"] == original, stage
            search = client.get("/v1/search", params={"q": "劳动合同 书面", "k": 3})
            assert search.status_code == 200 and search.json()["results"], stage
            assert (settings.kb_dir / "ingest.lock").read_text() == str(proc.pid)   # a stale pid…
            with generations.ingest_lock(settings.kb_dir):    # …but the dead process's lock is gone
                pass

    done = _start_ingest(laws, settings.data_dir, None)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err.decode()[-2000:]
    new = generations.current_generation(settings.kb_dir)
    assert new != serving and "generation:" in out.decode()
    text = open_knowledge_base(settings).get_article(LAW, ARTICLE).text
    assert all(f"崩溃{stage}" in text for stage in STAGES)    # every killed run's edit, now ingested
    left = {p.name for p in settings.kb_dir.glob(generations.PREFIX + "*")}
    assert left <= {new.name, serving.name}                   # the four partial folders removed
