"""The build of the shipped ranking files (`python -m ingest.ranking.build`), run for real on a small
corpus (the fixtures plus 劳动合同法) and four questions, with the real query encoder: without
article vectors it writes the reranker, the answer counts and the known questions, and the lay
ranker loads what it wrote."""
from __future__ import annotations

import json
import shutil

import pytest

from ingest.ranking.build import main as build
from knowledge.embeddings import DEFAULT_MODEL
from knowledge.ranking.known import AnswerCounts, KnownQuestions
from knowledge.ranking.pipeline import (ADAPTER_FILE, COUNTS_FILE, KNOWN_FILE, RERANKER_FILE, TUNED_FILE,
                                        LayRanker)
from tests.conftest import FIXTURES, REPO

MODELS = REPO / "data" / "models"
QUESTIONS = [
    ("老板三个月没发工资，我能不能辞职还要经济补偿", [38, 46]),
    ("公司不跟我签劳动合同怎么办", [82]),
    ("试用期最长可以多久", [19]),
    ("合同到期公司不续签有补偿吗", [46]),
]


@pytest.mark.skipif(not (MODELS / DEFAULT_MODEL).is_dir(), reason="embedding model not set up")
def test_the_build_writes_ranking_files_the_lay_ranker_loads(tmp_path, laws_dir, monkeypatch):
    laws = tmp_path / "laws"
    shutil.copytree(FIXTURES / "laws", laws)
    shutil.copyfile(laws_dir / "社会法" / "劳动合同法(2012-12-28).md", laws / "社会法" / "劳动合同法(2012-12-28).md")
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps({"id": i, "question": q, "gold": [
        {"law": "劳动合同法", "article": a, "in_corpus": True} for a in gold]}, ensure_ascii=False) + "\n"
        for i, (q, gold) in enumerate(QUESTIONS, 1)), encoding="utf-8")
    monkeypatch.setenv("FAYUAN_MODEL_DIR", str(MODELS))
    out = tmp_path / "learned"

    build(["--laws", str(laws), "--questions", str(questions), "--data-dir", str(tmp_path / "data"),
           "--out", str(out)])

    # no article vectors in this data folder: no dense side, so neither query-side file
    assert not (out / TUNED_FILE).exists() and not (out / ADAPTER_FILE).exists()
    counts = AnswerCounts.load(out / COUNTS_FILE).counts
    assert counts == {("劳动合同法", "46"): 2, ("劳动合同法", "38"): 1, ("劳动合同法", "82"): 1,
                      ("劳动合同法", "19"): 1}
    known = KnownQuestions.load(out / KNOWN_FILE)
    assert known.vectors.shape[0] == 4 and known.gold[0] == [("劳动合同法", "38"), ("劳动合同法", "46")]
    ranker = LayRanker.load(out, model_id=known.model_id)
    assert ranker.known is not None and ranker.counts is not None
    assert not ranker.reranker.uses_dense and ranker.reranker.meta["questions"] == 4
    assert json.loads((out / RERANKER_FILE).read_text(encoding="utf-8"))["meta"]["dense"] is False
