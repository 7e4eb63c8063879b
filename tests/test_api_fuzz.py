"""Schemathesis against the app's own OpenAPI schema (every public and staff operation, with an
admin bearer token from POST /v1/auth/token), in-process, with a small fixed budget and a fixed
seed so CI is deterministic. Fails on any server error, any response that does not match its
declared status codes / model / content type, and any accepted invalid or refused valid input.

A larger run: `python -m evals.fuzz` (see its docstring). Findings are kept as focused tests in
tests/test_api_fuzz_regressions.py."""
from __future__ import annotations

import json

import pytest

from evals.fuzz import fuzz_app, run_engine

MAX_EXAMPLES = 6
PHASES = ["examples", "coverage", "fuzzing", "stateful"]


@pytest.mark.corpus
def test_schemathesis_finds_nothing(small_kb, small_kb_settings, tmp_path):
    with fuzz_app(small_kb_settings, tmp_path, knowledge=small_kb) as (app, admin_token):
        summary = run_engine(app, admin_token, max_examples=MAX_EXAMPLES, seed=20260301, phases=PHASES)
    report = json.dumps({"failures": summary["failures"], "errors": summary["errors"]}, ensure_ascii=False, indent=1)
    assert summary["operations_tested"] >= 30, summary["operations"]   # the schema really was fuzzed
    assert not summary["failures"] and not summary["errors"], report
