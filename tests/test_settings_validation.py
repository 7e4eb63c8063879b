"""Invalid settings stop `fayuan` at start-up with one clear line per setting (its FAYUAN_* name
and what is wrong), exit code 2 and no traceback; valid ones pass. Real subprocesses."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api.settings import Settings, SettingsError, describe_errors, get_settings
from tests.conftest import REPO

BAD = [
    ({"FAYUAN_FUSION_DENSE_WEIGHT": "2"}, "FAYUAN_FUSION_DENSE_WEIGHT", "less than or equal to 1"),
    ({"FAYUAN_SESSION_TTL_MINUTES": "-1"}, "FAYUAN_SESSION_TTL_MINUTES", "greater than 0"),
    ({"FAYUAN_DATABASE_URL": "nonsense"}, "FAYUAN_DATABASE_URL", "postgresql+psycopg://"),
    ({"FAYUAN_ENV": "production"}, "FAYUAN_SECRET_KEY", "at least 32 characters"),
    ({"FAYUAN_SECRET_KEY": "short"}, "FAYUAN_SECRET_KEY", "shorter than 32 characters"),
    ({"FAYUAN_SECRET_KEY": "dev-insecure-change-me"}, "FAYUAN_SECRET_KEY", "published or placeholder key"),
    ({"FAYUAN_ENV": "production", "FAYUAN_SECRET_KEY": "k" * 40}, "FAYUAN_SECRET_KEY", "different characters"),
    ({"FAYUAN_ENV": "production", "FAYUAN_SECRET_KEY": "pr0d-" + "x7Qm2vLz9Rk4" * 3, "FAYUAN_WECHAT_TOKEN": "t"},
     "FAYUAN_WECHAT_AES_KEY", "plaintext mode"),
    ({"FAYUAN_PUBLIC_BASE_URL": "fayuan.example.cn"}, "FAYUAN_PUBLIC_BASE_URL", "http(s) URL"),
    ({"FAYUAN_REDIS_URL": "127.0.0.1:6379"}, "FAYUAN_REDIS_URL", "redis://127.0.0.1:6379/0"),
]


def _fayuan(env: dict, tmp_path, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAYUAN_")}
    clean.update(env, FAYUAN_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO))
    # run where no .env file can add settings of its own
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=tmp_path, env=clean,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("env", "name", "reason"), BAD)
def test_fayuan_serve_refuses_bad_settings_naming_them(env, name, reason, tmp_path):
    run = _fayuan(env, tmp_path, "serve", "--port", "1")
    assert run.returncode == 2, run.stderr
    assert name in run.stderr and reason in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "data").exists()   # refused before any work


def test_every_bad_setting_is_listed_and_secrets_are_not_echoed(monkeypatch):
    monkeypatch.setenv("FAYUAN_SECRET_KEY", "tiny-secret-value")
    monkeypatch.setenv("FAYUAN_ENV", "production")
    monkeypatch.setenv("FAYUAN_CHAT_MAX_CITATIONS", "-3")
    monkeypatch.setenv("FAYUAN_LOG_LEVEL", "loud")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError) as caught:
            get_settings()
    finally:
        get_settings.cache_clear()
    message = str(caught.value)
    assert "FAYUAN_CHAT_MAX_CITATIONS" in message and "FAYUAN_LOG_LEVEL" in message
    assert "tiny-secret-value" not in message


def test_valid_production_settings_start(tmp_path):
    run = _fayuan({"FAYUAN_ENV": "production", "FAYUAN_SECRET_KEY": "pr0d-" + "x7Qm2vLz9Rk4" * 3,
                   "FAYUAN_LOG_LEVEL": "warning",
                   "FAYUAN_DATABASE_URL": f"sqlite:///{(tmp_path / 'r.sqlite3').as_posix()}"},
                  tmp_path, "purge", "--dry-run")
    assert run.returncode == 0, run.stderr


def test_describe_errors_names_the_variable():
    with pytest.raises(Exception) as caught:
        Settings(fusion_dense_weight=2, chat_relative_floor=-1)
    text = describe_errors(caught.value)
    assert "FAYUAN_FUSION_DENSE_WEIGHT" in text and "FAYUAN_CHAT_RELATIVE_FLOOR" in text


@pytest.mark.parametrize(("url", "reason"), [
    ("redis://:hunter2-secret@cache.local:63x79/0", "Port could not be cast"),
    ("redis://:hunter2-secret@/0", "names no host"),
    ("redis://:hunter2-secret@cache.local:6379/cache", "must be a number"),
    ("unix://", "needs the socket path"),
    ("http://:hunter2-secret@cache.local:6379", "redis://, rediss://, unix://"),
])
def test_a_malformed_redis_url_is_refused_without_echoing_its_password(url, reason):
    with pytest.raises(Exception) as caught:
        Settings(redis_url=url)
    text = describe_errors(caught.value)
    assert "FAYUAN_REDIS_URL" in text and reason in text
    assert "hunter2" not in text


def test_redis_url_forms_that_start():
    assert Settings(redis_url="").redis_url is None                  # empty: in memory, per process
    for url in ("redis://127.0.0.1:6379/0", "rediss://:pw@cache.local:6380/2", "unix:///run/redis/redis.sock",
                "redis://cache.local"):
        assert Settings(redis_url=url).redis_url == url


def test_the_knowledge_base_gets_only_its_own_settings(tmp_path):
    """The composition root hands the knowledge base and the ingest a KnowledgeSettings holding the
    same values, and nothing of the channels, staff or secrets."""
    from knowledge.settings import KnowledgeSettings

    settings = Settings(data_dir=tmp_path, regions="四川，重庆", fusion_dense_weight=0.4,
                        secret_key="pr0d-" + "x7Qm2vLz9Rk4" * 3, wechat_token="t")
    part = settings.knowledge
    assert type(part) is KnowledgeSettings
    assert part.kb_dir == tmp_path / "kb" and part.region_list == ["四川", "重庆"]
    assert part.fusion_dense_weight == 0.4 and part.resolved_model_dir == tmp_path / "models"
    assert not any(hasattr(part, name) for name in ("secret_key", "wechat_token", "database_url", "redis_url"))


def test_knowledge_settings_do_not_judge_the_products_settings(monkeypatch):
    """A bad product setting stops `fayuan`, but the knowledge base's own reading (the model-folder
    fallback) neither fails on it nor needs it; a bad knowledge setting fails both."""
    from knowledge.settings import KnowledgeSettings

    monkeypatch.setenv("FAYUAN_SECRET_KEY", "short")
    monkeypatch.setenv("FAYUAN_DATA_DIR", "/srv/fayuan")
    assert KnowledgeSettings().resolved_model_dir.as_posix() == "/srv/fayuan/models"
    with pytest.raises(ValueError):
        Settings()
    monkeypatch.setenv("FAYUAN_EMBEDDING_BACKEND", "tpu")
    with pytest.raises(ValueError, match="FAYUAN_EMBEDDING_BACKEND"):
        KnowledgeSettings()
