"""What the ranker learned from known lay questions (the STARD dev share): how often each article
answered one (priors) and the questions themselves as e5 vectors with their gold articles
(neighbour votes). Stored by (law, article id), resolved to index positions when bound to an index."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

ArticleKey = tuple[str, str]      # (law short title, article id)
# pseudo-answers per law: 1.0 scores the same as 0.1 on held-out STARD folds (R@10 0.614 both) but
# penalises laws the share never asked about (工伤保险条例 …) far less: log 2 instead of log 11
SMOOTH = 1.0


class KnownFileError(ValueError):
    """A learned-data file is malformed."""


def key_text(key: ArticleKey) -> str:
    return f"{key[0]}|{key[1]}"


def parse_key(text: str) -> ArticleKey:
    law, sep, article = text.rpartition("|")
    if not sep or not law or not article:
        raise KnownFileError(f"bad article key {text!r} (expected 'law|article')")
    return law, article


@dataclass
class AnswerCounts:
    """How many known questions each article answered."""

    counts: dict[ArticleKey, int]

    def save(self, path: Path) -> None:
        data = {key_text(k): v for k, v in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "AnswerCounts":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls({parse_key(k): int(v) for k, v in data.items()})
        except (AttributeError, ValueError, TypeError) as exc:
            raise KnownFileError(f"{path}: not an answer-count file ({exc})") from exc

    def at(self, position_of: dict[ArticleKey, int], n: int) -> np.ndarray:
        """Counts per index position (0 for articles no known question cited)."""
        out = np.zeros(n, dtype=np.float32)
        for key, count in self.counts.items():
            p = position_of.get(key)
            if p is not None:
                out[p] = count
        return out


def article_prior(counts: np.ndarray) -> np.ndarray:
    """log(1 + answer count) per article."""
    return np.log1p(counts).astype(np.float32)


def law_prior(counts: np.ndarray, law_code: np.ndarray) -> np.ndarray:
    """Per article: log (smoothed) share of known answers that fall in its law."""
    n_laws = int(law_code.max()) + 1 if len(law_code) else 0
    per_law = np.bincount(law_code, weights=counts, minlength=n_laws)
    share = (per_law + SMOOTH) / (per_law.sum() + SMOOTH * n_laws)
    return np.log(share)[law_code].astype(np.float32)


@dataclass
class KnownQuestions:
    """Known questions as query vectors of one embedding model, with their gold articles."""

    vectors: np.ndarray                  # (n, dim) float32, L2-normalised
    gold: list[list[ArticleKey]]
    model_id: str

    def save(self, path: Path) -> None:
        flat = [key_text(k) for g in self.gold for k in g]
        offsets = np.cumsum([0] + [len(g) for g in self.gold])
        np.savez_compressed(path, vectors=self.vectors.astype(np.float16), gold=np.array(flat),
                            offsets=offsets, model_id=np.array(self.model_id))

    @classmethod
    def load(cls, path: Path) -> "KnownQuestions":
        try:
            with np.load(path, allow_pickle=False) as z:
                flat = [parse_key(str(s)) for s in z["gold"]]
                offsets = z["offsets"]
                gold = [flat[offsets[i]:offsets[i + 1]] for i in range(len(offsets) - 1)]
                vectors = z["vectors"].astype(np.float32)
                if len(gold) != len(vectors):
                    raise KnownFileError(f"{path}: {len(vectors)} vectors but {len(gold)} gold lists")
                return cls(vectors, gold, str(z["model_id"]))
        except (KeyError, OSError, ValueError) as exc:
            raise KnownFileError(f"{path}: not a known-questions file ({exc})") from exc

    def gold_matrix(self, position_of: dict[ArticleKey, int], n: int) -> sparse.csr_matrix:
        """(n_known, n) 0/1: the gold articles that exist in the bound index."""
        rows, cols = [], []
        for i, keys in enumerate(self.gold):
            for key in keys:
                p = position_of.get(key)
                if p is not None:
                    rows.append(i)
                    cols.append(p)
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(self.gold), n))
