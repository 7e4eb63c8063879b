"""Timings of the knowledge layer (search stages, query embedding) as Prometheus histograms.

The histograms belong to no registry here: the web app registers them in its own registry
(api.metrics), so importing the knowledge layer in a script or a test registers nothing and two
apps in one process never clash. An observation costs a few microseconds (a lock and a bucket
search), cheap enough for the search hot path."""
from __future__ import annotations

from prometheus_client import Histogram

# 0.5 ms … 2.5 s: a BM25 pass over 147k articles takes a few ms, a cold dense query up to a second
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

RETRIEVAL_STAGE_SECONDS = Histogram(
    "fayuan_retrieval_stage_seconds",
    "Knowledge search, by stage: lexical (one BM25 pass), dense (one Chroma ANN query; the query "
    "embedding is fayuan_query_embedding_seconds), fusion (plain weighted fusion), ranking (lay ranker: "
    "neighbours, features, reranker), hits (catalog rows of the results)",
    ["stage"], buckets=STAGE_BUCKETS, registry=None)

SEARCH_SECONDS = Histogram(
    "fayuan_search_seconds", "One knowledge search (Retriever.search), all stages",
    buckets=STAGE_BUCKETS, registry=None)

QUERY_EMBEDDING_SECONDS = Histogram(
    "fayuan_query_embedding_seconds", "Query embedding calls (embed_queries) of the served model",
    buckets=STAGE_BUCKETS, registry=None)

METRICS = (RETRIEVAL_STAGE_SECONDS, SEARCH_SECONDS, QUERY_EMBEDDING_SECONDS)


def stage_timer(stage: str):
    """Decorator/context manager timing one retrieval stage."""
    return RETRIEVAL_STAGE_SECONDS.labels(stage=stage).time()
