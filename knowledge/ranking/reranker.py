"""A linear reranker over knowledge.ranking.features: score = features · weights, trained listwise
(softmax over each question's candidates) in the lab and shipped as a small JSON file."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from knowledge.ranking.features import FEATURES


class RerankerFileError(ValueError):
    """The reranker file is malformed or was trained with other features."""


class LinearReranker:
    def __init__(self, weights: dict[str, float], meta: dict | None = None):
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise RerankerFileError(f"reranker weights for unknown features: {sorted(unknown)}")
        self.weights = {name: float(weights.get(name, 0.0)) for name in FEATURES}
        self.vector = np.array([self.weights[n] for n in FEATURES], dtype=np.float32)
        self.meta = meta or {}

    @property
    def uses_dense(self) -> bool:
        """False for a reranker trained without article vectors: the dense sides are then skipped."""
        return any(self.weights[n] != 0 for n in ("dense", "dense_norm", "adapted", "adapted_norm", "law_dense",
                                                  "law_adapted"))

    def scores(self, features: np.ndarray) -> np.ndarray:
        """(n, c, F) features → (n, c) scores."""
        return features @ self.vector

    def order(self, features: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Candidates re-sorted best first; padding (−1) stays last. Ties keep candidate order, so
        the result is deterministic."""
        s = np.where(candidates >= 0, self.scores(features), -np.inf)
        idx = np.argsort(-s, axis=1, kind="stable")
        return np.take_along_axis(candidates, idx, axis=1)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"features": list(FEATURES), "weights": self.weights, "meta": self.meta},
                                   ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "LinearReranker":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(data["weights"], data.get("meta"))
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise RerankerFileError(f"{path}: not a reranker file ({exc})") from exc
