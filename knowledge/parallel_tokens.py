"""BM25 tokens for many texts on every core: a cold ingest of the whole statute folder tokenises
~147,000 texts with jieba, about 80 s on one core, and the first answers wait for it. Worker
processes are spawned (not forked: the ingest may run beside threads) and each builds its own
LegalTokenizer over the same user words, so the tokens are exactly the single-process ones."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable

CHUNK = 2000          # texts per task: small enough for progress, large enough to amortise pickling

_worker_tokenizer = None


def _start_worker(user_words: list[str]) -> None:
    global _worker_tokenizer
    from knowledge.lexical import LegalTokenizer

    _worker_tokenizer = LegalTokenizer(user_words)


def _tokens_of(texts: list[str]) -> list[list[str]]:
    return [_worker_tokenizer.tokens(t) for t in texts]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tokens_in_parallel(texts: list[str], user_words: list[str], workers: int,
                       progress: Callable[[int], None] | None = None) -> list[list[str]]:
    """The tokens of each text, in order, from `workers` spawned processes."""
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    out: list[list[str]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                             initializer=_start_worker, initargs=(user_words,)) as pool:
        for chunk, tokens in zip(chunks, pool.map(_tokens_of, chunks)):
            out += tokens
            if progress:
                progress(len(chunk))
    return out
