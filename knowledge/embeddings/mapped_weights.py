"""Large ONNX weights served from memory-mapped files instead of each session's own copy.

e5-small's token-embedding table (250,037 × 384 fp32, 384 MB) is most of the model, and int8
quantisation leaves it in fp32 (it feeds a Gather, not a MatMul). A query touches a few dozen of
its rows. Extracted once into ``<model>.mapped/`` next to the model and handed to onnxruntime as a
user initializer over a read-only mapping, it costs only the pages actually read, shared between
sessions and worker processes through the page cache. Measured on the tuned query encoder: a
session adds 65 MB of RSS instead of 430 MB, with identical output.

Two things keep "only the pages actually read" true (docs/performance.md, "Memory"):

* the mapping is advised ``MADV_RANDOM`` and the file's cached pages that no process maps are
  dropped when it is mapped: otherwise a read of one row brings in its neighbours (128 KB of
  read-ahead), and a fault maps the cached neighbours too (fault-around, 64 KB, or the whole
  large folio a freshly written file is cached in), so a few thousand distinct tokens showed as
  350 MB of RSS. A process that later reads the whole file fills the cache again (until a restart);
* tables with the same contents (the tuned query encoder keeps the base model's table) are mapped
  once per process, found by the sha256 of their file, so their pages count once."""
from __future__ import annotations

import hashlib
import json
import mmap
import os
import threading
from pathlib import Path

import numpy as np

MIN_BYTES = 16 * 1024 * 1024     # initializers at least this big are mapped
MANIFEST = "mapped.json"

_SHARED: dict[str, tuple[np.ndarray, object]] = {}   # table file sha256 → (mapped array, OrtValue)
_SHARED_LOCK = threading.Lock()


def _source_stamp(model_path: Path) -> dict:
    st = model_path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
        _drop_cached_pages(f.fileno())        # read once, not kept in the cache
    return digest.hexdigest()


def _write_manifest(folder: Path, manifest: dict) -> None:
    target = folder / MANIFEST
    tmp = target.with_name(f"{MANIFEST}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest), encoding="utf-8")
    os.replace(tmp, target)


def _extract(model_path: Path, folder: Path) -> None:
    """Write each large fp32 initializer of the model to folder/<n>.npy (atomically, so workers
    starting together never read a half-written file) and record each file's sha256."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_path))
    names, digests = [], []
    folder.mkdir(parents=True, exist_ok=True)
    for tensor in model.graph.initializer:
        if tensor.data_type != onnx.TensorProto.FLOAT or 4 * int(np.prod(tensor.dims)) < MIN_BYTES:
            continue
        target = folder / f"{len(names)}.npy"
        tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.npy")
        with open(tmp, "wb") as f:
            np.save(f, numpy_helper.to_array(tensor))
            f.flush()
            os.fsync(f.fileno())     # clean pages: _map_for_random_reads can drop them from the cache
        os.replace(tmp, target)
        names.append(tensor.name)
        digests.append(_file_sha256(target))
    _write_manifest(folder, {"names": names, "sha256": digests, "source": _source_stamp(model_path)})


def _with_digests(folder: Path, manifest: dict) -> dict:
    """A manifest written before the sha256 were recorded gets them now (written back when the
    folder is writable; a read-only one is hashed at each start)."""
    if len(manifest.get("sha256", ())) == len(manifest["names"]):
        return manifest
    manifest = {**manifest, "sha256": [_file_sha256(folder / f"{i}.npy") for i in range(len(manifest["names"]))]}
    try:
        _write_manifest(folder, manifest)
    except OSError:
        pass
    return manifest


def _read_manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def ensure_extracted(model_path: Path) -> tuple[Path, list[str]]:
    """The folder of the model's mapped weights and their names, extracted if missing or older
    than the model file (the set-up calls this after an export, so a server start never has to)."""
    folder, manifest = _ensure_manifest(model_path)
    return folder, manifest["names"]


def _ensure_manifest(model_path: Path) -> tuple[Path, dict]:
    folder = model_path.with_name(model_path.name + ".mapped")
    try:
        manifest = _read_manifest(folder)
        fresh = manifest["source"] == _source_stamp(model_path)
    except (OSError, ValueError, KeyError):
        fresh = False
    if not fresh:
        _extract(model_path, folder)
        manifest = _read_manifest(folder)
    return folder, _with_digests(folder, manifest)


def _drop_cached_pages(fd: int) -> None:
    """Drop the file's clean cached pages that no process maps (Linux; elsewhere a no-op)."""
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _map_for_random_reads(path: Path) -> np.ndarray:
    """The .npy array over a read-only shared mapping advised MADV_RANDOM, after dropping the file's
    cached pages that nobody maps (so the kernel's fault-around finds no cached neighbours)."""
    header = np.load(path, mmap_mode="r")       # shape, dtype and data offset; no table page read
    shape, dtype, offset, ordered = header.shape, header.dtype, header.offset, header.flags.c_contiguous
    del header
    if not ordered:
        raise ValueError(f"{path}: not a C-ordered array")
    with open(path, "rb") as f:
        _drop_cached_pages(f.fileno())
        mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):        # Linux and most Unixes
        mapping.madvise(mmap.MADV_RANDOM)
    return np.frombuffer(mapping, dtype=dtype, count=int(np.prod(shape)), offset=offset).reshape(shape)


def _shared_value(path: Path, digest: str):
    """One mapping and OrtValue per distinct table in this process."""
    import onnxruntime as ort

    with _SHARED_LOCK:
        if digest not in _SHARED:
            array = _map_for_random_reads(path)
            _SHARED[digest] = (array, ort.OrtValue.ortvalue_from_numpy(array))
        return _SHARED[digest][1]


def mapped_initializers(model_path: Path) -> dict:
    """name → OrtValue over a read-only mapping, for SessionOptions.add_initializer; a table with
    the same contents as one already mapped in this process reuses that mapping (kept for the
    process's life)."""
    folder, manifest = _ensure_manifest(model_path)
    return {name: _shared_value(folder / f"{i}.npy", digest)
            for i, (name, digest) in enumerate(zip(manifest["names"], manifest["sha256"]))}
