"""The final list below the top 20: the reranker's order, with a few slots kept for articles that
other rules propose (the reranker ranks them past 100 too often):

- the articles that answered the nearest known questions;
- then the articles just before and after each of the top 10 in their law version (gold is often
  the article next to the one the question's words match: 第三十八条 after 第三十七条).

Held out (5 folds, soup-of-five encoder, 2026-11-29 session 11; R@100 interleaved / blocked): no
slots 0.9116 / 0.8640; neighbour gold, 10 slots after a kept top 10 (shipped before) 0.9177 /
0.8668; this rule 0.9191 / 0.8683, and the top 20 are the reranker's alone (R@20 0.7819 / 0.6838,
as without any slots). Other slot counts and orders moved R@100 by ±0.002 around that, within
noise. More nearest questions help interleaved folds and hurt blocked ones (topic-shifted questions
have no truly near known question)."""
from __future__ import annotations

import numpy as np

KEEP = 20           # positions the reranker alone decides
RESERVE = 10        # at most this many of the positions below KEEP go to proposals …
EVERY = 8           # … one in every 8 (positions 28, 36, …, 100 of a 100-long list)
NEAREST = 5         # proposals: gold articles of this many nearest known questions, nearest first
ADJACENT_OF = 10    # … then the previous and next article of each of the reranker's top this many


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


def proposals_from_adjacent(ranked: np.ndarray, adjacent: np.ndarray, head: int = ADJACENT_OF) -> list[int]:
    """The previous and next article (in their law version) of each of `ranked`'s first `head`, in
    that order, leaving out those among the first `head` themselves. `adjacent` (n_articles, 2):
    previous and next position, −1 where none (knowledge.ranking.features.adjacent_positions)."""
    top = [int(p) for p in ranked[:head]]
    listed = set(top)
    out: list[int] = []
    for p in top:
        for q in adjacent[p]:
            q = int(q)
            if q >= 0 and q not in listed:
                listed.add(q)
                out.append(q)
    return out


def tail_proposals(ranked: np.ndarray, near: list[int], adjacent: np.ndarray) -> list[int]:
    """Every proposal for the slots, in priority order: `near` (the nearest known questions' gold
    articles, proposals_from_neighbours; [] without known questions), then adjacent articles."""
    seen = set(near)
    return near + [p for p in proposals_from_adjacent(ranked, adjacent) if p not in seen]


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
