"""Schemathesis against the app's own OpenAPI schema: every public and staff operation, called
with an admin bearer token, in-process (ASGI). Failures = server errors (5xx), responses that do
not match the declared status codes / response models / content types, accepted invalid input.

    python -m evals.fuzz                        # 200 examples per operation, seed 1, the served KB
    python -m evals.fuzz --max-examples 50 --seed 7 --phases examples,coverage,fuzzing

The served knowledge base (FAYUAN_DATA_DIR) is opened read-only; sessions, tickets and staff
accounts go to a throw-away records database in a temporary folder. The summary (operations,
examples sent, failures) is printed and written to data/evals/fuzz.json.

tests/test_api_fuzz.py runs the same app (`fuzz_app`) on the small test knowledge base with a
bounded, derandomized budget."""
from __future__ import annotations

import argparse
import base64
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import Settings

ADMIN, STAFF = "fuzz-admin", "fuzz-staff"
PASSWORDS = {ADMIN: "fuzz-admin-password", STAFF: "fuzz-staff-password"}
# real argon2id with small parameters: the fuzzer hammers /v1/auth/token
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


TOKEN_REFRESH_S = 300
# Operations whose valid-looking bodies may still be refused with 422 and a reason, for rules that
# cannot be said in JSON Schema: a regional standard's cross-field rules (the parent region exists,
# effective_to is not before effective_from) and the legal tools' (an end date not before the start
# date, a start date for every kind with a period, 中断/中止 only where the law allows them).
ACCEPTS_422 = {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}}
SEMANTIC_422 = [
    {"include-path": "/v1/admin/regions/{region}", "include-method": "PUT", "checks": ACCEPTS_422},
    {"include-path": "/v1/tools/deadline", "include-method": "POST", "checks": ACCEPTS_422},
    {"include-path": "/v1/tools/compensation", "include-method": "POST", "checks": ACCEPTS_422},
]
# documents: whether facts fit (dates in order and not in the future, a real day, repaid <= lent)
# is more than a JSON schema says, so a schema-valid body may still be a 422 with a reason
SEMANTIC_422 += [{"include-path": path, "include-method": "POST", "checks": ACCEPTS_422}
                 for path in ("/v1/documents", "/v1/handoffs/{ticket_id}/documents")]
NEGATIVE_REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


def _aes_key(seed: bytes) -> str:
    return base64.b64encode(seed.ljust(32, b"0")[:32]).decode().rstrip("=")


def fuzz_settings(base: Settings, records_dir: Path) -> Settings:
    """`base` (its knowledge base) with a fresh records database, every WeChat channel switched on
    (so the callbacks' signature and decryption paths are fuzzed too), the SLA worker off and the
    per-IP rate limits and the login throttle off (thousands of requests from one client would
    mostly meet 429s; the limits have their own tests)."""
    return base.model_copy(update={
        "database_url": f"sqlite:///{(records_dir / 'records.sqlite3').as_posix()}",
        "secret_key": "fuzz-secret-key-not-for-production",
        "sla_sweep_interval_s": 0.0, "notify_webhook_url": None, "llm_base_url": None,
        "rate_limits_enabled": False, "login_max_failures": 10**9, "login_max_failures_per_ip": 10**9,
        "wechat_token": "fuzz-oa-token", "wechat_appid": "wx-fuzz", "wechat_aes_key": _aes_key(b"oa"),
        "wecom_corp_id": "ww-fuzz", "wecom_token": "fuzz-wecom-token", "wecom_aes_key": _aes_key(b"wecom"),
        "wecom_agent_id": "1000002", "wecom_bot_token": "fuzz-bot-token", "wecom_bot_aes_key": _aes_key(b"bot"),
    })


@contextmanager
def fuzz_app(base: Settings, records_dir: Path, knowledge=None) -> Iterator[tuple[FastAPI, Callable[[], str]]]:
    """The real app (build_services + create_app) on `base`'s knowledge base — or on an already
    opened `knowledge` — with an admin and a staff account; yields (app, a function returning a
    fresh admin bearer token from POST /v1/auth/token)."""
    from api.app import create_app
    from api.services import build_services
    from assistant.staff.accounts import StaffDirectory

    settings = fuzz_settings(base, records_dir)
    if knowledge is not None:   # do not open a second copy of an already loaded knowledge base
        settings = settings.model_copy(update={"data_dir": records_dir / "data"})
    services = build_services(settings)
    if knowledge is not None:
        services.knowledge = knowledge
    services.staff = StaffDirectory(services.records_engine, hasher=FAST_HASHER)
    services.staff.add(ADMIN, PASSWORDS[ADMIN], role="admin")
    services.staff.add(STAFF, PASSWORDS[STAFF], role="staff")
    app = create_app(settings, services)
    with TestClient(app) as client:
        yield app, lambda: bearer_token(client, ADMIN)
    services.records_engine.dispose()


def bearer_token(client: TestClient, username: str) -> str:
    """A staff API token obtained the way a client does: POST /v1/auth/token."""
    answer = client.post("/v1/auth/token", json={"username": username, "password": PASSWORDS[username]})
    answer.raise_for_status()
    return answer.json()["access_token"]


def run_engine(app: FastAPI, admin_token: Callable[[], str], *, max_examples: int, seed: int,
               phases: list[str]) -> dict:
    """Run schemathesis' engine (what `schemathesis run` does) in-process; returns the summary.
    Every request carries an admin token; after a 401 (the fuzzer called /v1/auth/logout, which
    revokes it) a new one is fetched and the request replayed."""
    import schemathesis
    from schemathesis.engine import events, from_schema

    config = schemathesis.Config.from_dict({
        "seed": seed, "phases": {name: {"enabled": name in phases}
                                                   for name in ("examples", "coverage", "fuzzing", "stateful")},
        "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
        # 413 (the body cap) is a rejection of an invalid body as much as 422 is
        "checks": {"enabled": True, "negative_data_rejection": {"expected-statuses": NEGATIVE_REJECTIONS}},
        "operations": SEMANTIC_422,
    })
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

    @schema.auth(refresh_interval=TOKEN_REFRESH_S, retry_on=[401])
    class AdminToken:
        def get(self, case, context):
            return admin_token()

        def set(self, case, token, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

    operations, calls, failures, errors = set(), 0, [], []
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            if event.label:
                operations.add(event.label)
            calls += len(event.recorder.interactions)
            for case_id, case_checks in event.recorder.checks.items():
                for check in case_checks:
                    if check.status.value == "failure":
                        failures.append(_failure(event.label, check, event.recorder.interactions.get(case_id)))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            error = str(getattr(event, "info", event))
            if error.split("\n")[0] not in {seen.split("\n")[0] for seen in errors}:   # shrinking repeats it
                errors.append(error)
    unique = {(f["operation"], f["check"], f["message"]): f for f in reversed(failures)}
    return {"operations": sorted(operations), "operations_tested": len(operations), "requests": calls,
            "max_examples": max_examples, "seed": seed, "phases": phases,
            "failures": list(unique.values()), "errors": errors,
            "seconds": round(time.monotonic() - started, 1)}


def _failure(operation: str, check, interaction) -> dict:
    failure = check.failure_info.failure if check.failure_info else None
    found = {"operation": operation, "check": check.name, "message": failure.title if failure else ""}
    if interaction is not None:   # one example request, to reproduce it as a regression test
        found["example"] = {"request": f"{interaction.request.method} {interaction.request.uri}",
                            "body": (interaction.request.body or b"")[:2000].decode("utf-8", "replace"),
                            "status": interaction.response.status_code if interaction.response else None,
                            "response": (interaction.response.content or b"")[:300].decode("utf-8", "replace")
                            if interaction.response else None}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    args = parser.parse_args()

    from evals.common import write_result
    from api.settings import get_settings

    with tempfile.TemporaryDirectory(prefix="fayuan-fuzz-") as tmp, \
            fuzz_app(get_settings(), Path(tmp)) as (app, admin_token):
        summary = run_engine(app, admin_token, max_examples=args.max_examples, seed=args.seed,
                             phases=args.phases.split(","))
    out = write_result("fuzz", summary)
    print(f"operations {summary['operations_tested']}, requests {summary['requests']}, "
          f"failures {len(summary['failures'])}, errors {len(summary['errors'])}, {summary['seconds']} s -> {out}")
    for failure in summary["failures"]:
        print(f"  {failure['operation']}: {failure['check']}: {failure['message']}")
    for error in summary["errors"]:
        print(f"  error: {error}")


if __name__ == "__main__":
    main()
