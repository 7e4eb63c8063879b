"""Ranking components the retriever uses on top of BM25 + dense (issue #3)."""
