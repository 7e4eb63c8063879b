"""The build of the shipped ranking files (knowledge/ranking/learned/): `python -m ingest.ranking.build`.
Its parts (the training corpus, questions, score matrices, the reranker and query-encoder fits)
are also what the lab's held-out measurements (evals.lab) refit per fold."""
