"""No shared default secret key (issue 25 row 1): a default install generates its own key in the
data folder (0600, reused after a restart), a token signed with the old published default key is
refused, and weak keys are refused in every mode. Real app, real tokens, real files."""
from __future__ import annotations

import stat

import pytest
from pydantic import ValidationError
from fastapi.testclient import TestClient

from api.app import create_app
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from assistant.staff.tokens import InvalidToken, TokenSigner
from api.secret_key import KEY_FILE, WeakSecretKey, _stored_key, effective_secret_key
from api.settings import Settings, describe_errors
from tests.handoff_helpers import FAST_HASHER

OLD_DEFAULT = "dev-insecure-change-me"


@pytest.fixture
def default_settings(tmp_path, monkeypatch):
    """A default install: no FAYUAN_SECRET_KEY anywhere, only a data folder."""
    monkeypatch.delenv("FAYUAN_SECRET_KEY", raising=False)
    monkeypatch.chdir(tmp_path)           # no .env file either
    _stored_key.cache_clear()             # as a fresh process
    return Settings(data_dir=tmp_path / "data", retention_purge_interval_hours=0, sla_sweep_interval_s=0)


def _app(settings):
    services = build_services(settings)
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    admin = services.staff.add("root", "root-password-1", role="admin")
    return create_app(services=services), admin


def test_a_default_install_refuses_tokens_forged_with_the_old_default_key(default_settings):
    assert default_settings.secret_key is None
    app, admin = _app(default_settings)
    forged = TokenSigner(OLD_DEFAULT)
    with TestClient(app) as client:
        api_token = forged.issue(admin.id, "api", 600)
        assert client.get("/v1/auth/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 401
        client.cookies.set("fayuan_staff_session", forged.issue(admin.id, "console", 600))
        assert client.get("/v1/auth/me").status_code == 401
        assert client.get("/console/queue", follow_redirects=False).status_code == 303   # to the login page
        client.cookies.clear()
        real = client.post("/v1/auth/token", json={"username": "root", "password": "root-password-1"}).json()
        assert client.get("/v1/auth/me", headers={"Authorization": f"Bearer {real['access_token']}"}
                          ).json()["username"] == "root"
    with pytest.raises(InvalidToken):
        forged.verify(real["access_token"], "api")


def test_the_generated_key_is_private_and_reused_after_a_restart(default_settings):
    app, admin = _app(default_settings)
    key_file = default_settings.data_dir / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first_key = effective_secret_key(default_settings)
    assert len(first_key) >= 32 and first_key != OLD_DEFAULT
    with TestClient(app) as client:
        token = client.post("/v1/auth/token", json={"username": "root", "password": "root-password-1"}
                            ).json()["access_token"]
    _stored_key.cache_clear()             # a restart: the key is read from the file again
    services = build_services(default_settings)
    assert effective_secret_key(default_settings) == first_key
    with TestClient(create_app(services=services)) as client:
        assert client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_another_data_folder_gets_another_key(default_settings, tmp_path):
    other = default_settings.model_copy(update={"data_dir": tmp_path / "other"})
    assert effective_secret_key(default_settings) != effective_secret_key(other)


def test_a_key_file_readable_by_others_is_made_private(default_settings):
    key_file = default_settings.data_dir / KEY_FILE
    key_file.parent.mkdir(parents=True)
    key_file.write_text("Zq8vR2mXk4pW7tLs9bN3cF6hJ1dG5yQe0uA\n")
    key_file.chmod(0o644)
    assert effective_secret_key(default_settings) == "Zq8vR2mXk4pW7tLs9bN3cF6hJ1dG5yQe0uA"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_weak_key_file_stops_start_up(default_settings):
    key_file = default_settings.data_dir / KEY_FILE
    key_file.parent.mkdir(parents=True)
    key_file.write_text(OLD_DEFAULT)
    key_file.chmod(0o600)
    with pytest.raises(WeakSecretKey) as caught:
        build_services(default_settings)
    assert "published" in str(caught.value) and OLD_DEFAULT not in str(caught.value)


@pytest.mark.parametrize("env", ["development", "production"])
@pytest.mark.parametrize(("key", "reason"), [
    (OLD_DEFAULT, "published"), ("changeme", "published"), ("my-dev-insecure-change-me-key-0123456789", "published"),
    ("short-but-random-9x", "shorter than 32"), ("a" * 64, "different characters"),
    ("abababababababababababababababab", "different characters")])
def test_weak_keys_are_refused_in_every_mode(env, key, reason):
    with pytest.raises(ValidationError) as caught:
        Settings(env=env, secret_key=key)
    message = describe_errors(caught.value)          # what `fayuan` prints at start-up
    assert "FAYUAN_SECRET_KEY" in message and reason in message and key not in message


def test_a_strong_key_is_used_as_given(tmp_path):
    key = "pr0d-x7Qm2vLz9Rk4x7Qm2vLz9Rk4x7Qm2vLz9Rk4"
    settings = Settings(env="production", secret_key=key, data_dir=tmp_path / "data")
    assert effective_secret_key(settings) == key and not (tmp_path / "data" / KEY_FILE).exists()
    with pytest.raises(ValueError):   # production never generates one: every replica must share the key
        Settings(env="production", data_dir=tmp_path / "data")
