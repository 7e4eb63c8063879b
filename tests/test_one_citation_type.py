"""Issue #27: one citation type. `knowledge.types.Citation` is the only class of that name; the
legal tools cite with it too (their API shape comes from it through `tool_citation_json`)."""
from __future__ import annotations

import ast
from pathlib import Path

from assistant.tools.citations import Basis, cite_all, tool_citation_json
from knowledge.types import Citation

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("knowledge", "ingest", "assistant", "api", "evals")


def classes_named(name: str) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found += [str(path.relative_to(REPO)) for node in ast.walk(tree)
                      if isinstance(node, ast.ClassDef) and node.name == name]
    return found


def test_citation_is_defined_once():
    assert classes_named("Citation") == ["knowledge/types.py"]


def test_a_tool_cites_with_the_knowledge_base_citation():
    citations, notes = cite_all(None, [Basis("劳动合同法", "10-1", "x"), Basis("劳动合同法", "10-1", "y")])
    assert [type(c) for c in citations] == [Citation]
    assert not citations[0].found and citations[0].label == "《劳动合同法》第十条之一"
    assert tool_citation_json(citations[0]) == {"law": "劳动合同法", "article_id": "10-1", "text": None, "found": False}
    assert "《劳动合同法》第十条之一" in notes[0]


def test_a_found_article_keeps_the_tools_shape_and_the_chat_shape():
    found = Citation(text="用人单位……", law="劳动合同法", article_id="47")
    assert list(tool_citation_json(found)) == ["law", "article_id", "text", "found"]
    assert tool_citation_json(found)["found"] is True
    assert found.to_json() == {"law": "劳动合同法", "article_id": "47", "text": "用人单位……", "label": "《劳动合同法》第四十七条"}
    assert found.to_dict() == {"text": "用人单位……", "law": "劳动合同法", "article_id": "47", "case_title": None, "section": None}
