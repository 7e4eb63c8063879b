#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: set-up, the system services the tests need
# (Chromium for browser tests, PostgreSQL for the records store), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
if [ -f scripts/system-deps.sh ]; then
  source scripts/system-deps.sh
fi
python -m pytest "$@"
