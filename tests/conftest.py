"""Shared fixtures: real stores in temporary folders, the real corpus located beside the repo."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FAYUAN_SHARED_DIR", REPO.parent / "shared"))
LAWS_DIR = Path(os.environ.get("FAYUAN_LAWS_DIR", SHARED / "laws"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def laws_dir() -> Path:
    if not LAWS_DIR.is_dir():
        pytest.skip(f"statute corpus not found at {LAWS_DIR}")
    return LAWS_DIR


@pytest.fixture
def settings(tmp_path):
    from knowledge.settings import Settings

    return Settings(data_dir=tmp_path / "data", model_dir=REPO / "data" / "models")
