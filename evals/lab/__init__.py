"""Retrieval lab: an in-process harness that loads the national corpus, its vectors and the STARD
dev share once, then scores retrieval pipelines with vectorised numpy and honest k-fold splits.

    python -m evals.lab.run            # ablation table, held-out folds

It measures; the shipped ranking files are built by `python -m ingest.ranking.build`, whose parts
(ingest/ranking/) the lab refits per fold.
"""
