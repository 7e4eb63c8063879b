"""Answer while the rest is still being built: a cold ingest publishes the catalog and BM25 at once
(the server answers on BM25 and the lay vocabulary, /readyz "degraded" with the embedding
progress), then embeds national law, cases, local regulations and older versions, publishing each
part as a generation; FAYUAN_REGIONS limits the local regulations."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import OUTSIDE_REGIONS, IngestPipeline
from knowledge import dense_status, generations
from knowledge.kb import catalog_for, open_knowledge_base
from api.settings import Settings
from knowledge.vectors import VectorIndex
from tests.conftest import FIXTURES, REPO
from tests.kb_slice import TEST_CACHE, build_slice
from tests.server_process import ServerProcess

QUERIES = ["老板拖欠工资怎么办", "示例劳动保障法第三条", "离婚时财产怎么分", "养狗需要登记吗", "加班费"]
HENAN_RULE = "DLC/河南地方法规/地方性法规/河南/河南省示例务工人员工资保障条例(2020-01-01).md"
HANGZHOU_RULE = "DLC/浙江地方法规/地方性法规/浙江/杭州市示例养犬管理条例(2021-05-01).md"


def _settings(tmp_path, name: str, **extra) -> Settings:
    return Settings(data_dir=tmp_path / name, model_dir=REPO / "data" / "models", embedding_cache=TEST_CACHE,
                    **extra)


def _ranked(settings: Settings) -> dict[str, list[str]]:
    kb = open_knowledge_base(settings)
    return {q: [h.doc_id for h in kb.search(q, 10)] for q in QUERIES}


def test_deferred_ingest_serves_on_bm25_then_embeds_part_by_part_to_the_same_results(tmp_path):
    laws = FIXTURES / "laws"
    full = _settings(tmp_path, "full")
    IngestPipeline(full).ingest_folder(laws)

    staged = _settings(tmp_path, "staged")
    stages: list[str] = []
    pipeline = IngestPipeline(staged, defer_embedding=True, checkpoint=stages.append)
    pipeline.publish_spacing_s = 0      # no server follows this folder
    summary = pipeline.ingest_folder(laws)
    assert summary.embedded == 0
    first = generations.current_generation(staged.kb_dir)
    status = dense_status.read_status(first)
    assert status["complete"] is False
    assert all(row["embedded"] == 0 for row in status["parts"].values())
    assert VectorIndex.open(first).count() == 0
    lexical_only = open_knowledge_base(staged).search("拖欠工资", 5)
    assert lexical_only and lexical_only[0].text        # answers before any article is embedded

    published = []
    pipeline.checkpoint = lambda stage: (stages.append(stage),
                                         published.append(generations.current_generation(staged.kb_dir)))
    done = pipeline.embed_pending()
    order = [p for p in dense_status.PARTS if status["parts"][p]["total"]]
    assert done == order and done[:2] == ["national", "cases"]
    assert [s for s in stages if s.startswith("embed-")] == [f"embed-{p}" for p in order]
    assert len(set(published)) == len(order)           # one new generation per part
    last = generations.current_generation(staged.kb_dir)
    assert dense_status.read_status(last)["complete"] is True
    assert VectorIndex.open(last).count() == VectorIndex.open(generations.current_generation(full.kb_dir)).count()
    assert not (staged.kb_dir / dense_status.PROGRESS_FILE).exists()
    assert _ranked(staged) == _ranked(full)             # same retrieval as an ingest that embeds first
    assert pipeline.embed_pending() == []               # nothing left: a second run does nothing


def test_a_changed_article_loses_its_old_vector_until_it_is_embedded_again(tmp_path):
    laws = shutil.copytree(FIXTURES / "laws", tmp_path / "laws")
    settings = _settings(tmp_path, "data")
    IngestPipeline(settings).ingest_folder(laws)
    law = laws / "社会法/示例劳动保障法(2020-06-30).md"
    law.write_text(law.read_text(encoding="utf-8").replace("第三条 ", "第三条 （分阶段测试）", 1), encoding="utf-8")
    pipeline = IngestPipeline(settings, defer_embedding=True)
    pipeline.publish_spacing_s = 0
    pipeline.ingest_folder(laws)
    status = dense_status.read_status(generations.current_generation(settings.kb_dir))
    national = status["parts"]["national"]
    # the changed law's articles (a changed source is re-embedded whole, through the cache)
    assert dense_status.pending_parts(status) == ["national"] and 0 < national["embedded"] < national["total"]
    assert pipeline.embed_pending() == ["national"]
    hit = open_knowledge_base(settings).get_article("示例劳动保障法", "3")
    assert "分阶段测试" in hit.text


def test_regions_limit_local_regulations_and_a_changed_setting_reingests(tmp_path):
    laws = FIXTURES / "laws"
    settings = _settings(tmp_path, "data", regions="河南省")
    summary = IngestPipeline(settings).ingest_folder(laws)
    assert (HANGZHOU_RULE, OUTSIDE_REGIONS) in summary.skipped
    sources = catalog_for(generations.current_generation(settings.kb_dir)).source_hashes()
    assert HENAN_RULE in sources and HANGZHOU_RULE not in sources
    assert IngestPipeline(settings).ingest_folder(laws).unchanged
    everywhere = settings.model_copy(update={"regions": None})
    again = IngestPipeline(everywhere).ingest_folder(laws)
    assert not again.unchanged and again.changed_sources == 1
    assert HANGZHOU_RULE in catalog_for(generations.current_generation(settings.kb_dir)).source_hashes()


def test_region_list_reads_commas_of_either_width():
    assert Settings(regions="四川， 重庆,").region_list == ["四川", "重庆"]
    assert Settings().region_list == []


@pytest.mark.corpus
def test_a_fresh_server_answers_from_bm25_before_embeddings_finish(tmp_path, laws_dir):
    laws = build_slice(tmp_path / "laws", FIXTURES / "laws", laws_dir)
    data = tmp_path / "data"
    records = f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}"
    # the embedding thread stops before the first part: the server must answer all the same
    paused = ServerProcess(data, records, tmp_path / "server.log", FAYUAN_LAWS_DIR=str(laws),
                           FAYUAN_TEST_PAUSE_AT="embed-national", FAYUAN_RATE_LIMITS_ENABLED="false")
    paused.start()
    try:
        ready = httpx.get(f"{paused.url}/readyz", timeout=10)
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "degraded"
        assert body["embedding"]["embedded"] == 0 and body["embedding"]["total"] > 100
        assert body["embedding"]["parts"]["national"]["total"] > 0
        hits = httpx.get(f"{paused.url}/v1/search", params={"q": "老板拖欠工资怎么办"}, timeout=60).json()["results"]
        assert any(h.get("law") in {"劳动合同法", "劳动法", "示例劳动保障法"} for h in hits[:5])
        reply = httpx.post(f"{paused.url}/v1/chat", json={"message": "老板拖欠工资怎么办"}, timeout=60)
        assert reply.status_code == 200 and reply.json()["citations"]
        page = httpx.get(f"{paused.url}/chat", timeout=10).text
        assert 'data-testid="warming"' in page and "几分钟后回答会更准确" in page
        _notice_is_shown_in_chromium(f"{paused.url}/chat")
    finally:
        paused.kill9()

    # restarted without the pause: the embedding resumes and /readyz becomes "ready"
    server = ServerProcess(data, records, tmp_path / "server.log", FAYUAN_LAWS_DIR=str(laws),
                           FAYUAN_RATE_LIMITS_ENABLED="false").start()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            body = httpx.get(f"{server.url}/readyz", timeout=10).json()
            if body["status"] == "ready":
                break
            time.sleep(1)
        assert body["status"] == "ready" and "embedding" not in body
        gen = generations.current_generation(data / "kb")
        assert dense_status.read_status(gen)["complete"] and VectorIndex.open(gen).count() > 100
    finally:
        server.stop()


def _notice_is_shown_in_chromium(url: str) -> None:
    """The H5 page itself shows the notice while /readyz says degraded (when Chromium is installed)."""
    from tests.test_chat_browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        return
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(url)
            expect(page.get_by_test_id("warming")).to_be_visible(timeout=15_000)
        finally:
            browser.close()


def test_parts_are_published_at_least_the_spacing_apart(tmp_path, monkeypatch):
    """A server checks CURRENT every 5 s and only the previous generation is kept: parts that embed
    in no time (all cached) must still not switch generations faster than the spacing."""
    settings = _settings(tmp_path, "data")
    pipeline = IngestPipeline(settings, defer_embedding=True)
    pipeline.ingest_folder(FIXTURES / "laws")
    pipeline.publish_spacing_s = 3.0
    switched: list[float] = []
    publish = generations.publish
    monkeypatch.setattr(generations, "publish", lambda kb, gen: (publish(kb, gen), switched.append(time.time())))
    parts = pipeline.embed_pending()
    assert len(parts) >= 3 and len(switched) == len(parts)
    assert min(b - a for a, b in zip(switched, switched[1:])) >= 2.9


def test_a_machine_without_the_model_sets_it_up_while_reading_the_statutes(tmp_path):
    """scripts/serve.sh leaves the model to `fayuan serve`: it is set up in a second process that
    starts before the statutes are read, and the server then answers with it."""
    from knowledge.embeddings.setup import is_ready

    models = tmp_path / "models"
    log_path = tmp_path / "server.log"
    server = ServerProcess(tmp_path / "data", f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}", log_path,
                           FAYUAN_LAWS_DIR=str(FIXTURES / "laws"), FAYUAN_MODEL_DIR=str(models),
                           FAYUAN_RATE_LIMITS_ENABLED="false")
    server.start(timeout_s=600)
    try:
        log = log_path.read_text(errors="replace")
        assert "set up in a second process" in log and "articles:" in log
        assert log.index("set up in a second process") < log.index("articles:")   # begun before the ingest ended
        assert is_ready(models)
        reply = httpx.post(f"{server.url}/v1/chat", json={"message": "老板拖欠工资怎么办"}, timeout=60)
        assert reply.status_code == 200 and reply.json()["citations"]
    finally:
        server.stop()
