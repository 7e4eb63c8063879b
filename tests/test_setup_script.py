"""scripts/setup.sh run for real by bash, in a copy of the repository whose .venv holds a stand-in
`python` (a shell script): the installs become no-ops, and `pip list` prints what we choose, so the
CUDA warning can be checked without installing GBs of torch."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# `-m pip list` prints the listing given in $FAKE_PIP_LIST line by line, pausing after the first line
# as a real pip does between writes: a reader that stops early closes the pipe under it.
STAND_IN_PYTHON = r"""#!/usr/bin/env bash
case "$*" in
  "-V") echo "Python 3.12.1" ;;
  "-m pip list")
     first=1
     while IFS= read -r line; do
       echo "$line"
       if [ "$first" = 1 ]; then first=0; sleep 0.3; fi
     done <<<"$FAKE_PIP_LIST" ;;
  *"print(torch.__version__)"*) echo "2.13.0+cpu" ;;
  *) exit 0 ;;
esac
"""


def _run_setup(tmp_path: Path, installed: list[str]) -> subprocess.CompletedProcess:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    bin_dir = repo / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(STAND_IN_PYTHON)
    (bin_dir / "python").chmod(0o755)
    (bin_dir / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n')
    listing = ["Package Version", "------- -------", *installed,
               *(f"package-{i:03d} 1.0" for i in range(300))]
    env = {**os.environ, "FAKE_PIP_LIST": "\n".join(listing), "FAYUAN_WHEELHOUSE": ""}
    env.pop("FAYUAN_SETUP_MODEL", None)
    return subprocess.run(["bash", str(repo / "scripts" / "setup.sh")], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_setup_warns_when_cuda_packages_got_installed(tmp_path):
    # before the fix `pip list | grep -qi '^nvidia-'` under pipefail was false (pip died of the pipe
    # grep closed) and this warning never showed, on a real 3.12 set-up with 15 nvidia-* packages
    done = _run_setup(tmp_path, ["nvidia-cublas 13.1.1.3", "nvidia-cudnn-cu13 9.13.0"])
    assert done.returncode == 0, done.stderr
    assert "CUDA packages (nvidia-*) are installed" in done.stderr
    assert "[setup" in done.stdout and "done" in done.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_setup_is_quiet_about_cuda_without_nvidia_packages(tmp_path):
    done = _run_setup(tmp_path, ["torch 2.13.0+cpu"])
    assert done.returncode == 0, done.stderr
    assert "CUDA" not in done.stderr
