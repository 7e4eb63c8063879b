"""Imports run one way: knowledge ← ingest ← assistant ← api ← evals.

Each package may import only the packages below it (to its left above); knowledge imports none
of ours, and no package imports tests/. Every import counts, including the lazy ones inside
functions, since they tie the layers together just the same when they run.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: bottom to top; each layer may import the layers before it
LAYERS = ("knowledge", "ingest", "assistant", "api", "evals")
OURS = (*LAYERS, "tests")


def allowed(layer: str) -> set[str]:
    return set(LAYERS[: LAYERS.index(layer) + 1])


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) for every import in the file; relative imports stay in the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def upward_imports(layer: str) -> list[str]:
    ok = allowed(layer)
    problems = []
    for path in sorted((REPO / layer).rglob("*.py")):
        for line, package in imported_packages(path):
            if package in OURS and package not in ok:
                problems.append(f"{path.relative_to(REPO)}:{line} imports {package}")
    return problems


@pytest.mark.parametrize("layer", LAYERS)
def test_no_layer_imports_upward(layer):
    assert upward_imports(layer) == []


def test_the_check_sees_lazy_and_dotted_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nfrom . import sibling\nimport api.app\n"
        "def late():\n    from tests.kb_slice import TEST_CACHE\n",
        encoding="utf-8",
    )
    assert imported_packages(module) == [(1, "os"), (3, "api"), (5, "tests")]
