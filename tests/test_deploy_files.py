"""deploy/: the compose file is a valid Compose document (the Compose Specification's JSON schema,
tests/fixtures/compose-spec/) describing the topology tests/test_multi_node.py runs without Docker;
the Dockerfile, nginx and systemd files say what docs/deploy.md says. Docker is not installed
here: hadolint and `docker compose config` are run by hand (docs/deploy.md, "Checking the files")."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, REPO

DEPLOY = REPO / "deploy"
API_REPLICAS = ("api-a", "api-b")
FAYUAN_SERVICES = ("ingest", *API_REPLICAS)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def _setting_names() -> set[str]:
    from api.settings import Settings

    return {f"FAYUAN_{name.upper()}" for name in Settings.model_fields}


def test_compose_file_matches_the_compose_specification(compose):
    from jsonschema import Draft202012Validator

    schema = json.loads((FIXTURES / "compose-spec" / "compose-spec.json").read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in Draft202012Validator(schema).iter_errors(compose)]
    assert errors == []


def test_compose_runs_two_replicas_over_shared_stores_after_the_ingest_job(compose):
    services = compose["services"]
    assert {"postgres", "redis", "chroma", "nginx", *FAYUAN_SERVICES} <= set(services)
    for name in FAYUAN_SERVICES:
        env = services[name]["environment"]
        assert env["FAYUAN_CHROMA_URL"] == "http://chroma:8000"
        assert env["FAYUAN_DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in env["FAYUAN_DATABASE_URL"]
        assert env["FAYUAN_REDIS_URL"].startswith("redis://redis:")
        assert env["FAYUAN_ENV"] == "production" and env["FAYUAN_SECRET_KEY"].startswith("${FAYUAN_SECRET_KEY:?")
        assert "fayuan-data:/data" in services[name]["volumes"]      # one knowledge base for every host
    for name in API_REPLICAS:
        api = services[name]
        assert api["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
        assert all(api["depends_on"][store]["condition"] == "service_healthy" for store in ("postgres", "redis", "chroma"))
    assert services["ingest"]["command"][:2] == ["ingest", "/laws"] and services["ingest"]["restart"] == "no"
    # the Chroma server is the client's own version: it runs from the Fayuan image
    assert services["chroma"]["image"] == services["api-a"]["image"] and services["chroma"]["entrypoint"] == ["chroma"]


def test_every_fayuan_variable_in_compose_is_a_real_setting(compose):
    known = _setting_names()
    used = {name for service in compose["services"].values() for name in (service.get("environment") or {})
            if name.startswith("FAYUAN_")}
    assert used and used <= known, sorted(used - known)


def test_only_nginx_is_a_trusted_proxy(compose):
    nginx_ip = compose["services"]["nginx"]["networks"]["default"]["ipv4_address"]
    for name in API_REPLICAS:
        assert json.loads(compose["services"][name]["environment"]["FAYUAN_TRUSTED_PROXIES"]) == [nginx_ip]


def test_nginx_balances_over_exactly_the_compose_replicas():
    conf = (DEPLOY / "nginx" / "default.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream fayuan_api \{(.*?)\}", conf, re.S).group(1)
    assert tuple(re.findall(r"server ([\w-]+):8000", upstream)) == API_REPLICAS
    locations = (DEPLOY / "nginx" / "fayuan-locations.inc").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in locations   # replaced, never appended
    assert re.search(r"location /v1/chat/stream \{[^}]*proxy_buffering off;", locations)


def test_dockerfile_is_cpu_only_non_root_with_the_model_and_a_readiness_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu" in text
    assert not re.search(r"cuda|nvidia", " ".join(re.findall(r"^(?:FROM|ARG) .*$", text, re.M)), re.I)
    assert "python -m knowledge.embeddings.setup --dir /opt/fayuan-models" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    healthcheck = re.search(r"^HEALTHCHECK .*?(?<!\\)\n", text, re.M | re.S).group(0)
    assert "/readyz" in healthcheck
    env_names = set(re.findall(r"\b(FAYUAN_[A-Z_]+)=", text))
    assert env_names and env_names <= _setting_names()


def test_systemd_unit_runs_fayuan_serve_unprivileged_on_loopback():
    unit = (DEPLOY / "fayuan.service").read_text(encoding="utf-8")
    service = dict(re.findall(r"^(\w+)=(.*)$", unit.split("[Service]")[1].split("[Install]")[0], re.M))
    assert service["User"] == "fayuan" and service["NoNewPrivileges"] == "yes"
    assert service["ExecStart"].endswith("fayuan serve --host 127.0.0.1 --port 8000")
    assert "/var/lib/fayuan" in service["ReadWritePaths"] and "FAYUAN_DATA_DIR=/var/lib/fayuan" in service["Environment"]
    assert "WantedBy=multi-user.target" in unit
