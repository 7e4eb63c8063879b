#!/usr/bin/env bash
# Offline install: build a folder of wheels on a machine with network, copy it (with the clone)
# to the machine without, install from it there.
#
#   bash scripts/wheelhouse.sh build [DIR]     # DIR (default wheelhouse/): the project's wheels, torch CPU build
#   bash scripts/wheelhouse.sh install [DIR]   # no network: scripts/setup.sh with pip reading only DIR
#
# Build and install on the same OS, CPU architecture and Python minor version (wheels are tagged).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-}
dir=${2:-wheelhouse}
PYTHON=${PYTHON:-python3}
case "$what" in
  build)
    mkdir -p "$dir"
    echo "[wheelhouse] torch 2.13.0 CPU build -> $dir"
    if [ "${FAYUAN_TORCH_INDEX:-}" = "pip" ]; then      # pip's own sources (a mirror with the CPU build)
      "$PYTHON" -m pip download --progress-bar on -d "$dir" "torch==2.13.0"
    else
      "$PYTHON" -m pip download --progress-bar on -d "$dir" \
        --index-url "${FAYUAN_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}" "torch==2.13.0"
    fi
    echo "[wheelhouse] the project and every dependency (dev extras included) -> $dir"
    # torch is already there: --find-links lets pip see it instead of PyPI's CUDA build
    "$PYTHON" -m pip download --progress-bar on -d "$dir" --find-links "$dir" ".[dev]" setuptools wheel pip
    "$PYTHON" -m pip wheel --no-deps -w "$dir" --find-links "$dir" .
    echo "[wheelhouse] $(ls "$dir" | wc -l) files, $(du -sh "$dir" | cut -f1) in $dir"
    ;;
  install)
    [ -d "$dir" ] || { echo "wheelhouse: no folder $dir (build it first)" >&2; exit 2; }
    FAYUAN_WHEELHOUSE="$(cd "$dir" && pwd)" PIP_NO_INDEX=1 PIP_FIND_LINKS="$(cd "$dir" && pwd)" bash scripts/setup.sh
    ;;
  *)
    echo "usage: bash scripts/wheelhouse.sh build|install [DIR]" >&2
    exit 2
    ;;
esac
