"""Train the shipped ranking data on the whole dev share and write it to knowledge/ranking/learned/:
reranker.json, answer_counts.json, known_questions.npz, query_adapter.npz.

    python -m evals.lab.export

The held-out quality of exactly this recipe is what `python -m evals.lab.run` reports (k-fold);
this step only refits it on all questions."""
from __future__ import annotations

import argparse
import logging
from collections import Counter
from pathlib import Path

import numpy as np

from evals.lab.adapter import fold_adapter, train_adapter
from evals.lab.run import DENSE_FEATURES, ROOT, SHARED, fold_features, load_lab
from evals.lab.training import SHIPPED_FEATURES, fit_shipped
from knowledge.ranking.known import AnswerCounts, KnownQuestions
from knowledge.ranking.pipeline import ADAPTER_FILE, COUNTS_FILE, KNOWN_FILE, LEARNED_DIR, RERANKER_FILE

log = logging.getLogger("evals.lab")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--laws", type=Path, default=SHARED / "laws")
    parser.add_argument("--questions", type=Path, default=SHARED / "evals" / "stard" / "devshare.jsonl")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--out", type=Path, default=LEARNED_DIR)
    parser.add_argument("--subset-with-vectors", action="store_true",
                        help="train on the articles already embedded (while the ingest is still running)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    from knowledge.embeddings import load_embedder

    model_id = load_embedder().model_id
    data = load_lab(args.laws, args.questions, args.data_dir, subset_with_vectors=args.subset_with_vectors)
    if data.dense is None:
        log.warning("no article vectors yet: exporting without the dense side and the adapter")
    corpus = data.corpus
    everyone = np.arange(len(data.questions))
    keys = [[(corpus.laws[p], corpus.article_ids[p]) for p in q.gold] for q in data.questions]
    args.out.mkdir(parents=True, exist_ok=True)

    AnswerCounts(dict(Counter(k for ks in keys for k in ks))).save(args.out / COUNTS_FILE)
    KnownQuestions(data.query_vecs, keys, model_id).save(args.out / KNOWN_FILE)
    cross_fitted = None
    if data.dense is not None:
        train_adapter(data.query_vecs, data.gold, data.article_vecs, data.dense, model_id).save(args.out / ADAPTER_FILE)
        cross_fitted, _ = fold_adapter(data, everyone, everyone[:1])
    else:
        (args.out / ADAPTER_FILE).unlink(missing_ok=True)
    features, candidates = fold_features(data, everyone, everyone, cross_fitted, True)
    allowed = tuple(f for f in SHIPPED_FEATURES if data.dense is not None or f not in DENSE_FEATURES)
    model = fit_shipped(features, candidates, data.gold, allowed)
    model.meta.update({"questions": len(data.questions), "corpus": corpus.source, "model_id": model_id,
                       "dense": data.dense is not None})
    model.save(args.out / RERANKER_FILE)
    for name in (RERANKER_FILE, COUNTS_FILE, KNOWN_FILE, ADAPTER_FILE):
        if (args.out / name).exists():
            log.info("%-22s %7.1f KB", name, (args.out / name).stat().st_size / 1024)


if __name__ == "__main__":
    main()
