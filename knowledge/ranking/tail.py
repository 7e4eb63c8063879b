"""The final list below the top 10: the reranker's order, with a few slots kept for the articles that
answered the nearest known questions (they reach gold the reranker ranks past 100). Held out
(evals.lab.fill): 5 nearest questions, 10 slots raise R@100 on interleaved folds (+0.004) and leave
blocked ones as they were; more slots or more questions help interleaved folds more and hurt
blocked ones (topic-shifted questions have no truly near known question). The top `keep` are never
changed."""
from __future__ import annotations

import numpy as np

KEEP = 10           # positions the reranker alone decides
RESERVE = 10        # at most this many of the positions below KEEP go to proposals …
EVERY = 9           # … one in every 9 (positions 19, 28, …, 100 of a 100-long list)
NEAREST = 5         # proposals: gold articles of this many nearest known questions, nearest first


def proposals_from_neighbours(similarities: np.ndarray, neighbour_gold, nearest: int = NEAREST) -> list[int]:
    """Article positions answering the `nearest` most similar known questions, nearest first.
    `similarities` (n_known,); `neighbour_gold` a sparse (n_known, n_articles) 0/1 CSR matrix."""
    m = min(nearest, len(similarities))
    if m == 0:
        return []
    top = np.argpartition(-similarities, m - 1)[:m]
    out: list[int] = []
    for j in top[np.argsort(-similarities[top], kind="stable")]:
        row = neighbour_gold.indices[neighbour_gold.indptr[j]:neighbour_gold.indptr[j + 1]]
        out.extend(int(p) for p in row if int(p) not in out)
    return out


def fill_tail(ranked: np.ndarray, proposals: list[int], depth: int, keep: int = KEEP,
              reserve: int = RESERVE, every: int = EVERY) -> np.ndarray:
    """`ranked`'s first `keep`, then positions keep+1..depth: `ranked` in order, with up to
    `reserve` proposals not listed above at every `every`-th position (the same positions whatever
    `depth` is). Returns at most `depth` positions."""
    head = [int(p) for p in ranked[:keep]]
    slots = depth - len(head)
    if slots <= 0:
        return np.array(head[:depth], dtype=np.int64)
    listed = set(head)
    # only the proposals that get a slot leave their place in the ranked order
    extra = [p for p in proposals if p not in listed][:min(reserve, slots // every)]
    taken = set(extra)
    rest = [int(p) for p in ranked[keep:depth + len(extra)] if int(p) not in taken]
    out = list(head)
    e = r = 0
    for s in range(slots):
        if e < len(extra) and (s % every == every - 1 or r >= len(rest)):
            out.append(extra[e])
            e += 1
        elif r < len(rest):
            out.append(rest[r])
            r += 1
    return np.array(out, dtype=np.int64)
