"""Issue #27: the evals measure the product through its public interfaces. No eval reads a private
attribute (a name starting with `_`) of an object it did not create itself (`self._x` inside an
eval's own class is its own business), directly or through getattr/hasattr with a literal name."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
def _private(name) -> bool:
    return isinstance(name, str) and name.startswith("_") and not name.startswith("__")


def private_reads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1
              and isinstance(node.args[1], ast.Constant) and _private(node.args[1].value)):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Tuple) and any(isinstance(e, ast.Constant) and _private(e.value) for e in node.elts):
            found.append(f"{node.lineno}: {ast.unparse(node)}")   # ("label", holder, "_attr") tables
    return found


def test_evals_read_no_private_attributes_of_the_product():
    problems = {}
    for path in sorted((REPO / "evals").rglob("*.py")):
        rel = str(path.relative_to(REPO))
        if found := private_reads(path.read_text(encoding="utf-8")):
            problems[rel] = found
    assert problems == {}


def test_the_check_sees_attributes_getattr_and_name_tables():
    source = ("x = kb._rows\ny = getattr(kb, '_memo', None)\nfor a, b in (('rows', '_rows'),): pass\n"
              "class Own:\n    def f(self):\n        return self._x\n")
    assert private_reads(source) == ["1: kb._rows", "2: getattr(kb, '_memo', None)", "3: ('rows', '_rows')"]
