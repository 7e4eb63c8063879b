"""Build the shipped ranking files: train on the whole STARD dev share and write
knowledge/ranking/learned/: query_lora.npz (the tuned query encoder's deltas) and reranker.json
(the reranker over it), query_adapter.npz and reranker_adapter.json (the fallback when the tuned
encoder is not built), answer_counts.json, known_questions.npz.

    python -m ingest.ranking.build          # ~15 minutes on 2 cores (21 fine-tunes of the query encoder)

It needs the national law corpus (../shared/laws), the dev share and the article vectors in the
embedding cache of `--data-dir` (an ingest of that corpus). The held-out quality of exactly these
recipes is measured separately, by `python -m evals.lab.query_lora` (tuned encoder, and the
adapter row) and `python -m evals.lab.run` (k-fold); this step only refits them on all questions."""
from __future__ import annotations

import argparse
import logging
from collections import Counter
from pathlib import Path

import numpy as np

from ingest.ranking.adapter import fold_adapter, train_adapter
from ingest.ranking.data import ROOT, SHARED, fold_features, load_lab
from ingest.ranking.training import SHIPPED_FEATURES, fit_shipped
from knowledge.ranking.known import AnswerCounts, KnownQuestions
from knowledge.ranking.reranker import DENSE_FEATURES
from knowledge.ranking.pipeline import (ADAPTER_FILE, ADAPTER_RERANKER_FILE, COUNTS_FILE, KNOWN_FILE, LEARNED_DIR,
                                        RERANKER_FILE, TUNED_FILE)

LEARNED_FILES = (TUNED_FILE, RERANKER_FILE, ADAPTER_FILE, ADAPTER_RERANKER_FILE, COUNTS_FILE, KNOWN_FILE)

log = logging.getLogger("ingest.ranking")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ingest.ranking.build", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    if data.dense is None:
        for name in (TUNED_FILE, ADAPTER_FILE, ADAPTER_RERANKER_FILE):
            (args.out / name).unlink(missing_ok=True)
        fit_reranker(data, None, model_id, args.out / RERANKER_FILE)
    else:
        from ingest.ranking.query_lora import QueryLoRA, cross_fitted, deltas_of
        from knowledge.embeddings import model_folder

        lora = QueryLoRA(data, model_folder(args.data_dir / "models"))
        deltas_of(lora.fit(everyone), model_id).save(args.out / TUNED_FILE)
        tuned = cross_fitted(lora.vectors, everyone, data.article_vecs.shape[1]) @ data.article_vecs.T
        fit_reranker(data, tuned, model_id, args.out / RERANKER_FILE)
        train_adapter(data.query_vecs, data.gold, data.article_vecs, data.dense, model_id).save(args.out / ADAPTER_FILE)
        adapted, _ = fold_adapter(data, everyone, everyone[:1])
        fit_reranker(data, adapted, model_id, args.out / ADAPTER_RERANKER_FILE)
    for name in LEARNED_FILES:
        if (args.out / name).exists():
            log.info("%-22s %7.1f KB", name, (args.out / name).stat().st_size / 1024)


def fit_reranker(data, adapted, model_id: str, path: Path) -> None:
    """The shipped reranker on all questions, `adapted` (cross-fitted score rows of the training
    questions, or None) as its adapted side."""
    everyone = np.arange(len(data.questions))
    features, candidates = fold_features(data, everyone, everyone, adapted, True)
    allowed = tuple(f for f in SHIPPED_FEATURES if data.dense is not None or f not in DENSE_FEATURES)
    model = fit_shipped(features, candidates, data.gold, allowed)
    model.meta.update({"questions": len(data.questions), "corpus": data.corpus.source, "model_id": model_id,
                       "dense": data.dense is not None})
    model.save(path)


if __name__ == "__main__":
    main()
