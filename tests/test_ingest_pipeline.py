"""The ingest pipeline on small real folders: incremental by hash, re-embedding only new texts,
malformed files skipped with a reason, crash safety of generations, staff single-file ingest."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from knowledge.generations import current_generation
from knowledge.kb import open_knowledge_base
from api.settings import Settings
from tests.conftest import FIXTURES, REPO
from tests.kb_slice import TEST_CACHE

LABOUR_CONTRACT = "社会法/劳动合同法(2012-12-28).md"
INJURY = "行政法规/工伤保险条例(2010-12-20).md"


class Boom(RuntimeError):
    pass


@pytest.fixture(scope="module")
def embedder():
    from knowledge.embeddings import load_embedder

    return load_embedder(cache_dir=REPO / "data" / "models")


@pytest.fixture
def corpus(tmp_path, laws_dir) -> Path:
    """Fixtures (with their deliberately broken files) + two real laws, in a temp folder."""
    root = tmp_path / "laws"
    shutil.copytree(FIXTURES / "laws", root)
    for rel in (LABOUR_CONTRACT, INJURY):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(laws_dir / rel, root / rel)
    return root


@pytest.fixture
def kb_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", model_dir=REPO / "data" / "models", embedding_cache=TEST_CACHE)


def test_first_ingest_counts_and_skips_malformed_files(corpus, kb_settings, embedder):
    summary = IngestPipeline(kb_settings, embedder=embedder).ingest_folder(corpus)
    assert not summary.unchanged
    assert summary.articles > 150 and summary.cases >= 1 and summary.laws >= 5
    skipped = dict(summary.skipped)
    assert "其他/编码错误.md" in skipped and skipped["其他/编码错误.md"]      # reported with a reason
    kb = open_knowledge_base(kb_settings, embedder=embedder)
    assert kb.get_article("劳动合同法", "38") is not None                    # the rest ingested
    assert kb.search("工伤认定", 3)[0].law == "工伤保险条例"


def test_unchanged_rerun_embeds_nothing_and_keeps_the_generation(corpus, kb_settings, embedder):
    pipeline = IngestPipeline(kb_settings, embedder=embedder)
    first = pipeline.ingest_folder(corpus)
    again = pipeline.ingest_folder(corpus)
    assert again.unchanged and again.embedded == 0
    assert current_generation(kb_settings.kb_dir).name == first.generation
    assert again.articles == first.articles and again.seconds < 30


def test_changed_file_re_embeds_only_its_new_texts(corpus, kb_settings, embedder):
    pipeline = IngestPipeline(kb_settings, embedder=embedder)
    first = pipeline.ingest_folder(corpus)
    path = corpus / LABOUR_CONTRACT
    text = path.read_text(encoding="utf-8")
    # unique per run: the embedding cache persists between test sessions
    marker = f"测试修改条文内容{uuid.uuid4().hex[:8]}：用人单位应当按月足额支付劳动报酬。"
    assert "第三十条 " in text
    path.write_text(text.replace("第三十条 ", "第三十条 " + marker, 1), encoding="utf-8")
    second = pipeline.ingest_folder(corpus)
    assert second.changed_sources == 1 and second.embedded == 1
    assert second.generation != first.generation and second.articles == first.articles
    kb = open_knowledge_base(kb_settings, embedder=embedder)
    assert marker in kb.get_article("劳动合同法", "30").text
    assert kb.search(marker, 1)[0].article_id == "30"
    # removing a file removes its law
    path.unlink()
    third = pipeline.ingest_folder(corpus)
    assert third.removed_sources == 1 and third.embedded == 0
    assert open_knowledge_base(kb_settings, embedder=embedder).resolve_law("劳动合同法") is None


@pytest.mark.parametrize("stage", ["catalog", "vectors-written", "before-publish"])
def test_crash_mid_ingest_leaves_previous_generation_serving(corpus, kb_settings, embedder, stage):
    IngestPipeline(kb_settings, embedder=embedder).ingest_folder(corpus)
    serving = current_generation(kb_settings.kb_dir)
    shutil.copyfile(FIXTURES / "laws" / "社会法" / "示例劳动保障法(2020-06-30).md",
                    corpus / "社会法" / "示例劳动保障法副本(2021-01-01).md")
    (corpus / INJURY).write_text((corpus / INJURY).read_text(encoding="utf-8").replace(
        "第十四条 ", "第十四条 崩溃测试新增文字。", 1), encoding="utf-8")

    def crash(at: str) -> None:
        if at == stage:
            raise Boom(at)

    with pytest.raises(Boom):
        IngestPipeline(kb_settings, embedder=embedder, checkpoint=crash).ingest_folder(corpus)
    assert current_generation(kb_settings.kb_dir) == serving
    kb = open_knowledge_base(kb_settings, embedder=embedder)            # still consistent
    assert "崩溃测试" not in kb.get_article("工伤保险条例", "14").text
    assert kb.search("工伤认定", 3)
    partial = [p for p in kb_settings.kb_dir.glob("gen-*") if p != serving]
    assert partial, "the crashed run left its partial generation behind"
    done = IngestPipeline(kb_settings, embedder=embedder).ingest_folder(corpus)   # next run completes
    assert not done.unchanged
    assert not any(p.exists() for p in partial)
    assert "崩溃测试" in open_knowledge_base(kb_settings, embedder=embedder).get_article("工伤保险条例", "14").text


def test_kill_9_mid_ingest(corpus, kb_settings, embedder, tmp_path):
    """A real SIGKILL in a child process while it writes vectors."""
    IngestPipeline(kb_settings, embedder=embedder).ingest_folder(corpus)
    serving = current_generation(kb_settings.kb_dir)
    (corpus / INJURY).write_text((corpus / INJURY).read_text(encoding="utf-8").replace(
        "第十四条 ", "第十四条 被杀进程新增文字。", 1), encoding="utf-8")
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from ingest.pipeline import IngestPipeline
        from api.settings import Settings
        s = Settings(data_dir=Path({str(kb_settings.data_dir)!r}), model_dir=Path({str(kb_settings.model_dir)!r}),
                     embedding_cache=Path({str(TEST_CACHE)!r}))
        def die(stage):
            if stage == "vectors-written":
                os.kill(os.getpid(), signal.SIGKILL)
        IngestPipeline(s, checkpoint=die).ingest_folder(Path({str(corpus)!r}))
    """))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert current_generation(kb_settings.kb_dir) == serving
    assert "被杀进程" not in open_knowledge_base(kb_settings, embedder=embedder).get_article("工伤保险条例", "14").text
    IngestPipeline(kb_settings, embedder=embedder).ingest_folder(corpus)
    assert "被杀进程" in open_knowledge_base(kb_settings, embedder=embedder).get_article("工伤保险条例", "14").text


def test_staff_single_file_ingest_survives_folder_reingest(corpus, kb_settings, embedder, tmp_path):
    pipeline = IngestPipeline(kb_settings, embedder=embedder)
    pipeline.ingest_folder(corpus)
    law = tmp_path / "某市电动自行车管理条例.txt"
    law.write_text("某市电动自行车管理条例\n\n第一条 为了加强电动自行车管理，制定本条例。\n"
                   "第二条 电动自行车应当登记上牌，未登记的不得上道路行驶。\n", encoding="utf-8")
    added = pipeline.ingest_file(law, kind="local_regulation", region="浙江省某市")
    assert added.changed_sources == 1
    kb = open_knowledge_base(kb_settings, embedder=embedder)
    hit = kb.get_article("某市电动自行车管理条例", "2")
    assert hit is not None and hit.region == "浙江省某市" and "登记上牌" in hit.text
    # a later folder ingest neither removes the staff law nor counts it as a change
    assert pipeline.ingest_folder(corpus).unchanged
    (corpus / INJURY).unlink()
    pipeline.ingest_folder(corpus)
    assert open_knowledge_base(kb_settings, embedder=embedder).get_article("某市电动自行车管理条例", "2") is not None


def test_staff_file_errors_are_plain(kb_settings, tmp_path, embedder):
    from ingest.errors import ParseError

    empty = tmp_path / "空的.txt"
    empty.write_text("   \n", encoding="utf-8")
    with pytest.raises(ParseError):
        IngestPipeline(kb_settings, embedder=embedder).ingest_file(empty)
    with pytest.raises(ValueError):
        IngestPipeline(kb_settings, embedder=embedder).ingest_file(empty, kind="novel")


def test_cli_ingest_reports_a_summary(corpus, tmp_path):
    env_data = tmp_path / "cli-data"
    proc = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(corpus), "--data-dir", str(env_data),
                           "--quiet"], capture_output=True, text=True, cwd=REPO, timeout=600,
                          env={**__import__("os").environ, "FAYUAN_MODEL_DIR": str(REPO / "data" / "models"),
                               "FAYUAN_EMBEDDING_CACHE": str(TEST_CACHE)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "articles:" in proc.stdout and "skipped:" in proc.stdout and "其他/编码错误.md" in proc.stdout
    missing = subprocess.run([sys.executable, "-m", "api.cli", "ingest", str(tmp_path / "nope")],
                             capture_output=True, text=True, cwd=REPO, timeout=120)
    assert missing.returncode == 2 and "找不到路径" in missing.stderr


def test_serve_ingests_only_when_no_knowledge_base_exists(corpus, kb_settings, capsys):
    from api.cli_ingest import ensure_knowledge_base

    settings = kb_settings.model_copy(update={"laws_dir": corpus})
    assert ensure_knowledge_base(settings) is True           # published on BM25, texts left to embed
    first = current_generation(settings.kb_dir)
    assert first is not None and "articles:" in capsys.readouterr().out
    assert ensure_knowledge_base(settings) is True           # exists: nothing to do, still to embed
    ensure_knowledge_base(settings, force_ingest=True)       # --ingest: incremental, nothing changed
    assert "nothing changed" in capsys.readouterr().out
    assert current_generation(settings.kb_dir) == first


def test_live_knowledge_base_follows_a_new_generation(corpus, kb_settings, embedder):
    from knowledge.kb import LiveKnowledgeBase

    pipeline = IngestPipeline(kb_settings, embedder=embedder)
    pipeline.ingest_folder(corpus)
    live = LiveKnowledgeBase(kb_settings, embedder=embedder, check_every_s=0)
    assert live.get_article("劳动合同法", "38") is not None
    (corpus / LABOUR_CONTRACT).unlink()
    pipeline.ingest_folder(corpus)
    assert live.get_article("劳动合同法", "38") is None          # picked up without a restart
    assert live.search("工伤认定", 3)[0].law == "工伤保险条例"


LABOUR_JI_2001 = "司法解释/最高人民法院关于审理劳动争议案件适用法律若干问题的解释(2001-04-16).md"
LABOUR_JI_2001_TITLE = "最高人民法院关于审理劳动争议案件适用法律若干问题的解释"


def test_a_listed_repeal_takes_a_law_out_of_search_on_the_next_ingest(corpus, kb_settings, embedder, laws_dir,
                                                                       tmp_path, monkeypatch):
    """The 2001 labour interpretation's file carries no 废止 mark; adding its row to a repeals
    list (here the deployment's own, FAYUAN_REPEALS_FILE) must re-ingest it as 已废止 without a file
    change and without embedding anything."""
    import ingest.repeals as repeals

    (corpus / LABOUR_JI_2001).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(laws_dir / LABOUR_JI_2001, corpus / LABOUR_JI_2001)
    packaged = tmp_path / "repeals.tsv"
    packaged.write_text("# none\n", encoding="utf-8")      # the packaged list lists this law already
    monkeypatch.setattr(repeals, "REPEALS_FILE", packaged)
    listing = tmp_path / "own-repeals.tsv"
    listing.write_text("# none yet\n", encoding="utf-8")
    monkeypatch.setenv(repeals.EXTRA_ENV, str(listing))
    pipeline = IngestPipeline(kb_settings, embedder=embedder)
    pipeline.ingest_folder(corpus)
    kb = open_knowledge_base(kb_settings, embedder=embedder)
    assert kb.get_article(LABOUR_JI_2001_TITLE, "1").status == "有效"
    question = "劳动者与用人单位之间没有订立书面劳动合同，但已形成劳动关系后发生的纠纷"
    assert any(h.law == LABOUR_JI_2001_TITLE for h in kb.search(question, 5, level="司法解释"))

    listing.write_text(f"{LABOUR_JI_2001_TITLE}\t2021-01-01\t法释〔2020〕16号\n", encoding="utf-8")
    second = pipeline.ingest_folder(corpus)
    assert not second.unchanged and second.changed_sources == 1 and second.embedded == 0
    kb = open_knowledge_base(kb_settings, embedder=embedder)
    repealed = kb.get_article(LABOUR_JI_2001_TITLE, "1")
    assert repealed is not None and repealed.status == "已废止"          # still found by citation
    assert all(h.law != LABOUR_JI_2001_TITLE for h in kb.search(question, 20, level="司法解释"))
    # as of a day before the repeal it was the law; after it, not
    assert any(h.law == LABOUR_JI_2001_TITLE for h in kb.search(question, 5, level="司法解释", as_of="2015-06-01"))
    assert all(h.law != LABOUR_JI_2001_TITLE for h in kb.search(question, 20, level="司法解释", as_of="2022-06-01"))
    assert pipeline.ingest_folder(corpus).unchanged
