"""Staff accounts, tokens, console session cookie, CSRF and the role dependencies, over real HTTP."""
from __future__ import annotations

import time

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from api.auth import SESSION_COOKIE, require_admin, require_staff
from api.services import build_services
from assistant.staff.accounts import StaffAccountError
from assistant.staff.models import StaffAccountRow
from assistant.staff.tokens import InvalidToken, TokenSigner
from api.secret_key import effective_secret_key


@pytest.fixture
def app_and_services(settings):
    settings.admin_username = "root"
    settings.admin_password = "root-password-1"
    services = build_services(settings)
    services.staff.add("lin", "staff-password-1", role="staff")
    app = create_app(settings, services)
    probe = APIRouter()

    @probe.get("/probe/staff")
    def staff_only(member=Depends(require_staff)):
        return {"who": member.username}

    @probe.get("/probe/admin")
    def admin_only(member=Depends(require_admin)):
        return {"who": member.username}

    app.include_router(probe)
    return app, services


def _token(client, username, password):
    response = client.post("/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def test_passwords_are_argon2_hashes(app_and_services):
    _, services = app_and_services
    with Session(services.records_engine) as db:
        row = db.scalar(select(StaffAccountRow).where(StaffAccountRow.username == "lin"))
    assert row.password_hash.startswith("$argon2id$")
    assert "staff-password-1" not in row.password_hash


def test_bootstrap_admin_is_created_once(app_and_services, settings):
    _, services = app_and_services
    assert services.staff.by_username("root").role == "admin"
    services.staff.set_password("root", "changed-password")
    build_services(settings)  # a restart must not reset the changed password
    assert services.staff.authenticate("root", "changed-password") is not None
    assert services.staff.authenticate("root", "root-password-1") is None


def test_account_validation(app_and_services):
    _, services = app_and_services
    with pytest.raises(StaffAccountError):
        services.staff.add("lin", "another-password")
    with pytest.raises(StaffAccountError):
        services.staff.add("x y", "long-enough-1")
    with pytest.raises(StaffAccountError):
        services.staff.add("shorty", "short")
    with pytest.raises(StaffAccountError):
        services.staff.add("boss", "long-enough-1", role="superuser")


def test_token_flow_and_roles(app_and_services):
    app, _ = app_and_services
    with TestClient(app) as client:
        assert client.get("/probe/staff").status_code == 401
        assert client.get("/probe/staff").headers["www-authenticate"] == "Bearer"
        assert client.get("/probe/admin").status_code == 401
        bad = client.post("/v1/auth/token", json={"username": "lin", "password": "wrong-password"})
        assert bad.status_code == 401 and "密码" in bad.json()["detail"]
        unknown = client.post("/v1/auth/token", json={"username": "nobody", "password": "whatever-1"})
        assert unknown.status_code == 401
        assert client.post("/v1/auth/token", json={"username": "lin"}).status_code == 422

        staff = _token(client, "lin", "staff-password-1")
        assert staff["role"] == "staff" and staff["expires_in"] == 3600
        staff_h = {"Authorization": f"Bearer {staff['access_token']}"}
        assert client.get("/probe/staff", headers=staff_h).json() == {"who": "lin"}
        assert client.get("/probe/admin", headers=staff_h).status_code == 403
        assert client.get("/v1/auth/me", headers=staff_h).json()["username"] == "lin"

        admin_h = {"Authorization": f"Bearer {_token(client, 'root', 'root-password-1')['access_token']}"}
        assert client.get("/probe/admin", headers=admin_h).json() == {"who": "root"}

        tampered = staff["access_token"][:-2] + ("AA" if not staff["access_token"].endswith("AA") else "BB")
        assert client.get("/probe/staff", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
        assert client.get("/probe/staff", headers={"Authorization": "Bearer garbage"}).status_code == 401


def test_deactivated_account_loses_access_immediately(app_and_services):
    app, services = app_and_services
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {_token(client, 'lin', 'staff-password-1')['access_token']}"}
        assert client.get("/probe/staff", headers=headers).status_code == 200
        services.staff.deactivate("lin")
        assert client.get("/probe/staff", headers=headers).status_code == 401
        assert client.post("/v1/auth/token", json={"username": "lin", "password": "staff-password-1"}).status_code == 401


def test_tokens_expire_and_purposes_do_not_mix():
    signer = TokenSigner("secret-one")
    now = time.time()
    token = signer.issue(7, "api", 60, now=now)
    assert signer.verify(token, "api", now=now + 59).staff_id == 7
    with pytest.raises(InvalidToken):
        signer.verify(token, "api", now=now + 61)
    with pytest.raises(InvalidToken):
        signer.verify(token, "console", now=now)  # an API token is no console cookie
    with pytest.raises(InvalidToken):
        TokenSigner("secret-two").verify(token, "api", now=now)
    claims = signer.verify(signer.issue(7, "console", 60), "console")
    assert signer.check_csrf(claims.nonce, signer.csrf_token(claims.nonce))
    assert not signer.check_csrf(claims.nonce, "forged")
    assert not signer.check_csrf(claims.nonce, None)


def test_expired_bearer_token_is_refused(app_and_services, settings):
    app, services = app_and_services
    member = services.staff.by_username("lin")
    stale = TokenSigner(effective_secret_key(settings)).issue(member.id, "api", 60, now=time.time() - 120)
    with TestClient(app) as client:
        assert client.get("/probe/staff", headers={"Authorization": f"Bearer {stale}"}).status_code == 401


def test_console_cookie_is_a_session_not_a_bearer(app_and_services, settings):
    app, services = app_and_services
    member = services.staff.by_username("lin")
    signer = TokenSigner(effective_secret_key(settings))
    with TestClient(app) as client:
        client.cookies.set(SESSION_COOKIE, signer.issue(member.id, "console", 600))
        assert client.get("/probe/staff").json() == {"who": "lin"}
        client.cookies.set(SESSION_COOKIE, signer.issue(member.id, "api", 600))
        assert client.get("/probe/staff").status_code == 401


def test_cli_adds_staff_with_password_from_env(settings, monkeypatch, capsys):
    from api.cli import main
    from assistant.staff.accounts import StaffDirectory
    from knowledge.database import make_engine
    from api.settings import get_settings

    monkeypatch.setenv("FAYUAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAYUAN_STAFF_PASSWORD", "cli-password-1")
    get_settings.cache_clear()
    try:
        assert main(["staff", "add", "wang", "--role", "admin"]) == 0
        assert main(["staff", "add", "wang", "--role", "staff"]) == 2  # duplicate: clear error
        assert "already exists" in capsys.readouterr().err
        directory = StaffDirectory(make_engine(get_settings().resolved_database_url))
        assert directory.authenticate("wang", "cli-password-1").role == "admin"
    finally:
        get_settings.cache_clear()
