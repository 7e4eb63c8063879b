"""The reranker over knowledge.ranking.features: a linear score plus, optionally, a small hidden
layer (residual MLP) over some of the features:

    score = features · weights + relu(clip((features[inputs] − mean) / scale, ±5) · W + b) · v

trained listwise (softmax over each question's candidates) in the lab and shipped as a small JSON
file. The hidden layer sees only the features named in `inputs` (the lab leaves the known-question
neighbour features out of it: non-linear use of those learns STARD's topic mix)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.ranking.features import FEATURES

DENSE_FEATURES = ("dense", "dense_norm", "adapted", "adapted_norm", "law_dense", "law_adapted", "chapter_dense",
                  "chapter_adapted")


CLIP = 5.0      # standardised hidden-layer inputs are clipped to ±CLIP (values never seen in training)


class RerankerFileError(ValueError):
    """The reranker file is malformed or was trained with other features."""


@dataclass
class HiddenLayer:
    inputs: tuple[str, ...]
    mean: np.ndarray        # (k,)
    scale: np.ndarray       # (k,)
    W: np.ndarray           # (k, h)
    b: np.ndarray           # (h,)
    v: np.ndarray           # (h,)

    def __post_init__(self):
        unknown = set(self.inputs) - set(FEATURES)
        if unknown:
            raise RerankerFileError(f"hidden layer inputs are unknown features: {sorted(unknown)}")
        self.mean, self.scale, self.W, self.b, self.v = (np.asarray(a, dtype=np.float32) for a in
                                                         (self.mean, self.scale, self.W, self.b, self.v))
        k, h = len(self.inputs), len(self.b)
        if self.mean.shape != (k,) or self.scale.shape != (k,) or self.W.shape != (k, h) or self.v.shape != (h,):
            raise RerankerFileError(f"hidden layer shapes do not fit {k} inputs and {h} units")
        if (self.scale <= 0).any():
            raise RerankerFileError("hidden layer scales must be positive")
        self.columns = np.array([FEATURES.index(n) for n in self.inputs], dtype=np.int64)

    def scores(self, features: np.ndarray) -> np.ndarray:
        z = np.clip((features[..., self.columns] - self.mean) / self.scale, -CLIP, CLIP)
        # einsum, not BLAS: a multi-threaded BLAS call costs more than this tiny product on a busy CPU
        hidden = np.maximum(np.einsum("nck,kh->nch", z, self.W) + self.b, 0.0)
        return np.einsum("nch,h->nc", hidden, self.v)

    def to_json(self) -> dict:
        return {"inputs": list(self.inputs), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "W": self.W.tolist(), "b": self.b.tolist(), "v": self.v.tolist()}


class LinearReranker:
    def __init__(self, weights: dict[str, float], meta: dict | None = None, hidden: HiddenLayer | None = None):
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise RerankerFileError(f"reranker weights for unknown features: {sorted(unknown)}")
        self.weights = {name: float(weights.get(name, 0.0)) for name in FEATURES}
        self.vector = np.array([self.weights[n] for n in FEATURES], dtype=np.float32)
        self.hidden = hidden
        self.meta = meta or {}
        self.used = frozenset(n for n in FEATURES if self.uses(n))

    def uses(self, feature: str) -> bool:
        return self.weights[feature] != 0 or (self.hidden is not None and feature in self.hidden.inputs)

    @property
    def uses_dense(self) -> bool:
        """False for a reranker trained without article vectors: the dense sides are then skipped."""
        return any(self.uses(n) for n in DENSE_FEATURES)

    def scores(self, features: np.ndarray) -> np.ndarray:
        """(n, c, F) features → (n, c) scores."""
        out = features @ self.vector
        return out if self.hidden is None else out + self.hidden.scores(features)

    def order(self, features: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Candidates re-sorted best first; padding (−1) stays last. Ties keep candidate order, so
        the result is deterministic."""
        s = np.where(candidates >= 0, self.scores(features), -np.inf)
        idx = np.argsort(-s, axis=1, kind="stable")
        return np.take_along_axis(candidates, idx, axis=1)

    def save(self, path: Path) -> None:
        data = {"features": list(FEATURES), "weights": self.weights, "meta": self.meta}
        if self.hidden is not None:
            data["hidden"] = self.hidden.to_json()
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "LinearReranker":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            hidden = data.get("hidden")
            if hidden is not None:
                hidden = HiddenLayer(tuple(hidden["inputs"]), hidden["mean"], hidden["scale"], hidden["W"],
                                     hidden["b"], hidden["v"])
            return cls(data["weights"], data.get("meta"), hidden)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, RerankerFileError):
                raise
            raise RerankerFileError(f"{path}: not a reranker file ({exc})") from exc
