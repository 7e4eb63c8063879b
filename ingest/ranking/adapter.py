"""Training the query adapter (knowledge.ranking.adapter) on (question, gold article) pairs.

Softmax cross-entropy of each training question over all training gold articles plus, each step,
a random sample of hard negatives (the union of every training question's dense top 10); torch on
CPU, full batch, AdamW, a fixed number of steps (no peeking at the held-out fold).

Training questions get cross-fitted adapted scores (two halves, each adapted by the other's
adapter), so the reranker learns how far to trust the adapter on questions it has not seen."""
from __future__ import annotations

import numpy as np

from knowledge.ranking.adapter import QueryAdapter

RANK = 64
STEPS = 100
HARD = 10           # dense top-k of each training question in the negative pool
SAMPLE = 1024       # negatives per step
TEMPERATURE = 0.05


def train_adapter(query_vecs: np.ndarray, gold: list[list[int]], article_vecs: np.ndarray,
                  dense: np.ndarray, model_id: str, rank: int = RANK, steps: int = STEPS,
                  weight_decay: float = 1e-2, lr: float = 3e-3, seed: int = 0) -> QueryAdapter:
    import torch

    torch.set_num_threads(2)
    keep = [i for i, g in enumerate(gold) if g]
    positives = np.unique(np.array([p for i in keep for p in gold[i]]))
    top = np.argpartition(-dense[keep], HARD, axis=1)[:, :HARD]
    negatives = np.setdiff1d(np.unique(top.ravel()), positives)
    columns = {int(p): j for j, p in enumerate(positives)}
    target = np.zeros((len(keep), len(positives)), dtype=np.float32)
    for r, i in enumerate(keep):
        for p in gold[i]:
            target[r, columns[p]] = 1.0 / len(gold[i])
    rng = np.random.default_rng(seed)
    g = torch.Generator().manual_seed(seed)
    Q = torch.from_numpy(query_vecs[keep])
    P = torch.from_numpy(article_vecs[positives])
    T = torch.from_numpy(np.concatenate([target, np.zeros((len(keep), SAMPLE), np.float32)], axis=1))
    dim = Q.shape[1]
    down = torch.nn.Parameter(torch.randn(dim, rank, generator=g) * 0.01)
    up = torch.nn.Parameter(torch.zeros(rank, dim))
    opt = torch.optim.AdamW([down, up], lr=lr, weight_decay=weight_decay)
    for _ in range(steps):
        sample = rng.choice(negatives, size=min(SAMPLE, len(negatives)), replace=False)
        A = torch.cat([P, torch.from_numpy(article_vecs[sample])])
        opt.zero_grad()
        q = Q + (Q @ down) @ up
        q = q / q.norm(dim=1, keepdim=True)
        logits = (q @ A.T) / TEMPERATURE
        loss = -(T[:, :A.shape[0]] * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
        loss.backward()
        opt.step()
    return QueryAdapter(down.detach().numpy(), up.detach().numpy(), model_id)


def fold_adapter(data, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Adapted dense score rows for the training and the held-out questions of one fold."""
    def fit(rows: np.ndarray):
        return train_adapter(data.query_vecs[rows], [data.gold[i] for i in rows], data.article_vecs,
                             data.dense[rows], model_id="lab")

    A = data.article_vecs
    halves = [train[0::2], train[1::2]]
    train_scores = np.empty((len(train), A.shape[0]), dtype=np.float32)
    for mine, other in ((0, 1), (1, 0)):
        adapted = fit(halves[other]).adapt(data.query_vecs[halves[mine]]) @ A.T
        train_scores[mine::2] = adapted
    return train_scores, fit(train).adapt(data.query_vecs[test]) @ A.T
