"""What the serving process holds (docs/performance.md, "Memory"): the base and the tuned query
encoder share one tokenizer (280 MB each before), the chart library loads only when a chart is
drawn, the BM25 matrices are memory-mapped."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from knowledge.embeddings import OnnxEmbedder, model_folder
from knowledge.embeddings.tuned import QueryDeltas, tuned_folder
from knowledge.lexical import LexicalIndex
from knowledge.generations import current_generation
from knowledge.ranking.pipeline import LEARNED_DIR, TUNED_FILE
from tests.conftest import REPO

MODELS = REPO / "data" / "models"


def test_the_base_and_the_tuned_query_encoder_share_one_tokenizer():
    base_folder = model_folder(MODELS)
    tuned = tuned_folder(base_folder, QueryDeltas.load(LEARNED_DIR / TUNED_FILE))
    base = OnnxEmbedder(base_folder, threads=1)
    tuned_encoder = OnnxEmbedder(tuned, threads=1, name=tuned.name)
    assert base.tokenizer is tuned_encoder.tokenizer
    other_length = OnnxEmbedder(base_folder, threads=1, max_length=128)
    assert other_length.tokenizer is not base.tokenizer          # truncation differs: its own
    assert len(other_length.token_ids(["劳" * 400])[0]) == 128
    assert len(base.token_ids(["劳" * 400])[0]) > 128             # the shared one kept its own setting
    from tokenizers import Tokenizer

    own = Tokenizer.from_file(str(tuned / "tokenizer.json"))
    own.no_padding()
    own.enable_truncation(max_length=512)
    text = "query: 老板拖欠工资三个月怎么办"
    assert tuned_encoder.token_ids([text])[0] == own.encode(text).ids


def test_the_base_and_the_tuned_query_encoder_map_one_token_embedding_table():
    base_folder = model_folder(MODELS)
    tuned = tuned_folder(base_folder, QueryDeltas.load(LEARNED_DIR / TUNED_FILE))
    base = OnnxEmbedder(base_folder, threads=1)
    tuned_encoder = OnnxEmbedder(tuned, threads=1, name=tuned.name)
    (name, value), = base._mapped.items()
    assert tuned_encoder._mapped[name].data_ptr() == value.data_ptr()     # its pages count once


def test_serving_imports_no_chart_library():
    code = "import sys, api.app; print(any(m.startswith('matplotlib') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_bm25_matrices_are_memory_mapped(small_kb_settings):
    index = LexicalIndex.load(current_generation(small_kb_settings.kb_dir))
    assert isinstance(index.bm25.scores["data"], np.memmap)
    assert index.scores("拖欠工资").max() > 0


def test_the_legal_tokenizer_shares_the_default_jieba_dictionary_and_cuts_as_before():
    import jieba

    from knowledge.lexical import LegalTokenizer

    legal = LegalTokenizer(["拖欠工资", "法援测试词语"])
    own = jieba.Tokenizer()          # what LegalTokenizer built before: a dictionary of its own
    own.initialize()
    for word in legal.user_words:
        own.add_word(word, freq=20000)
    assert legal._jieba.FREQ == own.FREQ and legal._jieba.total == own.total
    word = next(w for w in jieba.dt.FREQ if len(w) == 4)
    shared = next(k for k in legal._jieba.FREQ if k == word)
    assert shared is next(k for k in jieba.dt.FREQ if k == word)   # one str object, two tables
    assert "法援测试词语" in legal._jieba.FREQ and "法援测试词语" not in jieba.dt.FREQ   # ours stay ours
    before = LegalTokenizer(["拖欠工资", "法援测试词语"])
    before._jieba = own
    text = "老板拖欠工资三个月，公司违法解除劳动合同要赔偿吗？法援测试词语"
    assert legal.tokens(text) == before.tokens(text)

def test_docmeta_holds_one_string_per_distinct_level_region_and_category(small_kb_settings):
    from knowledge.docmeta import DocMeta, SearchFilters

    meta = DocMeta.load(current_generation(small_kb_settings.kb_dir))
    for column in (meta.kinds, meta.levels, meta.regions, meta.categories):
        assert len({id(v) for v in column}) == len(set(column.tolist()))
    national = meta.mask(SearchFilters(national_only=True))
    assert 0 < national.sum() < meta.current.sum()
    assert meta.mask(SearchFilters(kind="case")).sum() == ((meta.kinds == "case") & meta.current).sum()
