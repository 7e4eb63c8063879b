"""Query adapter: a low-rank residual map on e5 query vectors, q' = normalise(q + (q·U)·V),
trained so lay questions land nearer the articles that answer them (knowledge/learned/, a few
hundred KB). Tied to the embedding model it was trained with: another model id disables it."""
from __future__ import annotations

from pathlib import Path

import numpy as np


class AdapterFileError(ValueError):
    """The adapter file is malformed."""


class QueryAdapter:
    def __init__(self, down: np.ndarray, up: np.ndarray, model_id: str):
        if down.ndim != 2 or up.ndim != 2 or down.shape[1] != up.shape[0] or down.shape[0] != up.shape[1]:
            raise AdapterFileError(f"adapter shapes do not fit: down {down.shape}, up {up.shape}")
        self.down = down.astype(np.float32)
        self.up = up.astype(np.float32)
        self.model_id = model_id

    @property
    def dim(self) -> int:
        return self.down.shape[0]

    def adapt(self, query_vecs: np.ndarray) -> np.ndarray:
        """(n, dim) L2-normalised vectors → adapted, L2-normalised (n, dim)."""
        q = np.atleast_2d(query_vecs).astype(np.float32)
        # einsum, not BLAS: a multi-threaded BLAS call costs tens of ms for one query on a busy CPU
        out = q + np.einsum("nr,rd->nd", np.einsum("nd,dr->nr", q, self.down), self.up)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def save(self, path: Path) -> None:
        np.savez_compressed(path, down=self.down.astype(np.float16), up=self.up.astype(np.float16),
                            model_id=np.array(self.model_id))

    @classmethod
    def load(cls, path: Path) -> "QueryAdapter":
        try:
            with np.load(path, allow_pickle=False) as z:
                return cls(z["down"], z["up"], str(z["model_id"]))
        except (KeyError, ValueError, OSError) as exc:
            raise AdapterFileError(f"{path}: not an adapter file ({exc})") from exc
