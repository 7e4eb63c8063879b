"""Staff login throttling (per username and per IP, reset on success) and server-side revocation of
staff credentials (logout of a console session or an API token, an admin revoking everything of one
staff member), over real HTTP with real signed tokens and the records database."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import SESSION_COOKIE
from api.services import build_services
from assistant.staff.accounts import StaffDirectory
from tests.handoff_helpers import FAST_HASHER


@pytest.fixture
def staff_app(settings, records_db_url):
    """The app on SQLite and (when FAYUAN_TEST_POSTGRES_URL is set) PostgreSQL records."""
    services = build_services(settings.model_copy(update={
        "database_url": records_db_url, "login_max_failures": 3, "login_max_failures_per_ip": 5}))
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add("lin", "lin-password", display_name="林芳")
    services.staff.add("wang", "wang-password")
    services.staff.add("boss", "boss-password", role="admin")
    return create_app(services=services), services


def _token_response(client, username, password):
    return client.post("/v1/auth/token", json={"username": username, "password": password})


def _token(client, username, password) -> dict:
    response = _token_response(client, username, password)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _console_login(client, username, password):
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)
    return client.post("/console/login", data={"username": username, "password": password, "csrf_token": csrf,
                                               "next": "/console/queue"})


# --- throttling -----------------------------------------------------------------------------------

def test_api_login_is_throttled_per_username_with_a_chinese_429(staff_app):
    client = TestClient(staff_app[0])
    assert [_token_response(client, "lin", "wrong").status_code for _ in range(3)] == [401, 401, 401]
    refused = _token_response(client, "lin", "lin-password")       # even the right password now waits
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.json()["detail"] and int(refused.headers["retry-after"]) > 0
    _token(client, "wang", "wang-password")                        # another account is not locked


def test_successful_login_resets_the_username_count(staff_app):
    client = TestClient(staff_app[0])
    for _ in range(2):
        assert _token_response(client, "lin", "wrong").status_code == 401
    _token(client, "lin", "lin-password")
    assert [_token_response(client, "lin", "wrong").status_code for _ in range(3)] == [401, 401, 401]
    assert _token_response(client, "lin", "wrong").status_code == 429


def test_one_ip_guessing_many_usernames_is_throttled_and_other_ips_are_not(staff_app):
    app, _ = staff_app
    attacker, colleague = TestClient(app, client=("198.51.100.7", 1)), TestClient(app, client=("198.51.100.8", 1))
    codes = [_token_response(attacker, f"user{i}", "guess").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]
    assert _token_response(attacker, "wang", "wang-password").status_code == 429
    _token(colleague, "wang", "wang-password")


def test_console_login_is_throttled_too_and_shows_the_form_with_the_reason(staff_app):
    client = TestClient(staff_app[0], follow_redirects=False)
    for _ in range(3):
        assert _console_login(client, "lin", "wrong").status_code == 303
    page = _console_login(client, "lin", "lin-password")
    assert page.status_code == 429 and page.headers["retry-after"]
    assert "登录失败次数过多" in page.text and 'name="password"' in page.text
    assert SESSION_COOKIE not in client.cookies


# --- revocation --------------------------------------------------------------------------------------

def test_console_logout_revokes_the_session_on_the_server(staff_app):
    client = TestClient(staff_app[0], follow_redirects=False)
    assert _console_login(client, "lin", "lin-password").status_code == 303
    cookie = client.cookies[SESSION_COOKIE]
    queue = client.get("/console/queue")
    assert queue.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', queue.text).group(1)
    assert client.post("/console/logout", data={"csrf_token": csrf}).status_code == 303
    replay = TestClient(staff_app[0], follow_redirects=False)
    replay.cookies.set(SESSION_COOKIE, cookie)             # a copy of the cookie taken before logout
    assert replay.get("/console/queue").status_code == 303  # → the login page
    assert _console_login(client, "lin", "lin-password").status_code == 303
    assert client.get("/console/queue").status_code == 200  # logging in again works


def test_api_logout_revokes_only_that_token(staff_app):
    client = TestClient(staff_app[0])
    first, second = _token(client, "lin", "lin-password"), _token(client, "lin", "lin-password")
    assert client.post("/v1/auth/logout", headers=first).status_code == 204
    assert client.get("/v1/auth/me", headers=first).status_code == 401
    assert client.get("/v1/auth/me", headers=second).json()["username"] == "lin"


def test_admin_revokes_every_session_and_token_of_a_staff_member(staff_app):
    app, _ = staff_app
    client = TestClient(app, follow_redirects=False)
    lin_api = _token(client, "lin", "lin-password")
    lin_console = TestClient(app, follow_redirects=False)
    assert _console_login(lin_console, "lin", "lin-password").status_code == 303
    wang_api, boss = _token(client, "wang", "wang-password"), _token(client, "boss", "boss-password")

    assert client.post("/v1/auth/staff/lin/revoke", headers=wang_api).status_code == 403   # admins only
    assert client.post("/v1/auth/staff/nobody/revoke", headers=boss).status_code == 404
    assert client.post("/v1/auth/staff/lin/revoke", headers=boss).json()["username"] == "lin"

    assert client.get("/v1/auth/me", headers=lin_api).status_code == 401
    assert lin_console.get("/console/queue").status_code == 303
    assert client.get("/v1/auth/me", headers=wang_api).status_code == 200             # others untouched
    assert client.get("/v1/auth/me", headers=_token(client, "lin", "lin-password")).status_code == 200


def test_a_new_password_ends_the_old_sessions(staff_app):
    app, services = staff_app
    client = TestClient(app)
    old = _token(client, "lin", "lin-password")
    services.staff.set_password("lin", "new-password-1")
    assert client.get("/v1/auth/me", headers=old).status_code == 401
    assert client.get("/v1/auth/me", headers=_token(client, "lin", "new-password-1")).status_code == 200


def test_fayuan_staff_revoke_from_the_shell(staff_app, settings):
    import os
    import subprocess
    import sys

    app, services = staff_app
    client = TestClient(app)
    token = _token(client, "lin", "lin-password")
    env = {**os.environ, "FAYUAN_DATA_DIR": str(settings.data_dir),
           "FAYUAN_DATABASE_URL": services.records_engine.url.render_as_string(hide_password=False)}
    done = subprocess.run([sys.executable, "-m", "api.cli", "staff", "revoke", "lin"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert client.get("/v1/auth/me", headers=token).status_code == 401
    unknown = subprocess.run([sys.executable, "-m", "api.cli", "staff", "revoke", "nobody"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "no staff account" in unknown.stderr
