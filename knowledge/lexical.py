"""BM25 over jieba tokens with a legal user dictionary and a stop-word list (bm25s).

Index text = law short title + 编/章/节 headings + article text (case: title + section name +
text). Tokens are cached per text so a small change re-tokenises only its own documents."""
from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import bm25s
import jieba
import numpy as np

from knowledge.telemetry import stage_timer

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "lexicon"
PARALLEL_FROM = 20000      # new texts from which tokenising is spread over worker processes
_TOKEN_RE = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9]")   # a token must carry a letter, digit or hanzi

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    words = (DATA / "stopwords.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith("#"))


def legal_terms() -> list[str]:
    return [w.strip() for w in (DATA / "legal_terms.txt").read_text(encoding="utf-8").splitlines()
            if w.strip() and not w.startswith("#")]


def _tokenizer_on_the_default_dictionary() -> jieba.Tokenizer:
    """A jieba.Tokenizer of its own whose dictionary is a copy of the default one (jieba.dt's,
    which the chat's grounding loads anyway): the words and counts are shared, only the hash table
    is this tokenizer's (≈ 20 MB instead of a second 53 MB dictionary). Same contents as its own
    `initialize()` would read."""
    jieba.dt.initialize()
    tokenizer = jieba.Tokenizer()
    with jieba.dt.lock:
        tokenizer.FREQ, tokenizer.total = dict(jieba.dt.FREQ), jieba.dt.total
    tokenizer.initialized = True
    return tokenizer


class LegalTokenizer:
    """jieba search-mode tokens (words plus their sub-words), stop words and punctuation dropped.

    Its own jieba.Tokenizer, so our user words never leak into other users of jieba."""

    def __init__(self, extra_words: Iterable[str] = ()):
        self._jieba = _tokenizer_on_the_default_dictionary()
        self.user_words = sorted({*legal_terms(), *(w for w in extra_words if 2 <= len(w) <= 20)})
        for word in self.user_words:
            self._jieba.add_word(word, freq=20000)
        self._stop = stop_words()

    def tokens(self, text: str) -> list[str]:
        return [t for t in self._jieba.cut_for_search(text)
                if t not in self._stop and _TOKEN_RE.search(t)]


def index_text(title: str, path: list[str], text: str) -> str:
    return " ".join([title, *path, text])


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class LexicalIndex:
    """BM25 scores over the documents of one generation, in DocMeta order."""

    DIR = "lexical"

    def __init__(self, bm25: bm25s.BM25, tokenizer: LegalTokenizer,
                 token_cache: dict[str, list[str]] | None = None):
        self.bm25 = bm25
        self.tokenizer = tokenizer
        self.token_cache = token_cache or {}    # text sha1 -> tokens, saved for the next ingest

    @classmethod
    def build(cls, texts: list[str], tokenizer: LegalTokenizer, token_cache: dict[str, list[str]],
              progress: Callable[[int], None] | None = None, *, workers: int | None = None,
              parallel_from: int = PARALLEL_FROM) -> "LexicalIndex":
        """Index `texts` (already index_text()-formatted), reusing tokens from `token_cache`
        (text sha1 → tokens) of the previous generation. When at least `parallel_from` texts are
        new (a cold ingest), they are tokenised by `workers` processes (default: every core)."""
        from knowledge.parallel_tokens import default_workers, tokens_in_parallel

        keys = [_text_key(text) for text in texts]
        used: dict[str, list[str]] = {}
        new: dict[str, str] = {}
        for key, text in zip(keys, texts):
            if key in token_cache:
                used[key] = token_cache[key]
            else:
                new.setdefault(key, text)
        if progress:
            progress(len(texts) - len(new))
        workers = workers or default_workers()
        reported = 0

        def report(n: int) -> None:
            nonlocal reported
            reported += n
            if progress:
                progress(n)

        if len(new) >= parallel_from and workers > 1:
            try:
                used.update(zip(new, tokens_in_parallel(list(new.values()), tokenizer.user_words, workers, report)))
            except (BrokenProcessPool, OSError) as exc:
                # e.g. a script without `if __name__ == "__main__":` (spawned workers re-run it)
                log.warning("tokenising in worker processes failed (%s): tokenising in this process", exc)
        for i, (key, text) in enumerate(t for t in new.items() if t[0] not in used):
            used[key] = tokenizer.tokens(text)
            if i >= reported:
                report(1)
        corpus_tokens = [used[key] for key in keys]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index(corpus_tokens, show_progress=False)
        return cls(bm25, tokenizer, used)

    @stage_timer("lexical")
    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document (0 where no query token occurs)."""
        tokens = self.tokenizer.tokens(query)
        if not tokens:
            return np.zeros(self.bm25.scores["num_docs"], dtype=np.float32)
        return self.bm25.get_scores(tokens)

    def save(self, folder: Path) -> None:
        target = folder / self.DIR
        target.mkdir(parents=True, exist_ok=True)
        self.bm25.save(str(target))
        (target / "user_words.json").write_text(json.dumps(self.tokenizer.user_words, ensure_ascii=False),
                                                encoding="utf-8")
        with open(target / "tokens.pkl", "wb") as fh:
            pickle.dump(self.token_cache, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        target = folder / cls.DIR
        words = json.loads((target / "user_words.json").read_text(encoding="utf-8"))
        # memory-mapped: a query reads only its tokens' columns; the pages are shared between
        # worker processes through the page cache instead of a private copy in each
        bm25 = bm25s.BM25.load(str(target), mmap=True)
        return cls(bm25, LegalTokenizer(words))

    @staticmethod
    def load_token_cache(folder: Path) -> dict[str, list[str]]:
        path = folder / LexicalIndex.DIR / "tokens.pkl"
        if not path.exists():
            return {}
        with open(path, "rb") as fh:
            return pickle.load(fh)
