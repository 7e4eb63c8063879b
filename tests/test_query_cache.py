"""The query-embedding LRU in front of the real ONNX embedder: same vectors, fewer model runs."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import DEFAULT_MODEL, OnnxEmbedder
from knowledge.embeddings.query_cache import QueryEmbeddingCache, with_query_cache
from tests.test_embeddings import folder, model_dir  # noqa: F401 - the model fixtures

QUESTIONS = ["老板拖欠工资三个月怎么办", "离婚后孩子归谁抚养", "借钱不还可以起诉吗"]


class _CountingQueries:
    def __init__(self, inner):
        self.inner, self.model_id, self.texts = inner, inner.model_id, 0

    def embed_queries(self, texts):
        self.texts += len(texts)
        return self.inner.embed_queries(texts)


@pytest.fixture(scope="module")
def onnx(folder):  # noqa: F811
    return OnnxEmbedder(folder, quantized=True, name=DEFAULT_MODEL)


def test_hits_return_the_models_vectors_without_running_it(onnx):
    counting = _CountingQueries(onnx)
    cache = QueryEmbeddingCache(counting, maxsize=8)
    first = cache.embed_queries(QUESTIONS)
    assert counting.texts == 3
    np.testing.assert_array_equal(first, onnx.embed_queries(QUESTIONS))
    again = cache.embed_queries([QUESTIONS[2], "工伤怎么认定", QUESTIONS[0]])
    assert counting.texts == 4            # only the new question ran through the model
    np.testing.assert_array_equal(again[0], first[2])
    np.testing.assert_array_equal(again[2], first[0])
    np.testing.assert_array_equal(again[1], onnx.embed_queries(["工伤怎么认定"])[0])
    assert (cache.hits, cache.misses) == (2, 4)


def test_least_recently_used_is_evicted_and_results_are_copies(onnx):
    counting = _CountingQueries(onnx)
    cache = QueryEmbeddingCache(counting, maxsize=2)
    cache.embed_queries(QUESTIONS[:2])
    cache.embed_queries(QUESTIONS[:1])          # QUESTIONS[0] is now the most recent
    cache.embed_queries(QUESTIONS[2:])          # evicts QUESTIONS[1]
    assert counting.texts == 3 and cache.cached_count == cache.maxsize == 2
    cache.embed_queries(QUESTIONS[:1])
    assert counting.texts == 3
    cache.embed_queries(QUESTIONS[1:2])
    assert counting.texts == 4
    out = cache.embed_queries(QUESTIONS[:1])
    out[:] = 0                                  # a caller scribbling on its array
    assert np.abs(cache.embed_queries(QUESTIONS[:1])).sum() > 0


def test_wrapper_passes_everything_else_through(onnx):
    cache = with_query_cache(onnx, 16)
    assert cache.model_id == onnx.model_id and cache.dim == onnx.dim
    assert with_query_cache(cache, 16) is cache          # never wrapped twice
    assert with_query_cache(onnx, 0) is onnx             # 0 = off
    assert cache.embed_passages(["第一条 测试"]).shape == (1, onnx.dim)
    assert cache.embed_queries([]).shape[0] == 0
