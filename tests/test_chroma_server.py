"""Chroma server mode (FAYUAN_CHROMA_URL): a real `chroma run` (scripts/system-deps.sh) holds the
vectors, the generation folder holds only the catalog and the BM25 index. A small slice of the
corpus is ingested into the server and searched through it; a later ingest makes its own
collections and old generations' collections are dropped from the server."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import FIXTURES, REPO
from tests.kb_slice import TEST_CACHE, build_slice

pytestmark = [pytest.mark.chroma, pytest.mark.corpus]

WAGE_QUESTION = "老板拖欠工资怎么办"
LOCAL_RULE = ("某县农民工工资支付条例\n\n第一条 为了保障农民工按时足额获得工资，制定本条例。\n"
              "第二条 施工总承包单位对所承包工程的农民工工资支付负总责，不得以工程款未到位为由拖欠。\n")


def _server_client(chroma_url: str):
    """A client of our own, straight to the server (not the one the knowledge base opened)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    url = urlparse(chroma_url)
    return chromadb.HttpClient(host=url.hostname, port=url.port, settings=ChromaSettings(anonymized_telemetry=False))


def _server_collections(chroma_url: str) -> set[str]:
    return {c.name for c in _server_client(chroma_url).list_collections()}


def _collections_of(generation_name: str) -> set[str]:
    from knowledge.vectors import VectorIndex

    return set(VectorIndex.collection_names(generation_name, remote=True).values())


@pytest.fixture(scope="module")
def server_kb(tmp_path_factory, laws_dir, chroma_url):
    """The small slice ingested with FAYUAN_CHROMA_URL set; drops its collections afterwards."""
    from ingest.pipeline import IngestPipeline
    from api.settings import Settings
    from knowledge.vectors import VectorIndex

    root = tmp_path_factory.mktemp("chroma_server_kb")
    laws = build_slice(root / "laws", FIXTURES / "laws", laws_dir)
    settings = Settings(data_dir=root / "data", model_dir=REPO / "data" / "models", embedding_cache=TEST_CACHE,
                        laws_dir=laws, chroma_url=chroma_url)
    pipeline = IngestPipeline(settings, show_progress=False)
    first = pipeline.ingest_folder(laws)
    made = [first.generation]
    yield settings, pipeline, made
    for name in made:
        VectorIndex.drop_remote(name, chroma_url)


def test_ingest_puts_the_vectors_on_the_server_and_search_goes_through_it(server_kb, chroma_url):
    from knowledge.kb import open_knowledge_base

    settings, _, made = server_kb
    kb = open_knowledge_base(settings)
    assert kb.generation_dir.name == made[0]
    assert not (kb.generation_dir / "chroma").exists()          # nothing embedded on the local disk
    assert _collections_of(made[0]) <= _server_collections(chroma_url)
    vectors = kb.retriever.vectors
    on_server = sum(_server_client(chroma_url).get_collection(name).count() for name in _collections_of(made[0]))
    assert vectors.count() == on_server > 500                  # every article and case section

    hits = kb.search(WAGE_QUESTION, k=5)
    assert hits and {h.law for h in hits} & {"劳动合同法", "劳动法", "劳动争议调解仲裁法"}, [h.law for h in hits]
    # the dense half on its own answers from the server too
    vector = kb.retriever.embedder.embed_queries([WAGE_QUESTION])[0]
    dense = vectors.query(vector, 5)
    assert len(dense) == 5 and dense[0].similarity > 0.5


def test_a_later_ingest_makes_new_collections_and_drops_the_oldest(server_kb, chroma_url, tmp_path):
    from knowledge.kb import open_knowledge_base

    settings, pipeline, made = server_kb
    before = open_knowledge_base(settings).retriever.vectors.count()
    law = tmp_path / "某县农民工工资支付条例.txt"
    law.write_text(LOCAL_RULE, encoding="utf-8")
    made.append(pipeline.ingest_file(law, kind="local_regulation", region="四川省某县").generation)
    kb = open_knowledge_base(settings)
    assert kb.generation_dir.name == made[1]
    assert kb.retriever.vectors.count() == before + 2      # copied from the first generation, plus two articles
    hit = kb.get_article("某县农民工工资支付条例", "2")
    assert hit is not None and "负总责" in hit.text
    assert _collections_of(made[0]) <= _server_collections(chroma_url)   # kept for readers still on it

    law.write_text(LOCAL_RULE + "第三条 本条例自公布之日起施行。\n", encoding="utf-8")
    made.append(pipeline.ingest_file(law, kind="local_regulation", region="四川省某县").generation)
    on_server = _server_collections(chroma_url)
    assert not _collections_of(made[0]) & on_server                      # the oldest is gone
    assert _collections_of(made[1]) | _collections_of(made[2]) <= on_server
