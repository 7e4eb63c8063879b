#!/usr/bin/env bash
# The main job on a fresh machine: set up, ingest the statute folder into the local knowledge base
# (incremental: an unchanged folder costs seconds), then serve the API and pages on port 8000.
set -euo pipefail
cd "$(dirname "$0")/.."
FAYUAN_SETUP_MODEL=with-serve bash scripts/setup.sh   # the model is set up while the statutes are read
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec fayuan serve --ingest --host "${FAYUAN_HOST:-127.0.0.1}" --port "${FAYUAN_PORT:-8000}" "$@"
