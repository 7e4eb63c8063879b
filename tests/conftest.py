"""Shared fixtures: real stores in temporary folders, the real corpus located beside the repo."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FAYUAN_SHARED_DIR", REPO.parent / "shared"))
LAWS_DIR = Path(os.environ.get("FAYUAN_LAWS_DIR", SHARED / "laws"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    if not LAWS_DIR.is_dir():
        pytest.skip(f"statute corpus not found at {LAWS_DIR}")
    return LAWS_DIR


@pytest.fixture(scope="session")
def statutes(laws_dir: Path):
    """The statute corpus's article texts, parsed once (assistant.answers.card_check)."""
    from assistant.answers.card_check import StatuteIndex

    return StatuteIndex(laws_dir)


@pytest.fixture
def settings(tmp_path):
    from api.settings import Settings

    return Settings(data_dir=tmp_path / "data", model_dir=REPO / "data" / "models")


# --- the records database, on SQLite and (when FAYUAN_TEST_POSTGRES_URL is set) PostgreSQL ----------

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def records_db_url(request, tmp_path):
    """A fresh, empty records database URL: a SQLite file, or a throw-away schema on the test
    PostgreSQL server (dropped afterwards). .ci/run sets FAYUAN_TEST_POSTGRES_URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'records.sqlite3').as_posix()}"
        return
    with postgres_schema_url() as url:
        yield url


@pytest.fixture
def postgres_url():
    """A fresh, empty schema on the test PostgreSQL server (no SQLite twin)."""
    with postgres_schema_url() as url:
        yield url


@contextmanager
def postgres_schema_url():
    """A throw-away schema on the test PostgreSQL server, as a URL whose search_path is that schema;
    skips when FAYUAN_TEST_POSTGRES_URL is unset."""
    base = os.environ.get("FAYUAN_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("FAYUAN_TEST_POSTGRES_URL is not set (scripts/system-deps.sh starts a server)")
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def records_engine(records_db_url):
    from assistant.db import create_records_schema
    from knowledge.database import make_engine

    engine = make_engine(records_db_url)
    create_records_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def records_settings(settings, records_db_url):
    """`settings` pointing at the parametrised records database."""
    return settings.model_copy(update={"database_url": records_db_url})


# --- Redis (the shared rate limiter), when FAYUAN_TEST_REDIS_URL is set --------------------------

@pytest.fixture(scope="session")
def redis_url():
    """The test Redis server (scripts/system-deps.sh starts one on port 63790). Tests keep apart by
    their own key secret (assistant.limits.redis_rate_limit hashes every key with it): nothing is flushed."""
    url = os.environ.get("FAYUAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("FAYUAN_TEST_REDIS_URL is not set (scripts/system-deps.sh starts a server)")
    return url



# --- a Chroma server (FAYUAN_CHROMA_URL mode), when FAYUAN_TEST_CHROMA_URL is set ------------------

@pytest.fixture(scope="session")
def chroma_url():
    """The test Chroma server (scripts/system-deps.sh runs `chroma run` on 127.0.0.1:18765). Tests keep
    apart by generation names (each ingest makes new collections) and drop what they made."""
    url = os.environ.get("FAYUAN_TEST_CHROMA_URL")
    if not url:
        pytest.skip("FAYUAN_TEST_CHROMA_URL is not set (scripts/system-deps.sh starts a Chroma server)")
    return url

# ---- knowledge base (tests/kb_slice.py): one real ingest per test session ------------------
@pytest.fixture(scope="session")
def small_kb_settings(tmp_path_factory, laws_dir):
    """Settings whose data_dir holds an ingested small knowledge base (real model, real Chroma):
    tests/fixtures/laws + a slice of ../shared/laws. Build the app on it with create_app(settings)."""
    from ingest.pipeline import IngestPipeline
    from api.settings import Settings
    from tests.kb_slice import TEST_CACHE, build_slice

    root = tmp_path_factory.mktemp("small_kb")
    laws = build_slice(root / "laws", FIXTURES / "laws", laws_dir)
    kb_settings = Settings(data_dir=root / "data", model_dir=REPO / "data" / "models",
                           embedding_cache=TEST_CACHE, laws_dir=laws)
    IngestPipeline(kb_settings).ingest_folder(laws)
    return kb_settings


@pytest.fixture(scope="session")
def small_kb(small_kb_settings):
    """An opened KnowledgeBase (knowledge.types.KnowledgeBase) over small_kb_settings."""
    from knowledge.kb import open_knowledge_base

    return open_knowledge_base(small_kb_settings)
